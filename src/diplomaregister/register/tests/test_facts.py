import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from diplomaregister.organisations.factories import OrganisationFactory
from diplomaregister.register.errors import RegisterValidationError
from diplomaregister.register.factories import PersonDataFactory
from diplomaregister.register.facts import record_enrolment, record_result
from diplomaregister.register.models import EnrolmentVersion, ResultVersion

pytestmark = pytest.mark.django_db
T0 = timezone.make_aware(dt.datetime(2018, 9, 10, 9, 0))
T1 = timezone.make_aware(dt.datetime(2019, 7, 1, 9, 0))


def test_enrolment_is_versioned_and_idempotent():
    school, person = OrganisationFactory(), PersonDataFactory()
    action, v1 = record_enrolment(
        person,
        organisation=school,
        record_key="E1",
        start_date=dt.date(2018, 8, 20),
        recorded_at=T0,
    )
    again, _ = record_enrolment(
        person,
        organisation=school,
        record_key="E1",
        start_date=dt.date(2018, 8, 20),
        recorded_at=T0,
    )
    ended, v2 = record_enrolment(
        person, organisation=school, record_key="E1", start_date=dt.date(2018, 8, 20),
        end_date=dt.date(2019, 7, 15), end_reason="diploma", recorded_at=T1,
    )  # fmt: skip
    assert (action, again, ended) == ("created", "unchanged", "corrected")
    assert (v1.version, v2.version) == (1, 2) and v2.end_reason == "diploma"
    assert EnrolmentVersion.objects.count() == 2


def test_enrolment_end_before_start_is_refused():
    with pytest.raises(RegisterValidationError) as exc:
        record_enrolment(
            PersonDataFactory(), organisation=OrganisationFactory(), record_key="E2",
            start_date=dt.date(2019, 1, 1), end_date=dt.date(2018, 1, 1), recorded_at=T0,
        )  # fmt: skip
    assert exc.value.violations[0].rule == "date.order"
    assert EnrolmentVersion.objects.count() == 0


def test_result_grades_in_range_and_corrections():
    school, person = OrganisationFactory(), PersonDataFactory()
    kwargs = {
        "organisation": school,
        "record_key": "R1",
        "result_type": "subject_exam",
        "result_date": dt.date(2019, 6, 20),
        "subject_code": "WISB",
    }
    record_result(person, final_grade=Decimal("6.0"), recorded_at=T0, **kwargs)
    action, version = record_result(person, final_grade=Decimal("7.0"), recorded_at=T1, **kwargs)
    assert action == "corrected" and version.version == 2
    with pytest.raises(RegisterValidationError) as exc:
        record_result(person, final_grade=Decimal("10.5"), recorded_at=T1, **kwargs)
    assert (exc.value.violations[0].field, exc.value.violations[0].rule) == ("final_grade", "range")
    assert ResultVersion.objects.count() == 2
