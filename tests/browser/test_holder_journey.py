"""Browser walk-through (Playwright driving Debian's Chromium) clicking every button a stranger and
an employer can click, and checking what each one gives.

A demo person logs in with the DigiD mock, sees their diplomas, downloads the signed extract and
shares a diploma. A stranger opens the link, downloads the signed extract in the page's language,
switches the page to the other language and downloads it in that one (both PDFs signed). An employer scans the QR code
(opens ``/verifieren/<code>``: the outcome), verifies another extract from that page (a result),
types a wrong code (not found) and uploads a file that is not a PDF (the error). The holder
revokes the link (it then fails), sees the views and verifications under "Wie heeft mijn gegevens
bekeken" and logs out (the portal's logged-out page). The forms on the share page and the QR page
are posted by the browser itself, so a ``Referrer-Policy`` that makes Chromium send
``Origin: null`` (CSRF failure) shows up here.

The journey is walked in Dutch and in English (the ``django_language`` cookie and the browser's
locale), at desktop width (1280 px) and on a phone (375 px); each page of the register is checked
for horizontal overflow and text of the other language, and kept as a screenshot named with the
language and the width (``journey-holder-home-en-1280.png``) in the artefacts directory."""

# ruff: noqa: F811  (the artefacts fixture imported from test_every_page is an argument)
from __future__ import annotations

import datetime as dt
import os
import re
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO
from pathlib import Path

import pytest
from django.utils import timezone
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from diplomaregister.core.browser import chromium
from diplomaregister.extracts import signing
from diplomaregister.extracts.pki import make_dev_pki
from diplomaregister.extracts.testing import use_dev_pki
from diplomaregister.organisations.factories import OrganisationFactory
from diplomaregister.register import services
from diplomaregister.register.factories import DiplomaDataFactory, PersonDataFactory
from tests.browser.test_every_page import TEXTS_JS, WIDE_JS, artefacts, foreign_text  # noqa: F401

CHROMIUM = "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed"),
]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop


@pytest.fixture
def pki_settings(settings, tmp_path):
    pki = make_dev_pki(tmp_path / "pki", label="Browser test register")
    use_dev_pki(settings, pki)
    settings.DIGID_MOCK_IDP_VALIDATE_CALLBACK_URLS = False
    yield settings
    signing.clear_caches()


@pytest.fixture
def demo_person(transactional_db, pki_settings):
    school = OrganisationFactory(kind="vo_school", name="Stedelijk Gymnasium Testdam")
    university = OrganisationFactory(universiteit=True, name="Universiteit Testdam")
    data = PersonDataFactory(family_name="Jansen", given_names="Anna")
    recorded = timezone.now() - dt.timedelta(days=300)
    services.record_diploma(data, DiplomaDataFactory(date_of_issue=dt.date(2019, 7, 10)),
                            organisation=school, recorded_at=recorded)  # fmt: skip
    services.record_diploma(
        data, DiplomaDataFactory(ho=True, date_of_issue=dt.date(2023, 8, 30)),
        organisation=university, recorded_at=recorded,
    )  # fmt: skip
    return data.pgn


@pytest.fixture(scope="module")
def browser():
    """One Chromium for the four walks (a context per person and walk)."""
    with chromium() as instance:
        yield instance


LANGUAGES = ("nl", "en")
VIEWPORTS = {1280: {"width": 1280, "height": 900}, 375: {"width": 375, "height": 740}}
LOCALES = {"nl": "nl-NL", "en": "en-GB"}
OTHER = {"nl": "en", "en": "nl"}

TEXTS = {
    "nl": {
        "shares": "Deellinks",
        "create": "Deellink maken",
        "shared_with_you": "Diploma's die met u zijn gedeeld",
        "download": "Ondertekend uittreksel downloaden",
        "code": "Verificatiecode",
        "valid": "Geldig: het uittreksel is echt",
        "signature_valid": "Handtekening geldig",
        "not_found": "Geen uittreksel gevonden",
        "not_pdf": "Ongeldig: dit is geen leesbaar PDF-bestand.",
        "revoke": "Intrekken",
        "yes_revoke": "Ja, intrekken",
        "log": "Wie heeft mijn gegevens bekeken",
        "via_share_link": "deellink",
        "extract_check": "controle van uw uittreksel",
        "logged_out": "U bent uitgelogd bij Mijn diploma's.",
        "log_in_again": "Opnieuw inloggen met DigiD",
    },
    "en": {
        "shares": "Share links",
        "create": "Create share link",
        "shared_with_you": "Diplomas shared with you",
        "download": "Download signed extract",
        "code": "Verification code",
        "valid": "Valid: the extract is genuine",
        "signature_valid": "Signature valid",
        "not_found": "No extract found",
        "not_pdf": "Invalid: this is not a readable PDF file.",
        "revoke": "Revoke",
        "yes_revoke": "Yes, revoke",
        "log": "Who viewed my data",
        "via_share_link": "share link",
        "extract_check": "check of your extract",
        "logged_out": "You are logged out of Mijn diploma's.",
        "log_in_again": "Log in again with DigiD",
    },
}


@pytest.fixture(params=[(lang, width) for lang in LANGUAGES for width in VIEWPORTS],
                ids=lambda p: f"{p[0]}-{p[1]}")  # fmt: skip
def look(request):
    """The page language and the window width of one walk."""
    return request.param


def _context(browser, base: str, language: str, width: int, **options):
    context = browser.new_context(viewport=VIEWPORTS[width], locale=LOCALES[language], **options)
    context.add_cookies([{"name": "django_language", "value": language, "url": base}])
    return context


def _check(page, folder: Path, name: str, language: str, width: int) -> None:
    """No horizontal overflow, the page in ``language`` only, and the screenshot kept."""
    assert page.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    ), (page.url, width, page.evaluate(WIDE_JS))
    assert page.evaluate("() => document.documentElement.lang") == language, page.url
    assert not foreign_text(page.evaluate(TEXTS_JS), language), page.url
    page.screenshot(path=str(folder / f"journey-holder-{name}-{language}-{width}.png"),
                    full_page=True)  # fmt: skip


def _signed_pdf(path: Path) -> str:
    """The text of a PDF signed by the register (intact, trusted, covering the whole file)."""
    data = path.read_bytes()
    assert data.startswith(b"%PDF"), data[:40]
    assert b"/ByteRange" in data
    reader = PdfFileReader(BytesIO(data), strict=False)
    (signature,) = reader.embedded_signatures
    context = ValidationContext(
        trust_roots=[signing.trust_root()], allow_fetching=False, revocation_mode="soft-fail"
    )
    with ThreadPoolExecutor(1) as pool:  # pyhanko runs its own event loop; Playwright's is busy
        status = pool.submit(validate_pdf_signature, signature, context).result()
    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    text = [str(reader.trailer["/Info"].get("/Subject", ""))]
    for page in reader.root["/Pages"]["/Kids"]:
        contents = page.get_object()["/Contents"]
        streams = contents if isinstance(contents, list) else [contents]
        text += [s.get_object().data.decode("latin-1") for s in streams]
    return "\n".join(text)


def _download(page, click: str, target: Path) -> str:
    with page.expect_download(timeout=15_000) as download_info:
        page.click(click)
    download_info.value.save_as(target)
    return _signed_pdf(target)


def _result(page) -> str:
    page.wait_for_selector("[data-testid=verification-result]", timeout=10_000)
    return page.locator("[data-testid=verification-result]").inner_text()


def test_holder_journey(live_server, demo_person, browser, tmp_path, pki_settings, artefacts, look):
    base, (language, width) = live_server.url, look
    other_language = OTHER[language]
    text, other_text = TEXTS[language], TEXTS[other_language]
    pki_settings.EXTRACT_PUBLIC_URL = base  # the QR code on the extract points here
    holder = _context(browser, base, language, width, accept_downloads=True)
    page = holder.new_page()

    # log in with the DigiD mock
    page.goto(f"{base}/mijn/")
    page.click("a.login_tile[href*=inloggen_bsn]")
    page.fill("input[name=auth_bsn]", demo_person)
    page.click("#submit-button")
    page.wait_for_url(f"{base}/mijn/")
    assert "Stedelijk Gymnasium Testdam" in page.content()
    assert "Universiteit Testdam" in page.content()
    _check(page, artefacts, "home", language, width)

    # download the signed extract of all diplomas
    extract = tmp_path / "extract.pdf"
    _download(page, "form.extract-form button[type=submit]", extract)
    qr_url = re.search(
        rb"https?://[^\s()<>]+/verifieren/[A-Z0-9]{4}(?:-[A-Z0-9]{4}){4}", extract.read_bytes()
    )
    assert qr_url, "the extract carries the verification URL of its QR code"

    # share the secondary-school diploma
    page.click(f"text={text['shares']}")
    page.get_by_label(re.compile("Stedelijk Gymnasium Testdam")).check()
    page.click(f"button:has-text('{text['create']}')")
    share_url = page.locator("a.share-url").get_attribute("href")
    assert share_url and "/delen/" in share_url
    _check(page, artefacts, "share-created", language, width)

    # a stranger opens it (a browser in the walk's language) and downloads the signed extract in
    # that language ...
    stranger = _context(browser, base, language, width, accept_downloads=True)
    other = stranger.new_page()
    shown = other.goto(share_url)
    assert text["shared_with_you"] in other.content()
    assert other.locator("li.diploma").count() == 1
    assert "Stedelijk Gymnasium Testdam" in other.locator("li.diploma").inner_text()
    assert other.locator("select#lang").input_value() == language  # the page's language first
    _check(other, artefacts, "shared", language, width)
    first = _download(other, f"button:has-text('{text['download']}')",
                      tmp_path / f"shared-{language}.pdf")  # fmt: skip
    assert text["code"] in first and other_text["code"] not in first
    assert "Stedelijk Gymnasium Testdam" in first
    assert "Universiteit Testdam" not in first  # only the shared diploma
    # ... switches the page to the other language and downloads the extract in that one
    other.select_option("select#language", other_language)
    other.click("form.language-switch button[type=submit]")
    other.wait_for_selector(f"text={other_text['shared_with_you']}")
    assert other.locator("select#lang").input_value() == other_language
    _check(other, artefacts, "shared-switched", other_language, width)
    second = _download(other, f"button:has-text('{other_text['download']}')",
                       tmp_path / f"shared-{other_language}.pdf")  # fmt: skip
    assert other_text["code"] in second and text["code"] not in second
    assert "Universiteit Testdam" not in second
    # the token URL goes to no other site (and the page's own forms carry a proper Origin)
    assert shown is not None and shown.headers.get("referrer-policy") == "same-origin"

    # an employer scans the QR code: the landing page shows the outcome ...
    employer = _context(browser, base, language, width)
    check = employer.new_page()
    check.goto(qr_url.group().decode())
    outcome = _result(check)
    assert check.locator(".utrecht-alert--ok").count() == 1
    assert "Jansen" in outcome and "Universiteit Testdam" in outcome
    _check(check, artefacts, "verify-qr", language, width)
    # ... and verifies another extract from there: the file the stranger downloaded first
    check.set_input_files("input[name=extract]", str(tmp_path / f"shared-{language}.pdf"))
    check.click("form[enctype='multipart/form-data'] button[type=submit]")
    check.wait_for_url(f"{base}/verifieren/")
    outcome = _result(check)
    assert text["valid"] in outcome and text["signature_valid"] in outcome
    assert "Stedelijk Gymnasium Testdam" in outcome and "Universiteit Testdam" not in outcome
    _check(check, artefacts, "verify-file", language, width)
    # a wrong code: not found
    check.fill("input[name=code]", "ABCD-EFGH-JKMN-PQRS-TVWX")
    check.click("form:has(input[name=code]) button[type=submit]")
    check.wait_for_load_state()
    assert text["not_found"] in _result(check)
    assert check.locator(".utrecht-alert--error").count() == 1
    assert "Jansen" not in check.content()
    _check(check, artefacts, "verify-not-found", language, width)
    # a file that is not a PDF: a clear error
    not_pdf = tmp_path / "cv.txt"
    not_pdf.write_text("Curriculum vitae of Anna Jansen\n")
    check.set_input_files("input[name=extract]", str(not_pdf))
    check.click("form[enctype='multipart/form-data'] button[type=submit]")
    check.wait_for_load_state()
    assert text["not_pdf"] in _result(check)
    assert "Jansen" not in check.content()
    _check(check, artefacts, "verify-not-pdf", language, width)

    # the holder revokes the link (after confirming); it then fails
    page.click(f"a:has-text('{text['revoke']}')")
    _check(page, artefacts, "revoke-confirm", language, width)
    page.click(f"button:has-text('{text['yes_revoke']}')")
    page.wait_for_url(f"{base}/mijn/delen/")
    response = other.goto(share_url)
    assert response is not None and response.status == 404

    # an employer verifies the holder's own extract on /verifieren/ (no login)
    check.goto(f"{base}/verifieren/")
    check.set_input_files("input[name=extract]", str(extract))
    check.click("form[enctype='multipart/form-data'] button[type=submit]")
    check.wait_for_selector(".utrecht-alert--ok")
    assert "Jansen" in check.content()

    # the share-link views and the verifications are shown to the holder
    page.click(f"text={text['log']}")
    rows = page.locator("li.log-row")
    texts = " ".join(rows.all_inner_texts())
    assert text["via_share_link"] in texts  # in words, in the page's language
    assert text["extract_check"] in texts
    assert "family_name" not in texts and "birth_date" not in texts
    _check(page, artefacts, "log", language, width)  # no overflow at either width

    # logging out lands on the portal, logged out
    page.click("nav.portal-nav button[type=submit]")
    page.wait_for_url(f"{base}/mijn/uitgelogd/")
    assert text["logged_out"] in page.content()
    _check(page, artefacts, "logged-out", language, width)
    page.click(f"text={text['log_in_again']}")
    page.wait_for_selector("a.login_tile[href*=inloggen_bsn]")  # /mijn/ needs a new DigiD login
    assert "/mijn/" not in page.url.split("?")[0]
    for context in (holder, stranger, employer):
        context.close()
