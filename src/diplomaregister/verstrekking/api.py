"""Recipient API (/api/v1/): look-ups under a stated legal basis, aggregates, and the disclosure log
for supervisors. Thin: the disclosure engine decides what leaves the register and logs it."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.utils.dateparse import parse_datetime
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from diplomaregister.core.problems import problem
from diplomaregister.logboek.selectors import entries
from diplomaregister.organisations.auth import HasRole
from diplomaregister.organisations.models import ApiClient
from diplomaregister.verstrekking.engine import (
    NOT_DISCLOSED,
    NotDisclosed,
    Requester,
    disclose,
    disclose_aggregate,
)
from diplomaregister.verstrekking.serializers import (
    AggregateRequestSerializer,
    DisclosureSerializer,
    LogEntrySerializer,
    LookupRequestSerializer,
)

REFUSED = OpenApiResponse(description="Not disclosed or not allowed (problem details).")


def requester_of(request: Request) -> Requester:
    client = cast(ApiClient, request.auth)
    return Requester(kind="organisation", organisation=client.organisation,
                     label=client.organisation.name, client_id=client.pk)  # fmt: skip


def not_disclosed() -> Response:
    """One answer for an unknown person, a person outside the scope and a basis the client is not
    bound to: same status, body and headers (no existence oracle)."""
    return problem(403, "Not disclosed.", NOT_DISCLOSED, code="not_disclosed")


class LookupView(APIView):
    permission_classes = [HasRole.of("recipient")]

    @extend_schema(operation_id="verstrekking_diplomas", request=LookupRequestSerializer,
                   responses={200: DisclosureSerializer, 403: REFUSED})  # fmt: skip
    def post(self, request: Request) -> Response:
        """A person's documents under a stated basis: only the fields that basis allows; every call
        is logged and shown to the holder. An unknown person, a person outside the basis's scope
        and a basis the client may not use all get the same 403."""
        body = LookupRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        basis = body.validated_data["basis"]
        try:
            result = disclose(
                requester=requester_of(request), basis=basis, channel="api",
                subject=body.validated_data["persoonsgebonden_nummer"],
                application=body.validated_data.get("aanvraag") or None,
            )  # fmt: skip
        except NotDisclosed:
            return not_disclosed()
        return Response({"trace_id": result.trace_id, "basis": basis, "subject": result.subject,
                         "records": result.records})  # fmt: skip


class AggregateView(APIView):
    permission_classes = [HasRole.of("recipient")]

    @extend_schema(operation_id="verstrekking_aggregaten", request=AggregateRequestSerializer,
                   responses={200: dict, 403: REFUSED})  # fmt: skip
    def post(self, request: Request) -> Response:
        """The basis's one published table (counts of current documents by sector, kind and year;
        cells under the threshold suppressed)."""
        body = AggregateRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            return Response(
                disclose_aggregate(requester=requester_of(request), **body.validated_data)
            )
        except NotDisclosed as error:
            return problem(403, "Not allowed under this legal basis.", error.reason, code="basis")


class DisclosureLogView(generics.ListAPIView):
    """The disclosure log for supervisors (a role, not recipients): filter by basis, recipient code,
    outcome and time; cursor-paginated. Subjects appear only as keyed hashes."""

    permission_classes = [HasRole.of("supervisor")]
    serializer_class = LogEntrySerializer

    @extend_schema(operation_id="disclosure_log", parameters=[
        OpenApiParameter("basis", str), OpenApiParameter("ontvanger", str), OpenApiParameter("uitkomst", str),
        OpenApiParameter("vanaf", dt.datetime), OpenApiParameter("tot", dt.datetime),
    ])  # fmt: skip
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        params = self.request.query_params
        return entries(
            basis=params.get("basis"), recipient=params.get("ontvanger"), outcome=params.get("uitkomst"),
            since=_moment(params, "vanaf"), until=_moment(params, "tot"),
        )  # fmt: skip


def _moment(params: Any, name: str) -> dt.datetime | None:
    text = params.get(name)
    if not text:
        return None
    try:
        moment = parse_datetime(text)
    except ValueError:
        moment = None
    if moment is None:
        raise ValidationError({name: ["Use an ISO date-time, e.g. 2025-01-31T00:00:00Z."]})
    return moment
