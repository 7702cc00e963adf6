"""The disclosure log partitioned by month on PostgreSQL (issue 12): one partition per calendar
month of ``occurred_at`` (UTC), created ahead, plus a default partition so that an append never
fails for want of one. Old months can be detached, archived or vacuumed on their own; each
month's indexes stay small. SQLite keeps one table.

Partitions are created by the migration that partitioned the table, by every ``migrate``
(``post_migrate``) and by the once-a-minute anchor (:func:`ensure_partitions`), always for this
month and the next ``AHEAD`` months.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import DatabaseError, connection, transaction

logger = logging.getLogger(__name__)
TABLE = "logboek_logentry"
AHEAD = 2
_done: set[str] = set()  # partitions this process knows exist


def name_of(month: dt.date) -> str:
    return f"{TABLE}_y{month.year:04d}m{month.month:02d}"


def _months(start: dt.date, count: int) -> list[dt.date]:
    months, year, month = [], start.year, start.month
    for _ in range(count):
        months.append(dt.date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def partitioned() -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE relname = %s", [TABLE])
        row = cursor.fetchone()
    return bool(row and row[0] == "p")


def create_month(cursor: Any, month: dt.date) -> None:
    """The partition of one month, if missing. (A month whose rows already went to the default
    partition keeps them there: PostgreSQL refuses the new partition, and the log is logged.)"""
    start = dt.datetime(month.year, month.month, 1, tzinfo=dt.UTC)
    nxt = _months(month, 2)[1]
    end = dt.datetime(nxt.year, nxt.month, 1, tzinfo=dt.UTC)
    name = name_of(month)
    try:
        with transaction.atomic():
            cursor.execute(
                f'CREATE TABLE IF NOT EXISTS "{name}" PARTITION OF {TABLE} '
                "FOR VALUES FROM (%s) TO (%s)",
                [start, end],
            )
    except DatabaseError:
        logger.warning("log.partition_not_created month=%s", month.isoformat())


def ensure_partitions(today: dt.date | None = None) -> None:
    """This month's partition and the next AHEAD months' (no-op off PostgreSQL or when known)."""
    from diplomaregister.core import clock

    today = today or clock.now().astimezone(dt.UTC).date()
    wanted = [m for m in _months(today.replace(day=1), AHEAD + 1) if name_of(m) not in _done]
    if not wanted or not partitioned():
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname FROM pg_class WHERE relname = ANY(%s)",
                       [[name_of(m) for m in wanted]])  # fmt: skip
        present = {row[0] for row in cursor.fetchall()}
        for month in wanted:
            if name_of(month) not in present:  # creating one locks the log table for a moment
                create_month(cursor, month)
            _done.add(name_of(month))


def after_migrate(using: str = "default", **kwargs: object) -> None:
    """``post_migrate`` receiver."""
    if using == "default":
        _done.clear()
        ensure_partitions()
