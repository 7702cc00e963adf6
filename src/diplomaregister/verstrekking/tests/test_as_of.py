"""The recipient API answers geldigOp / bekendOp (Haal Centraal style) for a basis that allows it
(art. 53 lid 2: the awarding organisation, which delivered every version itself) and refuses
them, like any refusal, for a basis that does not (art. 56)."""

import datetime as dt

from django.utils import timezone
from rest_framework.test import APIClient

from diplomaregister.organisations.auth import create_client
from diplomaregister.register import services
from diplomaregister.register.factories import DiplomaDataFactory
from diplomaregister.register.inputs import PersonData
from diplomaregister.register.models import Diploma

URL = "/api/v1/verstrekkingen/diplomas"


def _api(org):
    _client, token = create_client(org, "test", ["recipient"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def _correct(world):
    """The university corrects its degree on 10 January 2024 (first delivered 1 September 2023)."""
    key = Diploma.objects.get(organisation=world.university).record_key
    person = PersonData(pgn=world.holder.pgn, family_name="Jansen", given_names="Anna",
                        birth_date=dt.date(2001, 5, 17))  # fmt: skip
    data = DiplomaDataFactory(ho=True, record_key=key, date_of_issue=dt.date(2023, 8, 30),
                              ho_degree="Master of Laws")  # fmt: skip
    at = timezone.make_aware(dt.datetime(2024, 1, 10, 9))
    services.record_diploma(person, data, organisation=world.university, recorded_at=at)


def _ask(api, world, basis, query=""):
    body = {"basis": basis, "persoonsgebonden_nummer": world.holder.pgn}
    return api.post(f"{URL}{query}", body, format="json")


def test_as_known_on_and_as_valid_on_for_the_awarding_organisation(world):
    _correct(world)
    api = _api(world.university)
    now = _ask(api, world, "art53_2").json()["records"]
    assert [(r["diploma_version"], r["ho_degree"]) for r in now] == [(2, "Master of Laws")]
    before = _ask(api, world, "art53_2", "?bekendOp=2023-12-31").json()["records"]
    assert [(r["diploma_version"], r["ho_degree"]) for r in before] == [(1, "Master of Science")]
    moment = _ask(api, world, "art53_2", "?bekendOp=2024-01-10T07:59:00Z").json()["records"]
    assert [r["diploma_version"] for r in moment] == [1]
    # on 1 August 2023 the degree (issued 30 August) did not exist yet
    assert _ask(api, world, "art53_2", "?geldigOp=2023-08-01").json()["records"] == []
    assert _ask(api, world, "art53_2", "?geldigOp=2023-13-01").status_code == 400


def test_a_basis_without_as_of_refuses_it_like_any_refusal(world):
    uwv = world.org("uwv", "UWV")
    api = _api(uwv)
    assert _ask(api, world, "art56").status_code == 200
    refused = _ask(api, world, "art56", "?bekendOp=2023-12-31")
    assert refused.status_code == 403
    assert refused.json()["type"].endswith("not_disclosed")
