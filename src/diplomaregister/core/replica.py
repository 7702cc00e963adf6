"""Reads from a streaming replica, writes to the primary (issue 12, scale-out path).

Only the disclosure engine reads from the replica, and only the register's own tables while it
gathers what it will disclose (:func:`reading`); everything else - the disclosure log, deliveries, sessions, share links, the
channels' own rows - reads and writes the primary. The log row is written and committed on the
primary before the answer leaves, so "nothing leaves unless its log row is committed" holds while
the data itself comes from the replica.

Read-your-writes: a transaction that delivers register data calls :func:`wait_for_replicas`, which
asks PostgreSQL for ``synchronous_commit = remote_apply``: its COMMIT returns once the synchronous
standby (the replica, listed in the primary's ``synchronous_standby_names``) has applied it, so a
holder who opens the portal right after a delivery sees it. Nothing changes without a replica.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db import connections

REPLICA = "replica"
# the register's own tables; small control tables (applications, organisations, the log) that the
# engine reads right after writing them always come from the primary
REPLICATED_APPS = frozenset({"register"})
_reading: contextvars.ContextVar[bool] = contextvars.ContextVar("replica_reading", default=False)


def configured() -> bool:
    return REPLICA in settings.DATABASES


def read_alias() -> str:
    """The database the engine reads the register from."""
    return REPLICA if configured() else "default"


@contextlib.contextmanager
def reading() -> Iterator[None]:
    """Inside this block, model reads go to the replica (when one is configured)."""
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


def wait_for_replicas(using: str = "default") -> None:
    """Make the current transaction's COMMIT wait until the replica has applied it."""
    connection = connections[using]
    if configured() and connection.vendor == "postgresql" and connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = remote_apply")


class ReplicaRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if _reading.get() and model._meta.app_label in REPLICATED_APPS and configured():
            return REPLICA
        return None

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the replica is a copy of the primary

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == "default"
