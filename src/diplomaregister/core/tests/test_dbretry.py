"""A GET whose database connection is lost is answered from a second attempt on a new connection;
a write is never retried, a read at most once, and errors that are not a lost connection (a lock
timeout) not at all."""

from __future__ import annotations

import pytest
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.test import Client
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from diplomaregister.conf import urls as project_urls

calls: list[str] = []


def _flaky(failures: int, error: type[Exception]):
    @csrf_exempt
    def view(request):
        calls.append(request.method)
        if len(calls) <= failures:
            raise error("server closed the connection unexpectedly")
        return HttpResponse("ok")

    return view


def _terminated_once(request):
    """Kills its own PostgreSQL backend on the first call: what a restart does to a worker."""
    calls.append(request.method)
    with connection.cursor() as cursor:
        if len(calls) == 1:
            cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")
        cursor.execute("SELECT count(*) FROM django_migrations")
        (count,) = cursor.fetchone()
    return JsonResponse({"migrations": count})


urlpatterns = [
    path("lost-once/", _flaky(1, InterfaceError)),
    path("lost-twice/", _flaky(2, InterfaceError)),
    path("locked/", _flaky(1, OperationalError)),
    path("terminated/", _terminated_once),
    *project_urls.urlpatterns,
]
handler500 = project_urls.handler500


@pytest.fixture
def urls(settings):
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = False
    calls.clear()
    return Client(raise_request_exception=False)


@pytest.mark.django_db
def test_get_retried_once_after_a_lost_connection(urls):
    response = urls.get("/lost-once/")
    assert response.status_code == 200 and response.content == b"ok"
    assert calls == ["GET", "GET"]


@pytest.mark.django_db
def test_head_retried_too(urls):
    assert urls.head("/lost-once/").status_code == 200
    assert calls == ["HEAD", "HEAD"]


@pytest.mark.django_db
def test_get_not_retried_twice(urls):
    assert urls.get("/lost-twice/").status_code == 500
    assert calls == ["GET", "GET"]


@pytest.mark.django_db
def test_write_never_retried(urls):
    assert urls.post("/lost-once/").status_code == 500
    assert calls == ["POST"]


@pytest.mark.django_db
def test_other_database_errors_not_retried(urls):
    # an OperationalError with the connection still open (a lock timeout, "database is locked")
    assert urls.get("/locked/").status_code == 500
    assert calls == ["GET"]


@pytest.mark.django_db(transaction=True)
def test_postgresql_backend_killed_during_a_read(urls):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (pg_terminate_backend)")
    response = urls.get("/terminated/")
    assert response.status_code == 200, response.content
    assert response.json()["migrations"] > 0
    assert calls == ["GET", "GET"]
    # and a later request on the new connection just works
    assert urls.get("/readyz").status_code == 200


def test_postgresql_backend_waits_for_a_restarting_server(monkeypatch):
    import psycopg
    from django.db.backends.postgresql import base as django_postgresql

    from diplomaregister.core.postgresql import base

    attempts: list[int] = []

    def connect(self, params, fail=2):
        attempts.append(1)
        if len(attempts) <= fail:
            raise psycopg.OperationalError("connection refused: the database system is starting up")
        return "a connection"

    monkeypatch.setattr(django_postgresql.DatabaseWrapper, "get_new_connection", connect)
    monkeypatch.setattr(base, "CONNECT_STEP", 0.01)
    wrapper = base.DatabaseWrapper.__new__(base.DatabaseWrapper)
    assert wrapper.get_new_connection({}) == "a connection"
    assert len(attempts) == 3
    # a server that stays down: the error after CONNECT_WAIT
    attempts.clear()
    monkeypatch.setattr(base, "CONNECT_WAIT", 0.05)
    monkeypatch.setattr(
        django_postgresql.DatabaseWrapper, "get_new_connection",
        lambda self, params: connect(self, params, fail=10**6),
    )  # fmt: skip
    with pytest.raises(psycopg.OperationalError):
        wrapper.get_new_connection({})
    assert 2 <= len(attempts) <= 6
