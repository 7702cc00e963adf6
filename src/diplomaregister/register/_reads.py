"""Private to ``register.selectors``: the reads of one person's register data on the look-up's hot
path, as SQL written once (core.rawread) instead of querysets compiled per call, sent together so
that they cost one round trip to the database.

One person's data is four statements: the person row, the document versions joined to their
document, organisation and programme, the grades of those versions, and the identity versions. The
objects are wired the way ``select_related``/``prefetch_related`` would leave them
(``version.diploma.organisation``, ``version.programme``, ``version.grades.all()``,
``person.versions.all()``), so callers cannot tell them from ORM-built ones.
"""

# ruff: noqa: S608  (the SQL is built from the models' quoted table and column names; values are bound)
from __future__ import annotations

import functools
from typing import Any, cast

from django.db import connections

from diplomaregister.core import rawread
from diplomaregister.organisations.models import Organisation
from diplomaregister.register.models import (
    Diploma,
    DiplomaGrade,
    DiplomaVersion,
    Person,
    PersonVersion,
    Programme,
)

Documents = list[tuple[Diploma, tuple[DiplomaVersion, ...]]]
_READ_WITH = "_documents_read_with_person"  # attribute on a Person built by person_with_documents


def person_with_documents(db: str, person_id: int) -> Person:
    """The person (it must exist), their identity versions and their documents, one round trip."""
    pe = rawread.columns(Person, "pe", db)
    sql = f"SELECT {pe.sql} FROM {Person._meta.db_table} pe WHERE pe.id = %s"
    person_rows, *rest = rawread.fetch_sets(db, [(sql, [person_id]), *_statements(db, person_id)])
    if not person_rows:
        raise Person.DoesNotExist(f"no person with key {person_id}")
    person = cast(Person, pe.build(person_rows[0], 0, db, connections[db]))
    setattr(person, _READ_WITH, _wire(db, person, *rest))
    return person


def documents_read_with(person: Person) -> Documents | None:
    """The documents read together with this person, if it was built by person_with_documents."""
    return cast("Documents | None", person.__dict__.get(_READ_WITH))


def documents(db: str, person: Person) -> Documents:
    """The person's documents read now (versions, grades; the identity versions are left alone)."""
    statements = _statements(db, person.pk)[:2]
    versions, grades = rawread.fetch_sets(db, statements)
    return _wire(db, person, versions, grades, None)


def _statements(db: str, person_id: int) -> list[tuple[str, list[Any]]]:
    versions, grades, identity = _sql(db)
    return [(versions, [person_id]), (grades, [person_id]), (identity, [person_id])]


_MODELS = ((DiplomaVersion, "v"), (Diploma, "d"), (Organisation, "o"), (Programme, "p"),
           (DiplomaGrade, "g"), (PersonVersion, "pv"))  # fmt: skip


def _columns(db: str) -> list[rawread.Columns]:
    """The columns of version, document, organisation, programme, grade, identity version."""
    return [rawread.columns(model, alias, db) for model, alias in _MODELS]


@functools.cache
def _sql(db: str) -> tuple[str, str, str]:
    v, d, o, p, g, pv = _columns(db)
    of_person = (
        f" FROM {DiplomaVersion._meta.db_table} v JOIN {Diploma._meta.db_table} d"
        " ON d.id = v.diploma_id"
    )
    versions = (
        f"SELECT {v.sql}, {d.sql}, {o.sql}, {p.sql}{of_person}"
        f" JOIN {Organisation._meta.db_table} o ON o.id = d.organisation_id"
        f" LEFT JOIN {Programme._meta.db_table} p ON p.id = v.programme_id"
        " WHERE d.person_id = %s ORDER BY v.diploma_id, v.version"
    )
    grades = (
        f"SELECT {g.sql} FROM {DiplomaGrade._meta.db_table} g WHERE g.diploma_version_id IN"
        f" (SELECT v.id{of_person} WHERE d.person_id = %s) ORDER BY g.id"
    )
    identity = (
        f"SELECT {pv.sql} FROM {PersonVersion._meta.db_table} pv WHERE pv.person_id = %s"
        " ORDER BY pv.version"
    )
    return versions, grades, identity


def _wire(db: str, person: Person, version_rows: list[tuple], grade_rows: list[tuple],
          identity_rows: list[tuple] | None) -> Documents:  # fmt: skip
    connection = connections[db]
    v, d, o, p, g, pv = _columns(db)
    grades: dict[int, list[DiplomaGrade]] = {}
    for row in grade_rows:
        grade = cast(DiplomaGrade, g.build(row, 0, db, connection))
        grades.setdefault(grade.diploma_version_id, []).append(grade)
    documents: dict[int, tuple[Diploma, list[DiplomaVersion]]] = {}
    starts = (v.width, v.width + d.width, v.width + d.width + o.width)
    for row in version_rows:
        version = cast(DiplomaVersion, v.build(row, 0, db, connection))
        if version.diploma_id not in documents:
            diploma = cast(Diploma, d.build(row, starts[0], db, connection))
            diploma.organisation = cast(Organisation, o.build(row, starts[1], db, connection))
            diploma.person = person
            documents[version.diploma_id] = (diploma, [])
        diploma, versions = documents[version.diploma_id]
        version.diploma = diploma  # one instance per document
        version.programme = cast("Programme | None", p.build(row, starts[2], db, connection))
        _cache_related(version, "grades", grades.get(version.pk, []))
        versions.append(version)
    if identity_rows is not None:
        identity = [cast(PersonVersion, pv.build(r, 0, db, connection)) for r in identity_rows]
        _cache_related(person, "versions", identity)
    return [(diploma, tuple(versions)) for diploma, versions in documents.values()]


def _cache_related(instance: Any, name: str, items: list[Any]) -> None:
    """What prefetch_related stores: ``instance.<name>.all()`` then answers from ``items``."""
    queryset = getattr(instance, name).all()
    queryset._result_cache = items
    queryset._prefetch_done = True
    cache = instance.__dict__.setdefault("_prefetched_objects_cache", {})
    cache[name] = queryset
