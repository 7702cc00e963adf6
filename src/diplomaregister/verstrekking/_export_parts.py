"""Private to the engine (``_stream``): a large CSV export split over several PostgreSQL server
processes that read one snapshot (issue 12 item 5: "two server processes on one exported
snapshot").

The export's own transaction exports its snapshot (``pg_export_snapshot()``); each part opens a
connection of its own to the same server (the replica when there is one), imports that snapshot
(``SET TRANSACTION SNAPSHOT``, REPEATABLE READ) and copies the persons of one id range with the
query of ``_export_copy`` (``_export_sql.plan(..., persons=...)``: the range applied inside every
part of the query). The parts run side by side; the first streams into the file, the others into
temporary files appended in range order, so the file is byte for byte the single query's (rows in
person order), and so are the subject references of the manifest. All parts see exactly the data
the export's transaction sees; nothing is written by them.
"""

from __future__ import annotations

import contextlib
import itertools
import shutil
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import IO, Any

from django.db import connections

from diplomaregister.core import replica
from diplomaregister.register.models import Person
from diplomaregister.verstrekking import _export_copy, _export_sql

PARTS = 2  # server processes one export is split over
SPLIT_FROM = 50_000  # persons (planner estimate): below this, one query beats opening connections
LAST = 2**63 - 1  # the end of the last range: persons the range query did not see are in it too


def ranges() -> list[tuple[int, int]]:
    """The person id ranges ``[low, high)`` of the parts, or ``[]`` when the export is better
    done as one query (``SPLIT_FROM``; 0: always split). Call inside the export's transaction."""
    if PARTS < 2:
        return []
    reader = connections[replica.read_alias()]
    table = reader.ops.quote_name(Person._meta.db_table)
    with reader.cursor() as cursor:
        if SPLIT_FROM:
            cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [table])
            row = cursor.fetchone()
            if row is None or row[0] < SPLIT_FROM:
                return []
        cursor.execute(f"SELECT min(id), max(id) FROM {table}")  # noqa: S608 (a table name)
        low, high = cursor.fetchone()
    if low is None:
        return []
    step = (high - low + 1) / PARTS
    bounds = [0] + [low + round(step * i) for i in range(1, PARTS)] + [LAST]
    return list(itertools.pairwise(bounds))


def copy_csv(plans: list[_export_sql.Plan], out: IO[bytes], refs: IO[bytes],
             progress: Callable[[int], Any] | None = None) -> _export_copy.Result:  # fmt: skip
    """The rows of ``plans`` (one per range, in range order) as ``_export_copy.copy_csv`` writes
    the rows of the whole export: lines into ``out``, subject references into ``refs``."""
    reader = connections[replica.read_alias()]
    reader.ensure_connection()
    with reader.connection.cursor() as cursor:
        cursor.execute("SELECT pg_export_snapshot(), current_setting('TimeZone')")
        snapshot, zone = cursor.fetchone()
    opened: list[Any] = []
    with contextlib.ExitStack() as files:
        for _ in plans:
            conn = _importer(reader, snapshot, zone)
            files.callback(conn.close)
            opened.append(conn)
        spills = [(files.enter_context(tempfile.TemporaryFile()),
                   files.enter_context(tempfile.TemporaryFile())) for _ in plans[1:]]  # fmt: skip
        parts = _Parts(opened)
        with ThreadPoolExecutor(max_workers=len(plans) - 1) as pool:
            later = [
                pool.submit(parts.run, i + 1, plan, *spills[i], None)
                for i, plan in enumerate(plans[1:])
            ]
            try:
                result = parts.run(0, plans[0], out, refs, progress)
            except BaseException as error:
                first: BaseException | None = error
            else:
                first = None
        # every part has ended: the error of the part that failed, not a cancellation it caused
        failed = [e for e in (first, *(f.exception() for f in later)) if e is not None]
        if failed:
            raise next((e for e in failed if not _stopped(e)), failed[0])
        for future, (data, names) in zip(later, spills, strict=True):
            part = future.result()
            for spill, target in ((data, out), (names, refs)):
                spill.seek(0)
                shutil.copyfileobj(spill, target, 1 << 20)
            result.add(part)
            if progress:
                progress(part.count)
        return result


class _Stopped(Exception):
    """A part not started because another part had failed."""


class _Parts:
    """The parts' connections; a part that fails stops the others (their rows would be lost)."""

    def __init__(self, opened: list[Any]) -> None:
        self.opened = opened
        self.ended = [threading.Event() for _ in opened]
        self.stop = threading.Event()

    def run(self, index: int, plan: _export_sql.Plan, out: IO[bytes], refs: IO[bytes],
            progress: Callable[[int], Any] | None) -> _export_copy.Result:  # fmt: skip
        try:
            if self.stop.is_set():
                raise _Stopped
            with self.opened[index].cursor() as cursor:
                return _export_copy._copy(cursor, plan, out, refs, progress)
        except BaseException:
            self.ended[index].set()  # before halting: two failing parts do not wait for each other
            self.halt(index)
            raise
        finally:
            self.ended[index].set()

    def halt(self, failed: int) -> None:
        """Cancel what the other parts run until each has ended: a cancel that reaches a
        connection before its part sent the query does nothing, so it is sent again."""
        self.stop.set()
        waiting = [i for i in range(len(self.opened)) if i != failed]
        while waiting:
            for i in waiting:
                with contextlib.suppress(Exception):
                    self.opened[i].cancel_safe(timeout=5.0)
            waiting = [i for i in waiting if not self.ended[i].wait(0.1)]


def _stopped(error: BaseException) -> bool:
    import psycopg

    return isinstance(error, _Stopped | psycopg.errors.QueryCanceled)


def _importer(reader: Any, snapshot: str, zone: str) -> Any:
    """A connection of its own (the reader's server and settings) in a REPEATABLE READ
    transaction on ``snapshot``, with the export's settings and the reader's time zone."""
    import psycopg
    from psycopg import sql

    conn = psycopg.connect(**reader.get_connection_params())
    conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
    conn.read_only = True
    with conn.cursor() as cursor:  # the first statement of the transaction: the snapshot
        cursor.execute(sql.SQL("SET TRANSACTION SNAPSHOT {}").format(sql.Literal(snapshot)))
        cursor.execute(sql.SQL("SET LOCAL TimeZone = {}").format(sql.Literal(zone)))
        _export_sql.export_settings(cursor)
    return conn


def _part(conn: Any, plan: _export_sql.Plan, out: IO[bytes], refs: IO[bytes],
          progress: Callable[[int], Any] | None) -> _export_copy.Result:  # fmt: skip
    with conn.cursor() as cursor:
        return _export_copy._copy(cursor, plan, out, refs, progress)
