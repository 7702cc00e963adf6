"""Browser walk-through (Playwright driving Debian's Chromium) clicking every button a stranger and
an employer can click, and checking what each one gives.

A demo person logs in with the DigiD mock, sees their diplomas, downloads the signed extract and
shares a diploma. A stranger opens the link, downloads the signed extract in Dutch, switches the
page to English and downloads it in English (both PDFs signed). An employer scans the QR code
(opens ``/verifieren/<code>``: the outcome), verifies another extract from that page (a result),
types a wrong code (not found) and uploads a file that is not a PDF (the error). The holder
revokes the link (it then fails), sees the views and verifications under "Wie heeft mijn gegevens
bekeken" and logs out (the portal's logged-out page). The forms on the share page and the QR page
are posted by the browser itself, so a ``Referrer-Policy`` that makes Chromium send
``Origin: null`` (CSRF failure) shows up here."""

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


@pytest.fixture
def browser():
    with chromium() as instance:
        yield instance


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


def test_holder_journey(live_server, demo_person, browser, tmp_path, pki_settings):
    base = live_server.url
    pki_settings.EXTRACT_PUBLIC_URL = base  # the QR code on the extract points here
    holder = browser.new_context(accept_downloads=True, locale="en-US")
    page = holder.new_page()

    # log in with the DigiD mock
    page.goto(f"{base}/mijn/")
    page.click("a.login_tile[href*=inloggen_bsn]")
    page.fill("input[name=auth_bsn]", demo_person)
    page.click("#submit-button")
    page.wait_for_url(f"{base}/mijn/")
    assert "Stedelijk Gymnasium Testdam" in page.content()
    assert "Universiteit Testdam" in page.content()

    # download the signed extract of all diplomas
    extract = tmp_path / "extract.pdf"
    _download(page, "form.extract-form button[type=submit]", extract)
    qr_url = re.search(
        rb"https?://[^\s()<>]+/verifieren/[A-Z0-9]{4}(?:-[A-Z0-9]{4}){4}", extract.read_bytes()
    )
    assert qr_url, "the extract carries the verification URL of its QR code"

    # share the secondary-school diploma
    page.click("text=Share links")
    page.get_by_label(re.compile("Stedelijk Gymnasium Testdam")).check()
    page.click("button:has-text('Create share link')")
    share_url = page.locator("a.share-url").get_attribute("href")
    assert share_url and "/delen/" in share_url

    # a stranger opens it (Dutch browser) and downloads the signed extract in Dutch ...
    stranger = browser.new_context(accept_downloads=True, locale="nl-NL")
    other = stranger.new_page()
    shown = other.goto(share_url)
    assert "Diploma's die met u zijn gedeeld" in other.content()
    assert other.locator("li.diploma").count() == 1
    assert "Stedelijk Gymnasium Testdam" in other.locator("li.diploma").inner_text()
    other.select_option("select#lang", "nl")
    dutch = _download(other, "button:has-text('Ondertekend uittreksel downloaden')",
                      tmp_path / "shared-nl.pdf")  # fmt: skip
    assert "Verificatiecode" in dutch and "Stedelijk Gymnasium Testdam" in dutch
    assert "Universiteit Testdam" not in dutch  # only the shared diploma
    # ... switches the page to English and downloads the English extract
    other.select_option("select#language", "en")
    other.click("form.language-switch button[type=submit]")
    other.wait_for_selector("text=Diplomas shared with you")
    other.select_option("select#lang", "en")
    english = _download(other, "button:has-text('Download signed extract')",
                        tmp_path / "shared-en.pdf")  # fmt: skip
    assert "Verification code" in english and "Verificatiecode" not in english
    # the token URL goes to no other site (and the page's own forms carry a proper Origin)
    assert shown is not None and shown.headers.get("referrer-policy") == "same-origin"

    # an employer scans the QR code: the landing page shows the outcome ...
    employer = browser.new_context(locale="en-US")
    check = employer.new_page()
    check.goto(qr_url.group().decode())
    outcome = _result(check)
    assert check.locator(".utrecht-alert--ok").count() == 1
    assert "Jansen" in outcome and "Universiteit Testdam" in outcome
    # ... and verifies another extract from there: the file the stranger downloaded
    check.set_input_files("input[name=extract]", str(tmp_path / "shared-en.pdf"))
    check.click("form[enctype='multipart/form-data'] button[type=submit]")
    check.wait_for_url(f"{base}/verifieren/")
    outcome = _result(check)
    assert "Valid: the extract is genuine" in outcome and "Signature valid" in outcome
    assert "Stedelijk Gymnasium Testdam" in outcome and "Universiteit Testdam" not in outcome
    # a wrong code: not found
    check.fill("input[name=code]", "ABCD-EFGH-JKMN-PQRS-TVWX")
    check.click("form:has(input[name=code]) button[type=submit]")
    check.wait_for_load_state()
    assert "No extract found" in _result(check)
    assert check.locator(".utrecht-alert--error").count() == 1
    assert "Jansen" not in check.content()
    # a file that is not a PDF: a clear error
    not_pdf = tmp_path / "cv.txt"
    not_pdf.write_text("Curriculum vitae of Anna Jansen\n")
    check.set_input_files("input[name=extract]", str(not_pdf))
    check.click("form[enctype='multipart/form-data'] button[type=submit]")
    check.wait_for_load_state()
    assert "Invalid: this is not a readable PDF file." in _result(check)
    assert "Jansen" not in check.content()

    # the holder revokes the link (after confirming); it then fails
    page.click("a:has-text('Revoke')")
    page.click("button:has-text('Yes, revoke')")
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
    page.click("text=Who viewed my data")
    rows = page.locator("li.log-row")
    texts = " ".join(rows.all_inner_texts())
    assert "share link" in texts  # in words, in the page's language
    assert "check of your extract" in texts
    assert "family_name" not in texts and "birth_date" not in texts
    width = page.evaluate("document.documentElement.scrollWidth")
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, width  # no overflow

    # logging out lands on the portal, logged out
    page.click("nav.portal-nav button[type=submit]")
    page.wait_for_url(f"{base}/mijn/uitgelogd/")
    assert "You are logged out of Mijn diploma's." in page.content()
    page.click("text=Log in again with DigiD")
    page.wait_for_selector("a.login_tile[href*=inloggen_bsn]")  # /mijn/ needs a new DigiD login
    assert "/mijn/" not in page.url.split("?")[0]
    for context in (holder, stranger, employer):
        context.close()
