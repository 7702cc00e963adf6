"""Browser walk-through (Playwright driving Debian's Chromium): a demo person logs in with the DigiD
mock, sees their diplomas, downloads the signed extract, shares a diploma, a stranger opens the link,
the holder revokes it and sees both views under "Wie heeft mijn gegevens bekeken"; an employer
verifies the extract on /verifieren/."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
from django.utils import timezone

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
    from playwright.sync_api import sync_playwright

    args = ["--no-sandbox"] if os.geteuid() == 0 else []
    with sync_playwright() as p:
        instance = p.chromium.launch(
            executable_path=shutil.which("chromium") or CHROMIUM, args=args
        )
        yield instance
        instance.close()


def test_holder_journey(live_server, demo_person, browser, tmp_path):
    base = live_server.url
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
    with page.expect_download() as download_info:
        page.click("form.extract-form button[type=submit]")
    extract = tmp_path / "extract.pdf"
    download_info.value.save_as(extract)
    assert extract.read_bytes().startswith(b"%PDF") and b"/ByteRange" in extract.read_bytes()

    # share the secondary-school diploma
    page.click("text=Share links")
    page.locator("input[name=diplomas]").first.check()
    page.click("button:has-text('Create share link')")
    share_url = page.locator("a.share-url").get_attribute("href")
    assert share_url and "/delen/" in share_url

    # a stranger opens it
    stranger = browser.new_context(locale="en-US")
    other = stranger.new_page()
    other.goto(share_url)
    assert "Diplomas shared with you" in other.content()
    assert other.locator("li.diploma").count() == 1

    # the holder revokes it; the link then fails
    page.click("button:has-text('Revoke')")
    response = other.goto(share_url)
    assert response is not None and response.status == 404

    # an employer verifies the extract (no login)
    employer = browser.new_context(locale="en-US")
    check = employer.new_page()
    check.goto(f"{base}/verifieren/")
    check.set_input_files("input[name=extract]", str(extract))
    check.click("form[enctype='multipart/form-data'] button[type=submit]")
    check.wait_for_selector(".utrecht-alert--ok")
    assert "Jansen" in check.content()

    # both the share-link view and the verification are shown to the holder
    page.click("text=Who viewed my data")
    rows = page.locator("tr.log-row")
    texts = " ".join(rows.all_inner_texts())
    assert "deellink" in texts
    assert "verificatie uittreksel" in texts
    for context in (holder, stranger, employer):
        context.close()
