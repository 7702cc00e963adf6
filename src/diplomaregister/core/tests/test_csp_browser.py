"""In a real browser (Debian's Chromium) the pages render under the Content-Security-Policy without
a single violation: nothing of theirs is blocked, so nothing of theirs needs 'unsafe-inline'."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from diplomaregister.core.browser import chromium
from diplomaregister.core.tests.conftest import verify

CHROMIUM = "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed"),
]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop

PUBLIC = ["/", "/verifieren/", "/instelling/inloggen/", "/admin/login/", "/api/v1/docs/",
          "/no-such-page/"]  # fmt: skip
# Third-party resources the policy blocks on purpose (the register makes no requests elsewhere):
# the API documentation's web fonts and the ReDoc logo, both cosmetic. (The DigiD mock's login
# page, development only, has style attributes of its own: its icons lose their float.)
BLOCKED_ON_PURPOSE = ("https://fonts.googleapis.com/", "https://cdn.redoc.ly/")
OPERATOR = ["/admin/", "/admin/organisations/organisation/", "/admin/organisations/apiclient/",
            "/admin/auth/user/add/"]  # fmt: skip


@pytest.fixture
def browser():
    with chromium() as instance:
        yield instance


def violations(context, url: str) -> list[str]:
    messages: list[str] = []

    def seen(message) -> None:
        text = message.text
        if "Content Security Policy" in text and not any(u in text for u in BLOCKED_ON_PURPOSE):
            messages.append(text)

    page = context.new_page()
    page.on("console", seen)
    response = page.goto(url, wait_until="networkidle")
    assert response is not None and response.headers.get("content-security-policy")
    page.close()
    return messages


def test_public_pages_render_without_csp_violations(live_server, browser, transactional_db):
    context = browser.new_context()
    found = {path: violations(context, live_server.url + path) for path in PUBLIC}
    assert found == {path: [] for path in PUBLIC}


def test_admin_pages_render_without_csp_violations(live_server, browser, client, admin_user):
    verify(client, admin_user)
    context = browser.new_context()
    cookie = client.cookies["sessionid"]
    context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])
    found = {path: violations(context, live_server.url + path) for path in OPERATOR}
    assert found == {path: [] for path in OPERATOR}
