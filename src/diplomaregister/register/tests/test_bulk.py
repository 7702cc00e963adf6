"""register.bulk.record_diplomas writes exactly what record_diploma writes, record by record."""

import datetime as dt
from dataclasses import replace

import pytest
from django.db import transaction
from django.utils import timezone

from diplomaregister.organisations.factories import OrganisationFactory
from diplomaregister.register import bulk, services
from diplomaregister.register.errors import RegisterValidationError
from diplomaregister.register.factories import (
    DiplomaDataFactory,
    GradeDataFactory,
    PersonDataFactory,
)
from diplomaregister.register.models import (
    Diploma,
    DiplomaGrade,
    DiplomaVersion,
    Person,
    PersonVersion,
)

pytestmark = pytest.mark.django_db
T1 = timezone.make_aware(dt.datetime(2024, 7, 20, 10))
T2 = timezone.make_aware(dt.datetime(2024, 8, 20, 10))


def _snapshot():
    return (
        sorted(Person.objects.values_list("pgn", "pgn_type")),
        sorted(PersonVersion.objects.values_list("person__pgn", "version", "family_name", "change", "valid_from")),
        sorted(Diploma.objects.values_list("record_key", "person__pgn")),
        sorted(DiplomaVersion.objects.values_list(
            "diploma__record_key", "version", "change", "status", "kind", "sector", "date_of_issue",
            "valid_from", "programme__code", "vo_profile", "recorded_at")),
        sorted(DiplomaGrade.objects.values_list(
            "diploma_version__diploma__record_key", "diploma_version__version", "subject_code", "final_grade")),
    )  # fmt: skip


def _batches():
    anna = PersonDataFactory(family_name="Jansen", birth_date=dt.date(2006, 1, 5))
    bram = PersonDataFactory(family_name="Bakker", birth_date=dt.date(2006, 2, 6))
    cas = PersonDataFactory(family_name="Cox", birth_date=dt.date(2006, 3, 7))
    first = [
        (anna, DiplomaDataFactory(record_key="K1", date_of_issue=dt.date(2024, 7, 10))),
        (bram, DiplomaDataFactory(record_key="K2", date_of_issue=dt.date(2024, 7, 10))),
        (cas, DiplomaDataFactory(record_key="K3", date_of_issue=dt.date(2024, 7, 10))),
        (
            anna,
            DiplomaDataFactory(record_key="K4", kind="z", date_of_issue=dt.date(2024, 7, 10)),
        ),  # rejected
    ]
    corrected = replace(first[1][1], vo_profile="NT", programme_code="HAVO-NT",
                        grades=[GradeDataFactory(final_grade=8)])  # fmt: skip
    second = [
        (anna, first[0][1]),  # unchanged
        (bram, corrected),  # correction
        (
            replace(cas, family_name="Cox-de Vries"),
            first[2][1],
        ),  # unchanged document, identity corrected
        (bram, DiplomaDataFactory(record_key="K5", date_of_issue=dt.date(2024, 7, 12))),  # new
        (
            cas,
            DiplomaDataFactory(record_key="K6", date_of_issue=dt.date(2030, 1, 1)),
        ),  # future: rejected
    ]
    third = [(anna, first[2][1])]  # K3 belongs to cas: record_key.other_person
    return first, second, third


def _per_record(items, org, at):
    actions = []
    for person, data in items:
        try:
            actions.append(
                services.record_diploma(person, data, organisation=org, recorded_at=at).action
            )
        except RegisterValidationError as exc:
            actions.append(("rejected", [v.rule for v in exc.violations]))
    return actions


def _bulk(items, org, at):
    with transaction.atomic():
        results = bulk.record_diplomas(items, organisation=org, recorded_at=at)
    assert results is not None
    return [
        r.action if r.action != "rejected" else ("rejected", [v.rule for v in r.violations])
        for r in results
    ]


def test_bulk_equals_per_record():
    org = OrganisationFactory(kind="vo_school")
    first, second, third = _batches()
    with transaction.atomic():
        expected = [_per_record(first, org, T1)]
        withdrawn = Diploma.objects.get(record_key="K1")
        services.withdraw_diploma(
            withdrawn, effective_date=dt.date(2024, 8, 1), reason="fraude", recorded_at=T1
        )
        expected.append(_per_record(second, org, T2))
        expected.append(_per_record(third, org, T2))
        reference = _snapshot()
        transaction.set_rollback(True)
    assert Diploma.objects.count() == 0
    got = [_bulk(first, org, T1)]
    services.withdraw_diploma(Diploma.objects.get(record_key="K1"), effective_date=dt.date(2024, 8, 1),
                              reason="fraude", recorded_at=T1)  # fmt: skip
    got.append(_bulk(second, org, T2))
    got.append(_bulk(third, org, T2))
    assert got == expected
    assert expected[1][0] == ("rejected", ["withdrawn"]) and expected[1][1] == "corrected"
    assert expected[2] == [("rejected", ["record_key.other_person"])]
    assert _snapshot() == reference


def test_duplicates_in_a_chunk_fall_back():
    org = OrganisationFactory(kind="vo_school")
    person = PersonDataFactory()
    data = DiplomaDataFactory(record_key="D1")
    assert (
        bulk.record_diplomas([(person, data), (person, data)], organisation=org, recorded_at=T1)
        is None
    )
    other = replace(person, family_name="Anders")
    items = [(person, data), (other, DiplomaDataFactory(record_key="D2"))]
    assert bulk.record_diplomas(items, organisation=org, recorded_at=T1) is None
