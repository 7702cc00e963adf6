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


def _rehash_chain_from(seq: int) -> None:
    """Rewrite chain 1 consistently from row ``seq`` on, and its head: what an insider who edits a
    row and recomputes the hashes after it would do. Per-chain checks then pass."""
    from diplomaregister.logboek import chain
    from diplomaregister.logboek.models import ChainHead

    prev = LogEntry.objects.get(chain=1, seq=seq - 1).row_hash if seq > 1 else chain.GENESIS
    for entry in LogEntry.objects.filter(chain=1, seq__gte=seq).order_by("seq"):
        digest = chain.row_hash(prev, {k: getattr(entry, k) for k in chain.HASHED})
        _raw("UPDATE logboek_logentry SET prev_hash = %s, row_hash = %s WHERE id = %s",
             [prev, digest, entry.pk])  # fmt: skip
        prev = digest
    ChainHead.objects.filter(pk=1).update(row_hash=prev)


def test_an_anchor_catches_a_chain_rewritten_consistently(rows):
    from diplomaregister.logboek.services import anchor

    recorded = anchor()
    assert recorded is not None and recorded.heads["1"][0] == 5
    _raw("UPDATE logboek_logentry SET recipient_label = 'someone else' WHERE seq = 3")
    _rehash_chain_from(3)
    with pytest.raises(CommandError, match="anchor 1: chain 1 no longer has the row 5"):
        call_command("verify_log")


def test_without_an_anchor_a_consistent_rewrite_passes_the_row_checks(rows, capsys):
    """The counterpart of the test above: the row checks alone cannot see a consistent rewrite,
    which is why anchors are written (every minute, and by verify_log after a clean check)."""
    _raw("UPDATE logboek_logentry SET recipient_label = 'someone else' WHERE seq = 3")
    _rehash_chain_from(3)
    call_command("verify_log")
    assert "intact: 5 rows" in capsys.readouterr().out


def test_verify_log_anchors_the_heads_it_checked(rows):
    from diplomaregister.logboek.models import LogAnchor

    call_command("verify_log")
    call_command("verify_log")  # nothing appended in between: no second anchor
    anchors = list(LogAnchor.objects.order_by("seq"))
    assert [(a.seq, a.heads["1"][0]) for a in anchors] == [(1, 5)]
    if connection.vendor == "postgresql":
        from django.db import IntegrityError, transaction

        with pytest.raises(IntegrityError), transaction.atomic():
            LogAnchor.objects.all().delete()


@pytest.mark.django_db(transaction=True)
def test_concurrent_appenders_take_different_chains():
    """While one session holds a chain head (its disclosure not yet committed), another appends to
    another chain instead of waiting; both chains verify."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the parallel chains are PostgreSQL's")
    import threading

    from django.db import connections, transaction

    from diplomaregister.logboek.services import _create_heads

    _create_heads()  # as the migration does (a flushed test database has none)
    holding, release = threading.Event(), threading.Event()
    chains: dict[str, int] = {}

    def append(name: str, hold: bool) -> None:
        try:
            with transaction.atomic():
                entry = log_disclosure(trace_id=name, basis="art50", requester=Requester(kind="public", label="x"),
                                       subject="s", fields=["kind"], channel="api", outcome="disclosed")  # fmt: skip
                chains[name] = entry.chain
                if hold:
                    holding.set()
                    release.wait(10)
        finally:
            connections.close_all()

    first = threading.Thread(target=append, args=("first", True))
    first.start()
    assert holding.wait(10)
    second = threading.Thread(target=append, args=("second", False))
    second.start()
    second.join(10)
    assert not second.is_alive(), "the second appender waited for the first one's chain head"
    release.set()
    first.join(10)
    assert chains["first"] != chains["second"]
    call_command("verify_log")
