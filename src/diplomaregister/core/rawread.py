"""Model instances from hand-written SQL, built the way the ORM builds them (its column order and its
database converters), for hot paths where compiling a queryset costs more than running it.

A recipient look-up reads the same few shapes of query thousands of times a second; Django compiles
each queryset anew (about 60 % of a look-up's time was SQL compilation and model building, issue 12).
:class:`Columns` holds, once per model, table alias and database vendor, the SELECT list and the
converters the ORM would apply, so a caller writes the SQL once and gets ordinary model instances
(``Model.from_db``: no signals skipped, ``_state.db`` set) that the rest of the code cannot tell from
ORM-built ones.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper

Converter = Callable[[Any, Any, BaseDatabaseWrapper], Any]


class Columns:
    """The concrete fields of ``model`` as ``alias.column`` SELECT items and a row builder."""

    def __init__(self, model: type[models.Model], alias: str, connection: BaseDatabaseWrapper):
        fields = model._meta.concrete_fields
        quote = connection.ops.quote_name
        self.model = model
        self.sql = ", ".join(f"{alias}.{quote(str(f.column))}" for f in fields)
        self.width = len(fields)
        self.attnames = [f.attname for f in fields]
        self.pk_index = list(fields).index(model._meta.pk)
        # what SQLCompiler.get_converters collects for a plain column (backend's, then the field's)
        self.converters: list[tuple[int, Any, list[Converter]]] = []
        for index, field in enumerate(fields):
            column = field.get_col(alias)
            found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
            if found:
                self.converters.append((index, column, found))

    def build(self, row: Sequence[Any], start: int, db: str,
              connection: BaseDatabaseWrapper) -> models.Model | None:  # fmt: skip
        """The instance in ``row[start:start + width]``; None when its primary key is NULL (the
        empty side of a LEFT JOIN)."""
        values = list(row[start : start + self.width])
        if values[self.pk_index] is None:
            return None
        for index, column, converters in self.converters:
            value = values[index]
            for converter in converters:
                value = converter(value, column, connection)
            values[index] = value
        return self.model.from_db(db, self.attnames, values)


def fetch_sets(db: str, statements: Sequence[tuple[str, Sequence[Any]]]) -> list[list[tuple]]:
    """The rows of each statement (each statement its own snapshot, as READ COMMITTED reads). On
    PostgreSQL the statements are prepared (parsed and planned once per connection, the values sent
    apart from the text) and sent together in one pipeline: one round trip. When something watches the
    queries (query logging, execute wrappers) they travel through Django's cursor instead: with
    client-side binding as one multi-statement query (also one round trip), else one after the
    other; elsewhere one after the other on the same cursor. The rows are the same either way."""
    from django.db import connections

    connection = connections[db]
    if connection.vendor == "postgresql" and not (
        connection.queries_logged or connection.execute_wrappers
    ):
        return _pipelined(connection, statements)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and _client_side(cursor):
            cursor.execute(
                "; ".join(sql for sql, _params in statements),
                [value for _sql, params in statements for value in params],
            )
            results = [cursor.fetchall()]
            while cursor.nextset():
                results.append(cursor.fetchall())
            return results
        results = []
        for sql, params in statements:
            cursor.execute(sql, params)
            results.append(cursor.fetchall())
        return results


def fetch_row(db: str, sql: str, params: Sequence[Any]) -> tuple:
    """The first row of one statement that always returns one (:func:`fetch_sets`' path)."""
    return fetch_sets(db, [(sql, params)])[0][0]


def _pipelined(
    connection: BaseDatabaseWrapper, statements: Sequence[tuple[str, Sequence[Any]]]
) -> list[list[tuple]]:
    """Prepared statements in one psycopg pipeline on Django's connection (same session and
    transaction; its errors turned into Django's)."""
    import psycopg

    connection.ensure_connection()
    connection.validate_no_broken_transaction()
    raw = connection.connection
    with connection.wrap_database_errors:
        cursors = [psycopg.Cursor(raw) for _ in statements]
        try:
            with raw.pipeline():
                for cursor, (sql, params) in zip(cursors, statements, strict=True):
                    cursor.execute(sql, params, prepare=True)
            return [cursor.fetchall() for cursor in cursors]
        finally:
            for cursor in cursors:
                cursor.close()


def _client_side(cursor: Any) -> bool:
    import psycopg

    return isinstance(cursor.cursor, psycopg.ClientCursor)


@functools.cache
def _columns(model: type[models.Model], alias: str, vendor: str, db: str) -> Columns:
    from django.db import connections

    return Columns(model, alias, connections[db])


def columns(model: type[models.Model], alias: str, db: str) -> Columns:
    """The cached :class:`Columns` of ``model`` under ``alias`` for database ``db``."""
    from django.db import connections

    return _columns(model, alias, connections[db].vendor, db)
