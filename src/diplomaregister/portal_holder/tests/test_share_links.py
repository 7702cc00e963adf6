"""Share links as good as the peers: PIN (hashed, locked after wrong tries), validity chosen by the
holder, grades or not, view count, QR code, e-mail, revoking after a confirmation, a withdrawn
diploma shown as such on the share page."""

import datetime as dt

import pytest
from django.core import mail
from django.test import Client

from diplomaregister.portal_holder.models import ShareLink
from diplomaregister.portal_holder.services import PIN_TRIES, create_share_link
from diplomaregister.register import services
from diplomaregister.register.models import Diploma

from .conftest import diploma_ids


@pytest.fixture(autouse=True)
def locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def _make(logged_in, holder, **extra):
    data = {"diplomas": diploma_ids(holder)[1:], "days": 7, "with_grades": "on", **extra}
    page = logged_in.post("/mijn/delen/", data).content.decode()
    url = page.split('class="utrecht-link share-url" href="')[1].split('"')[0]
    return page, url.split("testserver", 1)[1]


def test_new_link_has_qr_copy_button_and_validity(logged_in, holder, clock):
    page, path = _make(logged_in, holder)
    assert "<svg" in page and "data-copy" in page and "Link kopiëren" in page
    link = ShareLink.objects.get()
    assert link.expires_at - link.created_at == dt.timedelta(days=7)
    listing = logged_in.get("/mijn/delen/").content.decode()
    assert "Universiteit Testdam" in listing and "0 keer geopend" in listing


def test_views_are_counted_and_the_page_shows_programme_degree_and_grades(logged_in, holder, clock):
    _page, path = _make(logged_in, holder, diplomas=diploma_ids(holder))
    stranger = Client()
    shared = stranger.get(path).content.decode()
    ho = Diploma.objects.get(pk=diploma_ids(holder)[1]).versions.order_by("-version").first()
    vo = Diploma.objects.get(pk=diploma_ids(holder)[0]).versions.order_by("-version").first()
    assert ho.ho_degree in shared and ho.programme.name_nl in shared
    assert "Eindcijfer" in shared and vo.grades.first().subject_name in shared
    stranger.get(path)
    link = ShareLink.objects.get()
    assert link.view_count == 2 and link.last_viewed_at is not None
    assert "2 keer geopend" in logged_in.get("/mijn/delen/").content.decode()


def test_without_grades_no_grades_and_no_extract(logged_in, holder, clock):
    data = {"diplomas": diploma_ids(holder)[:1], "days": 30}
    page = logged_in.post("/mijn/delen/", data).content.decode()
    path = (
        page.split('class="utrecht-link share-url" href="')[1].split('"')[0].split("testserver")[1]
    )
    shared = Client().get(path).content.decode()
    assert "Eindcijfer" not in shared and "zonder cijfers" in shared
    assert Client().post(f"{path}uittreksel/", {"lang": "nl"}).status_code == 404


def test_pin_is_hashed_needed_and_locked_after_wrong_tries(logged_in, holder, clock):
    _page, path = _make(logged_in, holder, pin="4821")
    link = ShareLink.objects.get()
    assert link.pin_hash and "4821" not in link.pin_hash
    stranger = Client()
    first = stranger.get(path).content.decode()
    assert "pincode" in first.lower() and "Universiteit Testdam" not in first
    assert stranger.post(path, {"pin": "0000"}).status_code == 403
    assert stranger.post(path, {"pin": "4821"}).status_code == 302
    assert "Universiteit Testdam" in stranger.get(path).content.decode()
    guesser = Client()
    for _ in range(PIN_TRIES):
        guesser.post(path, {"pin": "1111"})
    locked = guesser.post(path, {"pin": "4821"}).content.decode()  # right, but too late
    assert "Te veel verkeerde pincodes" in locked
    clock.shift(dt.timedelta(minutes=16))
    assert guesser.post(path, {"pin": "4821"}).status_code == 302


def test_bad_pin_and_no_diploma_keep_the_form_in_dutch(logged_in, holder, clock):
    page = logged_in.post("/mijn/delen/", {"days": 30, "pin": "12"}).content.decode()
    assert "Een pincode heeft 4 tot 8 cijfers." in page and "Dit veld is vereist." in page


def test_email_the_link(logged_in, holder, clock):
    page, path = _make(logged_in, holder)
    token = page.split('name="token" value="')[1].split('"')[0]
    response = logged_in.post("/mijn/delen/mailen/", {"email": "hr@example.org", "token": token})
    assert response.status_code == 302
    assert mail.outbox[0].to == ["hr@example.org"] and path in mail.outbox[0].body
    assert (
        logged_in.post(
            "/mijn/delen/mailen/", {"email": "x@example.org", "token": "nope"}
        ).status_code
        == 404
    )


def test_revoke_asks_first(logged_in, holder, clock):
    _page, path = _make(logged_in, holder)
    link = ShareLink.objects.get()
    confirm = logged_in.get(f"/mijn/delen/{link.short_id}/intrekken/").content.decode()
    assert "Ja, intrekken" in confirm
    link.refresh_from_db()
    assert link.revoked_at is None
    logged_in.post(f"/mijn/delen/{link.short_id}/intrekken/")
    assert Client().get(path).status_code == 404


def test_withdrawn_diploma_shows_as_withdrawn(holder, client, clock):
    diploma = Diploma.objects.get(pk=diploma_ids(holder)[1])
    _link, token = create_share_link(holder, [diploma.pk])
    services.withdraw_diploma(
        diploma, effective_date=dt.date(2025, 3, 1), reason="vergissing", code="error"
    )
    page = client.get(f"/delen/{token}/").content.decode()
    assert "ingetrokken" in page
