"""Benchmark (issue 9): what the subject manifest costs an art. 55 export, in one run on the same data.

    python scripts/throwaway_pg.py -- .venv/bin/python bench/export_manifest.py [--documents 1000000] [--runs 2]

Data: ``generate_demo`` with enough persons for about ``--documents`` document versions
(DiplomaVersion rows; about 1.15 per person with this generator). Export: CBS under art. 55 through
``abonnementen.exports.export`` to CSV (engine ``disclose_stream``, channel export: one row per person
holding a current document, documents nested, one log row).

  * with the manifest: as shipped; per row ``subject_ref`` (keyed hash) written to the stream's
    temporary file, then ``write_manifest`` COPYs every reference into logboek_subjectmanifest in the
    export's transaction;
  * without: the same export with ``_stream.write_manifest`` a no-op, the stream's ``_refs`` file a
    no-op writer and ``_stream.subject_ref`` returning "" (the hash is only computed for the manifest).

Variants alternate, ``--runs`` each; the best (shortest) of each is compared (target: the manifest costs
< 10 % of the export). On a shared 2-core VM one export varies by more than the manifest costs, so
the manifest's work is also measured directly: the time inside write_manifest (in the "with" runs)
plus the keyed hashes and the temporary-file writes timed on their own for the same number of
subjects. Also prints the manifest's row count per run (it must equal the export's row count).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
TMP = Path(tempfile.mkdtemp(prefix="bench-manifest-"))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{TMP / 'bench.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "diplomaregister.conf.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from diplomaregister.abonnementen.exports import export  # noqa: E402
from diplomaregister.logboek.models import LogEntry, SubjectManifest  # noqa: E402
from diplomaregister.logboek.services import subject_ref  # noqa: E402
from diplomaregister.organisations.models import Organisation  # noqa: E402
from diplomaregister.register.models import DiplomaVersion, Person  # noqa: E402
from diplomaregister.verstrekking import _stream, engine  # noqa: E402

VERSIONS_PER_PERSON = 1.15  # DiplomaVersion rows per generated person (generate_demo, seed 1)


class NullFile:
    def write(self, text: str) -> int:
        return len(text)


class UnlistedStream(_stream.ExportStream):
    """The export stream with its reference file replaced by a no-op writer."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._refs = NullFile()


@contextlib.contextmanager
def without_manifest() -> Iterator[None]:
    saved = (_stream.write_manifest, _stream.write_manifest_file, _stream.ExportStream,
             _stream.subject_ref)  # fmt: skip
    _stream.write_manifest = lambda entry, refs: 0  # type: ignore[assignment]
    _stream.write_manifest_file = lambda entry, refs: 0  # type: ignore[assignment]
    _stream.ExportStream = UnlistedStream  # type: ignore[misc]
    _stream.subject_ref = lambda number: ""  # type: ignore[assignment]
    try:
        yield
    finally:
        (_stream.write_manifest, _stream.write_manifest_file, _stream.ExportStream,
         _stream.subject_ref) = saved  # type: ignore[misc]  # fmt: skip


class Timed:
    """Wraps write_manifest to add up the time spent inside it (the COPY of the references)."""

    def __init__(self, name: str) -> None:
        self.seconds = 0.0
        self.name = name
        self.real = getattr(_stream, name)

    def __call__(self, entry: Any, refs: Any) -> int:
        start = time.perf_counter()
        try:
            return self.real(entry, refs)
        finally:
            self.seconds += time.perf_counter() - start


def run(requester: engine.Requester, manifest: bool, index: int) -> tuple[float, int, float, int]:
    """(seconds, rows, seconds inside write_manifest, manifest rows of this export)."""
    out = TMP / f"art55-{index}.csv"
    # the manifest writers of the Python path and of the SQL path (PostgreSQL CSV: _export_copy)
    timers = [Timed("write_manifest"), Timed("write_manifest_file")]
    context = contextlib.nullcontext() if manifest else without_manifest()
    with context:
        if manifest:
            for timed in timers:
                setattr(_stream, timed.name, timed)
        start = time.perf_counter()
        try:
            rows = export(requester, "art55", out, "csv")
        finally:
            seconds = time.perf_counter() - start
            if manifest:
                for timed in timers:
                    setattr(_stream, timed.name, timed.real)
    out.unlink()
    entry = LogEntry.objects.filter(channel="export").order_by("-seq").first()
    listed = SubjectManifest.objects.filter(entry=entry).count()
    return seconds, rows, sum(t.seconds for t in timers), listed


def side_costs(limit: int) -> tuple[float, float, int]:
    """Seconds for the keyed hashes and for writing them to a temporary file as the stream does,
    measured on their own for ``limit`` subjects (they run inside the export loop, so they cannot
    be timed there without disturbing it)."""
    numbers = list(
        Person.objects.filter(pk__in=DiplomaVersion.objects.values("person_id")).values_list(
            "pgn", flat=True
        )[:limit]
    )
    start = time.perf_counter()
    refs = [subject_ref(number) + "\n" for number in numbers]
    hashed = time.perf_counter() - start
    with tempfile.TemporaryFile("w+", encoding="ascii") as handle:
        start = time.perf_counter()
        for ref in refs:
            handle.write(ref)
        handle.flush()
        written = time.perf_counter() - start
    return hashed, written, len(numbers)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=1_000_000)
    parser.add_argument("--persons", type=int, default=0, help="overrides --documents")
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    persons = args.persons or round(args.documents / VERSIONS_PER_PERSON)
    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    call_command("generate_demo", persons=persons, seed=1, no_progress=True, stdout=io.StringIO())
    generated = time.perf_counter() - start
    versions = DiplomaVersion.objects.count()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    print(f"database: {connection.vendor}; persons {persons:,}; document versions {versions:,} "
          f"(generated in {generated:.0f} s)")  # fmt: skip
    cbs = Organisation.objects.get(code="CBS")
    requester = engine.Requester(kind="organisation", organisation=cbs, label="CBS")
    results: dict[bool, list[tuple[float, int, float, int]]] = {True: [], False: []}
    for index in range(args.runs):
        for manifest in (True, False) if index % 2 == 0 else (False, True):
            seconds, rows, inside, listed = run(requester, manifest, index)
            results[manifest].append((seconds, rows, inside, listed))
            label = "with" if manifest else "without"
            print(f"  run {index + 1} {label:<7} manifest: {rows:,} rows in {seconds:.1f} s = "
                  f"{rows / seconds:,.0f} rows/s; write_manifest {inside:.2f} s; "
                  f"manifest rows {listed:,}", flush=True)  # fmt: skip
    best_with = min(results[True])
    best_without = min(results[False])
    rows = best_with[1]
    cost = 100 * (best_with[0] - best_without[0]) / best_without[0]
    hashed, written, count = side_costs(rows)
    scale = rows / max(count, 1)
    direct = best_with[2] + (hashed + written) * scale
    print(f"export art. 55 (CSV), best of {args.runs}: with manifest {best_with[0]:.1f} s = "
          f"{rows / best_with[0]:,.0f} rows/s; without {best_without[0]:.1f} s = "
          f"{best_without[1] / best_without[0]:,.0f} rows/s")  # fmt: skip
    print(f"manifest cost from the best runs: {cost:+.1f} % of the export time (target < 10 %)")
    print(f"manifest cost measured directly: write_manifest (read back + COPY) {best_with[2]:.2f} s "
          f"+ keyed hashes {hashed * scale:.2f} s + temporary-file writes {written * scale:.2f} s "
          f"= {direct:.2f} s = {100 * direct / best_without[0]:.1f} % of the best run without "
          f"(target < 10 %)")  # fmt: skip
    listed = {r[3] for r in results[True]}
    print(f"manifest rows per export: {sorted(listed)} (export rows {rows:,}; "
          f"{'equal' if listed == {rows} else 'NOT equal'}); "
          f"without-manifest runs listed {sorted({r[3] for r in results[False]})}")  # fmt: skip


if __name__ == "__main__":
    main()
