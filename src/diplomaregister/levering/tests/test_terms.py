"""Legal-term monitoring: VO within 14 days, HO within 61 days, against the 98 % target."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from diplomaregister.levering.terms import term_report
from diplomaregister.organisations.auth import create_client
from diplomaregister.organisations.factories import OrganisationFactory
from diplomaregister.register import services
from diplomaregister.register.factories import DiplomaDataFactory, PersonDataFactory

pytestmark = pytest.mark.django_db


def _deliver(org, key, issued, received_days, **kw):
    received = timezone.make_aware(
        dt.datetime.combine(issued + dt.timedelta(days=received_days), dt.time(10))
    )
    services.record_diploma(PersonDataFactory(), DiplomaDataFactory(record_key=key, date_of_issue=issued, **kw),
                            organisation=org, recorded_at=received)  # fmt: skip


@pytest.fixture
def deliveries(db):
    school = OrganisationFactory(kind="vo_school", code="11AA", brin="11AA")
    university = OrganisationFactory(universiteit=True, code="22BB", brin="22BB")
    issued = dt.date(2024, 7, 1)
    _deliver(school, "ON-TIME", issued, 14)
    _deliver(school, "LATE", issued, 15)
    _deliver(university, "HO-1", issued, 61, ho=True)
    _deliver(university, "HO-2", dt.date(2023, 7, 1), 30, ho=True)
    return school, university


def test_terms_per_sector(deliveries):
    reports = {r.organisation: r for r in term_report()}
    assert (
        reports["11AA"].total == 2
        and reports["11AA"].on_time == 1
        and not reports["11AA"].meets_target
    )
    assert [late["record_key"] for late in reports["11AA"].late] == ["LATE"]
    assert reports["22BB"].share == 1.0 and reports["22BB"].meets_target
    assert [r.total for r in term_report("22BB", 2024)] == [1]


def test_term_report_command(deliveries):
    out = StringIO()
    call_command("term_report", late=True, stdout=out)
    text = out.getvalue()
    assert "11AA" in text and "BELOW TARGET" in text and "late: LATE" in text


def test_term_api_own_organisation_or_supervisor(deliveries, client):
    school, _university = deliveries
    _c, token = create_client(school, "sis", ["deliver"])
    own = client.get(
        "/api/v1/termijnbewaking?organisatie=22BB", HTTP_AUTHORIZATION=f"Bearer {token}"
    ).json()
    assert [r["organisation"] for r in own] == ["11AA"]  # a school sees only itself
    _c, sup = create_client(
        OrganisationFactory(kind="bestuur", code="INSP"), "inspectie", ["supervisor"]
    )
    everyone = client.get("/api/v1/termijnbewaking", HTTP_AUTHORIZATION=f"Bearer {sup}").json()
    assert {r["organisation"] for r in everyone} == {"11AA", "22BB"}
    assert everyone[0]["target"] == 0.98
