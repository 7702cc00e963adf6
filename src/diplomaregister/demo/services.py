"""Synthetic national data: organisations, programmes, persons and their documents.

Deterministic: the same ``seed`` and the same day give the same data. Written through the bulk path
(COPY on PostgreSQL) in chunks of persons, each chunk in one transaction: an interrupted run leaves
whole persons only.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import transaction
from tqdm import tqdm

from diplomaregister.core import clock
from diplomaregister.demo.bulk import BulkWriter, IdBlock, reset_sequences
from diplomaregister.demo.organisations import create_organisations
from diplomaregister.demo.persons import WRITE_ORDER, Context, NamePool, add_person
from diplomaregister.register.models import DiplomaVersion, Person


@dataclass
class Summary:
    persons: int = 0
    documents: int = 0
    rows: dict[str, int] = field(default_factory=dict)


def generate(
    persons: int, *, seed: int = 1, batch_size: int = 5_000, progress: bool = True
) -> Summary:
    with transaction.atomic():
        pool = create_organisations(persons, random.Random(seed))
    writer = BulkWriter(WRITE_ORDER)
    ctx = Context(
        seed=seed,
        today=clock.today(),
        now=clock.now(),
        names=NamePool.build(seed),
        orgs=pool,
        ids=IdBlock(),
        writer=writer,
        pgns=set(Person.objects.filter(pgn_type="onderwijsnummer").values_list("pgn", flat=True)),
        offset=Person.objects.count(),
    )
    summary = Summary()
    bar = tqdm(total=persons, unit="person", disable=not progress, desc="generate_demo")
    try:
        for start in range(0, persons, batch_size):
            stop = min(start + batch_size, persons)
            with transaction.atomic():
                for index in range(start, stop):
                    summary.documents += add_person(index, ctx)
                writer.flush()
            summary.persons = stop
            bar.update(stop - start)
    finally:
        bar.close()
        reset_sequences(WRITE_ORDER)
    summary.rows = dict(writer.written)
    return summary


def demo_persons(limit: int | None = None) -> Iterator[str]:
    """Persoonsgebonden nummers of persons holding at least one diploma, in id order."""
    holders = DiplomaVersion.objects.values("person_id")
    numbers = Person.objects.filter(pk__in=holders).order_by("pk").values_list("pgn", flat=True)
    return iter(numbers[:limit] if limit else numbers.iterator())


def showcase(limit: int = 5) -> list[tuple[str, str]]:
    """A few demo persons whose diplomas span sectors (the best ones to log in as)."""
    picked: list[tuple[str, str]] = []
    seen: set[str] = set()
    rows = (
        DiplomaVersion.objects.filter(version=1, person__pgn_type="bsn")
        .order_by("person_id")
        .values_list("person__pgn", "sector")[:5000]
    )
    sectors: dict[str, set[str]] = {}
    for pgn, sector in rows:
        sectors.setdefault(pgn, set()).add(sector)
    for pgn, held in sorted(sectors.items(), key=lambda item: -len(item[1])):
        key = "+".join(sorted(held))
        if key in seen:
            continue
        seen.add(key)
        picked.append((pgn, ", ".join(sorted(held))))
        if len(picked) == limit:
            break
    return picked
