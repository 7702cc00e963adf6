"""Running a benchmark's clients as processes: each gets its own database connection (the parent's
are closed before the fork) and puts its count on a queue; the caller gets the sum."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable
from typing import Any

from django.db import connections


def total_count(target: Callable[..., None], client_args: Iterable[tuple[Any, ...]],
                timeout: float) -> int:  # fmt: skip
    """Start ``target(*args, queue)`` for each tuple of ``client_args``; the sum of what they put
    on the queue (each puts one count), waiting at most ``timeout`` seconds for each."""
    queue: multiprocessing.Queue = multiprocessing.Queue()
    connections.close_all()
    procs = [multiprocessing.Process(target=target, args=(*args, queue)) for args in client_args]
    for p in procs:
        p.start()
    total = sum(queue.get(timeout=timeout) for _ in procs)
    for p in procs:
        p.join()
    return total
