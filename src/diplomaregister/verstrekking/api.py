"""Recipient API (/api/v1/): look-ups under a stated legal basis, aggregates, and the disclosure log
for supervisors. Thin: the disclosure engine decides what leaves the register and logs it."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
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
                   responses={200: DisclosureSerializer, 403: REFUSED}, parameters=[
        OpenApiParameter("geldigOp", dt.date, description="The documents as valid on this date "
                         "(bases with as_of in law/legal_bases.yaml; others get 403)."),
        OpenApiParameter("bekendOp", dt.datetime, description="The documents as the register knew "
                         "them at this moment (a date: at the end of that day); bases with as_of."),
    ])  # fmt: skip
    def post(self, request: Request) -> Response:
        """A person's documents under a stated basis: only the fields that basis allows; every call
        is logged and shown to the holder. An unknown person, a person outside the basis's scope
        and a basis the client may not use all get the same 403. ``geldigOp`` / ``bekendOp`` (in
        the style of the Haal Centraal APIs) ask for the documents as valid on a date / as known
        at a moment, for bases that allow it."""
        body = LookupRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        basis = body.validated_data["basis"]
        valid_on, known_on = _as_of(request.query_params)
        try:
            result = disclose(
                requester=requester_of(request), basis=basis, channel="api",
                subject=body.validated_data["persoonsgebonden_nummer"],
                application=body.validated_data.get("aanvraag") or None,
                valid_on=valid_on, known_on=known_on,
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


def _as_of(params: Any) -> tuple[dt.date | None, dt.datetime | None]:
    """``geldigOp`` (a date) and ``bekendOp`` (a date-time, or a date: the end of that day)."""
    valid_text, known_text = params.get("geldigOp"), params.get("bekendOp")
    try:
        valid_on = parse_date(valid_text) if valid_text else None
        day = parse_date(known_text) if known_text and len(known_text) == 10 else None
    except ValueError:
        valid_on = day = None
        valid_text = valid_text or "?"
    if valid_text and valid_on is None:
        raise ValidationError({"geldigOp": ["Use an ISO date, e.g. 2023-09-01."]})
    if day is not None:  # as known at the end of that day
        end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time())
        return valid_on, timezone.make_aware(end) - dt.timedelta(microseconds=1)
    known_on = _moment(params, "bekendOp") if known_text else None
    if known_on is not None and timezone.is_naive(known_on):
        known_on = timezone.make_aware(known_on)
    return valid_on, known_on


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
