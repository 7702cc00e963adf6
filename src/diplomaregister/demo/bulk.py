"""The database's bulk path for generated rows: COPY on PostgreSQL, executemany on SQLite.

Rows are dicts keyed by column name with explicit primary keys (allocated by :class:`IdBlock`), so
related rows can refer to each other before anything is written; sequences are reset at the end.
Each :meth:`BulkWriter.flush` is called inside the caller's transaction, so a chunk is all or nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max
from django.db.models.fields import NOT_PROVIDED


class IdBlock:
    """Hands out primary keys above the current maximum of each table (the loader is the only
    writer while it runs: ``generate_demo`` is a bulk load, not an online path)."""

    def __init__(self) -> None:
        self._next: dict[type[models.Model], int] = {}

    def take(self, model: type[models.Model]) -> int:
        if model not in self._next:
            top = model._default_manager.aggregate(top=Max("pk"))["top"] or 0
            self._next[model] = top + 1
        value = self._next[model]
        self._next[model] = value + 1
        return value


def _columns(model: type[models.Model]) -> list[str]:
    return [str(f.column) for f in model._meta.concrete_fields]


def _defaults(model: type[models.Model]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for f in model._meta.concrete_fields:
        column = str(f.column)
        if f.default is not NOT_PROVIDED:
            value = f.default() if callable(f.default) else f.default
            values[column] = str(value) if isinstance(value, str) else value  # plain str, no enum
        elif f.null:
            values[column] = None
        else:
            values[column] = ""
    return values


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict | list):
        return json.dumps(value)
    return value


def _pg_value(value: Any) -> Any:
    if isinstance(value, dict | list):
        return json.dumps(value)
    return value


class BulkWriter:
    """Collects rows per model and writes them in one statement per table."""

    def __init__(self, order: list[type[models.Model]]) -> None:
        self.order = order  # parents before children (foreign keys)
        self.rows: dict[type[models.Model], list[dict[str, Any]]] = defaultdict(list)
        self.written: dict[str, int] = defaultdict(int)
        self._columns = {m: _columns(m) for m in order}
        self._defaults = {m: _defaults(m) for m in order}

    def add(self, model: type[models.Model], **values: Any) -> None:
        self.rows[model].append(values)

    def flush(self) -> None:
        with connection.cursor() as cursor:
            for model in self.order:
                rows = self.rows.pop(model, [])
                if rows:
                    self._write(cursor, model, rows)
                    self.written[model._meta.label] += len(rows)

    def _write(self, cursor: Any, model: type[models.Model], rows: list[dict[str, Any]]) -> None:
        columns = self._columns[model]
        defaults = self._defaults[model]
        table = connection.ops.quote_name(model._meta.db_table)
        names = ", ".join(connection.ops.quote_name(c) for c in columns)
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # the psycopg cursor under Django's wrapper
            with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([_pg_value(row.get(c, defaults[c])) for c in columns])
        else:
            marks = ", ".join("%s" for _ in columns)
            cursor.executemany(
                f"INSERT INTO {table} ({names}) VALUES ({marks})",  # noqa: S608 (quoted model identifiers)
                [[_sqlite_value(row.get(c, defaults[c])) for c in columns] for row in rows],
            )


def reset_sequences(models_: list[type[models.Model]]) -> None:
    """After explicit ids, let the database's own id generation continue above them."""
    statements = connection.ops.sequence_reset_sql(no_style(), models_)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
