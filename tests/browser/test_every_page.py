"""Every page, in Dutch and English, at desktop width and at 375 px, in Chromium (issue 14 item 6).

A holder, an institution's staff member, an operator and a stranger (share link, verification,
public pages) each visit their pages, and a few forms are sent with errors so Django's and the
libraries' error texts are on the page too. Each page fails the test on:

* horizontal overflow (the document wider than the window);
* text of the other language: visible text, ``aria-label`` and SVG titles are split into words, and
  a piece of text with two or more words typical of the other language (and more of those than of
  the page's own) is reported; parts marked with their own ``lang`` (the law's Dutch citations, the
  English messages of the delivery rules) are skipped, as a screen reader would switch for them;
* an axe-core (vendored, ``tests/browser/vendor/axe-core``) violation of impact serious or critical
  under WCAG 2.1 A/AA.

Every page is kept as a screenshot under ``var/artefacts/browser/`` (git-ignored), or under
``$BROWSER_ARTEFACTS`` when set. All problems are listed together at the end.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from diplomaregister.core.browser import chromium
from diplomaregister.extracts import signing
from diplomaregister.extracts.pki import make_dev_pki
from diplomaregister.extracts.services import make_extract
from diplomaregister.extracts.testing import use_dev_pki
from diplomaregister.levering import pipeline
from diplomaregister.organisations.factories import OrganisationFactory
from diplomaregister.portal_holder.auth import HOLDER_PGN
from diplomaregister.portal_holder.services import create_share_link
from diplomaregister.portal_institution.corrections import submit_request
from diplomaregister.portal_institution.models import StaffMembership
from diplomaregister.register import facts, services
from diplomaregister.register.factories import DiplomaDataFactory, PersonDataFactory
from diplomaregister.register.models import Diploma, Person
from diplomaregister.verstrekking.engine import Requester, disclose

CHROMIUM = "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed"),
]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
WIDTHS = {"desktop": (1280, 800), "phone": (375, 740)}
LANGUAGES = ("nl", "en")

# Words typical of one language and not words of the other ("of", "in", "is", "was" are both).
DUTCH = frozenset(re.findall(r"\S+", (
    "de het een van niet uw voor met zijn wordt worden deze dit die naar bij ook als maar heeft "
    "hebben kunt kan geen nog wie waar wat om op te aan er u uzelf door dan wel over tot alle "
    "welke iemand moet geldig ongeldig verplicht alleen cijfers nummer fout klopt graag hier")))  # fmt: skip
ENGLISH = frozenset(re.findall(r"\S+", (
    "the and your you to with not for this that are were been has have from which who what when "
    "where by or an be can no on at it its all more than into someone wrong invalid must please "
    "enter required valid should could would there their only digit digits number error")))  # fmt: skip
# Names that stay as they are in either language (the degree's own name).
PROPER = re.compile(r"\b(Master|Bachelor|Associate) of [A-Z][a-z]+( [A-Z][a-z]+)*")

TEXTS_JS = """() => {
  const lang = document.documentElement.lang;
  const out = [];
  const own = (el) => { const marked = el.closest('[lang]'); return !marked || marked.lang === lang; };
  const skip = (el) => el.closest('script, style, code, pre, .language-switch, select#lang, [hidden]');
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    const text = node.textContent.trim();
    if (!text || !el || skip(el) || !own(el)) continue;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    out.push(text);
  }
  document.querySelectorAll('[aria-label], [title], [placeholder]').forEach((el) => {
    if (skip(el) || !own(el)) return;
    for (const a of ['aria-label', 'title', 'placeholder']) if (el.getAttribute(a)) out.push(el.getAttribute(a));
  });
  out.push(document.title);
  return out;
}"""
WIDE_JS = """() => {
  const width = document.documentElement.clientWidth;
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.classList.length ? '.' + [...el.classList].join('.') : '');
  return [...document.querySelectorAll('body *')].filter((el) => el.getBoundingClientRect().right > width + 1)
    .filter((el) => ![...el.children].some((c) => c.getBoundingClientRect().right > width + 1)).slice(0, 3)
    .map((el) => name(el.parentElement) + ' > ' + name(el));
}"""
AXE_JS = """async () => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' '))}));
}"""


def foreign_text(texts: list[str], language: str) -> list[str]:
    own, other = (DUTCH, ENGLISH) if language == "nl" else (ENGLISH, DUTCH)
    found = []
    for text in texts:
        words = re.findall(r"[a-zà-ÿ]+", PROPER.sub("", text).lower())
        foreign = sum(w in other for w in words)
        if foreign >= 2 and foreign > sum(w in own for w in words):
            found.append(text[:120])
    return found


@dataclass
class Visit:
    name: str
    path: str
    action: Callable[[Any], None] | None = None  # fills and sends a form on the page
    status: int = 200


@dataclass
class Report:
    artefacts: Path
    problems: list[str] = field(default_factory=list)
    pages: int = 0

    def check(self, page: Any, visit: Visit, who: str, language: str, width: str) -> None:
        where = f"{who}/{visit.name} [{language}, {width}]"
        self.pages += 1
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        if overflow > 1:
            self.problems.append(
                f"{where}: {overflow}px horizontal overflow at {page.evaluate(WIDE_JS)}"
            )
        if page.evaluate("() => document.documentElement.lang") != language:
            self.problems.append(f"{where}: html lang is not {language}")
        for text in foreign_text(page.evaluate(TEXTS_JS), language):
            self.problems.append(f"{where}: other language: {text!r}")
        for v in page.evaluate(AXE_JS):
            self.problems.append(
                f"{where}: axe {v['impact']} {v['id']} ({v['help']}) at {v['nodes']}"
            )
        page.screenshot(path=str(self.artefacts / f"{who}-{visit.name}-{language}-{width}.png"),
                        full_page=True)  # fmt: skip


@pytest.fixture
def pki_settings(settings, tmp_path):
    pki = make_dev_pki(tmp_path / "pki", label="Browser test register")
    use_dev_pki(settings, pki)
    settings.DIGID_MOCK_IDP_VALIDATE_CALLBACK_URLS = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.VAR_DIR = str(tmp_path / "var")
    yield settings
    signing.clear_caches()


@pytest.fixture
def artefacts() -> Path:
    path = Path(
        os.environ.get("BROWSER_ARTEFACTS")
        or django_settings.BASE_DIR / "var" / "artefacts" / "browser"
    )
    path.mkdir(parents=True, exist_ok=True)
    return path


def _session(user: Any, **values: Any) -> str:
    client = Client()
    client.force_login(user)
    session = client.session
    for key, value in values.items():
        session[key] = value
    session.save()
    return client.cookies[django_settings.SESSION_COOKIE_NAME].value


@pytest.fixture
def world(transactional_db, pki_settings) -> dict[str, Any]:
    """A holder with a VO diploma (grades) and a WO degree; the university's staff member and an
    operator; look-ups, share links (one with a PIN), a correction request, a delivery with
    feedback."""
    school = OrganisationFactory(kind="vo_school", name="Stedelijk Gymnasium Testdam")
    university = OrganisationFactory(universiteit=True, name="Universiteit Testdam")
    data = PersonDataFactory(family_name="Jansen", given_names="Anna")
    recorded = timezone.now() - dt.timedelta(days=300)
    services.record_diploma(data, DiplomaDataFactory(date_of_issue=dt.date(2019, 7, 10)),
                            organisation=school, recorded_at=recorded)  # fmt: skip
    services.record_diploma(data, DiplomaDataFactory(ho=True, date_of_issue=dt.date(2023, 8, 30)),
                            organisation=university, recorded_at=recorded)  # fmt: skip
    facts.record_enrolment(data, organisation=university, record_key="INS-1",
                           start_date=dt.date(2019, 9, 1), recorded_at=recorded)  # fmt: skip
    holder = Person.objects.get(pgn=data.pgn)
    staff_requester = Requester(kind="organisation", organisation=university, label="Universiteit")
    disclose(requester=staff_requester, basis="art53_1", subject=holder.pgn,
             channel="institution_portal", fields=("kind", "date_of_issue", "programme_name"))  # fmt: skip
    degree = Diploma.objects.get(person=holder, organisation=university)
    link, token = create_share_link(holder, [d.pk for d in holder.diplomas.all()])
    _pinned, pin_token = create_share_link(holder, [degree.pk], pin="2468")
    request = submit_request(person=holder, diploma=degree, message="Mijn graad staat verkeerd.")
    extract = make_extract(holder)  # its code check shows what it showed (grades included)
    delivery = pipeline.start(university, channel="upload", file_name="batch.jsonl")
    pipeline.run(delivery, [{"record_key": "WO-9", "pgn": "123", "date_of_issue": "morgen"}])

    holder_user = get_user_model().objects.create(username="digid-browser")
    call_command("create_staff_user", organisation=university.code, username="alice",
                 password="s3cret-pass", stdout=StringIO())  # fmt: skip
    alice = get_user_model().objects.get(username="alice")
    operator = get_user_model().objects.create_superuser("ops", password="x-operator-pass")
    ops_device = TOTPDevice.objects.create(user=operator, name="authenticator", confirmed=True)
    return {
        "holder": holder, "degree": degree, "token": token, "pin_token": pin_token, "link": link,
        "request": request, "delivery": delivery, "extract_code": extract.code, "holder_user": holder_user,
        "sessions": {
            "holder": _session(holder_user, **{HOLDER_PGN: holder.pgn}),
            "staff": _session(alice, **{DEVICE_ID_SESSION_KEY: TOTPDevice.objects.get(user=alice).persistent_id}),
            "operator": _session(operator, **{DEVICE_ID_SESSION_KEY: ops_device.persistent_id}),
        },
        "staff_org": StaffMembership.objects.get(user=alice).organisation,
    }  # fmt: skip


def _send(selector_values: dict[str, str], button: str) -> Callable[[Any], None]:
    def action(page: Any) -> None:
        for selector, value in selector_values.items():
            page.fill(selector, value)
        page.click(button)
        page.wait_for_load_state()

    return action


def _make_link(page: Any) -> None:
    page.locator("input[name=diplomas]").first.check()
    page.click("form:has(#id_pin) button[type=submit]")
    page.wait_for_selector(".share-created")


def _visits(w: dict[str, Any]) -> dict[str, list[Visit]]:
    req, degree = w["request"].pk, w["degree"].pk
    return {
        "public": [
            Visit("landing", "/"),
            Visit("verify", "/verifieren/"),
            Visit("verify-code", f"/verifieren/{w['extract_code']}"),
            Visit("verify-wrong-code", "/verifieren/",
                  _send({"#code": "AAAA-BBBB"}, "form:has(#code) button[type=submit]")),
            Visit("accessibility", "/over/toegankelijkheid/"), Visit("privacy", "/over/privacy/"),
            Visit("help", "/over/help/"), Visit("contact", "/over/contact/"),
            Visit("shared", f"/delen/{w['token']}/"),
            Visit("shared-pin", f"/delen/{w['pin_token']}/"),
            Visit("shared-pin-wrong", f"/delen/{w['pin_token']}/", _send({"#pin": "1111"}, "form:has(#pin) button[type=submit]")),
            Visit("share-gone", "/delen/no-such-token/", status=404),
            Visit("staff-login", "/instelling/inloggen/"),
            Visit("staff-login-wrong", "/instelling/inloggen/",
                  _send({"#id_username": "nobody", "#id_password": "wrong", "#id_otp_token": "123456"},
                        "form:has(#id_username) button[type=submit]")),
            Visit("logged-out", "/mijn/uitgelogd/"),
            Visit("not-found", "/bestaat-niet/", status=404),
        ],
        "holder": [
            Visit("home", "/mijn/"), Visit("diploma", f"/mijn/diploma/{degree}/"),
            Visit("diploma-correction-error", f"/mijn/diploma/{degree}/", _send({"#message": "Fout"}, "#correctie button[type=submit]")),
            Visit("diploma-correction-sent", f"/mijn/diploma/{degree}/", _send({"#message": "De datum klopt niet."}, "#correctie button[type=submit]")),
            Visit("shares", "/mijn/delen/"),
            Visit("shares-errors", "/mijn/delen/", _send({"#id_pin": "12"}, "form:has(#id_pin) button[type=submit]")),
            Visit("shares-created", "/mijn/delen/", _make_link),
            Visit("revoke-confirm", f"/mijn/delen/{w['link'].short_id}/intrekken/"),
            Visit("log", "/mijn/inzage-log/"), Visit("basis", "/mijn/grondslag/art53_1/"),
            Visit("notices", "/mijn/meldingen/"),
            Visit("notices-errors", "/mijn/meldingen/", _send({"#id_email": "geen adres"}, "form:has(#id_email) button[name=action]")),
        ],
        "staff": [
            Visit("dashboard", "/instelling/"), Visit("inzage", "/instelling/inzage/"),
            Visit("inzage-errors", "/instelling/inzage/", _send({"#id_pgn": "123"}, "form:has(#id_pgn) button[type=submit]")),
            Visit("queue", "/instelling/correctieverzoeken/"),
            Visit("request", f"/instelling/correctieverzoeken/{req}/"),
            Visit("correct", f"/instelling/correctieverzoeken/{req}/corrigeren/"),
            Visit("upload", "/instelling/leveren/"),
            Visit("delivery", f"/instelling/leveringen/{w['delivery'].pk}/"),
        ],
        "operator": [Visit("overview", "/beheer/overzicht/")],
    }  # fmt: skip


def test_every_page_in_both_languages_at_both_widths(live_server, world, artefacts):
    base = live_server.url
    host = base.split("//", 1)[1].split(":")[0]
    report = Report(artefacts)
    with chromium() as browser:
        for who, visits in _visits(world).items():
            context = browser.new_context()
            context.add_init_script(path=str(AXE))
            cookies = [{"name": "django_language", "value": "nl", "domain": host, "path": "/"}]
            if who in world["sessions"]:
                cookies.append({"name": django_settings.SESSION_COOKIE_NAME, "value": world["sessions"][who],
                                "domain": host, "path": "/"})  # fmt: skip
            for language in LANGUAGES:
                cookies[0]["value"] = language
                context.add_cookies(cookies)
                for width, size in WIDTHS.items():
                    page = context.new_page()
                    page.set_viewport_size({"width": size[0], "height": size[1]})
                    for visit in visits:
                        response = page.goto(base + visit.path)
                        status = response.status if response else 0
                        if status != visit.status:
                            report.problems.append(f"{who}/{visit.name}: status {status}")
                            continue
                        if visit.action is not None:
                            visit.action(page)
                        report.check(page, visit, who, language, width)
                    page.close()
            context.close()
    summary = json.dumps(report.problems, indent=1, ensure_ascii=False)
    assert not report.problems, (
        f"{len(report.problems)} problems on {report.pages} pages:\n{summary}"
    )
