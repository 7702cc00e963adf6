"""Levering API (/api/v1/): deliveries of many records, single documents, withdrawals, feedback,
file uploads and term monitoring. Thin: the pipeline does the work (levering/pipeline.py)."""

from __future__ import annotations

import hashlib
import logging
import tempfile
from pathlib import Path
from typing import Any, cast

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from diplomaregister.core.problems import problem, violations_as_params
from diplomaregister.levering import files, pipeline
from diplomaregister.levering.idempotency import idempotent
from diplomaregister.levering.models import Delivery, DeliveryRecord
from diplomaregister.levering.serializers import (
    DeliveryRecordSerializer,
    DeliveryRequestSerializer,
    DeliverySerializer,
    EnrolmentSerializer,
    FileUploadSerializer,
    RecordSerializer,
    ResultSerializer,
    TermReportSerializer,
    WithdrawalSerializer,
)
from diplomaregister.levering.terms import term_report
from diplomaregister.organisations.auth import HasRole
from diplomaregister.organisations.models import ApiClient, Organisation
from diplomaregister.register.errors import Violation

logger = logging.getLogger(__name__)
DELIVER = [HasRole.of("deliver")]
IDEMPOTENCY = OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=False,
                               description="A retried request with the same key changes nothing.")  # fmt: skip


def _client(request: Request) -> ApiClient:
    return cast(ApiClient, request.auth)


def _org(request: Request) -> Organisation:
    return _client(request).organisation


def _foreign(request: Request) -> Response:
    logger.warning(
        "client %s refused: delivery for another organisation (art. 22)", _client(request).pk
    )
    return problem(
        403, "A client delivers only for its own organisation (art. 22).", code="organisation"
    )


def _own_organisation(request: Request, named: str | None) -> bool:
    return not named or named == _org(request).code


class DeliveryListView(APIView):
    permission_classes = DELIVER

    @extend_schema(operation_id="levering_create", request=DeliveryRequestSerializer,
                   responses={201: DeliverySerializer}, parameters=[IDEMPOTENCY])  # fmt: skip
    def post(self, request: Request) -> Response:
        """Deliver many documents at once; returns the delivery with counts (per-record feedback
        under /terugkoppeling). Good records are kept when others are rejected."""
        body = DeliveryRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        records: list[dict[str, Any]] = body.validated_data["records"]
        if not _own_organisation(request, body.validated_data.get("organisatie")) or any(
            not _own_organisation(request, str(r.get("organisation") or "")) for r in records
        ):
            return _foreign(request)

        def handle() -> Response:
            delivery = pipeline.start(_org(request), channel="api", client=_client(request))
            delivery = pipeline.run(delivery, records)
            return Response(DeliverySerializer(delivery).data, status=status.HTTP_201_CREATED)

        return idempotent(request, handle)


class DeliveryDetailView(generics.RetrieveAPIView):
    permission_classes = DELIVER
    serializer_class = DeliverySerializer

    def get_queryset(self) -> Any:
        return Delivery.objects.filter(organisation=_org(self.request))


class FeedbackView(generics.ListAPIView):
    """Per-record feedback of a delivery (cursor-paginated; no total count)."""

    permission_classes = DELIVER
    serializer_class = DeliveryRecordSerializer

    def get_queryset(self) -> Any:
        return DeliveryRecord.objects.filter(
            delivery_id=self.kwargs["pk"], delivery__organisation=_org(self.request)
        )


class DiplomaView(APIView):
    permission_classes = DELIVER

    @extend_schema(operation_id="diploma_deliver", request=RecordSerializer,
                   responses={201: DeliveryRecordSerializer, 200: DeliveryRecordSerializer},
                   parameters=[IDEMPOTENCY])  # fmt: skip
    def post(self, request: Request) -> Response:
        """Create or correct one document (same record key + other data = a correction)."""
        if not isinstance(request.data, dict):
            return problem(400, "Send one JSON object.", code="validation")
        if not _own_organisation(request, str(request.data.get("organisation") or "")):
            return _foreign(request)
        return idempotent(request, lambda: _single(request, dict(request.data)))


class FactView(APIView):
    """Art. 18: one inschrijving or resultaat, through the same pipeline as documents."""

    permission_classes = DELIVER
    record_type = "enrolment"

    def post(self, request: Request) -> Response:
        if not isinstance(request.data, dict):
            return problem(400, "Send one JSON object.", code="validation")
        if not _own_organisation(request, str(request.data.get("organisation") or "")):
            return _foreign(request)
        raw = {**dict(request.data), "type": self.record_type}
        return idempotent(request, lambda: _single(request, raw))


class EnrolmentView(FactView):
    record_type = "enrolment"

    @extend_schema(operation_id="inschrijving_deliver", request=EnrolmentSerializer,
                   responses={201: DeliveryRecordSerializer, 200: DeliveryRecordSerializer},
                   parameters=[IDEMPOTENCY])  # fmt: skip
    def post(self, request: Request) -> Response:
        """Create or correct one enrolment (inschrijving, art. 5 and 18)."""
        return super().post(request)


class ResultView(FactView):
    record_type = "result"

    @extend_schema(operation_id="resultaat_deliver", request=ResultSerializer,
                   responses={201: DeliveryRecordSerializer, 200: DeliveryRecordSerializer},
                   parameters=[IDEMPOTENCY])  # fmt: skip
    def post(self, request: Request) -> Response:
        """Create or correct one result (resultaat, art. 7 and 18)."""
        return super().post(request)


class WithdrawalView(APIView):
    permission_classes = DELIVER

    @extend_schema(operation_id="diploma_withdraw", request=WithdrawalSerializer,
                   responses={200: DeliveryRecordSerializer}, parameters=[IDEMPOTENCY])  # fmt: skip
    def post(self, request: Request, record_key: str) -> Response:
        """Withdraw (intrekken) a document: a new version with status withdrawn; nothing is deleted."""
        body = WithdrawalSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        raw = {"action": "withdraw", "record_key": record_key,
               "effective_date": body.validated_data["effective_date"].isoformat(),
               "reason": body.validated_data["reason"],
               "reason_code": body.validated_data["reason_code"]}  # fmt: skip
        return idempotent(request, lambda: _single(request, raw))


def _single(request: Request, raw: dict[str, Any]) -> Response:
    delivery = pipeline.start(_org(request), channel="api", client=_client(request))
    delivery = pipeline.run(delivery, [raw])
    if delivery.status == "failed":
        return problem(503, "The register could not store this record now.",
                       "Nothing was written; send it again in a minute.", code="unavailable",
                       headers={"Retry-After": "60"})  # fmt: skip
    record = delivery.records.get()
    if record.outcome == "rejected":
        violations = [Violation(**v) for v in record.violations]
        return problem(422, "The record breaks one or more rules.", code="validation",
                       invalid_params=violations_as_params(violations), instance=request.path)  # fmt: skip
    code = status.HTTP_201_CREATED if record.outcome == "created" else status.HTTP_200_OK
    return Response(DeliveryRecordSerializer(record).data, status=code)


class FileUploadView(APIView):
    permission_classes = DELIVER
    parser_classes = [MultiPartParser]

    @extend_schema(operation_id="levering_upload", request={"multipart/form-data": FileUploadSerializer},
                   responses={201: DeliverySerializer})  # fmt: skip
    def post(self, request: Request) -> Response:
        """Upload a CSV or JSON Lines batch file; the same pipeline as import_file."""
        upload = request.FILES.get("bestand")
        if upload is None:
            return problem(400, "Send the file in the field 'bestand'.", code="validation")
        try:
            fmt = files.file_format(upload.name or "")
        except ValueError as exc:
            return problem(400, str(exc), code="validation")
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "upload"
            digest = hashlib.sha256()
            with path.open("wb") as out:
                for block in upload.chunks():
                    digest.update(block)
                    out.write(block)
            delivery = pipeline.start(_org(request), channel="upload", client=_client(request),
                                      file_name=upload.name or "", file_sha256=digest.hexdigest())  # fmt: skip
            try:
                files.check_header(path, fmt)
            except files.FileFormatError as exc:
                return problem(400, str(exc), code="file_format")
            if delivery.status != "done":
                with path.open("rb") as stream:
                    delivery = pipeline.run(delivery, files.read_records(stream, fmt))
        return Response(DeliverySerializer(delivery).data, status=status.HTTP_201_CREATED)


class TermReportView(APIView):
    permission_classes = [HasRole.of("deliver") | HasRole.of("supervisor")]  # type: ignore[operator]

    @extend_schema(operation_id="termijnbewaking", responses={200: TermReportSerializer(many=True)},
                   parameters=[OpenApiParameter("organisatie", str), OpenApiParameter("jaar", int)])  # fmt: skip
    def get(self, request: Request) -> Response:
        """Share delivered within the legal term per organisation, against the 98 % target.
        A delivering client sees its own organisation; a supervisor sees all."""
        organisation = request.query_params.get("organisatie") or None
        if "supervisor" not in _client(request).roles:
            organisation = _org(request).code
        year_text = request.query_params.get("jaar")
        year = None
        if year_text:
            if not (year_text.isdigit() and 1996 <= int(year_text) <= 2100):
                return problem(400, "jaar is a year from 1996 to 2100.", code="validation",
                               invalid_params=[{"name": "jaar", "code": "range",
                                                "reason": "A year from 1996 to 2100."}])  # fmt: skip
            year = int(year_text)
        return Response([r.as_dict() for r in term_report(organisation, year)])
