"""API throttling per client and per address (429 + Retry-After), and the rate-limit counts held in
the cache shared by all workers (not in each process's memory)."""

import datetime as dt

import pytest
import time_machine
from django.core.cache import caches
from django.core.cache.backends import locmem
from django.core.management import call_command
from django.db import connection
from django.test import RequestFactory
from django.utils import timezone
from rest_framework.test import APIClient

from diplomaregister.extracts import ratelimit
from diplomaregister.organisations.auth import create_client
from diplomaregister.organisations.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(dt.datetime(2025, 3, 3, 9, 0, 15))  # 45 s left in the minute
URL = "/api/v1/correctieverzoeken"  # GET, role deliver
PUBLIC = "/api/v1/openapi.json"


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def api(token=None, address="192.0.2.1"):
    client = APIClient(REMOTE_ADDR=address)
    if token:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def test_client_gets_429_with_retry_after_on_the_n_plus_first_request(clock, settings):
    settings.API_RATE_CLIENT = "5/minute"
    org = OrganisationFactory()
    _c, token = create_client(org, "sis", ["deliver"])
    _c, other = create_client(org, "other", ["deliver"])
    statuses = [api(token).get(URL).status_code for _ in range(5)]
    assert statuses == [200] * 5
    refused = api(token, address="198.51.100.7").get(URL)  # another address: still this client
    assert refused.status_code == 429
    assert refused["Retry-After"] == "45"
    assert refused["Content-Type"] == "application/problem+json"
    assert api(other).get(URL).status_code == 200  # another client is not affected
    clock.shift(dt.timedelta(seconds=45))  # the next window
    assert api(token).get(URL).status_code == 200


def test_address_gets_429_without_a_token(clock, settings):
    settings.API_RATE_ANON = "3/minute"
    here, elsewhere = api(address="192.0.2.1"), api(address="192.0.2.2")
    assert [here.get(PUBLIC).status_code for _ in range(3)] == [200] * 3
    refused = here.get(PUBLIC)
    assert refused.status_code == 429 and refused["Retry-After"] == "45"
    assert here.get(URL).status_code == 429  # also where the token is missing
    assert elsewhere.get(PUBLIC).status_code == 200  # per address


def test_wrong_tokens_are_counted_per_address(clock, settings):
    settings.API_RATE_ANON = "3/minute"
    wrong = api("dr_0123456789_" + "x" * 43)
    assert [wrong.get(URL).status_code for _ in range(3)] == [401] * 3
    refused = wrong.get(URL)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0


def test_a_valid_client_is_not_held_to_the_anonymous_limit(clock, settings):
    settings.API_RATE_ANON = "1/minute"
    _c, token = create_client(OrganisationFactory(), "sis", ["deliver"])
    assert {api(token).get(URL).status_code for _ in range(5)} == {200}


def other_worker(monkeypatch):
    """A cache client as another worker process has it: a new instance and none of this
    process's memory (a per-process cache, e.g. local memory, starts empty there)."""
    monkeypatch.setattr(locmem, "_caches", {})
    monkeypatch.setattr(locmem, "_expire_info", {})
    monkeypatch.setattr(locmem, "_locks", {})
    return caches.create_connection("default")


def test_counts_are_shared_between_separate_cache_instances(clock, monkeypatch):
    worker_a = caches.create_connection("default")
    worker_a.add("k", 0, timeout=60)
    worker_a.incr("k")
    worker_b = other_worker(monkeypatch)
    assert worker_b is not worker_a
    assert worker_b.incr("k") == 2
    assert worker_a.get("k") == 2


@pytest.mark.django_db(transaction=True)
def test_verification_limit_holds_across_workers(clock):
    """Two workers are two database connections: the second counts on from the first's hits."""
    import threading

    from django.db import connections

    request = RequestFactory().get("/verifieren/", REMOTE_ADDR="203.0.113.9")
    limit = "3/minute"
    assert [ratelimit.allow(request, "verify", limit)[0] for _ in range(2)] == [True, True]
    answers = []

    def other_worker() -> None:  # its own thread: its own connection
        try:
            answers.extend(ratelimit.allow(request, "verify", limit) for _ in range(2))
        finally:
            connections.close_all()

    thread = threading.Thread(target=other_worker)
    thread.start()
    thread.join(10)
    with connection.cursor() as cursor:  # committed rows: leave none for the next tests
        cursor.execute("DELETE FROM diplomaregister_ratecount")
    assert answers == [(True, 45), (False, 45)]


def test_counts_live_in_the_database_table_without_addresses(clock):
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.9")
    ratelimit.allow(request, "verify", "3/minute")
    ratelimit.allow(request, "verify", "3/minute")
    with connection.cursor() as cursor:
        cursor.execute("SELECT counter_key, hits FROM diplomaregister_ratecount")
        rows = cursor.fetchall()
    assert any(key.startswith("verify:") and hits == 2 for key, hits in rows)
    assert not any("203.0.113.9" in key for key, _hits in rows)


def test_incr_keeps_the_expiry(clock):
    cache = caches["default"]
    cache.add("hourly", 0, timeout=3600)
    cache.incr("hourly")
    clock.shift(dt.timedelta(seconds=600))  # past the default timeout (300 s)
    assert cache.incr("hourly") == 2
    clock.shift(dt.timedelta(seconds=3001))
    with pytest.raises(ValueError):
        cache.incr("hourly")


def test_migrate_creates_the_cache_table():
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE diplomaregister_cache")
    assert "diplomaregister_cache" not in connection.introspection.table_names()
    call_command("migrate", verbosity=0)
    assert "diplomaregister_cache" in connection.introspection.table_names()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL")
def test_concurrent_increments_from_several_workers_lose_no_count():
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    caches["default"].add("concurrent", 0, timeout=60)

    def worker(_n):
        cache = caches.create_connection("default")
        try:
            for _ in range(25):
                cache.incr("concurrent")
        finally:
            connections.close_all()

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(worker, range(4)))
    assert caches["default"].get("concurrent") == 100
    caches["default"].delete("concurrent")
