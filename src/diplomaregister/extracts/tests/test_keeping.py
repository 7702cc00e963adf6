"""On PostgreSQL outside a transaction an extract's row and its log row are stored by one statement
(engine.disclose_keeping): both or neither, also when the append has to wait for a chain, and the
extract returned is the row stored, pointing at the log row that names what the PDF shows."""

import threading

import pytest
from django.db import IntegrityError, connection, connections
from django.test.utils import CaptureQueriesContext

from diplomaregister.extracts.codes import code_hash
from diplomaregister.extracts.models import Extract
from diplomaregister.extracts.services import make_extract
from diplomaregister.logboek.models import CHAINS, LogEntry
from diplomaregister.logboek.services import CHAIN_LOCK
from diplomaregister.logboek.testing import log_refusing_inserts

pytestmark = [
    pytest.mark.django_db(transaction=True),  # outside a transaction: the one-statement path
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the one-statement append"),
]


def _rows() -> tuple[int, int]:
    return Extract.objects.count(), LogEntry.objects.filter(basis="holder").count()


def test_the_extract_and_its_log_row_are_one_statement_and_the_row_returned_is_stored(
    holder, monkeypatch
):
    person, _, _ = holder
    monkeypatch.setattr("diplomaregister.logboek.services.ANCHOR_EVERY", 1e12)  # no anchor now
    make_extract(person)  # the chain heads exist (a flushed database has none: made on first use)
    with CaptureQueriesContext(connection) as captured:
        made = make_extract(person)
    writes = [q["sql"] for q in captured.captured_queries if "INSERT" in q["sql"]
              and ("extracts_extract" in q["sql"] or "logboek_logentry" in q["sql"])]  # fmt: skip
    assert len(writes) == 1 and "extracts_extract" in writes[0] and "logboek_logentry" in writes[0]
    assert not any(
        q["sql"].upper().startswith(("BEGIN", "COMMIT")) for q in captured.captured_queries
    )
    stored = Extract.objects.get(pk=made.extract.pk)
    names = [f.attname for f in Extract._meta.concrete_fields]
    assert {n: getattr(made.extract, n) for n in names} == {n: getattr(stored, n) for n in names}
    assert stored.code_hash == code_hash(made.code.replace("-", ""))
    assert not made.extract._state.adding
    assert _rows() == (2, 2)


def test_when_the_extract_row_is_refused_no_log_row_is_written(holder, monkeypatch):
    person, _, _ = holder
    first = make_extract(person)
    taken = first.code.replace("-", "")
    # the next extract gets a code already stored: its row violates the unique code_hash
    monkeypatch.setattr("diplomaregister.extracts.services.new_code", lambda: taken)
    with pytest.raises(IntegrityError):
        make_extract(person)
    assert _rows() == (1, 1)


def test_when_the_log_row_is_refused_no_extract_is_stored(holder):
    person, _, _ = holder
    with log_refusing_inserts(), pytest.raises(Exception, match="log storage refuses"):
        make_extract(person)
    assert _rows() == (0, 0)


def test_when_every_chain_is_taken_the_waiting_append_stores_one_extract(holder):
    """The first statement finds no free chain and returns nothing: it must have stored nothing
    either, or the waiting statement after it would store a second extract (or one without a
    log row, committed on its own)."""
    person, _, _ = holder
    make_extract(person)  # chain heads exist
    holder_conn = connections.create_connection("default")
    holder_conn.set_autocommit(False)
    with holder_conn.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM generate_series(1, %s) AS id"
            " WHERE pg_try_advisory_xact_lock(%s, id)",
            [CHAINS, CHAIN_LOCK],
        )
        assert cursor.fetchone()[0] == CHAINS
    made: list = []
    worker = threading.Thread(target=lambda: (made.append(make_extract(person)),
                                              connections.close_all()))  # fmt: skip
    worker.start()
    worker.join(0.5)
    assert worker.is_alive()  # waiting for a chain
    holder_conn.rollback()  # releases every chain
    holder_conn.close()
    worker.join(10)
    assert len(made) == 1
    assert _rows() == (2, 2)
    assert Extract.objects.filter(pk=made[0].extract.pk).exists()
