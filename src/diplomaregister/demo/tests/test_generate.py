"""The demo generator writes what the register services would write, deterministically."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from diplomaregister.demo import bulk
from diplomaregister.demo.bulk import BulkWriter, IdBlock
from diplomaregister.demo.organisations import create_organisations
from diplomaregister.demo.persons import WRITE_ORDER, Context, NamePool, add_person
from diplomaregister.demo.services import demo_persons, generate
from diplomaregister.register.decide import as_input
from diplomaregister.register.models import (
    Diploma,
    DiplomaStatus,
    DiplomaVersion,
    Enrolment,
    Person,
    PersonVersion,
)
from diplomaregister.register.selectors import diploma_state, diplomas_of_person
from diplomaregister.register.validation import validate_diploma

from .conftest import FIXED

pytestmark = pytest.mark.django_db


def _fingerprint() -> list[tuple]:
    return list(
        DiplomaVersion.objects.order_by("diploma__record_key", "version").values_list(
            "person__pgn", "diploma__record_key", "version", "kind", "date_of_issue", "status"
        )
    )


def _rows(persons: int, seed: int) -> dict:
    """Build the rows of ``persons`` persons in memory (no flush), from a fresh context."""
    ctx = Context(
        seed=seed,
        today=FIXED.date(),
        now=FIXED,
        names=NamePool.build(seed),
        orgs=create_organisations(persons, random.Random(seed)),
        ids=IdBlock(),
        writer=BulkWriter(WRITE_ORDER),
    )
    for index in range(persons):
        add_person(index, ctx)
    return {model._meta.label: rows for model, rows in ctx.writer.rows.items()}


def test_same_seed_gives_same_data(fixed_clock):
    first = _rows(300, seed=7)
    assert len(first["register.DiplomaVersion"]) > 200
    assert _rows(300, seed=7) == first
    other = _rows(300, seed=8)
    assert other["register.PersonVersion"] != first["register.PersonVersion"]


def test_chunk_size_does_not_change_the_data(fixed_clock):
    generate(120, seed=7, batch_size=7, progress=False)
    stored = sorted((key, v, kind, day) for (_p, key, v, kind, day, _s) in _fingerprint())
    rows = _rows(120, seed=7)
    keys = {d["id"]: d["record_key"] for d in rows["register.Diploma"]}
    expected = sorted(
        (keys[v["diploma_id"]], v["version"], v["kind"], v["date_of_issue"])
        for v in rows["register.DiplomaVersion"]
    )
    assert len(expected) > 50
    assert stored == expected


def test_other_seed_gives_other_names(fixed_clock):
    generate(100, seed=1, progress=False)
    first = set(PersonVersion.objects.values_list("family_name", "given_names"))
    generate(100, seed=2, progress=False)
    assert set(PersonVersion.objects.values_list("family_name", "given_names")) - first


def test_every_generated_document_passes_register_validation(fixed_clock):
    generate(400, seed=3, progress=False)
    versions = DiplomaVersion.objects.select_related("diploma__organisation", "programme")
    checked = 0
    for version in versions.prefetch_related("grades"):
        data = as_input(version, version.diploma.record_key)
        recorded = version.recorded_at.date()
        problems = validate_diploma(data, version.diploma.organisation, recorded)
        assert problems == [], (version.kind, version.sector, problems)
        checked += 1
    assert checked > 300


def test_selectors_read_back_versions_as_the_services_write_them(fixed_clock):
    generate(400, seed=4, progress=False)
    corrected = DiplomaVersion.objects.filter(change="correction").select_related("diploma")
    withdrawn = DiplomaVersion.objects.filter(change="withdrawal").select_related("diploma")
    assert corrected.exists()
    for version in corrected[:10]:
        state = diploma_state(version.diploma)
        assert state is not None and state.corrected
        assert state.version.version == version.version  # type: ignore[union-attr]
    for version in withdrawn:
        state = diploma_state(version.diploma)
        assert state is not None and state.withdrawn
        assert state.version.status == DiplomaStatus.WITHDRAWN  # type: ignore[union-attr]
    person = Person.objects.filter(pk__in=DiplomaVersion.objects.values("person_id")).first()
    assert person is not None
    assert len(diplomas_of_person(person)) == Diploma.objects.filter(person=person).count()
    # every diploma with a programme-based enrolment has its inschrijving (art. 5) at the same organisation
    vo = DiplomaVersion.objects.filter(sector="VO", version=1).select_related("diploma").first()
    assert vo is not None
    assert Enrolment.objects.filter(
        person_id=vo.person_id, organisation=vo.diploma.organisation_id
    ).exists()


def test_proportions_follow_the_seeds(fixed_clock):
    generate(1500, seed=5, progress=False)
    sectors = Counter(DiplomaVersion.objects.filter(version=1).values_list("sector", flat=True))
    total = sum(sectors.values())
    assert 0.8 < total / 1500 < 2.0  # ~5-6 M documents for the adult population
    assert sectors["VO"] > sectors["MBO"] > sectors["WO"] > sectors["STAATSEXAMEN"]
    assert sectors["HBO"] > sectors["WO"]
    assert {"INBURGERING", "VSO", "VAVO"} <= set(sectors)
    # nothing before the sector's start in the register (seed diplomaregister-nora.txt, art. 16)
    assert not DiplomaVersion.objects.filter(
        sector="VO", date_of_issue__lt=dt.date(2006, 1, 1)
    ).exists()
    assert not DiplomaVersion.objects.filter(
        sector="MBO", date_of_issue__lt=dt.date(2007, 1, 1)
    ).exists()
    assert not DiplomaVersion.objects.filter(recorded_at__gt=FIXED).exists()


def test_commands_if_empty_and_demo_persons(fixed_clock):
    out = StringIO()
    call_command("generate_demo", persons=120, seed=1, no_progress=True, stdout=out)
    assert "log in with the DigiD mock" in out.getvalue()
    count = Person.objects.count()
    again = StringIO()
    call_command("generate_demo", persons=120, seed=1, if_empty=True, stdout=again)
    assert "already holds persons" in again.getvalue()
    assert Person.objects.count() == count
    listed = StringIO()
    call_command("demo_persons", limit=5, stdout=listed)
    numbers = listed.getvalue().split()
    assert len(numbers) == 5
    holders = set(DiplomaVersion.objects.values_list("person__pgn", flat=True))
    assert set(numbers) <= holders
    assert numbers == list(demo_persons(5))


def test_ids_continue_after_the_bulk_load(fixed_clock):
    generate(50, seed=1, progress=False)
    top = Person.objects.order_by("-pk").first()
    assert top is not None
    created = Person.objects.create(pgn="111222333", pgn_type="bsn", created_at=FIXED)
    assert created.pk > top.pk


def test_postgresql_uses_copy(fixed_clock, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("COPY is the PostgreSQL bulk path; SQLite uses executemany")
    calls: list[str] = []
    original = bulk.BulkWriter._write

    def spy(self, cursor, model, rows):
        calls.append(model._meta.label)
        return original(self, cursor, model, rows)

    monkeypatch.setattr(bulk.BulkWriter, "_write", spy)
    seen: list[str] = []
    real_copy = type(connection.cursor().cursor).copy
    monkeypatch.setattr(
        type(connection.cursor().cursor),
        "copy",
        lambda self, sql, *a, **k: (seen.append(sql), real_copy(self, sql, *a, **k))[1],
    )
    generate(30, seed=1, progress=False)
    assert "register.Person" in calls
    assert any(sql.startswith("COPY") for sql in seen)
