"""Basic WCAG 2.1 checks on every portal page, in Dutch and English: a language, one h1, a skip
link to the main landmark, a label for every form control, alt text on images, no empty links."""

from html.parser import HTMLParser

import pytest

from .conftest import diploma_ids

pytestmark = pytest.mark.django_db


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.labels: set[str] = set()
        self.h1 = 0
        self.html_lang = ""
        self._link: dict[str, str] | None = None
        self.link_texts: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        attributes = {k: v or "" for k, v in attrs}
        self.tags.append((tag, attributes))
        if tag == "label" and attributes.get("for"):
            self.labels.add(attributes["for"])
        if tag == "h1":
            self.h1 += 1
        if tag == "html":
            self.html_lang = attributes.get("lang", "")
        if tag == "a":
            self._link = attributes
            self.link_texts.append((attributes.get("href", ""), ""))

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        if self._link is not None and self.link_texts:
            href, text = self.link_texts[-1]
            self.link_texts[-1] = (href, text + data.strip())

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        if tag == "a":
            self._link = None


def check(html: str) -> list[str]:
    page = Page()
    page.feed(html)
    problems = []
    if page.html_lang not in ("nl", "en"):
        problems.append("html lang missing")
    if page.h1 != 1:
        problems.append(f"{page.h1} h1 elements")
    if not any(tag == "a" and a.get("href") == "#main" for tag, a in page.tags):
        problems.append("no skip link")
    if not any(a.get("id") == "main" for _tag, a in page.tags):
        problems.append("no #main landmark")
    for tag, a in page.tags:
        control = tag in ("input", "select", "textarea") and a.get("type") not in (
            "hidden",
            "submit",
        )
        labelled = a.get("id") in page.labels or a.get("aria-label") or a.get("aria-labelledby")
        if control and not labelled:
            problems.append(f"unlabelled {tag} {a.get('name')}")
        if tag == "img" and "alt" not in a:
            problems.append("img without alt")
    problems += [f"empty link {href}" for href, text in page.link_texts if not text and href]
    return problems


@pytest.mark.parametrize("language", ["nl", "en"])
def test_portal_pages_pass_basic_accessibility_checks(logged_in, client, holder, language):
    pages = ["/", "/verifieren/", "/instelling/inloggen/", "/mijn/", f"/mijn/diploma/{diploma_ids(holder)[0]}/",
             "/mijn/delen/", "/mijn/inzage-log/", "/mijn/grondslag/art56/", "/delen/not-a-token/",
             "/mijn/uitgelogd/", "/over/toegankelijkheid/", "/over/privacy/", "/over/help/",
             "/over/contact/"]  # fmt: skip
    for path in pages:
        response = logged_in.get(path, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code in (200, 404), path
        assert check(response.content.decode()) == [], path
        assert f'lang="{language}"' in response.content.decode()[:200], path


def test_the_checker_finds_problems():
    bad = '<html><body><h1>a</h1><h1>b</h1><input name="x"><img src="y"><a href="/z"></a></body></html>'
    assert set(check(bad)) == {"html lang missing", "2 h1 elements", "no skip link", "no #main landmark",
                               "unlabelled input x", "img without alt", "empty link /z"}  # fmt: skip
