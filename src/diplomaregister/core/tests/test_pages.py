import pytest


@pytest.mark.django_db
def test_landing_page_links_to_api_docs(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"/api/v1/docs/" in response.content


@pytest.mark.django_db
def test_api_docs_and_schema_are_public(client):
    assert client.get("/api/v1/docs/").status_code == 200
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200 and schema["API-Version"]


def test_healthz(client, db):
    assert client.get("/healthz").json() == {"status": "ok"}


def test_admin_requires_login(client, db):
    response = client.get("/admin/register/diploma/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
