"""Institution portal: 2FA login, inzage within art. 53 only, correction requests end to end."""

import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from diplomaregister.logboek.models import LogEntry
from diplomaregister.organisations.auth import create_client
from diplomaregister.portal_institution.corrections import (
    CorrectionError,
    requests_of_holder,
    submit_request,
)
from diplomaregister.portal_institution.models import CorrectionRequest
from diplomaregister.register.models import Diploma

pytestmark = pytest.mark.django_db


def _staff(org, username):
    out = StringIO()
    call_command(
        "create_staff_user",
        organisation=org.code,
        username=username,
        password="s3cret-pass",
        stdout=out,
    )
    assert "otpauth://" in out.getvalue()
    return get_user_model().objects.get(username=username)


def _login(client, user, *, token=None):
    device = TOTPDevice.objects.get(user=user)
    code = token or str(
        TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    ).zfill(6)
    return client.post("/instelling/inloggen/", {"username": user.username, "password": "s3cret-pass",
                                                 "otp_token": code})  # fmt: skip


def test_pages_need_login_and_second_factor(client, world, clock):
    user = _staff(world.university, "alice")
    assert client.get("/instelling/inzage/")["Location"].startswith("/instelling/inloggen/")
    bad = _login(client, user, token="000000")
    assert bad.status_code == 200  # form again, not logged in
    client.force_login(user)  # password only, no verified device
    assert client.get("/instelling/inzage/").status_code == 302
    client.logout()
    clock.shift(
        dt.timedelta(seconds=30)
    )  # past the throttle after the failed code (and a new code)
    assert _login(client, user).status_code == 302
    assert client.get("/instelling/inzage/").status_code == 200


def test_inzage_shows_own_students_documents_only(client, world):
    _login(client, _staff(world.university, "alice"))
    page = client.post(
        "/instelling/inzage/", {"pgn": world.holder.pgn, "basis": "art53_1"}
    ).content.decode()
    assert "Universiteit Testdam" in page and "Stedelijk Gymnasium" not in page
    stranger = client.post(
        "/instelling/inzage/", {"pgn": world.stranger.pgn, "basis": "art53_1"}
    ).content.decode()
    unknown = client.post(
        "/instelling/inzage/", {"pgn": "111222333", "basis": "art53_1"}
    ).content.decode()
    assert "Universiteit Elders" not in stranger
    neutral = "Onder deze grondslag kunnen voor deze persoon geen diploma"  # Dutch by default
    assert neutral in stranger and neutral in unknown
    entry = LogEntry.objects.filter(channel="institution_portal", outcome="disclosed").get()
    assert entry.recipient_code == world.university.code and entry.user_id is not None


def test_correction_request_from_holder_to_institution_and_back(client, world):
    diploma = Diploma.objects.get(person=world.holder, organisation=world.university)
    with pytest.raises(CorrectionError):
        submit_request(person=world.stranger, diploma=diploma, message="not mine")
    req = submit_request(
        person=world.holder, diploma=diploma, message="Mijn afstudeerdatum klopt niet."
    )
    other_staff = _staff(world.school, "bob")
    _login(client, other_staff)
    assert client.get(f"/instelling/correctieverzoeken/{req.pk}/").status_code == 404  # not theirs
    client.logout()
    _login(client, _staff(world.university, "alice"))
    assert diploma.record_key in client.get("/instelling/correctieverzoeken/").content.decode()
    client.post(
        f"/instelling/correctieverzoeken/{req.pk}/",
        {"status": "gecorrigeerd", "answer": "Aangepast."},
    )
    assert [(r.status, r.answer) for r in requests_of_holder(world.holder)] == [
        ("gecorrigeerd", "Aangepast.")
    ]


def test_correction_api_for_the_awarding_organisation(world):
    diploma = Diploma.objects.get(person=world.holder, organisation=world.university)
    req = submit_request(person=world.holder, diploma=diploma, message="Naam verkeerd gespeld.")
    _c, token = create_client(world.university, "sis", ["deliver"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    listed = api.get("/api/v1/correctieverzoeken").json()["results"]
    assert [r["record_key"] for r in listed] == [diploma.record_key]
    assert "Jansen" not in str(listed) and world.holder.pgn not in str(listed)
    answered = api.post(f"/api/v1/correctieverzoeken/{req.pk}/antwoord", {"status": "afgewezen", "answer": "Klopt."},
                        format="json")  # fmt: skip
    assert answered.status_code == 200 and CorrectionRequest.objects.get().status == "afgewezen"
    _c, other = create_client(world.school, "other", ["deliver"])
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {other}")
    assert api.get("/api/v1/correctieverzoeken").json()["results"] == []
    assert api.post(f"/api/v1/correctieverzoeken/{req.pk}/antwoord", {"status": "afgewezen", "answer": "x"},
                    format="json").status_code == 404  # fmt: skip


def test_inzage_names_documents_as_people_know_them(client, world):
    """verstrekking.naming as on the holder's pages: degree and programme, the institution and the
    date, the legal category as a second line; the extended data is not the institution's (no
    recipient basis, art. 17 lid 2), so no judicium."""
    from diplomaregister.register.models import Programme

    Programme.objects.filter(code="56604").update(name_nl="Informatica", name_en="Computer Science")
    _login(client, _staff(world.university, "alice"))
    nl = client.post("/instelling/inzage/", {"pgn": world.holder.pgn, "basis": "art53_1"},
                     HTTP_ACCEPT_LANGUAGE="nl").content.decode()  # fmt: skip
    assert "Master of Science Informatica — Universiteit Testdam, 30 augustus 2023" in nl
    en = client.post("/instelling/inzage/", {"pgn": world.holder.pgn, "basis": "art53_1"},
                     HTTP_ACCEPT_LANGUAGE="en").content.decode()  # fmt: skip
    assert "Master of Science Computer Science — Universiteit Testdam, 30 August 2023" in en
    entry = LogEntry.objects.filter(channel="institution_portal", outcome="disclosed").last()
    assert "judicium" not in entry.fields and "degree_addition" not in entry.fields
