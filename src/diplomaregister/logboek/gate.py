"""The log's commit awaited at the edge of the request, not at the disclosure (issue 12).

"Nothing leaves unless its log row is committed" is a rule about the answer: the data leaves when
the response is sent. While a request is served through :class:`LogGateMiddleware`, a disclosure
outside a transaction sends its log row's append (one prepared statement, committed on its own) to
the primary on its thread's log session, a connection of its own, without waiting for the answer,
and goes on to render; the middleware reads the append's result (the committed row) before the
response is returned to the server. The durable commit (a WAL flush, the largest part of a log
append) then overlaps the rendering instead of following the read. One thread, no locks: the
session is the request thread's own (libpq's asynchronous send, ``psycopg.pq``).

If a row fails (or its session breaks) the response is thrown away and the request answers as a
database failure in the view would (500, problem details or the error page): the data stays
inside. Outside a request (commands, tests calling the engine) and inside a transaction nothing is
deferred: the append is committed before ``log_disclosure`` returns, as before. Reads of the log in
a request first wait for that request's rows (:func:`settle`), so a page that discloses and then
lists the log shows its own row.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from django.core.handlers.exception import response_for_exception
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

_open: contextvars.ContextVar[list[Pending] | None] = contextvars.ContextVar(
    "log_gate", default=None
)
_local = threading.local()  # each thread its log session (Django's connections are per thread too)


class LogNotCommitted(DatabaseError):
    """A deferred log row was not committed: its disclosure must not leave."""


class Session:
    """A connection to the primary for log appends sent ahead (libpq, autocommit): statements are
    prepared once; at most one append is in flight."""

    def __init__(self) -> None:
        from psycopg import conninfo, pq

        params = connections[DEFAULT_DB_ALIAS].get_connection_params()
        libpq = {
            k: v for k, v in params.items() if isinstance(v, str | int) and k != "prepare_threshold"
        }
        self.pq, self.pid = pq, os.getpid()
        self.conn = pq.PGconn.connect(conninfo.make_conninfo("", **libpq).encode())
        self.prepared: set[bytes] = set()
        self.in_flight: Pending | None = None
        if self.conn.status != pq.ConnStatus.OK:
            raise LogNotCommitted("the log session could not connect")

    def send(self, name: bytes, sql: bytes, types: Sequence[int], values: Sequence[bytes | None],
             pending: Pending) -> None:  # fmt: skip
        if self.in_flight is not None:
            self.in_flight.result()  # one append at a time on a session
        if name not in self.prepared:
            self._check(self.conn.prepare(name, sql, types))
            self.prepared.add(name)
        self.conn.send_query_prepared(name, values)
        self.in_flight = pending

    def receive(self) -> list[bytes | None] | None:
        """The append's one row (None when it returned none), once its COMMIT is done."""
        result, row = self.conn.get_result(), None
        while result is not None:  # the statement's result, then None when the query is done
            self._check(result)
            if result.ntuples:
                row = [result.get_value(0, i) for i in range(result.nfields)]
            result = self.conn.get_result()
        self.in_flight = None
        return row

    def _check(self, result: Any) -> None:
        if result is None or result.status not in (
            self.pq.ExecStatus.TUPLES_OK,
            self.pq.ExecStatus.COMMAND_OK,
        ):
            raise LogNotCommitted("the disclosure log row was not written")

    def close(self) -> None:
        self.conn.finish()


def session() -> Session:
    current: Session | None = getattr(_local, "session", None)
    if (
        current is None
        or current.pid != os.getpid()
        or current.conn.status != current.pq.ConnStatus.OK
    ):
        current = _local.session = Session()
    return current


def drop_session() -> None:
    """Close this thread's log session (after a failure; test teardown)."""
    current: Session | None = getattr(_local, "session", None)
    _local.session = None
    if current is not None and current.pid == os.getpid():
        current.close()


class Pending:
    """A log row sent ahead: :meth:`result` waits for its commit and returns what ``finish`` makes
    of the returned row (once; later calls return the same)."""

    __slots__ = ("_done", "_error", "_finish", "_session", "_value")

    def __init__(self, finish: Callable[[list[bytes | None] | None], Any], on: Session) -> None:
        self._finish, self._session, self._done = finish, on, False
        self._value: Any = None
        self._error: BaseException | None = None

    def result(self) -> Any:
        if not self._done:
            self._done = True
            try:  # on the session it was sent on (a new one would have no result to give)
                self._value = self._finish(self._session.receive())
            except BaseException as error:
                self._error = error
                drop_session()  # a fresh connection for the next row
        if self._error is not None:
            raise self._error
        return self._value


def deferring() -> bool:
    """Whether a log row may be sent ahead now (a request is open at the gate)."""
    return _open.get() is not None


def send(name: bytes, sql: bytes, types: Sequence[int], values: Sequence[bytes | None],
         finish: Callable[[list[bytes | None] | None], Any]) -> Pending:  # fmt: skip
    """Send one append on this thread's log session; the open request waits for it."""
    rows = _open.get()
    assert rows is not None, "send() outside LogGateMiddleware"
    current = session()
    pending = Pending(finish, current)
    try:
        current.send(name, sql, types, values, pending)
    except BaseException:
        drop_session()
        raise
    rows.append(pending)
    return pending


@contextlib.contextmanager
def opened() -> Iterator[None]:
    """The gate open for one request (or one measured unit of work): log rows may be sent ahead
    inside; the caller settles them before anything leaves."""
    token = _open.set([])
    try:
        yield
    finally:
        _open.reset(token)


def settle() -> None:
    """Wait for the rows this request sent ahead (before reading the log). Raises when one failed."""
    rows = _open.get()
    while rows:
        rows.pop(0).result()


class LogGateMiddleware:
    """Opens the gate for the request, and before the response leaves waits for every log row the
    request sent ahead; a row that failed replaces the response by the failure's."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with opened():
            response = self.get_response(request)
            try:
                settle()
            except Exception as error:
                logger.error("log.row_not_committed: the answer is withheld (%s)",
                             type(error).__name__)  # fmt: skip
                response.close()
                return response_for_exception(request, error)
            return response
