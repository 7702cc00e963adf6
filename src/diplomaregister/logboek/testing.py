"""Test helper shared by the apps whose tests need the log to fail (verstrekking, extracts)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from django.db import connection


@contextlib.contextmanager
def log_refusing_inserts() -> Iterator[None]:
    """The database itself refuses every new log row (a trigger) while the block runs, on SQLite
    and PostgreSQL; the trigger (and on PostgreSQL its function) is gone afterwards."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending FK checks on the table
            cursor.execute("CREATE FUNCTION test_refuse_log() RETURNS trigger LANGUAGE plpgsql AS "
                           "$$ BEGIN RAISE EXCEPTION 'log storage refuses'; END $$")  # fmt: skip
            cursor.execute("CREATE TRIGGER test_refuse_log BEFORE INSERT ON logboek_logentry "
                           "FOR EACH ROW EXECUTE FUNCTION test_refuse_log()")  # fmt: skip
        else:
            cursor.execute("CREATE TRIGGER test_refuse_log BEFORE INSERT ON logboek_logentry "
                           "BEGIN SELECT RAISE(ABORT, 'log storage refuses'); END")  # fmt: skip
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("DROP TRIGGER test_refuse_log ON logboek_logentry")
                cursor.execute("DROP FUNCTION test_refuse_log()")
            else:
                cursor.execute("DROP TRIGGER test_refuse_log")
