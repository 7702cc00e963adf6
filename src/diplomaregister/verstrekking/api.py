"""Recipient API (/api/v1/): look-ups under a stated legal basis, aggregates, and the disclosure log
for supervisors. Thin: the disclosure engine decides what leaves the register and logs it."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.utils.dateparse import parse_datetime
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from diplomaregister.core.problems import problem
from diplomaregister.law.loaders import legal_bases
from diplomaregister.logboek.selectors import entries
from diplomaregister.organisations.auth import HasRole
from diplomaregister.organisations.models import ApiClient
from diplomaregister.register.selectors import person_by_pgn
from diplomaregister.verstrekking.aggregates import aggregate
from diplomaregister.verstrekking.engine import (
    BasisNotAllowed,
    OutOfScope,
    Requester,
    disclose_diplomas,
)
from diplomaregister.verstrekking.serializers import (
    AggregateRequestSerializer,
    DisclosureSerializer,
    LogEntrySerializer,
    LookupRequestSerializer,
)


def requester_of(request: Request) -> Requester:
    client = cast(ApiClient, request.auth)
    return Requester(kind="organisation", organisation=client.organisation,
                     label=client.organisation.name, client_id=client.pk)  # fmt: skip


def _refused(error: Exception) -> Response:
    return problem(403, "Not allowed under this legal basis.", str(error), code="basis")


class LookupView(APIView):
    permission_classes = [HasRole.of("recipient")]

    @extend_schema(operation_id="verstrekking_diplomas", request=LookupRequestSerializer,
                   responses={200: DisclosureSerializer})  # fmt: skip
    def post(self, request: Request) -> Response:
        """A person's documents under a stated basis: only the fields that basis allows, pseudonymised
        where it says so; every call is logged and shown to the holder."""
        body = LookupRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        requester, basis = requester_of(request), body.validated_data["basis"]
        person = person_by_pgn(body.validated_data["persoonsgebonden_nummer"])
        rule = legal_bases().get(basis)
        if person is None:
            # Scoped bases answer "unknown" and "not yours" alike, so existence does not leak.
            if rule is not None and rule.scope in ("own_students", "awarded_by_self"):
                return _refused(OutOfScope("The person is not within this basis for you."))
            return problem(404, "No person with this number in the register.", code="not_found")
        try:
            result = disclose_diplomas(
                requester=requester, basis=basis, subject=person, channel="api"
            )
        except OutOfScope:
            return _refused(OutOfScope("The person is not within this basis for you."))
        except BasisNotAllowed as error:
            return _refused(error)
        return Response({"trace_id": result.trace_id, "basis": basis, "subject": result.subject,
                         "records": result.records})  # fmt: skip


class AggregateView(APIView):
    permission_classes = [HasRole.of("recipient")]

    @extend_schema(operation_id="verstrekking_aggregaten", request=AggregateRequestSerializer,
                   responses={200: dict})  # fmt: skip
    def post(self, request: Request) -> Response:
        """Counts of current documents for bases that allow aggregates; cells under 10 suppressed."""
        body = AggregateRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            return Response(aggregate(requester=requester_of(request), **body.validated_data))
        except BasisNotAllowed as error:
            return _refused(error)


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
        since, until = params.get("vanaf"), params.get("tot")
        return entries(
            basis=params.get("basis"), recipient=params.get("ontvanger"), outcome=params.get("uitkomst"),
            since=parse_datetime(since) if since else None, until=parse_datetime(until) if until else None,
        )  # fmt: skip
