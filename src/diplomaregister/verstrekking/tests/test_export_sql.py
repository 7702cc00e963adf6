"""Exports as SQL (issue 12 item 5): on PostgreSQL every bulk_export basis answers with one query
(``_export_sql``); it must give exactly the rows, log fields and subject manifest of the Python
path (``_stream.SQL_EXPORTS = False``) on the same data, and a CSV written by PostgreSQL
(``_export_copy``) exactly the bytes written from those rows."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import json
from typing import Any

import pyarrow.parquet as pq
import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.utils import timezone

from diplomaregister.abonnementen.exports import export
from diplomaregister.core.keys import derived_key
from diplomaregister.core.pgn import synthetic_bsn, synthetic_onderwijsnummer
from diplomaregister.law.loaders import legal_bases
from diplomaregister.logboek.models import LogEntry, SubjectManifest
from diplomaregister.logboek.services import subject_ref
from diplomaregister.register import facts, services
from diplomaregister.register.factories import (
    DiplomaDataFactory,
    GradeDataFactory,
    PersonDataFactory,
)
from diplomaregister.register.merge import merge_person
from diplomaregister.verstrekking import _export_copy, _export_sql, _scope, _stream
from diplomaregister.verstrekking._pseudonyms import pseudonym
from diplomaregister.verstrekking.engine import disclose_stream

pytestmark = pytest.mark.django_db

BULK = sorted(code for code, basis in legal_bases().items() if "bulk_export" in basis.modes)
OPTIONS = [
    {},
    {"peildatum": dt.date(2022, 12, 31)},  # before the WO degree, after the stranger's
    {"peildatum": dt.date(2020, 1, 1)},  # enrolled at the university
    {"peildatum": dt.date(2000, 6, 1)},  # before the holder's birth: no identity in force
    {"year": 2023},
]


def test_every_bulk_basis_has_sql_for_its_fields():
    """The query is generated from the same field set as the look-up path."""
    assert BULK == ["art23", "art26", "art34", "art40", "art41", "art47", "art51", "art52",
                    "art55"]  # fmt: skip
    for code in BULK:
        rule = legal_bases()[code]
        plan = _export_sql.plan(rule, timezone.now(), dt.date(2025, 1, 1), None)
        assert tuple(plan.person_fields + plan.diploma_fields) == _scope.fields_for(
            rule, None, None
        )


@pytest.fixture
def varied(world, clock):
    """The world plus a withdrawn (fraud), a corrected, a misattributed (hidden) document, a
    merged onderwijsnummer person and a person without documents."""
    recorded = timezone.now() - dt.timedelta(days=30)
    holder = PersonDataFactory(pgn=world.holder.pgn, family_name="Jansen", given_names="Anna",
                               birth_date=dt.date(2001, 5, 17))  # fmt: skip
    fraud = services.record_diploma(
        holder, DiplomaDataFactory(date_of_issue=dt.date(2021, 7, 1)),
        organisation=world.school, recorded_at=recorded,
    ).diploma  # fmt: skip
    services.withdraw_diploma(fraud, effective_date=dt.date(2024, 2, 1), reason="Fraude",
                              code="fraud", recorded_at=recorded)  # fmt: skip
    stranger = PersonDataFactory(pgn=world.stranger.pgn, family_name="Visser",
                                 birth_date=dt.date(1999, 1, 2))  # fmt: skip
    data = DiplomaDataFactory(date_of_issue=dt.date(2017, 7, 1))
    services.record_diploma(stranger, data, organisation=world.school, recorded_at=recorded)
    corrected = dataclasses.replace(data, date_of_issue=dt.date(2017, 7, 3))
    services.record_diploma(stranger, corrected, organisation=world.school, recorded_at=recorded)
    wrong = services.record_diploma(
        stranger, DiplomaDataFactory(ho=True, date_of_issue=dt.date(2023, 8, 1)),
        organisation=world.university, recorded_at=recorded,
    ).diploma  # fmt: skip
    services.withdraw_diploma(wrong, effective_date=dt.date(2023, 8, 1), reason="Verkeerd",
                              code="misattributed", recorded_at=recorded)  # fmt: skip
    number = synthetic_onderwijsnummer(11)
    pupil = PersonDataFactory(
        pgn=number, pgn_type="onderwijsnummer", birth_date=dt.date(2005, 3, 5)
    )
    services.record_diploma(pupil, DiplomaDataFactory(date_of_issue=dt.date(2023, 7, 1)),
                            organisation=world.school, recorded_at=recorded)  # fmt: skip
    facts.record_enrolment(pupil, organisation=world.other_university, record_key="INS-9",
                           start_date=dt.date(2023, 9, 1), recorded_at=recorded)  # fmt: skip
    merge_person(number, synthetic_bsn(88_888), recorded_at=recorded)
    services.upsert_person(PersonDataFactory(), recorded_at=recorded)  # no documents
    return world


def _normal(row: dict[str, Any]) -> str:
    """Order-insensitive (documents sorted), types kept apart (a Decimal is a string, a float a
    number), dates as ISO strings."""
    row = dict(row)
    if "documents" in row:
        row["documents"] = sorted(
            json.dumps(d, cls=DjangoJSONEncoder, sort_keys=True) for d in row["documents"]
        )
    return json.dumps(row, cls=DjangoJSONEncoder, sort_keys=True)


def _run(requester, code: str, options: dict[str, Any]) -> dict[str, Any]:
    with disclose_stream(requester=requester, basis=code, channel="export", **options) as stream:
        rows = sorted(_normal(r) for r in stream)
        columns = stream.columns
    entry = LogEntry.objects.filter(channel="export").order_by("-pk").first()
    assert entry is not None
    manifest = sorted(SubjectManifest.objects.filter(entry=entry).values_list(
        "subject_ref", flat=True))  # fmt: skip
    return {"rows": rows, "columns": columns, "fields": entry.fields,
            "count": entry.record_count, "manifest": manifest}  # fmt: skip


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the SQL export path is PostgreSQL's")
@pytest.mark.parametrize("code", BULK)
def test_sql_export_equals_the_python_path(varied, code, monkeypatch):
    rule = legal_bases()[code]
    recipient = varied.org(rule.recipient_kinds[0], f"R{code.upper()}")
    requester = varied.requester(recipient)
    assert _export_sql.applies(rule)
    for options in OPTIONS:
        monkeypatch.setattr(_stream, "SQL_EXPORTS", True)
        sql = _run(requester, code, options)
        monkeypatch.setattr(_stream, "SQL_EXPORTS", False)
        python = _run(requester, code, options)
        assert sql == python, (code, options)
        assert sql["count"] == len(sql["rows"]) == len(sql["manifest"])
    assert sql["rows"], code  # the data reaches every basis


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the SQL export path is PostgreSQL's")
def test_sql_export_covers_the_cases(varied, monkeypatch):
    """The cases the equality test relies on occur: a withdrawn document under art. 55, grades as
    Decimals, a corrected document, no hidden document, the merged person under the BSN."""
    requester = varied.requester(varied.org("cbs", "CBS"))
    with disclose_stream(requester=requester, basis="art55", channel="export") as stream:
        rows = list(stream)
    documents = [d for r in rows for d in r["documents"]]
    assert {d["status"] for d in documents} == {"valid", "withdrawn"}
    assert any(d["corrected"] for d in documents)
    assert all(d["organisation_code"] != varied.university.code or d["status"] == "valid"
               for d in documents)  # fmt: skip
    assert synthetic_bsn(88_888) in {r["pgn"] for r in rows}
    assert synthetic_onderwijsnummer(11) not in {r["pgn"] for r in rows}
    grades = [g for d in documents for g in d["grades"]]
    assert grades and all(
        type(g["final_grade"]).__name__ in ("Decimal", "NoneType") for g in grades
    )
    assert all(isinstance(d["date_of_issue"], dt.date) for d in documents)


# --- CSV written by PostgreSQL (_export_copy) ------------------------------------------------------

AWKWARD = 'Ab "c"; d\\e\tf\x01g\r\nh é 漢 \x7f'  # quote, delimiter, backslash, controls, CRLF


@pytest.fixture
def awkward(varied):
    """Text that needs CSV quoting, the formula guard and JSON escaping, in person and document
    fields and in grades."""
    recorded = timezone.now() - dt.timedelta(days=30)
    person = PersonDataFactory(family_name="=HYPERLINK(\"x\")", given_names=AWKWARD,
                               birth_date=dt.date(1999, 12, 31))  # fmt: skip
    grades = [GradeDataFactory(subject_code="ZZ", subject_name=AWKWARD),
              GradeDataFactory(subject_code="AA", subject_name="+1", final_grade=None)]  # fmt: skip
    services.record_diploma(
        person, DiplomaDataFactory(grades=grades, date_of_issue=dt.date(2023, 6, 30)),
        organisation=varied.school, recorded_at=recorded,
    )  # fmt: skip
    withdrawn = services.record_diploma(
        person, DiplomaDataFactory(ho=True, ho_degree=AWKWARD, date_of_issue=dt.date(2022, 7, 1)),
        organisation=varied.university, recorded_at=recorded,
    ).diploma  # fmt: skip
    services.withdraw_diploma(withdrawn, effective_date=dt.date(2024, 3, 1), reason=AWKWARD,
                              code="fraud", recorded_at=recorded)  # fmt: skip
    services.upsert_person(PersonDataFactory(family_name="-1234", given_names="\tTab"),
                           recorded_at=recorded)  # fmt: skip
    return varied


def _file(requester, code: str, options: dict[str, Any], path, fmt: str = "csv") -> dict[str, Any]:
    count = export(requester, code, path, fmt, **options)
    entry = LogEntry.objects.filter(channel="export").order_by("-pk").first()
    assert entry is not None
    manifest = sorted(SubjectManifest.objects.filter(entry=entry).values_list(
        "subject_ref", flat=True))  # fmt: skip
    if fmt == "parquet":
        table = pq.read_table(path)
        content: Any = (table.schema, table.to_pylist())
    else:
        content = path.read_bytes()
    return {"content": content, "count": count, "fields": entry.fields,
            "record_count": entry.record_count, "manifest": manifest}  # fmt: skip


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the SQL export path is PostgreSQL's")
@pytest.mark.parametrize("code", BULK)
def test_files_from_postgresql_equal_the_rows_written_in_python(awkward, code, monkeypatch,
                                                               tmp_path):  # fmt: skip
    """The lines COPY writes (``_export_copy``) are byte for byte what ``abonnementen.exports``
    writes from the rows of the SQL path (which test_sql_export_equals_the_python_path holds
    equal to the look-up projection), the Parquet cells cell for cell, with the same log row
    fields and subject manifest."""
    rule = legal_bases()[code]
    requester = awkward.requester(awkward.org(rule.recipient_kinds[0], f"R{code.upper()}"))
    copies: list[Any] = []
    monkeypatch.setattr(_export_copy, "copy_csv", _spy(_export_copy.copy_csv, copies))
    cells: list[Any] = []
    monkeypatch.setattr(_export_copy, "cell_batches", _spy(_export_copy.cell_batches, cells))
    for index, options in enumerate(OPTIONS):
        for fmt in ("csv", "parquet"):
            copied = _file(requester, code, options, tmp_path / f"{index}-copy.{fmt}", fmt)
            with monkeypatch.context() as patch:
                patch.setattr(_stream.ExportStream, "copies_csv", lambda self: False)
                written = _file(requester, code, options, tmp_path / f"{index}-rows.{fmt}", fmt)
            assert copied == written, (code, options, fmt)
            assert copied["count"] == copied["record_count"] == len(copied["manifest"])
    assert len(copies) == len(cells) == len(OPTIONS)  # both files came from PostgreSQL's cells
    header = _file(requester, code, {}, tmp_path / "last.csv")["content"].split(b"\r\n", 1)[0]
    assert header.decode().split(";") == _stream.columns_of(rule)


def _spy(function, calls):
    def spy(*args, **kwargs):
        calls.append(args)
        return function(*args, **kwargs)

    return spy


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the SQL export path is PostgreSQL's")
def test_csv_from_postgresql_guards_quotes_and_escapes(awkward, tmp_path):
    """The awkward text occurs where the equality test needs it: guarded, quoted, escaped."""
    requester = awkward.requester(awkward.org("cbs", "CBS"))
    data = _file(requester, "art55", {}, tmp_path / "art55.csv")["content"].decode()
    assert '\'=HYPERLINK(""x"")' in data
    assert '"Ab ""c""; d\\e\tf\x01g\r\nh é 漢 \x7f"' in data  # a cell: quoted, quotes doubled
    escaped = json.dumps(AWKWARD, ensure_ascii=False).replace('"', '""')
    assert escaped in data and '""final_grade"": null' in data


@pytest.mark.skipif(connection.vendor != "postgresql", reason="HMAC in PostgreSQL's SQL")
@pytest.mark.parametrize("key", [derived_key("log-subject"), b"k" * 64, bytes(range(100)), b""])
def test_hmac_in_sql_equals_pythons(key):
    """RFC 2104 in plain SQL (``_export_copy.hmac_sql``): the same digest as Python's hmac, also
    for non-ASCII input and a key longer than the block (hashed first; derived keys are 32
    bytes)."""
    values = ["123456782", "1234567890", "", "Ünïcødé-漢字-😀", "a" * 200]
    for value in values:
        params: dict[str, Any] = {"value": value}
        sql = f"SELECT {_export_copy.hmac_sql(key, '%(value)s::text', params, 'k')}"
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            (digest,) = cursor.fetchone()
        assert digest == hmac.new(key, value.encode(), hashlib.sha256).hexdigest(), value


@pytest.mark.skipif(connection.vendor != "postgresql", reason="HMAC in PostgreSQL's SQL")
def test_pseudonyms_and_subject_refs_in_sql_equal_the_python_functions():
    for number in ["123456782", "9876543210", "Ünïcødé"]:
        params: dict[str, Any] = {"pgn": number}
        ref = _export_copy.hmac_sql(derived_key("log-subject"), "%(pgn)s::text", params, "r")
        key = derived_key("pseudonym:OCW")
        alias = _export_copy.hmac_sql(key, "%(pgn)s::text", params, "p")
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {ref}, left({alias}, 32)", params)
            assert cursor.fetchone() == (subject_ref(number), pseudonym("OCW", number))
