"""The cache shared by every worker process: Django's database cache with an atomic ``incr``.

Rate limits, login lockouts and the DigiD SAML request state must be seen by every worker (with a
per-process cache each worker adds its own allowance). Django's ``DatabaseCache`` works on SQLite
and PostgreSQL, but its ``incr`` is a get followed by a set, so two workers counting at once can
lose a count, and the set resets the entry's expiry to the default timeout. ``incr`` here locks
the row (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite transactions here are ``IMMEDIATE``, so
they hold the write lock) and keeps the expiry.

The table is created by ``migrate`` (``create_cache_table`` runs on ``post_migrate``), with the
rate counters' table beside it (:func:`count_hit`).
"""

from __future__ import annotations

import base64
import pickle
from typing import Any

from django.core.cache.backends.db import DatabaseCache
from django.db import connections, models, router, transaction
from django.utils.timezone import now as tz_now


class SharedDatabaseCache(DatabaseCache):
    _table: str  # set by BaseDatabaseCache.__init__

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> Any:
        key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        qn = connection.ops.quote_name
        table = qn(self._table)
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        with transaction.atomic(using=db), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {qn('value')}, {qn('expires')} FROM {table} "  # noqa: S608 (quoted names)
                f"WHERE {qn('cache_key')} = %s{lock}",
                [key],
            )
            row = cursor.fetchone()
            if row is None:
                raise ValueError(f"Key '{key}' not found")
            expires = row[1]
            expression = models.Expression(output_field=models.DateTimeField())
            converters = connection.ops.get_db_converters(
                expression
            ) + expression.get_db_converters(connection)
            for converter in converters:
                expires = converter(expires, expression, connection)
            if expires < tz_now():
                raise ValueError(f"Key '{key}' not found")
            value = pickle.loads(base64.b64decode(connection.ops.process_clob(row[0]).encode()))  # noqa: S301 (our own table)
            new_value = value + delta
            encoded = base64.b64encode(pickle.dumps(new_value, self.pickle_protocol)).decode(
                "latin1"
            )
            cursor.execute(
                f"UPDATE {table} SET {qn('value')} = %s WHERE {qn('cache_key')} = %s",  # noqa: S608
                [encoded, key],
            )
        return new_value


def create_cache_table(using: str = "default", **kwargs: Any) -> None:
    """``post_migrate`` receiver: create the database cache table(s) and the rate counters' table
    if missing (idempotent)."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)
    connection = connections[using]
    unlogged = "UNLOGGED " if connection.vendor == "postgresql" else ""  # counters, not records
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE {unlogged}TABLE IF NOT EXISTS {COUNTERS} (counter_key varchar(120) PRIMARY KEY, "
            "hits integer NOT NULL, expires timestamp with time zone NOT NULL)"
        )


COUNTERS = "diplomaregister_ratecount"
_COUNT_SQL = (
    f"INSERT INTO {COUNTERS} (counter_key, hits, expires) VALUES (%s, 1, %s) "  # noqa: S608
    f"ON CONFLICT (counter_key) DO UPDATE SET hits = {COUNTERS}.hits + 1 RETURNING hits"
)
SWEEP_EVERY = 1000  # hits between two clean-ups of ended windows (per process)
_since_sweep = [0]


def count_hit(key: str, expires: Any, using: str = "default") -> int:
    """Count one hit of ``key`` (a rate-limit window) and return the window's count so far: one
    statement (an upsert), so every worker counts in the same row without a lock round trip.
    Ended windows are swept now and then."""
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(_COUNT_SQL, [key, expires])
        row = cursor.fetchone()
        _since_sweep[0] += 1
        if _since_sweep[0] >= SWEEP_EVERY:
            _since_sweep[0] = 0
            cursor.execute(f"DELETE FROM {COUNTERS} WHERE expires < %s", [tz_now()])  # noqa: S608
    return int(row[0])
