"""Sessions are written only when they change, and at most once a minute to keep the idle timeout
sliding; requests that do not touch a session write nothing."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from diplomaregister.core.tests.conftest import verify

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(dt.datetime(2025, 3, 3, 9, 0))


def session_writes(queries) -> list[str]:
    return [q["sql"] for q in queries if "django_session" in q["sql"]
            and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))]  # fmt: skip


def test_not_saved_on_every_request():
    assert settings.SESSION_SAVE_EVERY_REQUEST is False


def test_logged_in_requests_write_the_session_at_most_once_a_minute(client, admin_user):
    with time_machine.travel(NOW, tick=False) as clock:
        verify(client, admin_user)
        client.get("/admin/")  # first request stamps the session
        expiry = Session.objects.get().expire_date
        for _ in range(3):
            clock.shift(dt.timedelta(seconds=10))
            with CaptureQueriesContext(connection) as queries:
                assert client.get("/admin/").status_code == 200
            assert session_writes(queries) == []
        assert Session.objects.get().expire_date == expiry
        clock.shift(dt.timedelta(seconds=31))  # a minute after the last write
        with CaptureQueriesContext(connection) as queries:
            client.get("/admin/")
        assert len(session_writes(queries)) == 1
        later = Session.objects.get().expire_date
        assert later - expiry == dt.timedelta(seconds=61)  # the idle timeout slid along


def test_anonymous_pages_create_no_session(client):
    with CaptureQueriesContext(connection) as queries:
        client.get("/")
        client.get("/verifieren/")
    assert session_writes(queries) == []
    assert Session.objects.count() == 0
