"""Failed-login lockout of staff accounts on the admin and the institution portal login: after N
failed passwords the right password (and code) is refused until the lockout time has passed."""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import RequestFactory
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from diplomaregister.organisations.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(dt.datetime(2025, 3, 3, 9, 0))
PASSWORD = "correct horse battery staple"


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def limits(settings):
    settings.LOGIN_LOCKOUT_FAILURES = 3
    settings.LOGIN_LOCKOUT_SECONDS = 900


def code(user) -> str:
    device = TOTPDevice.objects.get(user=user)
    return str(
        TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    ).zfill(6)


def fail(client, url, username, times):
    for _ in range(times):
        response = client.post(
            url, {"username": username, "password": "wrong", "otp_token": "123456"}
        )
        assert response.status_code == 200


def test_admin_login_locked_after_n_failures(client, clock):
    call_command("create_operator", username="ops", password=PASSWORD, stdout=StringIO())
    ops = get_user_model().objects.get(username="ops")
    fail(client, "/admin/login/", "ops", 3)
    clock.shift(dt.timedelta(seconds=30))  # a fresh TOTP code
    refused = client.post("/admin/login/", {"username": "ops", "password": PASSWORD,
                                            "otp_token": code(ops)})  # fmt: skip
    assert refused.status_code == 200
    assert (
        "Te vaak een verkeerd wachtwoord of code" in refused.content.decode()
    )  # nl is the default
    assert client.get("/admin/").status_code == 302
    clock.shift(dt.timedelta(seconds=901))
    accepted = client.post("/admin/login/", {"username": "ops", "password": PASSWORD,
                                             "otp_token": code(ops)})  # fmt: skip
    assert accepted.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_institution_portal_login_locked_after_n_failures(client, clock):
    org = OrganisationFactory(kind="universiteit")
    call_command("create_staff_user", organisation=org.code, username="alice", password=PASSWORD,
                 stdout=StringIO())  # fmt: skip
    alice = get_user_model().objects.get(username="alice")
    url = "/instelling/inloggen/"
    fail(client, url, "alice", 3)
    clock.shift(dt.timedelta(seconds=30))
    refused = client.post(
        url, {"username": "alice", "password": PASSWORD, "otp_token": code(alice)}
    )
    assert refused.status_code == 200
    assert client.get("/instelling/").status_code == 302
    clock.shift(dt.timedelta(seconds=901))
    accepted = client.post(
        url, {"username": "alice", "password": PASSWORD, "otp_token": code(alice)}
    )
    assert accepted.status_code == 302
    assert client.get("/instelling/").status_code == 200


def test_lockout_is_per_username_and_fewer_failures_do_not_lock(clock):
    user_model = get_user_model()
    user_model.objects.create_user(username="bob", password=PASSWORD)
    user_model.objects.create_user(username="carol", password=PASSWORD)
    request = RequestFactory().post("/instelling/inloggen/")
    for _ in range(2):
        assert authenticate(request, username="bob", password="wrong") is None
    assert authenticate(request, username="bob", password=PASSWORD) is not None  # resets
    for _ in range(3):
        authenticate(request, username="bob", password="wrong")
    assert authenticate(request, username="bob", password=PASSWORD) is None
    assert authenticate(request, username="carol", password=PASSWORD) is not None


def test_the_cache_holds_no_username(clock):
    request = RequestFactory().post("/admin/login/")
    authenticate(request, username="dave@example.org", password="wrong")
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM diplomaregister_cache")
        keys = " ".join(row[0] for row in cursor.fetchall())
    assert "lockout:failures:" in keys and "dave" not in keys
