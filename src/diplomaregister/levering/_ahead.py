"""Reading a delivery one chunk ahead of the database (levering/pipeline.py).

While the database decides and writes one chunk, the next one is read and prepared for the
set-based path (levering/_prepare.py: parsing, the Python-side checks, the staging rows as COPY
text). A worker thread reads the records; for a delivery whose first chunk holds at least
``PROCESS_FROM`` records the preparing itself runs in a child process, so that it does not hold
the interpreter lock the main thread needs each time a statement returns (in a thread the
preparing of the next chunk slowed every statement of the current one). Only the COPY text and
the record types come back from the child.

The child is forked from the main thread before the worker thread reads anything, never touches
the database (the parent's connections are set aside in it: their sockets are shared), and ends
with the parent: when the delivery is done, and also when the parent dies.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import pickle
import threading
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from multiprocessing.connection import wait
from typing import Any

from django.db import connection, connections

from diplomaregister.levering import _prepare
from diplomaregister.levering.models import Delivery
from diplomaregister.organisations.models import Organisation

logger = logging.getLogger(__name__)
PROCESS_FROM = 500  # records in the first chunk from which the preparing runs in a child process

Chunk = list[tuple[int, dict[str, Any]]]
Ahead = tuple[Chunk, Chunk, _prepare.Prepared | None]
_INHERITED: list[Any] = []  # the parent's connections, in the child: kept, never used or closed


def _child() -> None:
    """In the child: set the parent's database connections aside (a query here would open a new
    one), and exit when the parent does."""
    for wrapper in connections.all(initialized_only=True):
        _INHERITED.append(wrapper.connection)
        wrapper.connection = None
    parent = multiprocessing.parent_process()
    if parent is not None:
        sentinel = parent.sentinel

        def watch() -> None:
            wait([sentinel])
            os._exit(1)

        threading.Thread(target=watch, name="levering-parent-watch", daemon=True).start()


def _started() -> int:
    return os.getpid()


def _prepared(todo: Chunk, organisation: Organisation) -> _prepare.Prepared:
    return _prepare.prepare(todo, organisation).sent()


@contextmanager
def _processes(wanted: bool) -> Iterator[ProcessPoolExecutor | None]:
    """One child process for preparing, forked now (from the calling, main thread), or None when
    not wanted or not possible (no fork on this platform, or the fork failed)."""
    if not wanted or "fork" not in multiprocessing.get_all_start_methods():
        yield None
        return
    pool = ProcessPoolExecutor(
        max_workers=1, mp_context=multiprocessing.get_context("fork"), initializer=_child
    )
    try:
        pool.submit(_started).result()
    except (BrokenProcessPool, OSError) as exc:
        logger.warning("no process for preparing chunks (%s); a thread prepares them", exc)
        pool.shutdown(wait=False, cancel_futures=True)
        yield None
        return
    try:
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def ahead(chunks: Iterator[Chunk], delivery: Delivery) -> Iterator[Ahead]:
    """The chunks with, for the set-based path, their staging rows prepared one chunk ahead:
    ``(chunk, records still to do, prepared or None)``."""
    organisation, first = delivery.organisation, delivery.next_index  # read here: no queries there
    postgresql = connection.vendor == "postgresql"

    def read(processes: ProcessPoolExecutor | None) -> Ahead | None:
        chunk = next(chunks, None)
        if chunk is None:
            return None
        todo = [(i, raw) for i, raw in chunk if i >= first]
        if not (postgresql and len(todo) > 1):  # pipeline.setwise(), without a connection here
            return chunk, todo, None
        try:
            if processes is not None:
                try:
                    return chunk, todo, processes.submit(_prepared, todo, organisation).result()
                except (BrokenProcessPool, pickle.PicklingError) as exc:
                    logger.warning("chunk prepared in the thread: %s", type(exc).__name__)
            return chunk, todo, _prepare.prepare(todo, organisation)
        except _prepare.Fallback:
            return chunk, todo, None

    if not postgresql:
        while (item := read(None)) is not None:
            yield item
        return
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="levering-prepare") as threads:
        item = threads.submit(read, None).result()
        if item is None:
            return
        with _processes(len(item[0]) >= PROCESS_FROM) as processes:
            future = threads.submit(read, processes)
            yield item
            while (item := future.result()) is not None:
                future = threads.submit(read, processes)
                yield item
