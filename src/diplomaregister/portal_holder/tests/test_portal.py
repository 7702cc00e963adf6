"""Mijn diploma's: DigiD (mock) login, own diplomas only, extracts, share links, disclosure log."""

import datetime as dt

import pytest

from diplomaregister.logboek.models import LogEntry
from diplomaregister.portal_holder.models import ShareLink
from diplomaregister.portal_holder.services import ShareLinkError, create_share_link

from .conftest import diploma_ids

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_digid(client, holder):
    response = client.get("/mijn/")
    assert response.status_code == 302 and response["Location"].startswith("/digid/login/")


def test_mock_login_flow_reaches_the_mock_idp(client, holder):
    response = client.get("/digid/login/?next=/mijn/")
    assert response.status_code == 302 and "/digid-mock/digid/inloggen/" in response["Location"]


def test_holder_sees_own_diplomas_grouped_by_sector(logged_in, holder):
    page = logged_in.get("/mijn/").content.decode()
    assert "Stedelijk Gymnasium" in page and "Universiteit Testdam" in page
    assert page.index("Voortgezet onderwijs") < page.index(
        "Wetenschappelijk onderwijs"
    )  # law order
    assert holder.pgn not in page  # the BSN is never shown
    assert LogEntry.objects.filter(basis="holder", outcome="disclosed").exists()


def test_other_persons_diploma_id_gives_404(logged_in, other):
    for diploma_id in diploma_ids(other):
        assert logged_in.get(f"/mijn/diploma/{diploma_id}/").status_code == 404
    response = logged_in.post("/mijn/uittreksel/", {"diploma": diploma_ids(other)[0]})
    assert response.status_code == 404


def test_diploma_detail_with_grades(logged_in, holder):
    vo = diploma_ids(holder)[0]
    page = logged_in.get(f"/mijn/diploma/{vo}/").content.decode()
    assert "Nederlands" in page and "6.8" in page.replace(",", ".")
    title = page.split("<title>")[1].split("</title>")[0]
    assert "<" not in title and page.count('id="correctie"') == 1


def test_download_extract_is_a_signed_pdf(logged_in, holder):
    response = logged_in.post("/mijn/uittreksel/", {"lang": "en"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and b"/ByteRange" in response.content
    assert "no-store" in response["Cache-Control"]


def test_share_link_lifecycle_is_logged_for_the_holder(
    logged_in, client, holder, django_user_model
):
    chosen = diploma_ids(holder)[:1]
    page = logged_in.post(
        "/mijn/delen/", {"diplomas": chosen, "days": 30, "label": "werkgever", "with_grades": "on"}
    )
    text = page.content.decode()
    url = text.split('class="utrecht-link share-url" href="')[1].split('"')[0]
    path = url.split("testserver", 1)[1]
    link = ShareLink.objects.get(person=holder)
    assert link.diploma_ids == chosen and link.token_hash not in text

    from django.test import Client

    stranger = Client()
    shared = stranger.get(path)
    assert shared.status_code == 200 and "Stedelijk Gymnasium" in shared.content.decode()
    assert "Universiteit Testdam" not in shared.content.decode()  # not chosen
    assert shared["Referrer-Policy"] == "same-origin"  # not no-referrer: that breaks the form
    pdf = stranger.post(f"{path}uittreksel/", {"lang": "nl"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

    log = logged_in.get("/mijn/inzage-log/").content.decode()
    assert log.count(f"deellink {link.short_id}") == 2  # page view and extract

    logged_in.post(f"/mijn/delen/{link.short_id}/intrekken/")
    assert stranger.get(path).status_code == 404


def test_expired_link_fails(client, holder, clock):
    link, token = create_share_link(holder, diploma_ids(holder), days=1)
    assert client.get(f"/delen/{token}/").status_code == 200
    clock.shift(dt.timedelta(days=1, seconds=1))
    assert client.get(f"/delen/{token}/").status_code == 404


def test_share_rules(holder, other):
    with pytest.raises(ShareLinkError):
        create_share_link(holder, diploma_ids(other))
    with pytest.raises(ShareLinkError):
        create_share_link(holder, diploma_ids(holder), days=400)
    with pytest.raises(ShareLinkError):
        create_share_link(holder, [])


def test_cannot_revoke_someone_elses_link(logged_in, other):
    link, _token = create_share_link(other, diploma_ids(other))
    assert logged_in.post(f"/mijn/delen/{link.short_id}/intrekken/").status_code == 404
    link.refresh_from_db()
    assert link.revoked_at is None


def test_unknown_bsn_sees_a_plain_page(client, db, clock):
    client.get("/digid/acs/?bsn=111222333&next=/mijn/")
    page = client.get("/mijn/")
    assert page.status_code == 200
    assert "Het register bevat geen diploma's van u." in page.content.decode()  # Dutch by default
    english = client.get("/mijn/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The register holds no diplomas for you." in english


def test_logout_lands_on_the_portal(logged_in):
    assert 'action="/mijn/uitloggen/"' in logged_in.get("/mijn/").content.decode()
    response = logged_in.post("/mijn/uitloggen/")
    assert response.status_code == 302 and response["Location"] == "/mijn/uitgelogd/"
    page = logged_in.get("/mijn/uitgelogd/")
    assert (
        page.status_code == 200 and "U bent uitgelogd bij Mijn diploma's." in page.content.decode()
    )
    assert logged_in.get("/mijn/").status_code == 302


def test_holder_sends_a_correction_request_and_sees_its_status(logged_in, holder, other):
    from diplomaregister.portal_institution.models import CorrectionRequest

    mine = diploma_ids(holder)[1]
    logged_in.post(f"/mijn/diploma/{mine}/correctie/", {"message": "De graad klopt niet."})
    req = CorrectionRequest.objects.get()
    assert req.organisation_id == req.diploma.organisation_id and req.status == "open"
    assert "Open" in logged_in.get(f"/mijn/diploma/{mine}/").content.decode()
    assert (
        logged_in.post(
            f"/mijn/diploma/{diploma_ids(other)[0]}/correctie/", {"message": "x" * 10}
        ).status_code
        == 404
    )


def test_the_log_page_shows_bulk_exports_that_contained_the_holder(
    logged_in, holder, other, tmp_path
):
    """An art. 55 export is one log row plus a subject manifest; each holder in it sees it."""
    from diplomaregister.abonnementen.exports import export
    from diplomaregister.organisations.factories import OrganisationFactory
    from diplomaregister.verstrekking.engine import Requester

    cbs = OrganisationFactory(
        kind="cbs", code="CBS01", brin="", name="Centraal Bureau voor de Statistiek"
    )
    count = export(Requester(kind="organisation", organisation=cbs, label=cbs.name), "art55",
                   tmp_path / "cbs.csv")  # fmt: skip
    assert count == 2
    page = logged_in.get("/mijn/inzage-log/").content.decode()
    assert "Centraal Bureau voor de Statistiek" in page and "art. 55" in page
    assert LogEntry.objects.filter(basis="art55").count() == 1  # not one row per person
