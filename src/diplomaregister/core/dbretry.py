"""Reads survive a dropped database connection: a GET or HEAD whose view fails because the
connection was lost (a PostgreSQL restart or failover, a killed backend) is run once more on a
new connection, before any of the response was sent.

Only GET and HEAD, and only once. A write is never retried: a POST whose connection broke
answers 500 and its transaction was rolled back by the database (Django's atomic blocks commit
all of it or nothing), so the client may repeat it (with the same ``Idempotency-Key``) without a
half-done or double write. A GET's own side effects (a disclosure-log row, a rate-limit count)
were either rolled back with the lost connection or, if the connection broke after they were
committed, are written once more: the log may show a look-up twice, never not at all.

"Lost" means an ``InterfaceError``, or an ``OperationalError`` after which the connection is gone
(psycopg reports it closed or broken, or it could not be opened). Other operational errors (a
lock timeout, SQLite's "database is locked") are not retried. Before the retry the broken
connection is closed and a new one opened; the PostgreSQL backend (core/postgresql) waits a few
seconds for a server that is restarting. Requests that start while it is down wait for it the
same way, and after it is back ``CONN_HEALTH_CHECKS`` replaces the other workers' stale
connections before their first query, so those see no error at all.

The last middleware: its ``process_exception`` sees the view's exception first.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger("diplomaregister.dbretry")

SAFE_METHODS = frozenset({"GET", "HEAD"})


def connection_lost(exc: BaseException) -> bool:
    if isinstance(exc, InterfaceError):
        return True
    if not isinstance(exc, OperationalError):
        return False
    for conn in connections.all(initialized_only=True):
        raw = conn.connection
        if raw is None or getattr(raw, "closed", False) or getattr(raw, "broken", False):
            return True
    return False


def reconnect() -> None:
    """Close the connections outside a transaction and open them again (on PostgreSQL the
    backend waits up to ``core.postgresql.base.CONNECT_WAIT`` seconds for the server)."""
    for conn in connections.all(initialized_only=True):
        if conn.in_atomic_block:
            continue
        conn.close()
        try:
            conn.ensure_connection()
        except DatabaseError:
            conn.close()  # the retry will try once more and fail with the real error


class RetryReadsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if request.method not in SAFE_METHODS or getattr(request, "_db_retried", False):
            return None
        if not connection_lost(exception) or request.resolver_match is None:
            return None
        request._db_retried = True  # type: ignore[attr-defined]
        logger.warning(
            "database connection lost during a read; retrying once (%s)",
            type(exception).__name__,
        )
        reconnect()
        match = request.resolver_match
        response: Any = match.func(request, *match.args, **match.kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        return response
