"""The operator admin needs a second factor (TOTP), and its logins are logged without personal
data."""

import logging
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from diplomaregister.core.tests.conftest import verify

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def totp(user) -> str:
    device = TOTPDevice.objects.get(user=user)
    return str(
        TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    ).zfill(6)


@pytest.fixture
def operator(db):
    out = StringIO()
    call_command("create_operator", username="ops", password=PASSWORD, stdout=out)
    assert "otpauth://totp/" in out.getvalue()
    return get_user_model().objects.get(username="ops")


def login(client, user, **extra):
    return client.post("/admin/login/?next=/admin/",
                       {"username": user.username, "password": PASSWORD, **extra})  # fmt: skip


def test_password_only_superuser_cannot_open_the_admin(client, admin_user):
    client.force_login(admin_user)  # password checked, no device verified
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert client.get("/admin/register/person/").status_code == 302


def test_superuser_verified_by_a_totp_device_can(client, admin_user):
    verify(client, admin_user)
    assert client.get("/admin/").status_code == 200


def test_login_form_needs_the_totp_code(client, operator):
    assert client.get("/admin/login/").status_code == 200
    refused = login(client, operator)  # right password, no code
    assert refused.status_code == 200
    assert client.get("/admin/").status_code == 302
    refused = login(client, operator, otp_token="000000")
    assert refused.status_code == 200 and client.get("/admin/").status_code == 302


def test_login_with_password_and_code_opens_the_admin_and_is_logged(client, operator, caplog):
    with caplog.at_level(logging.INFO, logger="diplomaregister"):
        response = login(client, operator, otp_token=totp(operator))
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert f"admin.login user_id={operator.pk}" in caplog.text
    assert "ops" not in caplog.text and "127.0.0.1" not in caplog.text


def test_failed_admin_login_is_logged_without_the_name(client, operator, caplog):
    with caplog.at_level(logging.INFO, logger="diplomaregister"):
        client.post("/admin/login/", {"username": "ops", "password": "wrong", "otp_token": "1"})
    assert "admin.login.failed" in caplog.text
    assert "ops" not in caplog.text


def test_institution_staff_verified_in_their_portal_are_not_operators(client, db):
    staff = get_user_model().objects.create_user(username="alice", password=PASSWORD)
    verify(client, staff)
    assert client.get("/admin/").status_code == 302


def test_reset_device_replaces_the_operators_device(operator):
    old = TOTPDevice.objects.get(user=operator)
    call_command("create_operator", username="ops", reset_device=True, stdout=StringIO())
    assert list(TOTPDevice.objects.filter(user=operator)) != [old]
    assert TOTPDevice.objects.filter(user=operator).count() == 1
