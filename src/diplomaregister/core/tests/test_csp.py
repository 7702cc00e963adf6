"""Content-Security-Policy on every page; no inline script anywhere, and the project's templates
need none (no inline <script>, no event-handler or style attributes, no <style> blocks)."""

import re
from pathlib import Path

import pytest

import diplomaregister

pytestmark = pytest.mark.django_db

PAGES = ["/", "/verifieren/", "/instelling/inloggen/", "/admin/login/", "/digid/login/",
         "/delen/unknown-token/", "/no-such-page/"]  # fmt: skip


def directives(header: str) -> dict[str, list[str]]:
    parts = (part.strip().split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in parts}


@pytest.mark.parametrize("path", PAGES)
def test_page_has_a_policy_without_inline_script(client, path):
    response = client.get(path, follow=True)
    policy = directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert "'self'" in policy["form-action"]


def test_api_error_responses_carry_the_policy_too(client):
    response = client.get("/api/v1/correctieverzoeken")
    assert response.status_code == 401
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_api_docs_get_inline_styles_but_no_inline_script(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    policy = directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" in policy["style-src"]
    # and ReDoc is loaded as a file: the page has no inline script
    html = response.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)


def test_form_action_takes_extra_origins_from_the_environment(monkeypatch):
    import importlib

    from diplomaregister.conf import settings as conf

    monkeypatch.setenv("CSP_FORM_ACTION", "https://digid.example https://eh.example")
    try:
        reloaded = importlib.reload(conf)
        form_action = reloaded.CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"]
        assert form_action == ["'self'", "https://digid.example", "https://eh.example"]
    finally:
        monkeypatch.delenv("CSP_FORM_ACTION")
        importlib.reload(conf)


TEMPLATES = sorted(Path(diplomaregister.__file__).parent.glob("*/templates/**/*.html"))
INLINE = {
    "inline <script>": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
    "style attribute": re.compile(r"\sstyle\s*=", re.I),
    "<style> block": re.compile(r"<style\b", re.I),
    "event handler attribute": re.compile(r"\son[a-z]+\s*=", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


def test_the_templates_are_found():
    assert len(TEMPLATES) > 10


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(p.parents[2])))
def test_template_needs_no_unsafe_inline(template):
    text = template.read_text()
    found = [name for name, pattern in INLINE.items() if pattern.search(text)]
    assert not found, f"{template}: {found} would be blocked by the Content-Security-Policy"
