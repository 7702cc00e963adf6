"""Private to the engine: streams of many persons, for feeds (changes since a cursor) and exports
(one row per person, constant memory, a subject manifest instead of a log row per person).

Both apply the basis's scope in SQL (``_scope.persons_in_scope``) and project every row through
``_projection`` like a look-up; the log rows list exactly the fields that were emitted. On
PostgreSQL an export's rows come from one SQL query per basis instead (``_export_sql``, the same
fields and answers; ``SQL_EXPORTS = False`` forces the Python path), and the rows of a CSV
export come out of PostgreSQL as finished lines, those of a Parquet export as the text of each
cell (``ExportStream.copy_csv``, ``cell_batches``; ``_export_copy``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import transaction
from django.db.models import Max

from diplomaregister.core import clock, replica
from diplomaregister.law.loaders import LegalBasis, organisation_kinds, person_level_outputs
from diplomaregister.logboek.services import (
    log_disclosure,
    subject_ref,
    write_manifest,
    write_manifest_file,
)
from diplomaregister.register.history import resolve
from diplomaregister.register.models import (
    DiplomaStatus,
    DiplomaVersion,
    EnrolmentVersion,
    Person,
    PersonVersion,
)
from diplomaregister.register.selectors import DiplomaState
from diplomaregister.verstrekking import (
    _export_copy,
    _export_parts,
    _export_sql,
    _projection,
    _scope,
)
from diplomaregister.verstrekking._pseudonyms import pseudonym

SETTLE = dt.timedelta(seconds=60)
CHUNK = 2000
SQL_EXPORTS = True  # exports on PostgreSQL: one SQL query per basis (_export_sql)


def _split(fields: tuple[str, ...]) -> tuple[list[str], list[str]]:
    person_level = person_level_outputs()
    return [f for f in fields if f in person_level], [f for f in fields if f not in person_level]


# --- Feeds ---------------------------------------------------------------------------------------


@dataclass
class FeedPage:
    items: list[dict[str, Any]]
    position: int  # the last version id covered: resume after it
    trace_id: str


def feed_page(rule: LegalBasis, requester: Any, trace: str, *, channel: str, after: int = 0,
              limit: int = 100) -> FeedPage:  # fmt: skip
    """New and changed documents after version id ``after`` (recorded at least SETTLE ago: version
    ids are allocated before commit, so a longer transaction holding a lower id has committed by
    then), for the persons and documents the basis's subscription scope reaches."""
    scope = rule.scope_for("subscription")
    horizon = clock.now() - SETTLE
    window = DiplomaVersion.objects.filter(pk__gt=after, recorded_at__lte=horizon)
    versions = window
    if scope != "all":
        reach = Person.objects.filter(_scope.persons_in_scope(scope, requester, rule.code))
        versions = versions.filter(diploma__person_id__in=reach.values("pk"))
    versions = _scope.stream_documents(scope, requester, versions)
    page = list(
        versions.select_related("diploma__organisation", "diploma__person", "programme")
        .prefetch_related("grades")
        .order_by("pk")[:limit]
    )
    if len(page) == limit:
        position = page[-1].pk
    else:  # nothing more in scope up to the horizon: skip what was scanned
        position = window.aggregate(top=Max("pk"))["top"] or after
    person_fields, diploma_fields = _split(_scope.fields_for(rule, None, None))
    people: dict[int, dict[str, Any]] = {}
    items: list[dict[str, Any]] = []
    per_person: dict[int, list[dict[str, Any]]] = defaultdict(list)  # one log row each
    for version in page:
        person = version.diploma.person  # after a merge: the BSN person
        if person.pk not in people:
            known = resolve(person.versions.all())
            values = _projection.person_values(person, known, clock.today())
            people[person.pk] = _subject(rule, requester, person, values, person_fields)
        state = DiplomaState(version.diploma, version, (version,))
        document = _projection.project(_projection.diploma_values(state), diploma_fields)
        item = {"change": version.change, "person": people[person.pk], "document": document}
        items.append(item)
        per_person[person.pk].append(item)
    pgns = {v.diploma.person_id: v.diploma.person.pgn for v in page}
    with transaction.atomic():
        for person_id, mine in per_person.items():
            fields = sorted(set(people[person_id]) | {k for i in mine for k in i["document"]})
            log_disclosure(trace_id=trace, basis=rule.code, requester=requester,
                           subject=subject_ref(pgns[person_id]), fields=fields, channel=channel,
                           outcome="disclosed", record_count=len(mine))  # fmt: skip
    return FeedPage(items, position, trace)


def _subject(rule: LegalBasis, requester: Any, person: Person, values: dict[str, Any],
             person_fields: list[str]) -> dict[str, Any]:  # fmt: skip
    subject = _projection.project(values, person_fields)
    if rule.pseudonymised:
        subject = {"pseudonym": pseudonym(requester.code, person.pgn), **subject}
    return subject


# --- Exports -------------------------------------------------------------------------------------


def peildatum_of(rule: LegalBasis, day: dt.date | None) -> dt.date:
    """The reference date: the day asked (default today); art. 26 lid 2: the first day of its
    quarter."""
    day = day or clock.today()
    if rule.peildatum == "quarter":
        return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return day


@dataclass
class ExportStream:
    """Rows of an export, one per person. Iterate once; ``columns`` is the header."""

    rule: LegalBasis
    requester: Any
    peildatum: dt.date
    year: int | None
    columns: list[str]
    emitted: set[str] = field(default_factory=set)
    count: int = 0
    _refs: Any = None
    _copied: bool = False  # written by copy_csv or cell_batches: _export_copy's manifest writer

    def copies_csv(self) -> bool:
        """Whether :meth:`copy_csv` and :meth:`cell_batches` can write this export (PostgreSQL,
        SQL_EXPORTS)."""
        return SQL_EXPORTS and _export_sql.applies(self.rule)

    def copy_csv(self, out: IO[bytes], progress: Any = None) -> int:
        """Instead of iterating: write the rows as CSV lines (without the header) into ``out``,
        as ``abonnementen.exports`` writes the rows it iterates; returns the number of rows."""
        assert self.copies_csv() and not self.count, "copy_csv: once, instead of iterating"
        now = clock.now()
        ranges = _export_parts.ranges()  # a large export: one server process per range
        spans: list[tuple[int, int] | None] = [*ranges] or [None]  # None: the whole export
        plans = [_export_copy.plan(self.rule, self.requester.code, now, self.peildatum, self.year,
                                   persons=span) for span in spans]  # fmt: skip
        if ranges:
            result = _export_parts.copy_csv(plans, out, self._refs, progress)
        else:
            result = _export_copy.copy_csv(plans[0], out, self._refs, progress)
        self._settle(result, plans[0])  # the fields are the same in every part
        return result.count

    def cell_batches(self, size: int) -> Iterator[list[tuple[str, ...]]]:
        """Instead of iterating (Parquet): the ``_cell`` text of every column, column by column,
        ``size`` rows at a time."""
        assert self.copies_csv() and not self.count, "cell_batches: once, instead of iterating"
        plan = _export_copy.plan(self.rule, self.requester.code, clock.now(), self.peildatum,
                                 self.year, csv=False)  # fmt: skip
        result = _export_copy.Result()
        yield from _export_copy.cell_batches(plan, self._refs, result, size)
        self._settle(result, plan)

    def _settle(self, result: _export_copy.Result, plan: _export_sql.Plan) -> None:
        """The count and fields of what was written: the keys of the rows _sql() would yield."""
        self._copied, self.count = True, result.count
        if result.count:
            identity = result.identity
            self.emitted |= {c for c in self.columns if c != "documents" and (
                identity or c not in _export_sql.IDENTITY)}  # fmt: skip
            if result.documents:
                self.emitted |= set(plan.diploma_fields)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        if SQL_EXPORTS and _export_sql.applies(self.rule):
            yield from self._sql()
            return
        scope = self.rule.scope_for("bulk_export")
        person_fields, diploma_fields = _split(_scope.fields_for(self.rule, None, None))
        persons = Person.objects.filter(
            _scope.persons_in_scope(scope, self.requester, self.rule.code),
            merged_into__isnull=True,  # a merged onderwijsnummer's facts are under the BSN
        )
        ids = persons.order_by("pk").values_list("pk", flat=True)
        chunk: list[int] = []
        for pk in ids.iterator(chunk_size=CHUNK):
            chunk.append(pk)
            if len(chunk) == CHUNK:
                yield from self._chunk(chunk, scope, person_fields, diploma_fields)
                chunk = []
        if chunk:
            yield from self._chunk(chunk, scope, person_fields, diploma_fields)

    def _sql(self) -> Iterator[dict[str, Any]]:
        """The rows of ``_export_sql``: one query, a server-side cursor; pseudonyms and subject
        references computed here as on the Python path."""
        plan = _export_sql.plan(self.rule, clock.now(), self.peildatum, self.year)
        pseudonymised, code = self.rule.pseudonymised, self.requester.code
        document_fields = set(plan.diploma_fields)
        for pgn, values, documents in _export_sql.rows(plan):
            row = {"pseudonym": pseudonym(code, pgn), **values} if pseudonymised else values
            self.emitted |= row.keys()
            if documents is not None:
                if documents:
                    self.emitted |= document_fields
                row["documents"] = documents
            self._refs.write((subject_ref(pgn) + "\n").encode())
            self.count += 1
            yield row

    def _chunk(self, ids: list[int], scope: str, person_fields: list[str],
               diploma_fields: list[str]) -> Iterator[dict[str, Any]]:  # fmt: skip
        day = self.peildatum
        persons = Person.objects.in_bulk(ids)
        identities = _group(PersonVersion.objects.filter(person_id__in=ids), "person_id")
        documents = self._documents(ids, scope) if (
            diploma_fields or "ho_document_since_1996" in person_fields) else {}  # fmt: skip
        enrolled = _ho_enrolled(ids, day) if "ho_enrolled_on_peildatum" in person_fields else set()
        for pk in ids:
            states = documents.get(pk, [])
            if self.rule.population == "documents" and not states:
                continue
            person = persons[pk]
            values = _projection.person_values(
                person, resolve(identities.get(pk, []), valid_on=day), day
            )
            values["ho_document_since_1996"] = _projection.ho_document_since_1996(states, day)
            values["ho_enrolled_on_peildatum"] = pk in enrolled
            row = _subject(self.rule, self.requester, person, values, person_fields)
            self.emitted |= set(row)
            if diploma_fields:
                docs = [
                    _projection.project(_projection.diploma_values(s), diploma_fields)
                    for s in states
                ]
                self.emitted |= {k for d in docs for k in d}
                row["documents"] = docs
            self._refs.write((subject_ref(person.pgn) + "\n").encode())
            self.count += 1
            yield row

    def _documents(self, ids: list[int], scope: str) -> dict[int, list[DiplomaState]]:
        day, fields = self.peildatum, self.rule.fields
        # through the document's identity row: after a merge it names the BSN person, while the
        # insert-only versions keep the person they were delivered under
        versions = DiplomaVersion.objects.filter(diploma__person_id__in=ids).select_related(
            "diploma__organisation", "programme"
        )
        if "grades" in fields:
            versions = versions.prefetch_related("grades")
        own = frozenset(_scope.scope_organisations(self.requester.organisation))
        by_person: dict[int, list[DiplomaState]] = defaultdict(list)
        for history in _group(versions.order_by("version"), "diploma_id").values():
            version = resolve(history, valid_on=day)
            if version is None or version.date_of_issue > day:
                continue
            if self.year and version.date_of_issue.year != self.year:
                continue
            if version.status == DiplomaStatus.WITHDRAWN and "status" not in fields:
                continue
            by_person[version.diploma.person_id].append(
                DiplomaState(version.diploma, version, tuple(history))
            )
        return {
            pk: _scope.documents_in_scope(scope, own, _projection.visible(states), None)
            for pk, states in by_person.items()
        }


def _group(rows: Any, key: str) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        grouped[getattr(row, key)].append(row)
    return grouped


def _ho_enrolled(ids: list[int], day: dt.date) -> set[int]:
    """Art. 40, 41: persons enrolled on ``day`` at an institution under the WHW."""
    kinds = organisation_kinds()
    versions = EnrolmentVersion.objects.filter(enrolment__person_id__in=ids).select_related(
        "enrolment__organisation"
    )
    out = set()
    for history in _group(versions, "enrolment_id").values():
        version = resolve(history, valid_on=day)
        if version is None:
            continue
        law = kinds.get(version.enrolment.organisation.kind)
        if _projection.enrolled_on([version], {version.enrolment_id: law.law if law else ""}, day):
            out.add(version.enrolment.person_id)
    return out


def columns_of(rule: LegalBasis) -> list[str]:
    person_fields, diploma_fields = _split(_scope.fields_for(rule, None, None))
    return (["pseudonym"] if rule.pseudonymised else []) + person_fields + (
        ["documents"] if diploma_fields else [])  # fmt: skip


@contextlib.contextmanager
def export_stream(rule: LegalBasis, requester: Any, trace: str, *, peildatum: dt.date | None = None,
                  year: int | None = None) -> Iterator[ExportStream]:  # fmt: skip
    """One snapshot (transaction): the caller writes the rows it iterates; on a clean exit the log
    row (fields: exactly those emitted) and the subject manifest are written with it."""
    day = peildatum_of(rule, peildatum)
    read = replica.read_alias()
    with (
        tempfile.TemporaryFile("w+b") as refs,
        transaction.atomic(),
        transaction.atomic(using=read) if read != "default" else contextlib.nullcontext(),
    ):
        stream = ExportStream(rule, requester, day, year, columns_of(rule), _refs=refs)
        with replica.reading():  # the register from the replica; log and manifest on the primary
            yield stream
        entry = log_disclosure(trace_id=trace, basis=rule.code, requester=requester, subject="",
                               fields=sorted(stream.emitted), channel="export", outcome="disclosed",
                               record_count=stream.count, reason=f"peildatum {day.isoformat()}")  # fmt: skip
        refs.seek(0)
        if stream._copied:
            write_manifest_file(entry, refs)
        else:
            write_manifest(entry, (line.rstrip(b"\n").decode() for line in refs))
