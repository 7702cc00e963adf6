"""API tokens: stored hashed, expire, can be revoked (function, command, admin action) and rotated
without downtime (old and new both work during the overlap, only the new one after it)."""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from diplomaregister.core.tests.conftest import verify
from diplomaregister.organisations.auth import create_client, rotate_client
from diplomaregister.organisations.factories import OrganisationFactory
from diplomaregister.organisations.models import ApiClient, ApiToken

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(dt.datetime(2025, 3, 3, 9, 0))
URL = "/api/v1/correctieverzoeken"  # GET, role deliver


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def school(db):
    return OrganisationFactory(kind="vo_school")


def status(token: str) -> int:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return api.get(URL).status_code


def test_token_is_stored_only_as_a_hash_and_works(school, clock):
    client, token = create_client(school, "sis", ["deliver"])
    row = ApiToken.objects.get(client=client)
    assert token not in str(list(ApiToken.objects.values())) + str(list(ApiClient.objects.values()))
    assert token.startswith(f"dr_{row.prefix}_") and len(row.token_hash) == 64
    assert status(token) == 200


def test_token_expires_after_the_configured_lifetime(school, clock, settings):
    settings.API_TOKEN_LIFETIME = dt.timedelta(days=30)
    _client, token = create_client(school, "sis", ["deliver"])
    clock.shift(dt.timedelta(days=30) - dt.timedelta(seconds=1))
    assert status(token) == 200
    clock.shift(dt.timedelta(seconds=2))
    response = APIClient(HTTP_AUTHORIZATION=f"Bearer {token}").get(URL)
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_revoked_client_gets_401_at_once(school, clock):
    client, token = create_client(school, "sis", ["deliver"])
    assert status(token) == 200
    out = StringIO()
    call_command("revoke_client", f"{school.code}/sis", stdout=out)
    assert "revoked" in out.getvalue()
    assert status(token) == 401
    with pytest.raises(ValueError, match="revoked"):
        rotate_client(ApiClient.objects.get(pk=client.pk))


def test_revoke_one_token_by_prefix(school, clock):
    client, old = create_client(school, "sis", ["deliver"])
    _row, new = rotate_client(client)
    call_command("revoke_client", str(client.pk), token=old.split("_")[1], stdout=StringIO())
    assert (status(old), status(new)) == (401, 200)


def test_rotation_overlap_then_only_the_new_token(school, clock, settings):
    settings.API_TOKEN_ROTATION_OVERLAP = dt.timedelta(hours=24)
    client, old = create_client(school, "sis", ["deliver"])
    out, err = StringIO(), StringIO()
    call_command("rotate_client", f"{school.code}/sis", stdout=out, stderr=err)
    new = out.getvalue().strip()
    assert new.startswith("dr_") and new != old
    assert "works until 2025-03-04 09:00" in err.getvalue()
    assert (status(old), status(new)) == (200, 200)  # both during the overlap
    clock.shift(dt.timedelta(hours=23, minutes=59))
    assert (status(old), status(new)) == (200, 200)
    clock.shift(dt.timedelta(minutes=2))
    assert (status(old), status(new)) == (401, 200)  # after it only the new one
    assert ApiToken.objects.filter(client=client).count() == 2  # the old one kept, expired


def test_rotation_never_extends_an_older_token(school, clock, settings):
    settings.API_TOKEN_LIFETIME = dt.timedelta(hours=1)
    client, old = create_client(school, "sis", ["deliver"])
    rotate_client(client, overlap=dt.timedelta(hours=48))
    assert ApiToken.objects.get(prefix=old.split("_")[1]).expires_at == NOW + dt.timedelta(hours=1)


def test_rotation_with_zero_overlap_stops_the_old_token_now(school, clock):
    client, old = create_client(school, "sis", ["deliver"])
    _row, new = rotate_client(client, overlap=dt.timedelta(0))
    assert (status(old), status(new)) == (401, 200)


def test_create_client_command_prints_token_and_expiry(school, clock):
    out, err = StringIO(), StringIO()
    call_command("create_client", organisation=school.code, name="sis", lifetime_days=10,
                 stdout=out, stderr=err)  # fmt: skip
    assert status(out.getvalue().strip()) == 200
    assert "expires 2025-03-13" in err.getvalue()
    listing = StringIO()
    call_command("list_clients", stdout=listing)
    assert "valid until 2025-03-13" in listing.getvalue()
    assert out.getvalue().strip() not in listing.getvalue()


def test_admin_action_revokes_selected_clients(school, clock, client, admin_user):
    api_client, token = create_client(school, "sis", ["deliver"])
    verify(client, admin_user)
    page = client.get(f"/admin/organisations/apiclient/{api_client.pk}/change/")
    assert page.status_code == 200 and b"valid" in page.content
    assert client.get("/admin/organisations/apiclient/add/").status_code == 403
    response = client.post(
        "/admin/organisations/apiclient/",
        {"action": "revoke", "_selected_action": [api_client.pk]},
    )
    assert response.status_code == 302
    assert ApiClient.objects.get(pk=api_client.pk).revoked_at == NOW
    assert status(token) == 401


def test_malformed_and_unknown_tokens_get_401(school, clock):
    _client, token = create_client(school, "sis", ["deliver"])
    assert status(token + "x") == 401
    assert status("dr_0000000000_" + "a" * 43) == 401
    assert APIClient(HTTP_AUTHORIZATION="Token abc").get(URL).status_code == 401


class _Ticks:
    """A monotonic clock the test moves by hand (the token memory's TTL runs on it)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def ticks(monkeypatch, settings):
    from diplomaregister.organisations import auth

    settings.API_TOKEN_CACHE_SECONDS = 10
    clock = _Ticks()
    monkeypatch.setattr(auth, "_clock", clock)
    auth.forget_tokens()
    yield clock
    auth.forget_tokens()


def test_a_checked_token_is_not_looked_up_again_within_the_cache_time(school, clock, ticks,
                                                                        django_assert_num_queries):  # fmt: skip
    from diplomaregister.organisations.auth import client_for_token

    client, token = create_client(school, "sis", ["deliver"])
    with django_assert_num_queries(1):
        assert client_for_token(token) == client
    with django_assert_num_queries(0):
        assert client_for_token(token) == client
    ticks.now += 10.5
    with django_assert_num_queries(1):
        assert client_for_token(token) == client


def test_a_revocation_elsewhere_holds_after_the_cache_time(school, clock, ticks):
    """Another worker revoked the client (the database says so, this process was not told): the
    token works here at most API_TOKEN_CACHE_SECONDS longer, then never again."""
    _client, token = create_client(school, "sis", ["deliver"])
    assert status(token) == 200
    ApiClient.objects.update(revoked_at=timezone.now())
    ticks.now += 9
    assert status(token) == 200
    ticks.now += 2
    assert status(token) == 401


def test_revocation_and_rotation_here_take_effect_at_once_despite_the_cache(school, clock, ticks):
    from diplomaregister.organisations.auth import revoke_client

    client, token = create_client(school, "sis", ["deliver"])
    assert status(token) == 200
    revoke_client(client)
    assert status(token) == 401
    other, old = create_client(school, "sis2", ["deliver"])
    assert status(old) == 200
    rotate_client(other, overlap=dt.timedelta(0))
    assert status(old) == 401


def test_a_remembered_token_still_expires_on_time(school, clock, ticks, settings):
    settings.API_TOKEN_LIFETIME = dt.timedelta(hours=1)
    _client, token = create_client(school, "sis", ["deliver"])
    assert status(token) == 200
    clock.shift(dt.timedelta(hours=1, seconds=1))  # wall clock past expiry, cache time not
    assert status(token) == 401
