"""The disclosure log is a hash chain: verify_log finds edited, removed and reordered rows."""

import datetime as dt

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from diplomaregister.logboek.models import LogEntry
from diplomaregister.logboek.selectors import entries_for_subject
from diplomaregister.logboek.services import log_disclosure, subject_ref
from diplomaregister.register.models import Person
from diplomaregister.verstrekking.engine import Requester

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows():
    person = Person.objects.create(pgn="111222333", pgn_type="bsn", created_at=timezone.now())
    other = Person.objects.create(pgn="123456782", pgn_type="bsn", created_at=timezone.now())
    with time_machine.travel(dt.datetime(2025, 1, 2, 9, tzinfo=dt.UTC), tick=True):
        for index in range(5):
            log_disclosure(trace_id=f"t{index}", basis="art50", requester=Requester(kind="public", label="x"),
                           subject=subject_ref((person if index % 2 == 0 else other).pgn), fields=["kind"], channel="api",
                           outcome="disclosed", record_count=1)  # fmt: skip
    return person


def _raw(sql, params=()):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "ALTER TABLE logboek_logentry DISABLE TRIGGER logboek_logentry_append_only"
            )
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # settle the deferred FK checks first
            cursor.execute(
                "ALTER TABLE logboek_logentry ENABLE TRIGGER logboek_logentry_append_only"
            )


def test_intact_chain_verifies(rows, capsys):
    call_command("verify_log")
    assert "intact: 5 rows" in capsys.readouterr().out


def test_subject_is_stored_as_keyed_hash_and_found_by_the_holder(rows):
    assert [e.trace_id for e in entries_for_subject(rows.pgn)] == ["t4", "t2", "t0"]
    assert not LogEntry.objects.filter(subject_ref__contains=rows.pgn).exists()


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        (
            "UPDATE logboek_logentry SET recipient_label = 'someone else' WHERE seq = 3",
            "row 3: content",
        ),
        ("UPDATE logboek_logentry SET fields = '[\"pgn\"]' WHERE seq = 2", "row 2: content"),
        ("DELETE FROM logboek_logentry WHERE seq = 2", "row 3: expected row 2"),
        ("DELETE FROM logboek_logentry WHERE seq = 5", "at the end"),
        (
            "UPDATE logboek_logentry SET seq = CASE seq WHEN 2 THEN 4 WHEN 4 THEN 2 ELSE seq END "
            "WHERE seq IN (2, 4)",
            "row 2: link",
        ),
    ],
)
def test_tampering_is_detected(rows, sql, message):
    if "SET seq" in sql:  # swap through a free number to respect the unique constraint
        _raw("UPDATE logboek_logentry SET seq = 100 WHERE seq = 2")
        _raw("UPDATE logboek_logentry SET seq = 2 WHERE seq = 4")
        _raw("UPDATE logboek_logentry SET seq = 4 WHERE seq = 100")
    else:
        _raw(sql)
    with pytest.raises(CommandError, match=message):
        call_command("verify_log")


def test_postgresql_refuses_updates_of_log_rows(rows):
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger is PostgreSQL's")
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        LogEntry.objects.filter(seq=1).update(outcome="refused")
