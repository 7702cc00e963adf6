"""Chunks prepared in a child process (levering/_ahead.py) give the same register rows and feedback
as the per-record path, and the staging rows' COPY text formatted away from the connection is
byte for byte what the connection's own COPY would send."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any

import pytest
from django.db import connection
from psycopg._copy_base import TextFormatter
from psycopg.adapt import Transformer

from diplomaregister.levering import _ahead, _prepare
from diplomaregister.organisations.factories import OrganisationFactory

from .conftest import vo_record
from .test_setwise import _batches, _both

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the set-based path is PostgreSQL's"
    ),
]


def _record_processes(monkeypatch) -> list[Any]:  # type: ignore[no-untyped-def]
    """Every delivery's preparing processes (None: prepared in the thread), as they are made."""
    used: list[Any] = []
    real = _ahead._processes

    @contextmanager
    def recorded(wanted: bool):  # type: ignore[no-untyped-def]
        with real(wanted) as processes:
            used.append(processes)
            yield processes

    monkeypatch.setattr(_ahead, "_processes", recorded)
    return used


def test_chunks_prepared_in_a_child_process_equal_the_per_record_path(monkeypatch, school, clock):
    used = _record_processes(monkeypatch)
    monkeypatch.setattr(_ahead, "PROCESS_FROM", 2)
    university = OrganisationFactory(kind="universiteit", bekostigd=True)
    batches = _batches(school, university)
    batches[1][1].append(vo_record(1, vo_profile="EM"))  # a chunk that falls back, from the child
    assert _both(monkeypatch, batches, chunk=7) > 0
    assert used and all(p is not None for p in used)  # every delivery of the set-based run forked


def test_a_delivery_of_one_short_chunk_forks_nothing(monkeypatch, school, clock):
    used = _record_processes(monkeypatch)
    from diplomaregister.levering import pipeline

    delivery = pipeline.run(pipeline.start(school, channel="api"), [vo_record(1), vo_record(2)])
    assert delivery.created == 2 and used == [None]


def test_copy_text_is_what_the_connection_would_send(school):
    odd = "Ja\tn\\sen\nvan\r d\u00e9 B\u00f6r"
    records = [
        vo_record(1, family_name=odd, given_names="S\\N", bekostigd="ja", mbo_level="3"),
        vo_record(2, grades=[{"subject_code": "NE", "subject_name": odd, "final_grade": "NaN"}]),
        vo_record(3, overige_gegevens={"uitslag": odd}, exam_date="2025-06-30"),
        {"type": "enrolment", **vo_record(4), "start_date": "2019-08-01", "end_date": ""},
        {
            "type": "result",
            **vo_record(5),
            "result_type": "subject_exam",
            "result_date": "2025-06-20",
            "subject_code": "NE",
            "final_grade": "6.55",
            "school_exam_grade": "Infinity",
        },
        {
            "action": "withdraw",
            "record_key": "VO-00009",
            "effective_date": "2025-07-15",
            "reason": odd,
            "reason_code": "fraud",
        },
        {"record_key": "", "kind": "l"},
    ]
    rows = _prepare.prepare(list(enumerate(records)), school).rows
    connection.ensure_connection()
    formatter = TextFormatter(Transformer(connection.connection), encoding="utf-8")
    expected = b"".join(bytes(formatter.write_row(row)) for row in rows) + bytes(formatter.end())
    assert _prepare.copy_text(rows) == expected
    assert _prepare.prepare(list(enumerate(records)), school).data == expected
