"""Exports as SQL (issue 12 item 5): on PostgreSQL every bulk_export basis answers with one query
(``_export_sql``); it must give exactly the rows, log fields and subject manifest of the Python
path (``_stream.SQL_EXPORTS = False``) on the same data."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.utils import timezone

from diplomaregister.core.pgn import synthetic_bsn, synthetic_onderwijsnummer
from diplomaregister.law.loaders import legal_bases
from diplomaregister.logboek.models import LogEntry, SubjectManifest
from diplomaregister.register import facts, services
from diplomaregister.register.factories import DiplomaDataFactory, PersonDataFactory
from diplomaregister.register.merge import merge_person
from diplomaregister.verstrekking import _export_sql, _scope, _stream
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
