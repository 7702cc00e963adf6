"""The replica path (issue 12): portal pages, look-ups and verification read the register from a
streaming replica, the log row and deliveries go to the primary, and a holder sees their own fresh
delivery at once. Runs under scripts/replica_pg.py (``make test-replica``), which starts a primary
and a synchronous hot standby; skipped elsewhere.

The replica is made to lag on purpose (``recovery_min_apply_delay``), so that a read which only
happens to be fast enough cannot pass for read-your-writes.
"""

from __future__ import annotations

import os
import time

import dj_database_url
import psycopg
import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from diplomaregister.core.pgn import synthetic_bsn
from diplomaregister.logboek.models import LogEntry
from diplomaregister.organisations.auth import create_client
from diplomaregister.organisations.factories import OrganisationFactory

REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
pytestmark = [
    pytest.mark.skipif(not REPLICA_URL, reason="needs a streaming replica (make test-replica)"),
    pytest.mark.django_db(transaction=True, databases=["default", "replica"]),
]
LAG = 1.5  # seconds the replica waits before applying what the primary committed


def _replica_sql(sql: str) -> None:
    parsed = dj_database_url.parse(REPLICA_URL)
    with psycopg.connect(host=parsed["HOST"], port=parsed["PORT"], user=parsed["USER"],
                         dbname="postgres", autocommit=True) as conn:  # fmt: skip
        conn.execute(sql)
        conn.execute("SELECT pg_reload_conf()")


@pytest.fixture
def replica():
    """The 'replica' alias pointed at the real standby (Django's test setup mirrors it onto the
    primary), reading the test database that physical replication copied there, lagging LAG s."""
    parsed = dj_database_url.parse(REPLICA_URL)
    settings = connections["replica"].settings_dict
    saved = dict(settings)
    settings.update(HOST=parsed["HOST"], PORT=parsed["PORT"],
                    NAME=connections["default"].settings_dict["NAME"])  # fmt: skip
    connections["replica"].close()
    _replica_sql(f"ALTER SYSTEM SET recovery_min_apply_delay = '{int(LAG * 1000)}ms'")
    time.sleep(0.3)
    yield connections["replica"]
    _replica_sql("ALTER SYSTEM RESET recovery_min_apply_delay")
    connections["replica"].close()
    settings.clear()
    settings.update(saved)


def _record(n: int) -> dict:
    return {
        "record_key": f"R-{n:05d}", "pgn": synthetic_bsn(70_000 + n), "family_name": "Jansen",
        "given_names": "Sem", "gender": "M", "birth_date": "2007-03-01", "kind": "l",
        "date_of_issue": "2025-07-10", "programme_code": "HAVO-NG", "vo_profile": "NG",
        "grades": [{"subject_code": "NE", "subject_name": "Nederlands", "school_exam_grade": "6.5",
                    "central_exam_grade": "7.1", "final_grade": "7"}],
    }  # fmt: skip


@pytest.fixture
def api(replica):
    school = OrganisationFactory(kind="vo_school", name="Stedelijk Lyceum")
    _client, token = create_client(school, "sis", ["deliver"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def test_the_replica_is_a_read_only_standby(replica):
    with replica.cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone()[0] is True


def test_a_holder_sees_a_fresh_delivery_at_once(api, replica, client):
    record = _record(1)
    started = time.monotonic()
    assert api.post("/api/v1/diplomas", record, format="json").status_code == 201
    waited = time.monotonic() - started
    client.get(f"/digid/acs/?bsn={record['pgn']}&next=/mijn/")
    with CaptureQueriesContext(replica) as on_replica, CaptureQueriesContext(connections["default"]) as on_primary:  # fmt: skip
        page = client.get("/mijn/", HTTP_ACCEPT_LANGUAGE="nl")
    assert page.status_code == 200
    assert (
        "Stedelijk Lyceum" in page.content.decode()
    )  # the delivery, read from the lagging replica
    assert waited >= LAG * 0.8, "the delivery returned before the replica had applied it"
    replica_reads = " ".join(q["sql"] for q in on_replica.captured_queries)
    primary_sql = " ".join(q["sql"] for q in on_primary.captured_queries)
    assert "register_diplomaversion" in replica_reads
    assert "register_diplomaversion" not in primary_sql  # the register was not read on the primary
    assert "INSERT INTO logboek_logentry" in primary_sql  # the log row was written there
    entry = LogEntry.objects.order_by("-id").first()
    assert entry is not None and entry.channel == "portal" and entry.outcome == "disclosed"


def test_without_waiting_a_read_from_the_lagging_replica_misses_the_write(replica):
    """The counterpart: a write that does not wait (as levering did before) is not yet visible on
    the replica, so the test above can only pass because the delivery waited."""
    from diplomaregister.core import replica as routing
    from diplomaregister.register.models import Person

    person = Person.objects.create(pgn=synthetic_bsn(99_001), pgn_type="bsn",
                                   created_at="2025-01-01T00:00:00Z")  # fmt: skip
    with routing.reading():
        assert not Person.objects.filter(pk=person.pk).exists()
    time.sleep(LAG + 0.5)
    with routing.reading():
        assert Person.objects.filter(pk=person.pk).exists()


def test_an_export_reads_the_register_from_the_replica(api, replica, tmp_path, monkeypatch):
    """Art. 55 export while the replica's replay is paused: a diploma delivered (without waiting)
    after the pause is on the primary only, so an export that read the primary would contain it.
    The export's log row is on the primary all the same."""
    import csv

    from django.core.management import call_command

    from diplomaregister.core import replica as routing

    assert api.post("/api/v1/diplomas", _record(2), format="json").status_code == 201
    cbs = OrganisationFactory(kind="cbs", name="Centraal Bureau voor de Statistiek", code="CBS")
    _replica_sql("SELECT pg_wal_replay_pause()")
    try:
        monkeypatch.setattr(routing, "wait_for_replicas", lambda using="default": None)
        assert api.post("/api/v1/diplomas", _record(3), format="json").status_code == 201
        out = tmp_path / "cbs.csv"
        call_command("export", basis="art55", recipient=cbs.code, out=str(out), no_progress=True)
    finally:
        _replica_sql("SELECT pg_wal_replay_resume()")
    with out.open(encoding="utf-8") as handle:
        numbers = {row["pgn"] for row in csv.DictReader(handle, delimiter=";")}
    assert _record(2)["pgn"] in numbers
    assert _record(3)["pgn"] not in numbers
    entry = LogEntry.objects.order_by("-id").first()
    assert entry is not None and entry.channel == "export" and entry.record_count == len(numbers)


def test_unwatched_reads_are_pipelined_on_the_replica(api, replica, monkeypatch):
    """With nothing watching the queries the engine's reads travel as prepared statements in one
    pipeline (core.rawread), on the replica's connection all the same: a correction the paused
    replica has not applied is not what the holder is shown."""
    from diplomaregister.core import replica as routing
    from diplomaregister.verstrekking import engine

    record = _record(4)

    def dates_shown() -> list[str]:
        disclosed = engine.disclose(
            requester=engine.Requester(kind="holder", label="test"), basis="holder",
            subject=record["pgn"], channel="test", fields=["date_of_issue"],
        )  # fmt: skip
        return [str(r["date_of_issue"]) for r in disclosed.records]

    assert api.post("/api/v1/diplomas", record, format="json").status_code == 201  # waits
    _replica_sql("SELECT pg_wal_replay_pause()")
    try:
        monkeypatch.setattr(routing, "wait_for_replicas", lambda using="default": None)
        corrected = {**record, "date_of_issue": "2025-07-11"}
        assert api.post("/api/v1/diplomas", corrected, format="json").status_code < 300
        assert not (replica.queries_logged or replica.execute_wrappers)  # the pipelined path
        shown = dates_shown()
    finally:
        _replica_sql("SELECT pg_wal_replay_resume()")
    assert shown == ["2025-07-10"]
    time.sleep(LAG + 0.5)  # once replayed, the replica has the correction
    assert dates_shown() == ["2025-07-11"]
