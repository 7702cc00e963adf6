"""Recipient API: look-up under a basis, 403 for unbound bases (logged), aggregates, supervisor log."""

from rest_framework.test import APIClient

from diplomaregister.logboek.models import LogEntry
from diplomaregister.organisations.auth import create_client


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


def test_institution_cannot_tell_unknown_from_not_its_student(world):
    api = _api(world.university)
    stranger = api.post("/api/v1/verstrekkingen/diplomas",
                        {"basis": "art53_1", "persoonsgebonden_nummer": world.stranger.pgn}, format="json")  # fmt: skip
    unknown = api.post("/api/v1/verstrekkingen/diplomas",
                       {"basis": "art53_1", "persoonsgebonden_nummer": "111222333"}, format="json")  # fmt: skip
    assert stranger.status_code == unknown.status_code == 403
    assert stranger.json()["detail"] == unknown.json()["detail"]


def test_deliver_role_is_not_a_recipient_role(world):
    api = _api(world.university, roles=("deliver",))
    response = api.post("/api/v1/verstrekkingen/diplomas",
                        {"basis": "art53_1", "persoonsgebonden_nummer": world.holder.pgn}, format="json")  # fmt: skip
    assert response.status_code == 403


def test_aggregates_suppress_small_cells(world):
    import datetime as dt

    from django.utils import timezone

    from diplomaregister.register import services
    from diplomaregister.register.factories import DiplomaDataFactory, PersonDataFactory

    for _ in range(10):  # 11 VO diplomas in all: that cell is shown, the others (1 each) are not
        services.record_diploma(PersonDataFactory(), DiplomaDataFactory(), organisation=world.school,
                                recorded_at=timezone.make_aware(dt.datetime(2023, 9, 1)))  # fmt: skip
    api = _api(world.org("cbs", "CBS"))
    response = api.post("/api/v1/verstrekkingen/aggregaten", {"basis": "art55", "group_by": ["sector"]},
                        format="json")  # fmt: skip
    assert response.status_code == 200
    cells = response.json()["cells"]
    by_sector = {c["sector"]: c for c in cells}
    assert by_sector["VO"]["count"] == 11 and not by_sector["VO"]["suppressed"]
    assert by_sector["WO"]["count"] is None and by_sector["WO"]["suppressed"]
    refused = api.post("/api/v1/verstrekkingen/aggregaten", {"basis": "art50", "group_by": ["sector"]},
                       format="json")  # fmt: skip
    assert refused.status_code == 403


def test_supervisor_reads_the_log_with_filters(world):
    recipient = _api(world.org("minister_vws", "CIBG"))
    recipient.post("/api/v1/verstrekkingen/diplomas",
                   {"basis": "art50", "persoonsgebonden_nummer": world.holder.pgn}, format="json")  # fmt: skip
    supervisor = _api(world.org("inspectie", "AP"), roles=("supervisor",))
    rows = supervisor.get("/api/v1/disclosure-log?basis=art50").json()["results"]
    assert len(rows) == 1 and rows[0]["recipient_code"] == "CIBG"
    assert world.holder.pgn not in str(rows)
    assert recipient.get("/api/v1/disclosure-log").status_code == 403
