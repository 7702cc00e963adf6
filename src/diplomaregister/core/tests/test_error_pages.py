"""Error pages: styled like the site (NL Design System classes), Dutch by default and English on
request, problem details under /api/, passing the portals' basic accessibility checks; the 500
page renders without the database; a CSRF failure gets the styled page instead of Django's bare
one."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.test import Client
from django.urls import path
from django.utils import translation

from diplomaregister.conf import urls as project_urls
from diplomaregister.core import views
from diplomaregister.portal_holder.tests.test_accessibility import check

STYLED = (
    'class="utrecht-theme utrecht-body"',
    "nlds/component-library.css",
    'class="utrecht-alert',
)


def _raise(exception: Exception):
    def view(request):
        raise exception

    return view


# A URLconf for these tests: the project's URLs and its handlers, plus views that fail.
urlpatterns = [
    path("fout/400/", _raise(SuspiciousOperation("bad"))),
    path("fout/403/", _raise(PermissionDenied())),
    path("fout/500/", _raise(RuntimeError("boom"))),
    path("api/v1/fout/500/", _raise(RuntimeError("boom"))),
    *project_urls.urlpatterns,
]
handler400 = project_urls.handler400
handler403 = project_urls.handler403
handler404 = project_urls.handler404
handler500 = project_urls.handler500


@pytest.fixture
def failing_urls(settings):
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = False


def _page(response) -> str:
    """The page's HTML, after checking it is styled and passes the basic accessibility checks."""
    text = response.content.decode()
    for marker in STYLED:
        assert marker in text, marker
    assert check(text) == []
    return text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "status", "nl", "en"),
    [
        ("/fout/400/", 400, "Ongeldig verzoek", "Bad request"),
        ("/fout/403/", 403, "Geen toegang", "Access denied"),
        ("/bestaat-niet/", 404, "Pagina niet gevonden", "Page not found"),
    ],
)
def test_error_pages_are_styled_and_translated(failing_urls, url, status, nl, en):
    client = Client(raise_request_exception=False)
    dutch = client.get(url)
    assert dutch.status_code == status
    text = _page(dutch)
    assert nl in text and f"Foutcode {status}" in text and 'lang="nl"' in text
    assert 'action="/i18n/setlang/"' in text  # the language switch, with the request's token
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == status
    assert en in _page(english) and f"Error {status}" in english.content.decode()


def test_500_page_renders_without_the_database(failing_urls):
    # No django_db mark: any query raises, so the page must not need one (nor the session).
    client = Client(raise_request_exception=False)
    response = client.get("/fout/500/")
    assert response.status_code == 500
    assert "Er ging iets mis" in _page(response) and "Foutcode 500" in response.content.decode()
    english = client.get("/fout/500/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Something went wrong" in _page(english)


def test_api_errors_are_problem_details(failing_urls, db):
    client = Client(raise_request_exception=False)
    missing = client.get("/api/v1/bestaat-niet/")
    assert missing.status_code == 404 and missing["Content-Type"] == "application/problem+json"
    assert missing.json()["status"] == 404
    failed = client.get("/api/v1/fout/500/")
    assert failed.status_code == 500 and failed.json()["status"] == 500


def test_429_page_says_when_to_try_again(rf):
    with translation.override("nl"):
        response = views.too_many_requests(rf.get("/delen/x/"), 42)
    assert response.status_code == 429 and response["Retry-After"] == "42"
    assert "Probeer het over 42 seconden opnieuw." in _page(response)
    with translation.override("en"):
        english = views.too_many_requests(rf.get("/delen/x/"), 1)
    assert "Please try again in 1 second." in _page(english)


@pytest.mark.django_db
def test_csrf_failure_page_is_styled_and_translated():
    client = Client(enforce_csrf_checks=True)
    refused = client.post("/verifieren/", {"code": "ABCD"})
    assert refused.status_code == 403
    text = _page(refused)
    assert "Het formulier kon niet worden verstuurd" in text
    assert "CSRF verification failed" not in text  # not Django's bare page
    english = client.post("/verifieren/", {"code": "ABCD"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "The form could not be sent" in _page(english)


@pytest.mark.django_db
def test_rate_limited_share_page_gets_the_429_page(client, settings):
    settings.SHARE_LINK_RATE = "1/minute"
    assert client.get("/delen/not-a-token/").status_code == 404
    refused = client.get("/delen/not-a-token/")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert refused["Referrer-Policy"] == "same-origin"
    assert "U heeft in korte tijd te veel verzoeken gedaan." in _page(refused)
