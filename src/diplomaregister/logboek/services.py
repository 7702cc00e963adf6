"""Writing the disclosure log. Called by the disclosure engine inside the transaction of the read:
if the row cannot be written, the disclosure fails with it (nothing buffered, nothing lost)."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import logging
import random
import re
import time
import uuid
from collections.abc import Iterable, Iterator
from typing import IO, Any

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, models, transaction

from diplomaregister.core import clock
from diplomaregister.core.keys import keyed_hash
from diplomaregister.core.logging import current_trace_id
from diplomaregister.law.loaders import legal_bases
from diplomaregister.logboek import chain, gate, partitions
from diplomaregister.logboek.models import CHAINS, ChainHead, LogAnchor, LogEntry, SubjectManifest

logger = logging.getLogger(__name__)


def subject_ref(number: str) -> str:
    """Keyed hash of a persoonsgebonden nummer (also of a number the register does not know):
    findable for the holder, unreadable in the log."""
    return keyed_hash("log-subject", number)


def new_trace_id() -> str:
    """The trace id of the request being served (so a log row and the request's log lines share
    it), else a new one."""
    return current_trace_id()[:64] or uuid.uuid4().hex


def _free_head() -> ChainHead:
    """A chain head, locked until the caller's transaction ends (one appender per chain). On
    SQLite writes are serialised anyway: always the first chain."""
    head = ChainHead.objects.select_for_update().order_by("pk").first()
    if head is None:
        _create_heads()
        head = ChainHead.objects.select_for_update().order_by("pk").first()
    assert head is not None
    return head


def _create_heads() -> None:
    ChainHead.objects.bulk_create(
        [ChainHead(pk=n, seq=0, prev_hash=chain.GENESIS, row_hash=chain.GENESIS)
         for n in range(1, CHAINS + 1)],
        ignore_conflicts=True,
    )  # fmt: skip


def log_disclosure(
    *,
    trace_id: str | None,
    basis: str,
    requester: Any,
    subject: str,
    fields: list[str],
    channel: str,
    outcome: str,
    record_count: int = 0,
    reason: str = "",
    keep: models.Model | None = None,
) -> LogEntry:
    """Append one row to the chain. ``requester`` is a verstrekking ``Requester`` (duck-typed).
    ``subject`` is the subject reference (:func:`subject_ref`), empty for bulk disclosures.
    Joins the caller's transaction without a savepoint: a failure here fails the disclosure.
    Outside a transaction on PostgreSQL the append is one statement, committed on its own (one
    round trip, no BEGIN/COMMIT). ``keep``: an unsaved row of the channel's own (an Extract),
    stored with the log row or not at all: by the same statement, else in the same transaction."""
    row: dict[str, Any] = {
        "trace_id": trace_id, "basis": basis, "requester": requester, "subject": subject,
        "fields": fields, "channel": channel, "outcome": outcome, "record_count": record_count,
        "reason": reason,
    }  # fmt: skip
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        entry = _append(**row, keep=keep)
        maybe_anchor()
        return entry
    with transaction.atomic(savepoint=False):
        transaction.on_commit(maybe_anchor)
        if keep is not None:
            keep.save(force_insert=True)
        return _append(**row)


def log_disclosure_ahead(**row: Any) -> LogEntry | gate.Pending:
    """:func:`log_disclosure` (without ``keep``) for a caller that hands nothing on before its
    request ends: while a request is open at :mod:`logboek.gate` (and outside a transaction, on
    PostgreSQL) the append is sent ahead on the thread's log session and committed while the answer
    is rendered; the ``gate.Pending`` returned is awaited by the gate before the response leaves.
    Otherwise the row is committed before this returns."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block and gate.deferring():
        return _send_ahead(*_row(**row))
    return log_disclosure(**row)


def _append(*, keep: models.Model | None = None, **row: Any) -> LogEntry:
    values, extra = _row(**row)
    if connection.vendor == "postgresql":
        return _append_postgresql(values, extra, keep)
    head = _free_head()
    values["chain"], values["seq"] = head.pk, head.seq + 1
    digest = chain.row_hash(head.row_hash, values)
    entry = LogEntry.objects.create(**values, **extra, prev_hash=head.row_hash, row_hash=digest)
    head.seq, head.prev_hash, head.row_hash = values["seq"], head.row_hash, digest
    head.save(update_fields=["seq", "prev_hash", "row_hash"])
    return entry


def _row(
    *,
    trace_id: str | None,
    basis: str,
    requester: Any,
    subject: str,
    fields: list[str],
    channel: str,
    outcome: str,
    record_count: int = 0,
    reason: str = "",
) -> tuple[dict[str, Any], dict[str, str]]:
    """The row's hashed values and its unhashed descriptions."""
    info = legal_bases().get(basis)
    organisation = getattr(requester, "organisation", None)
    values: dict[str, Any] = {
        "chain": 0,  # set by the chain head taken
        "seq": 0,
        "occurred_at": clock.now().astimezone(dt.UTC),
        "trace_id": trace_id or new_trace_id(),
        "basis": basis[:32],
        "article": info.article if info else "",
        "recipient_kind": requester.kind,
        "recipient_label": (requester.label or (organisation.name if organisation else ""))[:200],
        "recipient_code": organisation.code if organisation else "",
        "client_id": getattr(requester, "client_id", None),
        "user_id": getattr(requester, "user_id", None),
        "subject_ref": subject,
        "fields": sorted(fields),
        "record_count": record_count,
        "channel": channel,
        "outcome": outcome,
        "reason": reason[:200],
    }
    extra = {
        "activity_nl": info.purpose_nl if info else "",
        "activity_en": info.purpose_en if info else "",
    }
    return values, extra


_COLUMNS = [*chain.HASHED, "activity_nl", "activity_en"]
_PARAMS = ", ".join(f"%({c})s" for c in _COLUMNS if c not in ("chain", "seq"))
_HASH = "encode(sha256(convert_to(h.row_hash || %(a)s || h.id::text || %(b)s || (h.seq + 1)::text || %(c)s, 'UTF8')), 'hex')"
_HEAD_SQL = """
WITH pick AS (
    {pick}
), head AS (
    UPDATE logboek_chainhead h
       SET seq = h.seq + 1, prev_hash = h.row_hash, row_hash = {hash}
      FROM pick WHERE h.id = pick.id
 RETURNING h.id, h.seq, h.prev_hash, h.row_hash
)"""
_ENTRY_SQL = """
INSERT INTO logboek_logentry ({columns}, prev_hash, row_hash)
SELECT head.id, head.seq, {params}, head.prev_hash, head.row_hash FROM head
RETURNING id, chain, seq, prev_hash, row_hash
"""
_APPEND_SQL = _HEAD_SQL + _ENTRY_SQL
# A chain is taken with a transaction-level advisory lock (no row lock: a row lock is a WAL record
# and a tuple lock on a row updated thousands of times a second); its head row is then updated once.
# First any chain no one holds, tried in order; when all are held, wait for one picked at
# random. The lock is released when the appending transaction ends, after its commit is visible.
_PICK_FREE = (
    "SELECT id FROM generate_series(1, %(chains)s) AS id"
    " WHERE pg_try_advisory_xact_lock(%(lock)s, id) LIMIT 1"
)
_PICK_WAIT = "SELECT %(wait_for)s::int AS id FROM (SELECT pg_advisory_xact_lock(%(lock)s, %(wait_for)s)) AS l"
_COLUMN_LIST = ", ".join(["chain", "seq", *[c for c in _COLUMNS if c not in ("chain", "seq")]])
_APPEND_FREE = _APPEND_SQL.format(pick=_PICK_FREE, hash=_HASH, columns=_COLUMN_LIST, params=_PARAMS)
_APPEND_WAIT = _APPEND_SQL.format(pick=_PICK_WAIT, hash=_HASH, columns=_COLUMN_LIST, params=_PARAMS)
# The append with a row of the disclosing channel's own (an extract) inserted by the same statement,
# from the log row's output: stored exactly when the log row is, in the statement's own transaction.
# (fixed SQL; the table and columns are the model's, quoted; values are bound)
_KEEPING_SQL = (
    _HEAD_SQL  # noqa: S608
    + ", entry AS ("
    + _ENTRY_SQL
    + """), kept AS (
    INSERT INTO {table} ({kept_columns}) SELECT {kept_values} FROM entry RETURNING {pk}
)
SELECT entry.id, entry.chain, entry.seq, entry.prev_hash, entry.row_hash, kept.{pk} FROM entry, kept
"""
)
CHAIN_LOCK = 0x4C4F48  # first key of the advisory lock that holds one chain (second: the chain)


@functools.cache
def _preparing_class() -> type:
    """The cursor class that prepares what it runs (made once: psycopg is imported lazily)."""
    import psycopg

    class Preparing(psycopg.Cursor):  # type: ignore[type-arg]
        logged = False  # set when Django logs the queries (its log reads the text from _query)

        def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
            done = super().execute(query, params, prepare=True, **kwargs)
            if self.logged:
                self._query = self._convert_query(query, params)
            return done

    return Preparing


@contextlib.contextmanager
def _prepared_cursor(db: Any) -> Iterator[Any]:
    """A cursor with server-side binding on Django's connection (same session and transaction) that
    prepares what it runs: the append is parsed and planned once per connection, its values sent
    apart from the text. Django's own cursors bind on the client, which cannot prepare (the
    connection's ``prepare_threshold`` is set in settings: Django's default None forbids preparing
    altogether); see docs/deploy.md for PgBouncer.

    One cursor is kept per database connection (a new connection gets a new one). When something
    watches the queries (query logging, execute wrappers such as the replica router's tests) the
    cursor is wrapped as Django wraps its own; otherwise it runs bare, its errors still turned into
    Django's database errors. Either way the statement is the same, on the same session."""
    db.ensure_connection()
    raw = db.connection
    if db.queries_logged or db.execute_wrappers:
        watched = _preparing_class()(raw)
        watched.logged = db.queries_logged
        with db._prepare_cursor(watched) as cursor:
            yield cursor
        return
    cursor = getattr(db, "_log_cursor", None)
    if cursor is None or cursor.closed or cursor.connection is not raw:
        cursor = db._log_cursor = _preparing_class()(raw)
    with db.wrap_database_errors:
        yield cursor


_ENTRY_FIELDS = [f.attname for f in LogEntry._meta.concrete_fields]


@functools.cache
def _keeping(model: type[models.Model]) -> tuple[tuple[str, str], tuple[Any, ...]]:
    """The two appends (free chain, wait for one) that also insert a row of ``model``, and the
    fields whose values they take (``%(keep_<attname>)s``, cast to the column's type)."""
    db = connections[DEFAULT_DB_ALIAS]
    quote = db.ops.quote_name
    fields = tuple(f for f in model._meta.concrete_fields if not f.primary_key)
    pk = model._meta.pk
    assert pk is not None and pk.column is not None
    names = {
        "hash": _HASH, "columns": _COLUMN_LIST, "params": _PARAMS,
        "table": quote(model._meta.db_table), "pk": quote(pk.column),
        "kept_columns": ", ".join(quote(str(f.column)) for f in fields),
        "kept_values": ", ".join(f"%(keep_{f.attname})s::{f.cast_db_type(db)}" for f in fields),
    }  # fmt: skip
    return (
        _KEEPING_SQL.format(pick=_PICK_FREE, **names),
        _KEEPING_SQL.format(pick=_PICK_WAIT, **names),
    ), fields


def _append_postgresql(
    values: dict[str, Any], extra: dict[str, str], keep: models.Model | None = None
) -> LogEntry:
    """One statement: take a free chain (advisory lock), advance its head, hash in SQL, insert the row
    (and ``keep``, from the row's output). The hash input is chain.canonical() with the chain and
    sequence numbers spliced in by SQL."""
    params = _params(values, extra)
    params["wait_for"] = random.randint(1, CHAINS)  # noqa: S311 (load spreading, not security)
    # the connection itself: each attribute of the ``connection`` proxy is a look-up of its own
    db = connections[DEFAULT_DB_ALIAS]
    statements = (_APPEND_FREE, _APPEND_WAIT)
    if keep is not None:
        statements, fields = _keeping(type(keep))
        for f in fields:
            params[f"keep_{f.attname}"] = f.get_db_prep_save(f.pre_save(keep, True), db)
    with _prepared_cursor(db) as cursor:
        for sql in statements:
            cursor.execute(sql, params)
            row = cursor.fetchone()
            if row is not None:
                break
        else:  # no chain heads yet (new or flushed database)
            _create_heads()
            cursor.execute(statements[1], params)
            row = cursor.fetchone()
    if keep is not None:
        keep.pk, keep._state.adding, keep._state.db = row[5], False, db.alias
    return _stored(values, extra, *row[:5])


def _params(values: dict[str, Any], extra: dict[str, str]) -> dict[str, Any]:
    """The free-chain append's parameters: the row, its hash input around the chain and sequence
    numbers (chain.canonical_parts), the chain count and the lock key."""
    a, b, c = chain.canonical_parts(values)
    return {**values, **extra, "fields": json.dumps(values["fields"]), "a": a, "b": b, "c": c,
            "chains": CHAINS, "lock": CHAIN_LOCK}  # fmt: skip


def _stored(values: dict[str, Any], extra: dict[str, str], pk: int, number: int, seq: int,
            prev_hash: str, digest: str) -> LogEntry:  # fmt: skip
    """The row as stored (positional: the model's quick path), marked as loaded from the database."""
    stored = {**values, **extra, "id": pk, "chain": number, "seq": seq, "prev_hash": prev_hash,
              "row_hash": digest}  # fmt: skip
    return LogEntry.from_db(
        DEFAULT_DB_ALIAS, _ENTRY_FIELDS, [stored[name] for name in _ENTRY_FIELDS]
    )


def _numbered(sql: str) -> tuple[bytes, tuple[str, ...]]:
    """``%(name)s`` placeholders as libpq's ``$n``, and the names in ``$n`` order."""
    names: list[str] = []

    def number(match: re.Match[str]) -> str:
        if match.group(1) not in names:
            names.append(match.group(1))
        return f"${names.index(match.group(1)) + 1}"

    return re.sub(r"%\((\w+)\)s", number, sql).encode(), tuple(names)


_AHEAD_SQL, _AHEAD_NAMES = _numbered(_APPEND_FREE)
_OID = {"text": 25, "int4": 23, "int8": 20, "timestamptz": 1184, "jsonb": 3802}
_AHEAD_TYPES = tuple(
    _OID[{"occurred_at": "timestamptz", "client_id": "int8", "user_id": "int8", "fields": "jsonb",
          "record_count": "int4", "chains": "int4", "lock": "int4"}.get(name, "text")]
    for name in _AHEAD_NAMES
)  # fmt: skip


def _as_text(value: Any) -> bytes | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.isoformat().encode()
    return str(value).encode()


def _send_ahead(values: dict[str, Any], extra: dict[str, str]) -> gate.Pending:
    """The free-chain append sent on the request's log session (logboek.gate), not awaited here."""
    params = _params(values, extra)

    def finish(row: list[bytes | None] | None) -> LogEntry:
        if row is None:  # every chain held (or none yet): queue for one, as a direct append does
            entry = _append_postgresql(values, extra)
        else:
            pk, number, seq, prev_hash, digest = (v.decode() if v else "" for v in row[:5])
            entry = _stored(values, extra, int(pk), int(number), int(seq), prev_hash, digest)
        maybe_anchor()
        return entry

    return gate.send(b"log_append_free", _AHEAD_SQL, _AHEAD_TYPES,
                     [_as_text(params[name]) for name in _AHEAD_NAMES], finish)  # fmt: skip


ANCHOR_EVERY = 60.0  # seconds between anchors written by one process
_last_anchor = [0.0]


def maybe_anchor() -> None:
    """After a commit: anchor the chain heads if this process has not done so for a minute. A
    failure here never fails the disclosure (its row is committed); the next one tries again."""
    now = time.monotonic()
    if now - _last_anchor[0] < ANCHOR_EVERY:
        return
    _last_anchor[0] = now
    try:
        anchor()
    except DatabaseError:
        logger.warning("log.anchor_failed", exc_info=True)


def anchor() -> LogAnchor | None:
    """Record every chain's head in the anchor chain. Heads are read as committed (no lock is
    taken on them); one anchorer at a time (None when another holds the anchor lock)."""
    partitions.ensure_partitions()  # next month's partition ready long before it is needed
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [ANCHOR_LOCK])
                if not cursor.fetchone()[0]:
                    return None
        last = LogAnchor.objects.order_by("-seq").first()
        heads = {
            str(pk): [seq, digest]
            for pk, seq, digest in ChainHead.objects.order_by("pk").values_list("pk", "seq", "row_hash")
            if seq
        }  # fmt: skip
        if last is not None and last.heads == heads:
            return last  # nothing appended since
        seq, prev = (last.seq + 1, last.row_hash) if last else (1, chain.GENESIS)
        at = clock.now().astimezone(dt.UTC)
        return LogAnchor.objects.create(
            seq=seq, occurred_at=at, heads=heads, prev_hash=prev,
            row_hash=chain.anchor_hash(prev, seq, at, heads),
        )  # fmt: skip


ANCHOR_LOCK = 0x4C4F47  # "LOG": the advisory lock key of the anchorer


MANIFEST_BATCH = 10_000


def write_manifest_file(entry: LogEntry, refs: IO[bytes]) -> int:
    """:func:`write_manifest` on PostgreSQL from a file of references, one per line (an export's
    own temporary file): COPY into a temporary table, then one INSERT in reference order (the
    reference index is then filled along its order instead of at random places)."""
    table = connection.ops.quote_name(SubjectManifest._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE export_refs (subject_ref text) ON COMMIT DROP")
        with cursor.copy("COPY export_refs (subject_ref) FROM STDIN") as copy:  # type: ignore[attr-defined]
            while block := refs.read(1 << 20):
                copy.write(block)
        cursor.execute(
            f"INSERT INTO {table} (entry_id, subject_ref) SELECT %s, subject_ref"  # noqa: S608
            ' FROM export_refs ORDER BY subject_ref COLLATE "C"',
            [entry.pk],
        )
        count = cursor.rowcount
        cursor.execute("DROP TABLE export_refs")
    return int(count)


def write_manifest(entry: LogEntry, refs: Iterable[str]) -> int:
    """Record which subjects a bulk disclosure (export) contained, so each holder sees it, without
    one chained log row per person: COPY on PostgreSQL, batched inserts elsewhere. Call in the
    transaction of the log row."""
    count = 0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            copy_sql = "COPY logboek_subjectmanifest (entry_id, subject_ref) FROM STDIN"
            with cursor.copy(copy_sql) as copy:  # type: ignore[attr-defined]
                for ref in refs:
                    copy.write_row((entry.pk, ref))
                    count += 1
        return count
    batch: list[SubjectManifest] = []
    for ref in refs:
        batch.append(SubjectManifest(entry_id=entry.pk, subject_ref=ref))
        if len(batch) == MANIFEST_BATCH:
            SubjectManifest.objects.bulk_create(batch)
            count, batch = count + len(batch), []
    SubjectManifest.objects.bulk_create(batch)
    return count + len(batch)
