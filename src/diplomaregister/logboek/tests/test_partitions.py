"""The disclosure log is partitioned by month on PostgreSQL: a row lands in its month's partition,
the coming months' partitions exist before they are needed, and a month without one still takes
rows (the default partition)."""

import datetime as dt

import pytest
import time_machine
from django.db import connection

from diplomaregister.logboek import partitions
from diplomaregister.logboek.services import log_disclosure
from diplomaregister.verstrekking.engine import Requester

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("the log is partitioned on PostgreSQL only")
    yield
    partitions._done.clear()  # partitions made in a test are rolled back with it


def _where(entry_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tableoid::regclass::text FROM logboek_logentry WHERE id = %s", [entry_id]
        )
        return cursor.fetchone()[0]


def _log(when: dt.datetime):
    with time_machine.travel(when, tick=False):
        return log_disclosure(trace_id="p", basis="art50", requester=Requester(kind="public", label="x"),
                              subject="s", fields=["kind"], channel="api", outcome="disclosed")  # fmt: skip


def test_the_table_is_partitioned_and_a_row_lands_in_its_month():
    assert partitions.partitioned()
    now = dt.datetime.now(dt.UTC)
    entry = _log(now)
    assert _where(entry.pk) == partitions.name_of(now.date().replace(day=1))


def test_the_coming_months_exist_and_are_created_ahead():
    partitions._done.clear()
    # two years on: the anchor (or a migrate) then makes that month and the next two
    later = dt.date(dt.datetime.now(dt.UTC).year + 2, 3, 15)
    partitions.ensure_partitions(later)
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname FROM pg_class WHERE relname LIKE 'logboek\\_logentry\\_y%%'")
        names = {row[0] for row in cursor.fetchall()}
    assert {partitions.name_of(dt.date(later.year, m, 1)) for m in (3, 4, 5)} <= names
    entry = _log(dt.datetime(later.year, 4, 2, 12, tzinfo=dt.UTC))
    assert _where(entry.pk) == partitions.name_of(dt.date(later.year, 4, 1))


def test_a_month_without_a_partition_goes_to_the_default():
    entry = _log(dt.datetime(2019, 6, 1, 12, tzinfo=dt.UTC))
    assert _where(entry.pk) == "logboek_logentry_default"
