"""Private to the engine (``_stream``): a bulk export written as CSV by PostgreSQL itself (issue 12
item 5). The query of ``_export_sql`` (one per basis, the look-up path's fields) is extended so
that each row comes out as the finished CSV line, streamed by ``COPY (...) TO STDOUT`` into the
file; Python only copies bytes.

The line is what ``abonnementen.exports`` writes on the Python path, byte for byte: the cell of
each value (``_cell``: ``json.dumps`` text for the documents, "" for None, true/false, ISO dates),
the formula guard of ``core.csvsafe`` (CSV injection), then ``csv.writer(delimiter=";")`` quoting
(QUOTE_MINIMAL: a cell with ``;``, ``"``, CR or LF is quoted, quotes doubled) and CRLF. COPY runs
in binary format (one text column), so the line arrives unaltered: the text and CSV formats of
COPY would escape or quote it on their own terms.

Pseudonyms (art. 23 lid 3, 26 lid 3, 40, 41, 47, 51, 52; ``_pseudonyms.pseudonym``) and subject
references (``logboek.services.subject_ref``) are the same HMAC-SHA256 computed in SQL without an
extension (RFC 2104): ``sha256(K xor opad || sha256(K xor ipad || message))``, the two padded keys
computed here and bound as parameters. Each row carries its subject reference and two flags
(identity in force, documents) in front of the line; they go to the subject manifest (COPY into a
temporary table, then one INSERT in reference order) and give the fields the log row names, so
the manifest and the log row name exactly what left.

A Parquet export uses the same query with the text of each cell as a column (``plan(csv=False)``,
``cell_batches``: a server-side cursor, one Arrow array per column and batch).
"""

# ruff: noqa: S608  (the SQL is built from the fixed columns of _export_sql; values are bound)
from __future__ import annotations

import datetime as dt
import hashlib
import struct
from collections.abc import Callable, Iterator
from typing import IO, Any

from diplomaregister.core.csvsafe import FORMULA_START
from diplomaregister.core.keys import derived_key
from diplomaregister.law.loaders import LegalBasis
from diplomaregister.verstrekking import _export_sql

BLOCK = 5000  # rows per write of subject references (and per progress step)
REF = 64  # hex digits of a subject reference
HAS_IDENTITY, HAS_DOCUMENTS, NONE = b"x", b"y", b"."  # the flags: never a hex digit
PREFIX = REF + 3  # reference, two flags, LF: in front of each line
SIGNATURE = b"PGCOPY\n\xff\r\n\x00"
TRAILER = b"\xff\xff"

# how _cell writes a person value: ISO dates and true/false need no guard or quoting; numbers and
# text do
PERSON_PLAIN = frozenset({"birth_date", "death_date", "ho_document_since_1996",
                          "ho_enrolled_on_peildatum"})  # fmt: skip
SEPARATOR = "\x01"  # between the cells of a row's test (_row)
assert not set("]\\^") & set(FORMULA_START)
# a cell to guard or quote somewhere in the cells of a row, joined by SEPARATOR (a regular
# expression, bound)
CSV_SPECIAL = f'(^|{SEPARATOR})[{"".join(sorted(FORMULA_START, key=lambda c: c == "-"))}]|[;"\r\n]'


def pads(key: bytes) -> tuple[bytes, bytes]:
    """RFC 2104: (K xor ipad, K xor opad) for SHA-256 (block 64 bytes; a longer key is hashed)."""
    if len(key) > 64:
        key = hashlib.sha256(key).digest()
    key = key.ljust(64, b"\0")
    return bytes(b ^ 0x36 for b in key), bytes(b ^ 0x5C for b in key)


def hmac_sql(key: bytes, value: str, params: dict[str, Any], name: str) -> str:
    """SQL for ``hmac.new(key, value.encode(), sha256).hexdigest()`` of the text expression
    ``value``; binds the padded keys as ``name_i`` and ``name_o``."""
    params[f"{name}_i"], params[f"{name}_o"] = pads(key)
    return (
        f"encode(sha256(%({name}_o)s::bytea || sha256(%({name}_i)s::bytea"
        f" || convert_to({value}, 'UTF8'))), 'hex')"
    )


def cell(text: str) -> str:
    """SQL for the CSV cell of a (not null) text expression: the formula guard of
    ``csvsafe.cell``, then the quoting of ``csv.writer`` (QUOTE_MINIMAL)."""
    starts = ", ".join(
        "chr(" + str(ord(c)) + ")" if c in "\t\r" else "'" + c + "'" for c in FORMULA_START
    )
    guarded = f"CASE WHEN left({text}, 1) IN ({starts}) THEN '''' || {text} ELSE {text} END"
    return (
        f"CASE WHEN {text} ~ '[;\"\\r\\n]'"
        f" THEN '\"' || replace({guarded}, '\"', '\"\"') || '\"' ELSE {guarded} END"
    )


def _person_text(name: str) -> tuple[str, bool]:
    """SQL for ``_cell`` of a person output ("" for None, ISO dates, true/false, numbers), and
    whether it is written as it is."""
    expr = _export_sql.PERSON_SQL[name]
    if name in _export_sql.PERSON_TEXT:
        return f"COALESCE({expr}, '')", False
    return f"COALESCE(({expr})::text, '')", name in PERSON_PLAIN  # dates: DateStyle ISO


def _row(cells: list[tuple[str, bool]]) -> str:
    """SQL for the cells joined by ``;``: tested once per row (%(csv_special)s), and only when
    something needs it each cell guarded and quoted (``cell``)."""
    tested = [text for text, plain in cells if not plain]
    plain = " || ';' || ".join(text for text, _ in cells)
    if not tested:
        return plain
    full = " || ';' || ".join(text if as_is else cell(text) for text, as_is in cells)
    test = " || chr(1) || ".join(tested)
    return f"(CASE WHEN {test} ~ %(csv_special)s THEN {full} ELSE {plain} END)"


def _prefix(params: dict[str, Any], diploma_fields: list[str]) -> str:
    """SQL for the subject reference (``subject_ref``) and the two flags in front of a row."""
    ref = hmac_sql(derived_key("log-subject"), "pe.pgn", params, "ref")
    identity = (
        f"CASE WHEN iv.person_id IS NULL THEN '{NONE.decode()}' ELSE '{HAS_IDENTITY.decode()}' END"
    )
    documents = f"'{NONE.decode()}'"
    if diploma_fields:
        documents = (f"CASE WHEN per.documents IS NULL THEN '{NONE.decode()}'"
                     f" ELSE '{HAS_DOCUMENTS.decode()}' END")  # fmt: skip
    return f"{ref} || {identity} || {documents}"


def _cells(rule: LegalBasis, recipient_code: str, person_fields: list[str],
           params: dict[str, Any]) -> list[tuple[str, bool]]:  # fmt: skip
    """SQL for the ``_cell`` text of each person column, and whether CSV writes it as it is."""
    cells = []
    if rule.pseudonymised:  # _pseudonyms.pseudonym: hex, no guard or quoting needed
        key = derived_key(f"pseudonym:{recipient_code}")
        cells.append((f"left({hmac_sql(key, 'pe.pgn', params, 'pseudonym')}, 32)", True))
    return cells + [_person_text(name) for name in person_fields]


def _columns(rule: LegalBasis, recipient_code: str, csv: bool) -> _export_sql.Columns:
    def columns(person_fields: list[str], diploma_fields: list[str], params: dict[str, Any]) -> list[str]:  # fmt: skip
        prefix = _prefix(params, diploma_fields)
        cells = _cells(rule, recipient_code, person_fields, params)
        if diploma_fields and csv:  # "[]", or the JSON text of a list (quotes doubled): quoted
            cells.append(("CASE WHEN per.documents IS NULL THEN '[]'"
                          " ELSE '\"' || per.documents || '\"' END", True))  # fmt: skip
        elif diploma_fields:  # the JSON text, quotes as they are
            cells.append((f"CASE WHEN per.documents IS NULL THEN '[]'"
                          f" ELSE replace(per.documents, '{_export_sql.Q}', '\"') END", True))  # fmt: skip
        if not csv:  # the cells (Parquet)
            return [prefix] + [text for text, _ in cells]
        params["csv_special"] = CSV_SPECIAL
        return [f"{prefix} || chr(10) || {_row(cells)} || chr(13) || chr(10)"]

    return columns


def plan(rule: LegalBasis, recipient_code: str, now: dt.datetime, day: dt.date,
         year: int | None, *, csv: bool = True,
         persons: tuple[int, int] | None = None) -> _export_sql.Plan:  # fmt: skip
    """The query of a CSV export (``csv``: one column, the prefix and the line) or of the cells
    of each row (the prefix, then one column per export column); ``persons``: one part of it
    (``_export_sql.plan``)."""
    return _export_sql.plan(rule, now, day, year, _columns(rule, recipient_code, csv), persons)


class Result:
    """What a copy wrote: rows, and whether a row had an identity in force / documents."""

    def __init__(self) -> None:
        self.count = 0
        self.identity = False
        self.documents = False

    def take(self, block: bytes, refs: IO[bytes]) -> None:
        self.identity = self.identity or HAS_IDENTITY in block
        self.documents = self.documents or HAS_DOCUMENTS in block
        refs.write(block.translate(None, HAS_IDENTITY + HAS_DOCUMENTS + NONE))

    def add(self, other: Result) -> None:
        """Count in another part of the same export."""
        self.count += other.count
        self.identity = self.identity or other.identity
        self.documents = self.documents or other.documents


def copy_csv(plan: _export_sql.Plan, out: IO[bytes], refs: IO[bytes],
             progress: Callable[[int], Any] | None = None) -> Result:  # fmt: skip
    """Stream the rows of ``plan`` (a ``plan()`` above) as CSV lines into ``out``, their subject
    references (one per line) into ``refs``. Call inside the export's transaction."""
    with _export_sql.reader_cursor() as cursor:
        return _copy(cursor, plan, out, refs, progress)


def _copy(cursor: Any, plan: _export_sql.Plan, out: IO[bytes], refs: IO[bytes],
          progress: Callable[[int], Any] | None) -> Result:  # fmt: skip
    result = Result()
    write = out.write
    prefixes: list[bytes] = []
    first = True
    with cursor.copy(f"COPY ({plan.sql}) TO STDOUT (FORMAT binary)", plan.params) as copy:
        for data in copy:
            if first:  # the header: signature, flags, extension area
                first = False
                assert bytes(data[:11]) == SIGNATURE, "not a binary COPY"
                data = data[19 + struct.unpack("!I", data[15:19])[0] :]
                if not data:
                    continue
            if len(data) < 6 + PREFIX:
                if bytes(data) == TRAILER:
                    continue  # the end (the copy still reads to its close)
                raise ValueError("A row without a line (NULL) in the export.")
            write(data[6 + PREFIX :])  # a tuple: field count (2 bytes), length (4), the field
            prefixes.append(data[6 : 6 + PREFIX])
            if len(prefixes) == BLOCK:
                result.take(b"".join(prefixes), refs)
                result.count += BLOCK
                prefixes = []
                if progress:
                    progress(BLOCK)
    if prefixes:
        result.take(b"".join(prefixes), refs)
        result.count += len(prefixes)
        if progress:
            progress(len(prefixes))
    return result


def cell_batches(plan: _export_sql.Plan, refs: IO[bytes], result: Result,
                 size: int) -> Iterator[list[tuple[str, ...]]]:  # fmt: skip
    """The cells of ``plan`` (a ``plan(csv=False)``) column by column, ``size`` rows at a time,
    from a server-side cursor; subject references into ``refs``, counts into ``result``."""
    with _export_sql.reader_cursor("export_cells") as cursor:
        cursor.itersize = size
        cursor.execute(plan.sql, plan.params)
        while batch := cursor.fetchmany(size):
            prefixes, *columns = zip(*batch, strict=True)
            result.take(("\n".join(prefixes) + "\n").encode("ascii"), refs)
            result.count += len(batch)
            yield columns
