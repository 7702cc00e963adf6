"""Register rules and history: validation against the law tables, corrections and withdrawals."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from diplomaregister.organisations.factories import OrganisationFactory
from diplomaregister.register import selectors, services
from diplomaregister.register.errors import RegisterValidationError
from diplomaregister.register.factories import DiplomaDataFactory, PersonDataFactory
from diplomaregister.register.models import DiplomaVersion, PersonVersion

pytestmark = pytest.mark.django_db

T0 = timezone.make_aware(dt.datetime(2019, 7, 20, 10, 0))
T1 = timezone.make_aware(dt.datetime(2020, 3, 1, 9, 0))
T2 = timezone.make_aware(dt.datetime(2021, 5, 1, 9, 0))


def rules(exc: pytest.ExceptionInfo) -> set[tuple[str, str]]:
    return {(v.field, v.rule) for v in exc.value.violations}


@pytest.fixture
def school():
    return OrganisationFactory(kind="vo_school")


def test_vo_diploma_is_registered_with_grades(school):
    outcome = services.record_diploma(
        PersonDataFactory(), DiplomaDataFactory(), organisation=school, recorded_at=T0
    )
    assert outcome.action == "created"
    assert outcome.version.sector == "VO"
    assert outcome.version.grades.count() == 2


def test_invalid_bsn_is_refused_and_nothing_is_written(school):
    person = PersonDataFactory(pgn="123456789")
    with pytest.raises(RegisterValidationError) as exc:
        services.record_diploma(person, DiplomaDataFactory(), organisation=school, recorded_at=T0)
    assert ("pgn", "pgn.checksum") in rules(exc)
    assert "check digit" in str(exc.value)
    assert DiplomaVersion.objects.count() == 0 and PersonVersion.objects.count() == 0


def test_invalid_onderwijsnummer_is_refused(school):
    person = PersonDataFactory(pgn="101222332", pgn_type="onderwijsnummer")
    with pytest.raises(RegisterValidationError) as exc:
        services.record_diploma(person, DiplomaDataFactory(), organisation=school, recorded_at=T0)
    assert ("pgn", "pgn.checksum") in rules(exc)
    assert "onderwijsnummer" in str(exc.value)


def test_diploma_before_the_start_date_of_its_kind_is_refused(school):
    data = DiplomaDataFactory(date_of_issue=dt.date(2005, 7, 1))  # kind l: from 2006-01-01
    with pytest.raises(RegisterValidationError) as exc:
        services.record_diploma(PersonDataFactory(), data, organisation=school, recorded_at=T0)
    assert ("date_of_issue", "kind.start_date") in rules(exc)
    assert "2006-01-01" in str(exc.value) and "art. 16 onder l" in str(exc.value)


def test_school_may_not_award_a_staatsexamen(school):
    data = DiplomaDataFactory(staatsexamen=True)
    with pytest.raises(RegisterValidationError) as exc:
        services.record_diploma(PersonDataFactory(), data, organisation=school, recorded_at=T0)
    assert ("kind", "kind.awarding_organisation") in rules(exc)
    assert "cvte" in str(exc.value)


def test_cvte_may_award_a_staatsexamen():
    cvte = OrganisationFactory(cvte=True)
    outcome = services.record_diploma(
        PersonDataFactory(),
        DiplomaDataFactory(staatsexamen=True),
        organisation=cvte,
        recorded_at=T0,
    )
    assert outcome.version.sector == "STAATSEXAMEN"


def test_non_ho_institution_may_not_award_kind_a():
    roc = OrganisationFactory(mbo=True)
    with pytest.raises(RegisterValidationError) as exc:
        services.record_diploma(
            PersonDataFactory(), DiplomaDataFactory(ho=True), organisation=roc, recorded_at=T0
        )
    assert ("kind", "kind.awarding_organisation") in rules(exc)


def test_university_awards_kind_a_and_ho_fields_are_required():
    uni = OrganisationFactory(universiteit=True)
    data = DiplomaDataFactory(ho=True, ho_exam_type="", exam_date=None)
    with pytest.raises(RegisterValidationError) as exc:
        services.record_diploma(PersonDataFactory(), data, organisation=uni, recorded_at=T0)
    assert {("ho_exam_type", "required"), ("exam_date", "required")} <= rules(exc)
    ok = services.record_diploma(
        PersonDataFactory(), DiplomaDataFactory(ho=True), organisation=uni, recorded_at=T0
    )
    assert ok.version.sector == "WO"


def test_future_date_and_out_of_range_grade_are_refused(school):
    data = DiplomaDataFactory(date_of_issue=dt.date(2019, 8, 1))
    data.grades[0].final_grade = 11
    with pytest.raises(RegisterValidationError) as exc:
        services.record_diploma(PersonDataFactory(), data, organisation=school, recorded_at=T0)
    assert ("date_of_issue", "date.future") in rules(exc)
    assert ("grades[0].final_grade", "range") in rules(exc)


def test_mbo_level_out_of_range_is_refused():
    roc = OrganisationFactory(mbo=True)
    with pytest.raises(RegisterValidationError) as exc:
        services.record_diploma(
            PersonDataFactory(),
            DiplomaDataFactory(mbo=True, mbo_level=5),
            organisation=roc,
            recorded_at=T0,
        )
    assert ("mbo_level", "range") in rules(exc)


def test_same_delivery_twice_is_a_no_op(school):
    person, data = PersonDataFactory(), DiplomaDataFactory()
    services.record_diploma(person, data, organisation=school, recorded_at=T0)
    again = services.record_diploma(person, data, organisation=school, recorded_at=T1)
    assert again.action == "unchanged"
    assert DiplomaVersion.objects.count() == 1 and PersonVersion.objects.count() == 1


def test_correction_is_a_new_version_and_the_old_one_stays_visible_as_known_before(school):
    person, data = PersonDataFactory(), DiplomaDataFactory(vo_profile="NG")
    created = services.record_diploma(person, data, organisation=school, recorded_at=T0)
    data.vo_profile = "NT"
    corrected = services.record_diploma(person, data, organisation=school, recorded_at=T1)
    assert corrected.action == "corrected" and corrected.version.version == 2
    holder = created.diploma.person

    with time_machine.travel(T2, tick=False):
        (now,) = selectors.diplomas_of_person(holder)
        (before,) = selectors.diplomas_of_person(holder, known_on=T0 + dt.timedelta(days=1))
    assert now.version.vo_profile == "NT" and now.corrected
    assert before.version.vo_profile == "NG" and before.version.version == 1
    assert DiplomaVersion.objects.filter(diploma=created.diploma).count() == 2


def test_withdrawal_hides_from_now_but_not_from_history(school):
    created = services.record_diploma(
        PersonDataFactory(), DiplomaDataFactory(), organisation=school, recorded_at=T0
    )
    services.withdraw_diploma(
        created.diploma, effective_date=dt.date(2020, 3, 1), reason="fraude", recorded_at=T1
    )
    holder = created.diploma.person
    with time_machine.travel(T2, tick=False):
        assert selectors.diplomas_of_person(holder) == []
        (withdrawn,) = selectors.diplomas_of_person(holder, include_withdrawn=True)
        (valid_then,) = selectors.diplomas_of_person(holder, valid_on=dt.date(2019, 12, 1))
        (known_then,) = selectors.diplomas_of_person(holder, known_on=T0)
    assert withdrawn.withdrawn and withdrawn.version.withdrawal_reason == "fraude"
    assert not valid_then.withdrawn and not known_then.withdrawn
    # a withdrawn document cannot be corrected by a new delivery
    with pytest.raises(RegisterValidationError) as exc:
        services.record_diploma(
            PersonDataFactory(pgn=holder.pgn),
            DiplomaDataFactory(record_key=created.diploma.record_key, vo_profile="EM"),
            organisation=school,
            recorded_at=T2,
        )
    assert ("record_key", "withdrawn") in rules(exc)


def test_death_date_is_a_new_identity_version(school):
    created = services.record_diploma(
        PersonDataFactory(), DiplomaDataFactory(), organisation=school, recorded_at=T0
    )
    holder = created.diploma.person
    services.record_death(holder, dt.date(2020, 1, 5), recorded_at=T1)
    with time_machine.travel(T2, tick=False):
        assert selectors.identity(holder).death_date == dt.date(2020, 1, 5)
        assert selectors.identity(holder, known_on=T0).death_date is None
    assert holder.versions.count() == 2


def test_record_key_of_another_person_is_refused(school):
    data = DiplomaDataFactory()
    services.record_diploma(PersonDataFactory(), data, organisation=school, recorded_at=T0)
    with pytest.raises(RegisterValidationError) as exc:
        services.record_diploma(PersonDataFactory(), data, organisation=school, recorded_at=T1)
    assert ("pgn", "record_key.other_person") in rules(exc)


def test_history_rows_cannot_be_updated_or_deleted_on_postgresql(school):
    from django.db import IntegrityError, connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("append-only triggers are PostgreSQL-only (production engine)")
    created = services.record_diploma(
        PersonDataFactory(), DiplomaDataFactory(), organisation=school, recorded_at=T0
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        DiplomaVersion.objects.filter(pk=created.version.pk).update(vo_profile="EM")
    with pytest.raises(IntegrityError), transaction.atomic():
        DiplomaVersion.objects.filter(pk=created.version.pk).delete()
    assert DiplomaVersion.objects.get(pk=created.version.pk).vo_profile == "NG"
