import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from diplomaregister.extracts import signing
from diplomaregister.extracts.pki import make_dev_pki
from diplomaregister.extracts.testing import use_dev_pki
from diplomaregister.organisations.factories import OrganisationFactory
from diplomaregister.register import services
from diplomaregister.register.factories import DiplomaDataFactory, PersonDataFactory
from diplomaregister.register.models import Diploma, Person

NOW = timezone.make_aware(dt.datetime(2025, 3, 5, 12, 0))


@pytest.fixture(scope="session")
def dev_pki(tmp_path_factory):
    return make_dev_pki(tmp_path_factory.mktemp("pki") / "register", label="Test register")


@pytest.fixture(autouse=True)
def portal_settings(settings, dev_pki):
    use_dev_pki(settings, dev_pki)
    yield settings
    signing.clear_caches()


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _holder(family_name: str, school_name: str) -> Person:
    school = OrganisationFactory(kind="vo_school", name=school_name)
    university = OrganisationFactory(universiteit=True)
    data = PersonDataFactory(family_name=family_name, given_names="Anna")
    recorded = timezone.make_aware(dt.datetime(2023, 9, 1, 10))
    services.record_diploma(data, DiplomaDataFactory(), organisation=school, recorded_at=recorded)
    services.record_diploma(
        data, DiplomaDataFactory(ho=True, date_of_issue=dt.date(2023, 8, 30)),
        organisation=university, recorded_at=recorded,
    )  # fmt: skip
    return Person.objects.get(pgn=data.pgn)


@pytest.fixture
def holder(db, clock) -> Person:
    return _holder("Jansen", "Stedelijk Gymnasium")


@pytest.fixture
def other(db, clock) -> Person:
    return _holder("Visser", "Het Lyceum")


@pytest.fixture
def logged_in(client, holder):
    response = client.get(f"/digid/acs/?bsn={holder.pgn}&next=/mijn/")
    assert response.status_code == 302 and response["Location"] == "/mijn/"
    return client


def diploma_ids(person: Person) -> list[int]:
    return list(Diploma.objects.filter(person=person).order_by("pk").values_list("pk", flat=True))
