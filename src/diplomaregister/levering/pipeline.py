"""The one validation pipeline of levering: API, upload and batch file all come through here.

Per record: parse (levering/parsing.py) -> register service (validation driven by the field catalogue
and the document-kind table, then an insert-only write). Good records are kept when others are
rejected; every record gets a feedback row. Records are committed per chunk together with their
feedback and the delivery's progress, so a killed import re-run with the same file continues after
the last committed chunk; the register's (organisation, record key) identity makes a record delivered
twice a no-op.
"""

from __future__ import annotations

import datetime as dt
import logging
import traceback
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.db import DatabaseError, connection, transaction

from diplomaregister.core import clock, replica
from diplomaregister.levering import _prepare, _staging, sqlcheck
from diplomaregister.levering._ahead import ahead as read_ahead
from diplomaregister.levering.models import Delivery, DeliveryRecord
from diplomaregister.levering.parsing import parse, safe_text
from diplomaregister.organisations.models import Organisation
from diplomaregister.register import facts
from diplomaregister.register.bulk import record_diplomas
from diplomaregister.register.errors import RegisterValidationError, Violation
from diplomaregister.register.models import Diploma, Programme
from diplomaregister.register.services import record_diploma, withdraw_diploma

logger = logging.getLogger(__name__)
CHUNK = 500


@dataclass
class RecordResult:
    index: int
    record_key: str
    outcome: str  # created | corrected | unchanged | withdrawn | rejected
    violations: list[Violation] = field(default_factory=list)
    warnings: list[Violation] = field(default_factory=list)

    def feedback(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "record_key": self.record_key,
            "outcome": self.outcome,
            "violations": [v.as_dict() for v in self.violations],
            "warnings": [v.as_dict() for v in self.warnings],
        }


STORAGE = Violation("record", "storage", "The register could not store this record; nothing of it "
                    "was written. Deliver it again; if it keeps failing, contact the register.")  # fmt: skip


class ForeignOrganisation(PermissionError):
    """Art. 22: the organisation that awarded a document delivers it; nobody else."""


def check_organisation(raw: dict[str, Any], organisation: Organisation) -> None:
    named = str(raw.get("organisation") or "").strip()
    if named and named != organisation.code:
        raise ForeignOrganisation("A client delivers only for its own organisation (art. 22).")


def process(
    raw: dict[str, Any],
    index: int,
    organisation: Organisation,
    *,
    recorded_at: dt.datetime,
    source: str,
) -> RecordResult:
    """One record, atomically: written completely or not at all."""
    parsed = parse(raw)
    if parsed.violations:
        return RecordResult(index, parsed.record_key, "rejected", parsed.violations)
    try:
        with transaction.atomic():
            check_organisation(raw, organisation)
            if parsed.action == "withdraw":
                diploma = Diploma.objects.filter(
                    organisation=organisation, record_key=parsed.record_key
                ).first()
                if diploma is None:
                    raise RegisterValidationError(
                        [
                            Violation(
                                "record_key",
                                "unknown",
                                "No document with this record key was delivered.",
                            )
                        ]
                    )
                assert parsed.effective_date is not None
                withdraw_diploma(diploma, effective_date=parsed.effective_date, reason=parsed.reason,
                                 code=parsed.reason_code, recorded_at=recorded_at, source=source)  # fmt: skip
                return RecordResult(index, parsed.record_key, "withdrawn")
            assert parsed.person is not None
            if parsed.record_type != "diploma":
                action = _fact(parsed, organisation, recorded_at=recorded_at, source=source)
                return RecordResult(index, parsed.record_key, action)
            assert parsed.diploma is not None
            outcome = record_diploma(parsed.person, parsed.diploma, organisation=organisation,
                                     recorded_at=recorded_at, source=source)  # fmt: skip
            return RecordResult(
                index, parsed.record_key, outcome.action, [], list(outcome.warnings)
            )
    except RegisterValidationError as exc:
        return RecordResult(index, parsed.record_key, "rejected", exc.violations)
    except ForeignOrganisation as exc:
        return RecordResult(index, parsed.record_key, "rejected",
                            [Violation("organisation", "organisation.not_own", str(exc))])  # fmt: skip
    except DatabaseError as exc:  # rolled back to the record's savepoint; the chunk goes on
        logger.error("record %s of a delivery not stored: %s", index, type(exc).__name__)
        return RecordResult(index, parsed.record_key, "rejected", [STORAGE])


def _fact(parsed: Any, organisation: Organisation, *, recorded_at: dt.datetime, source: str) -> str:
    """Art. 18: an inschrijving or resultaat through the same pipeline as documents."""
    details = dict(parsed.details)
    if parsed.record_type == "enrolment":
        code = details.pop("programme_code")
        programme = Programme.objects.filter(code=code).first() if code else None
        action, _enrolment = facts.record_enrolment(
            parsed.person, organisation=organisation, record_key=parsed.record_key,
            start_date=details.pop("start_date"), programme=programme, recorded_at=recorded_at,
            source=source, **details,
        )  # fmt: skip
        return action
    action, _result = facts.record_result(
        parsed.person, organisation=organisation, record_key=parsed.record_key,
        result_type=details.pop("result_type"), result_date=details.pop("result_date"),
        recorded_at=recorded_at, source=source, **details,
    )  # fmt: skip
    return action


@dataclass
class Written:
    """A chunk the set-based path wrote, feedback rows included: only its counts come back."""

    counts: dict[str, int]


def setwise(todo: list[Any]) -> bool:
    """PostgreSQL chunks of more than one record go set-based; single API records and SQLite go
    record by record."""
    return connection.vendor == "postgresql" and len(todo) > 1


def process_chunk(
    todo: list[tuple[int, dict[str, Any]]],
    organisation: Organisation,
    *,
    recorded_at: dt.datetime,
    source: str,
    delivery_id: int | None = None,
    prepared: _prepare.Prepared | None = None,
) -> list[RecordResult] | Written:
    """A chunk set-based on PostgreSQL (levering/_staging.py, feedback included) when it can be
    decided so, else record by record with the set-wise ORM writer (register.bulk) for plain
    documents; all give the same register rows and feedback (levering/tests/test_setwise.py)."""
    if delivery_id is not None and setwise(todo):
        try:
            prepared = prepared or _prepare.prepare(todo, organisation)
            with transaction.atomic():
                return Written(_staging.write_chunk(prepared, organisation, delivery_id=delivery_id,
                                                    recorded_at=recorded_at, source=source))  # fmt: skip
        except (_prepare.Fallback, sqlcheck.Unsupported) as exc:
            logger.debug("chunk record by record: %s", exc)
        except DatabaseError as exc:  # e.g. a concurrent delivery created the same person
            logger.warning("set-based chunk failed (%s); record by record", type(exc).__name__)
    return _record_by_record(todo, organisation, recorded_at=recorded_at, source=source)


def _record_by_record(todo: list[tuple[int, dict[str, Any]]], organisation: Organisation, *,
                      recorded_at: dt.datetime, source: str) -> list[RecordResult]:  # fmt: skip
    done: dict[int, RecordResult] = {}
    batch: list[tuple[int, str, Any, Any]] = []
    for index, raw in todo:
        parsed = parse(raw)
        own = (
            not str(raw.get("organisation") or "").strip()
            or raw.get("organisation") == organisation.code
        )
        if (
            parsed.violations
            or parsed.action != "deliver"
            or not own
            or parsed.record_type != "diploma"
        ):
            continue  # rejected, withdrawals, facts and foreign records: the per-record path below
        batch.append((index, parsed.record_key, parsed.person, parsed.diploma))
    if batch:
        try:
            with transaction.atomic():
                outcomes = record_diplomas([(p, d) for _i, _k, p, d in batch], organisation=organisation,
                                           recorded_at=recorded_at, source=source)  # fmt: skip
        except (
            DatabaseError
        ):  # e.g. a concurrent delivery created the same person: record by record
            outcomes = None
        if outcomes is not None:
            for (index, key, _p, _d), outcome in zip(batch, outcomes, strict=True):
                done[index] = RecordResult(index, key, outcome.action, outcome.violations,
                                           outcome.warnings)  # fmt: skip
    return [done.get(index) or process(raw, index, organisation, recorded_at=recorded_at, source=source)
            for index, raw in todo]  # fmt: skip


def _chunks(
    records: Iterable[dict[str, Any]], size: int
) -> Iterator[list[tuple[int, dict[str, Any]]]]:
    numbered = enumerate(records)
    while chunk := list(islice(numbered, size)):
        yield chunk


def run(
    delivery: Delivery,
    records: Iterable[dict[str, Any]],
    *,
    chunk_size: int = CHUNK,
    on_progress: Any = None,
) -> Delivery:
    """Process ``records`` into ``delivery``, skipping those a previous run already committed. A
    chunk that fails as a whole is rolled back and the delivery is marked ``failed`` with the reason
    (no personal data); running the same records again resumes after the last committed chunk."""
    source = f"levering:{delivery.pk}"
    if delivery.status != "processing":
        delivery.status, delivery.failure = "processing", ""
        delivery.save(update_fields=["status", "failure"])
    try:
        delivery = _run_chunks(delivery, records, chunk_size, on_progress, source)
    except Exception as exc:
        committed = Delivery.objects.values_list("next_index", flat=True).get(pk=delivery.pk)
        # the traceback's frames, not the exception's text: a database message can quote values
        logger.error("delivery %s failed at record %s: %s\n%s", delivery.pk, committed,
                     type(exc).__name__, "".join(traceback.format_tb(exc.__traceback__)))  # fmt: skip
        Delivery.objects.filter(pk=delivery.pk).update(
            status="failed", finished_at=clock.now(),
            failure=f"{type(exc).__name__} at record {committed}; re-run to resume"[:200],
        )  # fmt: skip
        delivery.refresh_from_db()
        return delivery
    delivery.status, delivery.finished_at = "done", clock.now()
    delivery.save(update_fields=["status", "finished_at"])
    logger.debug("delivery %s done: %s", delivery.pk, delivery.counts)
    return delivery


def _run_chunks(delivery: Delivery, records: Iterable[dict[str, Any]], chunk_size: int,
                on_progress: Any, source: str) -> Delivery:  # fmt: skip
    for chunk, ahead, prepared in read_ahead(_chunks(records, chunk_size), delivery):
        todo = [(i, raw) for i, raw in chunk if i >= delivery.next_index]
        if todo:
            with transaction.atomic():
                replica.wait_for_replicas()  # read-your-writes: COMMIT waits for the replica
                locked = Delivery.objects.select_for_update().get(pk=delivery.pk)
                todo = [(i, raw) for i, raw in todo if i >= locked.next_index]
                now = clock.now()
                results = process_chunk(todo, delivery.organisation, recorded_at=now, source=source,
                                        delivery_id=locked.pk,
                                        prepared=prepared if todo == ahead else None)  # fmt: skip
                if isinstance(results, Written):
                    for outcome, count in results.counts.items():
                        setattr(locked, outcome, getattr(locked, outcome) + count)
                    locked.next_index = todo[-1][0] + 1
                    locked.save()
                    delivery = locked
                    if on_progress is not None:
                        on_progress(len(chunk))
                    continue
                DeliveryRecord.objects.bulk_create(
                    DeliveryRecord(delivery=locked, index=r.index, record_key=safe_text(r.record_key),
                                   outcome=r.outcome, violations=[v.as_dict() for v in r.violations],
                                   warnings=[v.as_dict() for v in r.warnings])
                    for r in results
                )  # fmt: skip
                for r in results:
                    setattr(locked, r.outcome, getattr(locked, r.outcome) + 1)
                if results:
                    locked.next_index = results[-1].index + 1
                locked.save()
                delivery = locked
        if on_progress is not None:
            on_progress(len(chunk))
    return delivery


def start(
    organisation: Organisation,
    *,
    channel: str,
    client: Any = None,
    file_name: str = "",
    file_sha256: str = "",
) -> Delivery:
    """A new delivery, or for a file already (partly) imported, the existing one to resume."""
    if file_sha256:
        existing = Delivery.objects.filter(
            organisation=organisation, file_sha256=file_sha256
        ).first()
        if existing is not None:
            return existing
    return Delivery.objects.create(organisation=organisation, client=client, channel=channel,
                                   file_name=file_name[:200], file_sha256=file_sha256,
                                   received_at=clock.now())  # fmt: skip
