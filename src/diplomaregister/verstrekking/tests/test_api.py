"""Recipient API: look-up under a basis, one 403 for every refusal (logged), aggregates, supervisor log."""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from diplomaregister.logboek.models import LogEntry
from diplomaregister.organisations.auth import create_client
from diplomaregister.register import services
from diplomaregister.register.factories import DiplomaDataFactory, PersonDataFactory


def _api(org, roles=("recipient",)):
    _client, token = create_client(org, "test", list(roles))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def test_lookup_art50_gives_the_allowed_fields(world):
    api = _api(world.org("minister_vws", "CIBG"))
    response = api.post("/api/v1/verstrekkingen/diplomas",
                        {"basis": "art50", "persoonsgebonden_nummer": world.holder.pgn}, format="json")  # fmt: skip
    assert response.status_code == 200
    body = response.json()
    assert body["subject"]["family_name"] == "Jansen" and len(body["records"]) == 3
    assert "grades" not in body["records"][0]
    assert response["API-Version"]


def test_unbound_basis_gives_403_and_is_logged(world):
    api = _api(world.org("uwv", "UWV"))
    response = api.post("/api/v1/verstrekkingen/diplomas",
                        {"basis": "art50", "persoonsgebonden_nummer": world.holder.pgn}, format="json")  # fmt: skip
    assert response.status_code == 403 and response["Content-Type"] == "application/problem+json"
    assert LogEntry.objects.filter(outcome="refused", basis="art50", recipient_code="UWV").exists()


def _comparable(response):
    # the date and the random per-request trace id differ between any two requests
    headers = {k: v for k, v in response.items() if k.lower() not in ("date", "x-request-id")}
    return response.status_code, response.content, headers


@pytest.mark.parametrize("basis", ["art53_1", "art53_2", "art27", "art28_2"])
def test_unknown_out_of_scope_and_unbound_look_exactly_alike(world, basis):
    """No existence oracle: status, body and headers are the same for an unknown number, a known
    person outside the scope and a basis the client is not bound to."""
    api = _api(world.university)
    url = "/api/v1/verstrekkingen/diplomas"
    stranger = api.post(
        url, {"basis": basis, "persoonsgebonden_nummer": world.stranger.pgn}, format="json"
    )
    unknown = api.post(url, {"basis": basis, "persoonsgebonden_nummer": "111222333"}, format="json")
    unbound = api.post(
        url, {"basis": "art56", "persoonsgebonden_nummer": world.stranger.pgn}, format="json"
    )
    assert stranger.status_code == 403
    assert _comparable(stranger) == _comparable(unknown) == _comparable(unbound)
    # and each was logged as a refusal
    assert LogEntry.objects.filter(outcome="refused").count() == 3


def test_deliver_role_is_not_a_recipient_role(world):
    api = _api(world.university, roles=("deliver",))
    response = api.post("/api/v1/verstrekkingen/diplomas",
                        {"basis": "art53_1", "persoonsgebonden_nummer": world.holder.pgn}, format="json")  # fmt: skip
    assert response.status_code == 403


def test_aggregates_are_one_published_table_with_small_cells_suppressed(world):
    for _ in range(10):  # 11 VO diplomas of kind l issued in the same year: that cell is shown
        services.record_diploma(PersonDataFactory(), DiplomaDataFactory(), organisation=world.school,
                                recorded_at=timezone.make_aware(dt.datetime(2023, 9, 1)))  # fmt: skip
    api = _api(world.org("cbs", "CBS"))
    url = "/api/v1/verstrekkingen/aggregaten"
    response = api.post(url, {"basis": "art55"}, format="json")
    assert response.status_code == 200
    cells = response.json()["cells"]
    vo = [c for c in cells if c["sector"] == "VO"]
    year = DiplomaDataFactory().date_of_issue.year
    assert vo == [{"sector": "VO", "kind": "l", "year": year, "count": 11, "suppressed": False}]
    assert all(c["count"] is None and c["suppressed"] for c in cells if c["sector"] != "VO")
    assert api.post(url, {"basis": "art50"}, format="json").status_code == 403


def test_suppressed_cells_cannot_be_recovered_by_differencing(world):
    """The attack of the issue: a coarser table next to the finer one gives the hidden cells by
    subtraction. Only the basis's published table can be asked for."""
    api = _api(world.org("cbs", "CBS"))
    url = "/api/v1/verstrekkingen/aggregaten"
    for coarser in (["sector"], ["sector", "kind"], ["year"], ["kind", "year"]):
        assert (
            api.post(url, {"basis": "art55", "group_by": coarser}, format="json").status_code == 403
        )
    same = api.post(url, {"basis": "art55", "group_by": ["year", "sector", "kind"]}, format="json")
    assert same.status_code == 200
    cells = same.json()["cells"]
    assert "total" not in same.json() and all(set(c) == {"sector", "kind", "year", "count",
                                                          "suppressed"} for c in cells)  # fmt: skip
    # every answer to this recipient is the same table: nothing to subtract
    again = api.post(url, {"basis": "art55"}, format="json").json()["cells"]
    assert again == cells


def test_supervisor_reads_the_log_with_filters(world):
    recipient = _api(world.org("minister_vws", "CIBG"))
    recipient.post("/api/v1/verstrekkingen/diplomas",
                   {"basis": "art50", "persoonsgebonden_nummer": world.holder.pgn}, format="json")  # fmt: skip
    supervisor = _api(world.org("inspectie", "AP"), roles=("supervisor",))
    rows = supervisor.get("/api/v1/disclosure-log?basis=art50").json()["results"]
    assert len(rows) == 1 and rows[0]["recipient_code"] == "CIBG"
    assert world.holder.pgn not in str(rows)
    assert recipient.get("/api/v1/disclosure-log").status_code == 403
