import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from diplomaregister.extracts import signing
from diplomaregister.extracts.content import content_from, extract_fields
from diplomaregister.extracts.pki import make_dev_pki
from diplomaregister.extracts.testing import use_dev_pki
from diplomaregister.organisations.factories import OrganisationFactory
from diplomaregister.register import services
from diplomaregister.register.factories import DiplomaDataFactory, PersonDataFactory
from diplomaregister.verstrekking import engine

ISSUED = timezone.make_aware(dt.datetime(2020, 8, 1, 10, 0))
NOW = timezone.make_aware(dt.datetime(2024, 3, 5, 12, 0))


@pytest.fixture(scope="session")
def dev_pki(tmp_path_factory):
    return make_dev_pki(tmp_path_factory.mktemp("pki") / "register", label="Test register")


@pytest.fixture(scope="session")
def other_pki(tmp_path_factory):
    """A second, unrelated PKI: a forger's key."""
    return make_dev_pki(tmp_path_factory.mktemp("pki-other") / "forger", label="Forger")


@pytest.fixture(autouse=True)
def signing_settings(settings, dev_pki):
    use_dev_pki(settings, dev_pki)
    yield settings
    signing.clear_caches()


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def holder(db, clock):
    """A person with a VO diploma (with grades) and a WO master's degree."""
    school = OrganisationFactory(kind="vo_school", name="Stedelijk Gymnasium Testdam")
    university = OrganisationFactory(universiteit=True)
    person_data = PersonDataFactory(family_name="Jansen", given_names="Anna Maria")
    vo = services.record_diploma(
        person_data, DiplomaDataFactory(), organisation=school, recorded_at=ISSUED
    )
    wo = services.record_diploma(
        person_data,
        DiplomaDataFactory(ho=True, date_of_issue=dt.date(2023, 8, 30)),
        organisation=university,
        recorded_at=ISSUED.replace(year=2023, month=9),
    )
    return vo.diploma.person, vo.diploma, wo.diploma


@pytest.fixture
def holder_content():
    """What an extract of ``person`` would show, read through the real engine (basis holder), for
    tests that render a PDF themselves (forgeries)."""

    def content(person, language="nl"):
        disclosed = engine.disclose(
            requester=engine.Requester(kind="holder", label="test"),
            basis="holder",
            subject=person,
            channel="test",
            fields=extract_fields(language),
        )
        return content_from(disclosed, language)

    return content
