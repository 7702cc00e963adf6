"""The look-up's reads written as SQL (register._reads, core.rawread) give what the ORM gives: the same
field values after the database's converters (SQLite returns dates and decimals as text), the same
relations, the same grades per version, in one round trip whatever the number of documents."""

import datetime as dt
import itertools
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from diplomaregister.core import rawread
from diplomaregister.organisations.factories import OrganisationFactory
from diplomaregister.register import _reads, selectors, services
from diplomaregister.register.factories import DiplomaDataFactory, PersonDataFactory
from diplomaregister.register.models import Diploma, DiplomaVersion, Person, PersonVersion

pytestmark = pytest.mark.django_db

T0 = timezone.make_aware(dt.datetime(2019, 7, 20, 10, 0))
T1 = timezone.make_aware(dt.datetime(2021, 3, 1, 9, 0))


def values(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


@pytest.fixture
def holder():
    """A person with a VO diploma (grades, no programme row needed), an MBO and an HO diploma, one of
    them corrected (two versions), and a changed identity (two identity versions)."""
    school, roc, university = (
        OrganisationFactory(kind=k) for k in ("vo_school", "mbo_instelling", "universiteit")
    )
    person = PersonDataFactory()
    services.record_diploma(person, DiplomaDataFactory(), organisation=school, recorded_at=T0)
    services.record_diploma(person, DiplomaDataFactory(mbo=True), organisation=roc, recorded_at=T0)
    ho = DiplomaDataFactory(ho=True)
    services.record_diploma(person, ho, organisation=university, recorded_at=T0)
    ho.ho_degree = "Master of Arts"  # a correction: a second version of the same document
    services.record_diploma(person, ho, organisation=university, recorded_at=T1)
    services.record_diploma(person, DiplomaDataFactory(), organisation=school, recorded_at=T0)
    found = Person.objects.get(pgn=person.pgn)
    first = found.versions.get()  # a second identity version, as a BRP mutation would add it
    first.pk, first.version, first.recorded_at, first.family_name = None, 2, T1, "Nieuwenhuis"
    first.save()
    assert found.versions.count() == 2
    return found


def test_documents_read_as_sql_equal_the_orm_read(holder):
    documents = _reads.documents("default", holder)
    orm = list(
        DiplomaVersion.objects.filter(diploma__person=holder)
        .select_related("diploma__organisation", "programme")
        .order_by("diploma_id", "version")
    )
    read = [version for _diploma, versions in documents for version in versions]
    assert len(orm) == 5 and any(v.version == 2 for v in orm)  # the fixture is what it says
    assert [values(v) for v in read] == [values(v) for v in orm]
    for mine, theirs in zip(read, orm, strict=True):
        assert values(mine.diploma) == values(theirs.diploma)
        assert values(mine.diploma.organisation) == values(theirs.diploma.organisation)
        assert (mine.programme and values(mine.programme)) == (
            theirs.programme and values(theirs.programme)
        )
        assert [values(g) for g in mine.grades.all()] == [
            values(g) for g in theirs.grades.order_by("pk")
        ]
    assert sum(len(list(v.grades.all())) for v in read) == 2 * 2  # the two VO diplomas' grades
    # typed as the ORM types them (SQLite hands dates and decimals over as text)
    vo_grade = next(g for v in read for g in v.grades.all())
    assert isinstance(read[0].date_of_issue, dt.date)
    assert type(vo_grade.final_grade) is type(next(iter(orm[0].grades.all())).final_grade)


def test_person_with_documents_is_one_round_trip_and_wires_identity(holder):
    with CaptureQueriesContext(connection) as queries:
        person = selectors.person_for_disclosure(holder.pk)
        states = selectors.diplomas_of_person(person)
        current = selectors.identity(person)
    expected = 1 if connection.vendor == "postgresql" else 4  # SQLite: one statement at a time
    assert len(queries.captured_queries) == expected
    assert values(person) == values(holder)
    assert current is not None and current.family_name == "Nieuwenhuis"
    assert current.pk == PersonVersion.objects.filter(person=holder).order_by("-version")[0].pk
    assert {s.diploma.pk for s in states} == set(
        Diploma.objects.filter(person=holder).values_list("pk", flat=True)
    )
    corrected = next(s for s in states if s.version.ho_degree)
    assert corrected.version.ho_degree == "Master of Arts" and corrected.corrected


def test_an_unknown_key_raises_does_not_exist():
    with pytest.raises(Person.DoesNotExist):
        selectors.person_for_disclosure(987654321)


def test_the_empty_side_of_a_left_join_is_none():
    columns = rawread.columns(Person, "pe", "default")
    assert columns.build([None] * columns.width, 0, "default", connection) is None


def test_fetch_sets_keeps_each_statements_rows_apart_even_when_one_is_empty(holder):
    table = Person._meta.db_table
    rows = rawread.fetch_sets(
        "default",
        [
            (f"SELECT pgn FROM {table} WHERE id = %s", [holder.pk]),  # noqa: S608
            (f"SELECT pgn FROM {table} WHERE id = %s", [-1]),  # noqa: S608
            ("SELECT %s, %s", [7, "x"]),
        ],
    )
    assert rows == [[(holder.pgn,)], [], [(7, "x")]]


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the pipelined, prepared read")
def test_the_pipelined_read_is_what_djangos_cursor_reads_and_is_prepared_once(holder):
    """Unwatched, the statements are prepared and pipelined on psycopg's own cursor; watched
    (query logging) they go through Django's cursor. Same rows; prepared once per connection."""
    person = rawread.columns(Person, "pe", "default").sql
    by_id = f"SELECT {person} FROM {Person._meta.db_table} pe WHERE pe.id = %s"  # noqa: S608
    statements = [(by_id, [holder.pk]), *_reads._statements("default", holder.pk)]
    pipelined = rawread.fetch_sets("default", statements)
    with CaptureQueriesContext(connection) as watched:
        through_django = rawread.fetch_sets("default", statements)
    assert len(watched.captured_queries) == 1  # the watched path did run
    assert pipelined == through_django
    assert [len(rows) for rows in pipelined] == [1, 5, 4, 2]  # person, versions, grades, identity

    def prepared() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_prepared_statements WHERE statement = ANY(%s)",
                [[_numbered(sql) for sql, _ in statements]],
            )
            return cursor.fetchone()[0]

    assert prepared() == len(statements)
    rawread.fetch_sets("default", statements)
    assert prepared() == len(statements)  # not prepared again


def _numbered(sql: str) -> str:
    """The text PostgreSQL keeps of a statement psycopg prepared: %s placeholders as $1, $2..."""
    numbers = itertools.count(1)
    return re.sub("%s", lambda _: f"${next(numbers)}", sql)
