"""The operator admin needs a second factor: ``admin_client`` here is logged in *and* verified by
a confirmed TOTP device, as an operator who logged in through the admin's login form would be."""

import pytest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice


def verify(client, user):
    """Log ``client`` in as ``user`` with a confirmed TOTP device, as after a TOTP login."""
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="authenticator", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


@pytest.fixture
def admin_client(client, admin_user):
    verify(client, admin_user)
    return client
