"""The PostgreSQL append runs on a prepared cursor kept per database connection: the row it returns
is the row stored, a new connection gets a new cursor, errors arrive as Django's database errors,
and whatever watches the queries (query logging, execute wrappers) still sees the statement."""

import pytest
from django.db import DataError, connection
from django.test.utils import CaptureQueriesContext

from diplomaregister.logboek.models import LogEntry
from diplomaregister.logboek.services import log_disclosure, subject_ref
from diplomaregister.verstrekking.engine import Requester

pytestmark = [
    pytest.mark.django_db(transaction=True),  # outside a transaction: the one-statement append
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the prepared append"),
]


def _append(subject: str = "", trace: str = "t") -> LogEntry:
    return log_disclosure(trace_id=trace, basis="art50", requester=Requester(kind="public", label="x"),
                          subject=subject or subject_ref("111222333"), fields=["kind", "family_name"],
                          channel="api", outcome="disclosed", record_count=1)  # fmt: skip


def test_the_entry_returned_is_the_row_stored():
    entry = _append()
    stored = LogEntry.objects.get(pk=entry.pk)
    names = [f.attname for f in LogEntry._meta.concrete_fields]
    assert {n: getattr(entry, n) for n in names} == {n: getattr(stored, n) for n in names}
    assert entry.fields == ["family_name", "kind"]  # sorted, as the log row names them
    assert not entry._state.adding  # a saved row: saving it again would be an UPDATE (refused)


def test_a_new_connection_gets_a_new_cursor():
    first = _append(trace="before")
    connection.close()
    second = _append(trace="after")
    assert (second.chain, second.seq) != (first.chain, first.seq)
    assert LogEntry.objects.filter(trace_id__in=["before", "after"]).count() == 2


def test_a_database_error_is_djangos_error_and_the_next_append_works():
    with pytest.raises(DataError):  # subject_ref is varchar(64)
        _append(subject="x" * 65)
    assert _append(trace="next").pk
    assert not LogEntry.objects.filter(subject_ref="x" * 65).exists()


def test_query_logging_and_execute_wrappers_see_the_append():
    seen = []

    def wrapper(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with CaptureQueriesContext(connection) as captured:
        _append(trace="logged")
    assert any("INSERT INTO logboek_logentry" in q["sql"] for q in captured.captured_queries)
    with connection.execute_wrapper(wrapper):
        _append(trace="wrapped")
    assert any("INSERT INTO logboek_logentry" in sql for sql in seen)
