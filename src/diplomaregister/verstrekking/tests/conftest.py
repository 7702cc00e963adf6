import datetime as dt
from dataclasses import dataclass

import pytest
import time_machine
from django.utils import timezone

from diplomaregister.organisations.factories import OrganisationFactory
from diplomaregister.organisations.models import Organisation
from diplomaregister.register import facts, services
from diplomaregister.register.factories import DiplomaDataFactory, PersonDataFactory
from diplomaregister.register.models import Person
from diplomaregister.verstrekking.engine import Requester

NOW = timezone.make_aware(dt.datetime(2025, 3, 5, 12, 0))


@dataclass
class World:
    school: Organisation
    university: Organisation
    other_university: Organisation
    cvte: Organisation
    holder: Person
    stranger: Person

    def org(self, kind: str, code: str) -> Organisation:
        return OrganisationFactory(
            kind=kind, code=code, brin="", name=f"{kind} {code}", bekostigd=None
        )

    def requester(self, organisation: Organisation) -> Requester:
        return Requester(kind="organisation", organisation=organisation, label=organisation.name)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(db, clock) -> World:
    """A holder with a VO diploma (school), a WO degree (university, where enrolled) and a
    staatsexamen (CvTE); a stranger with only a diploma of another university."""
    school = OrganisationFactory(kind="vo_school", name="Stedelijk Gymnasium")
    university = OrganisationFactory(universiteit=True, name="Universiteit Testdam")
    other = OrganisationFactory(universiteit=True, name="Universiteit Elders")
    cvte = OrganisationFactory(cvte=True)
    data = PersonDataFactory(
        family_name="Jansen", given_names="Anna", birth_date=dt.date(2001, 5, 17)
    )
    recorded = timezone.make_aware(dt.datetime(2023, 9, 1, 10))
    services.record_diploma(data, DiplomaDataFactory(), organisation=school, recorded_at=recorded)
    services.record_diploma(
        data, DiplomaDataFactory(ho=True, date_of_issue=dt.date(2023, 8, 30)),
        organisation=university, recorded_at=recorded,
    )  # fmt: skip
    services.record_diploma(
        data, DiplomaDataFactory(staatsexamen=True, date_of_issue=dt.date(2019, 7, 1)),
        organisation=cvte, recorded_at=recorded,
    )  # fmt: skip
    facts.record_enrolment(data, organisation=university, record_key="INS-1",
                           start_date=dt.date(2019, 9, 1), recorded_at=recorded)  # fmt: skip
    stranger = PersonDataFactory(family_name="Visser", birth_date=dt.date(1999, 1, 2))
    services.record_diploma(
        stranger, DiplomaDataFactory(ho=True, date_of_issue=dt.date(2022, 8, 30)),
        organisation=other, recorded_at=recorded,
    )  # fmt: skip
    return World(
        school=school, university=university, other_university=other, cvte=cvte,
        holder=Person.objects.get(pgn=data.pgn), stranger=Person.objects.get(pgn=stranger.pgn),
    )  # fmt: skip
