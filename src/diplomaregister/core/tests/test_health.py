"""/healthz answers without the database; /readyz checks the database, the signing key and the
disk and answers 503 naming the failing check (its error type, never its message); both answer
probes that address the server by IP, over plain HTTP in production, without cookies or limits."""

from __future__ import annotations

import pytest
from django.db import OperationalError
from django.test import Client

from diplomaregister.core import health
from diplomaregister.extracts import signing


def test_healthz_needs_no_database(client):
    # no django_db mark: pytest-django fails any query this test would make
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_readyz_ok(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ok"
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "database": True, "signing_key": True, "disk": True,
    }  # fmt: skip


class _DownConnection:
    def cursor(self):
        raise OperationalError('connection to server at "db" failed: password for user "x"')


@pytest.mark.django_db
def test_readyz_503_when_the_database_fails(client, monkeypatch):
    monkeypatch.setattr(health, "connection", _DownConnection())
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["database"] == {"ok": False, "error": "OperationalError",
                                          "ms": body["checks"]["database"]["ms"]}  # fmt: skip
    assert body["checks"]["disk"]["ok"] and body["checks"]["signing_key"]["ok"]
    assert b"password" not in response.content and b"server at" not in response.content
    assert client.get("/healthz").status_code == 200  # liveness does not follow the database


@pytest.mark.django_db
def test_readyz_503_when_the_signing_key_cannot_be_loaded(client, settings, tmp_path):
    broken = tmp_path / "signing.p12"
    broken.write_bytes(b"not a pkcs12 file")
    settings.EXTRACT_SIGNING_PKCS12 = str(broken)
    signing.clear_caches()
    try:
        response = client.get("/readyz")
    finally:
        signing.clear_caches()
    assert response.status_code == 503
    assert response.json()["checks"]["signing_key"]["ok"] is False
    assert response.json()["checks"]["database"]["ok"] is True


@pytest.mark.django_db
def test_readyz_503_when_var_is_not_writable(client, settings, tmp_path):
    not_a_directory = tmp_path / "var"
    not_a_directory.write_text("")
    settings.VAR_DIR = str(not_a_directory)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["disk"] == {
        "ok": False, "error": "NotADirectoryError", "ms": response.json()["checks"]["disk"]["ms"],
    }  # fmt: skip


@pytest.mark.django_db
def test_probes_by_ip_over_http_in_production_without_cookies_or_rate_limit(settings):
    settings.ALLOWED_HOSTS = ["diplomaregister.example"]
    settings.SECURE_SSL_REDIRECT = True
    client = Client(HTTP_HOST="10.1.2.3:8000", REMOTE_ADDR="10.9.9.9")
    for _ in range(80):  # more than API_RATE_ANON a minute
        response = client.get("/healthz", HTTP_AUTHORIZATION="Bearer nonsense")
        assert response.status_code == 200
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert not ready.cookies and "Set-Cookie" not in ready
    # the rest of the site still refuses the unknown host and redirects to HTTPS
    assert client.get("/").status_code == 400
