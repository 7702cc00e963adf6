"""Django's PostgreSQL backend, but a new connection that cannot be opened is tried again for up
to ``CONNECT_WAIT`` seconds before the error is raised.

Safe for every request, writes included: nothing has been sent to the database yet. During a
PostgreSQL restart or failover, requests that arrive while it is down wait for it instead of
answering 500; only requests whose connection broke while they were running fail (a GET is then
retried once, core/dbretry.py; a write was rolled back whole and answers 500). Together with
``CONN_HEALTH_CHECKS`` (a stale connection is replaced before its first query) a restart costs at
most the requests in flight. A database that stays down costs each request ``CONNECT_WAIT``
seconds and then an error, as before.
"""

from __future__ import annotations

import time
from typing import Any

from django.db.backends.postgresql import base

CONNECT_WAIT = 3.0  # seconds
CONNECT_STEP = 0.1


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        import psycopg

        deadline = time.monotonic() + CONNECT_WAIT
        while True:
            try:
                return super().get_new_connection(conn_params)
            except psycopg.OperationalError:
                if time.monotonic() + CONNECT_STEP >= deadline:
                    raise
                time.sleep(CONNECT_STEP)
