"""A CSV export split over several server processes on one exported snapshot
(``_export_parts``) writes exactly the file, log row fields and subject manifest of the single
query (``_export_copy``), which test_export_sql holds equal to the Python path; and every part
reads the export's snapshot, not a later one."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections, transaction

from diplomaregister.law.loaders import legal_bases
from diplomaregister.logboek.services import subject_ref
from diplomaregister.register import services
from diplomaregister.register.factories import DiplomaDataFactory, PersonDataFactory
from diplomaregister.verstrekking import _export_parts, _export_sql
from diplomaregister.verstrekking.tests import conftest, test_export_sql
from diplomaregister.verstrekking.tests.test_export_sql import BULK, OPTIONS, _file, _spy

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="the SQL export path")


def _made(fixture):  # the function behind a fixture of test_export_sql or conftest
    return fixture.__wrapped__


@pytest.fixture
def awkward(transactional_db, clock):
    """test_export_sql's data, committed: the parts' own connections see committed data only."""
    with transaction.atomic():
        world = _made(conftest.world)(None, clock)
        return _made(test_export_sql.awkward)(_made(test_export_sql.varied)(world, clock))


@pytest.mark.parametrize("parts", [2, 3])
@pytest.mark.parametrize("code", BULK)
def test_a_split_export_is_the_single_querys_file(awkward, code, parts, monkeypatch, tmp_path):
    rule = legal_bases()[code]
    requester = awkward.requester(awkward.org(rule.recipient_kinds[0], f"R{code.upper()}"))
    split: list = []
    monkeypatch.setattr(_export_parts, "copy_csv", _spy(_export_parts.copy_csv, split))
    monkeypatch.setattr(_export_parts, "PARTS", parts)
    for index, options in enumerate(OPTIONS):
        monkeypatch.setattr(_export_parts, "SPLIT_FROM", 10**12)  # never split
        single = _file(requester, code, options, tmp_path / f"{index}-single.csv")
        monkeypatch.setattr(_export_parts, "SPLIT_FROM", 0)  # always split
        parted = _file(requester, code, options, tmp_path / f"{index}-parts.csv")
        assert parted == single, (code, options)
    assert len(split) == len(OPTIONS) and all(len(call[0]) == parts for call in split)


def test_every_part_reads_the_exports_snapshot(awkward, monkeypatch, tmp_path):
    """A diploma committed after the export took its snapshot, before the parts start, is in
    none of them: a part with a snapshot of its own would let it in."""
    requester = awkward.requester(awkward.org("cbs", "CBS"))
    monkeypatch.setattr(_export_parts, "SPLIT_FROM", 0)
    late = PersonDataFactory()
    importer = _export_parts._importer
    committed = []

    def commit_then_import(reader, snapshot, zone):
        if not committed:  # once, from another connection (a thread has its own)

            def record():
                with transaction.atomic():
                    services.record_diploma(late, DiplomaDataFactory(),
                                            organisation=awkward.school)  # fmt: skip
                connections.close_all()

            thread = threading.Thread(target=record)
            thread.start()
            thread.join()
            committed.append(True)
        return importer(reader, snapshot, zone)

    before = _file(requester, "art55", {}, tmp_path / "before.csv")
    monkeypatch.setattr(_export_parts, "_importer", commit_then_import)
    during = _file(requester, "art55", {}, tmp_path / "during.csv")
    assert committed
    assert during == before
    assert subject_ref(late.pgn) not in during["manifest"]
    after = _file(requester, "art55", {}, tmp_path / "after.csv")  # the next export has it
    assert subject_ref(late.pgn) in after["manifest"]
    assert after["count"] == before["count"] + 1


def _plan(sql: str) -> _export_sql.Plan:
    return _export_sql.Plan(sql=sql, params={}, person_fields=[], diploma_fields=[])


SLOW = "SELECT pg_sleep(60)::text"  # a part that would run for a minute
FAILS = "SELECT (1 / (random() * 0)::int)::text"  # a part that fails at once (division by zero)


@pytest.mark.parametrize("late", [False, True], ids=["slow part running", "slow part not yet sent"])
@pytest.mark.parametrize("failing", [0, 1], ids=["first part fails", "later part fails"])
def test_a_failing_part_stops_the_others_and_its_error_surfaces(transactional_db, failing, late,
                                                                tmp_path, monkeypatch):  # fmt: skip
    """A part that fails ends the export at once: the other part's query is cancelled (not run to
    its end, a minute here), also when it is sent only after the failure (a cancel that reaches
    an idle connection does nothing), and the error raised is the failing part's own, not the
    cancellation it caused."""
    import psycopg

    plans = [_plan(SLOW), _plan(SLOW)]
    plans[failing] = _plan(FAILS)
    if late:  # the slow part's query leaves well after the failure
        copy = _export_parts._export_copy._copy

        def later(cursor, plan, *args):
            if plan.sql == SLOW:
                time.sleep(0.5)
            return copy(cursor, plan, *args)

        monkeypatch.setattr(_export_parts._export_copy, "_copy", later)
    out, refs = (tmp_path / "out").open("w+b"), (tmp_path / "refs").open("w+b")
    started = time.monotonic()
    with transaction.atomic(), pytest.raises(psycopg.errors.DivisionByZero):
        _export_parts.copy_csv(plans, out, refs)
    assert time.monotonic() - started < 30  # the slow part did not run its minute
    with connection.cursor() as cursor:  # nothing of the parts is left running on the server
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%%pg_sleep(60)%%'"
                       " AND state = 'active' AND pid <> pg_backend_pid()")  # fmt: skip
        assert cursor.fetchone()[0] == 0
