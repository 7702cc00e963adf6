"""The footer on every page links to the accessibility and privacy statements, help and contact,
in the page's language."""

import pytest

pytestmark = pytest.mark.django_db

PAGES = {"toegankelijkheid": ("Toegankelijkheidsverklaring", "Accessibility statement"),
         "privacy": ("Privacyverklaring", "Privacy statement"), "help": ("Help", "Help"),
         "contact": ("Contact", "Contact")}  # fmt: skip


def test_footer_links_and_pages_in_both_languages(client):
    landing = client.get("/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    footer = landing[landing.index("<footer") :]
    for page, (dutch, english) in PAGES.items():
        assert f'href="/over/{page}/"' in footer
        nl = client.get(f"/over/{page}/", HTTP_ACCEPT_LANGUAGE="nl")
        en = client.get(f"/over/{page}/", HTTP_ACCEPT_LANGUAGE="en")
        assert nl.status_code == en.status_code == 200
        assert f'<h1 class="utrecht-heading-1">{dutch}</h1>' in nl.content.decode()
        assert f'<h1 class="utrecht-heading-1">{english}</h1>' in en.content.decode()
    assert "Toegankelijkheid" in footer and "Accessibility" not in footer
    assert client.get("/over/nothing/").status_code == 404
