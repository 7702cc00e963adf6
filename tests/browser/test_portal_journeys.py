"""The journeys of issue 14 clicked through in Chromium, each in Dutch and in English, at desktop
width (1280 px) and on a phone (375 px):

* a holder turns on notices, makes a share link with a PIN, without grades, for a week, copies it;
  a stranger tries a wrong PIN, then the right one, and sees the degree without grades; the holder
  sees the view counted and revokes the link after confirming;
* the university's staff member uploads a batch file (the upload's progress bar, then the feedback
  per record), opens the holder's correction request and corrects the degree there ("correct
  now"); the holder, who asked for notices, gets an e-mail of the university's look-up within the
  worker's next tick;
* the holder asks for a correction (an error, the confirmation, the pending badge, a duplicate).

Every page is checked for horizontal overflow and kept as a screenshot named with the language and
the width (``journey-share-created-en-1280.png``) in the artefacts directory.
"""

# ruff: noqa: F811  (the fixtures imported from test_every_page are the tests' arguments)
from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core import mail

from diplomaregister.core.browser import chromium
from diplomaregister.notices import tasks as notice_tasks
from diplomaregister.portal_holder.models import ShareLink
from diplomaregister.portal_institution.models import CorrectionRequest
from tests.browser.test_every_page import (  # noqa: F401
    CHROMIUM,
    TEXTS_JS,
    WIDE_JS,
    artefacts,
    foreign_text,
    pki_settings,
    world,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed"),
]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop

LANGUAGES = ("nl", "en")
VIEWPORTS = {1280: {"width": 1280, "height": 900}, 375: {"width": 375, "height": 740}}
LOCALES = {"nl": "nl-NL", "en": "en-GB"}


@pytest.fixture
def browser(world: dict[str, Any]) -> Iterator[Any]:
    """Chromium for one walk, started after the world: the world signs an extract with pyHanko,
    which runs its own event loop and cannot while Playwright's is running, so one Chromium for
    the whole module is not possible here (the live server is one for the session)."""
    with chromium() as instance:
        yield instance


@pytest.fixture(params=[(lang, width) for lang in LANGUAGES for width in VIEWPORTS],
                ids=lambda p: f"{p[0]}-{p[1]}")  # fmt: skip
def look(request: Any) -> tuple[str, int]:
    """The page language and the window width of one walk."""
    return request.param


def _context(browser: Any, base: str, look: tuple[str, int], session: str | None = None) -> Any:
    language, width = look
    host = base.split("//", 1)[1].split(":")[0]
    context = browser.new_context(viewport=VIEWPORTS[width], locale=LOCALES[language])
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    cookies = [{"name": "django_language", "value": language, "domain": host, "path": "/"}]
    if session:
        cookies.append({"name": "sessionid", "value": session, "domain": host, "path": "/"})
    context.add_cookies(cookies)
    return context


def _check(page: Any, folder: Path, name: str, look: tuple[str, int]) -> None:
    """No horizontal overflow, the page in its language (no text of the other one, as the every-page
    test checks), and the screenshot kept."""
    language, width = look
    assert page.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    ), (page.url, width, page.evaluate(WIDE_JS))
    assert page.evaluate("() => document.documentElement.lang") == language, page.url
    assert not foreign_text(page.evaluate(TEXTS_JS), language), page.url
    page.screenshot(path=str(folder / f"journey-{name}-{language}-{width}.png"), full_page=True)


SHARE = {
    "nl": {
        "notices_on": "Meldingen staan aan: direct naar anna@example.org.",
        "copied": "Gekopieerd.",
        "wrong_pin": "Die pincode klopt niet.",
        "grade": "Eindcijfer",
        "no_grades": "zonder cijfers",
        "opened": "1 keer geopend",
        "with_pin": "met pincode",
        "revoke": "Intrekken",
        "yes_revoke": "Ja, intrekken",
    },
    "en": {
        "notices_on": "Notices are on: at once to anna@example.org.",
        "copied": "Copied.",
        "wrong_pin": "That PIN is not right.",
        "grade": "Final grade",
        "no_grades": "without grades",
        "opened": "Opened 1 time",
        "with_pin": "with PIN",
        "revoke": "Revoke",
        "yes_revoke": "Yes, revoke",
    },
}


def test_holder_notices_and_a_share_link_with_a_pin(live_server, world, artefacts, browser, look):
    base, text = live_server.url, SHARE[look[0]]
    holder = _context(browser, base, look, world["sessions"]["holder"]).new_page()
    holder.goto(f"{base}/mijn/meldingen/")
    holder.fill("#id_email", "anna@example.org")
    holder.click("form:has(#id_email) button[name=action]")
    assert text["notices_on"] in holder.content()
    _check(holder, artefacts, "notices-on", look)

    holder.goto(f"{base}/mijn/delen/")
    holder.get_by_label("Universiteit Testdam", exact=False).check()
    holder.uncheck("#id_with_grades")
    holder.select_option("#id_days", "7")
    holder.fill("#id_pin", "1357")
    holder.click("form:has(#id_pin) button[type=submit]")
    holder.click("button[data-copy]")
    holder.wait_for_selector(f"#copy-status:has-text('{text['copied']}')")
    url = holder.locator("#share-url").input_value()
    assert holder.evaluate("() => navigator.clipboard.readText()") == url
    assert holder.locator(".share-qr svg").count() == 1
    _check(holder, artefacts, "share-created", look)

    stranger_context = _context(browser, base, look)
    stranger = stranger_context.new_page()
    stranger.goto(url)
    stranger.fill("#pin", "0000")
    stranger.click("form:has(#pin) button[type=submit]")
    assert text["wrong_pin"] in stranger.content()
    _check(stranger, artefacts, "share-wrong-pin", look)
    stranger.fill("#pin", "1357")
    stranger.click("form:has(#pin) button[type=submit]")
    stranger.wait_for_selector("li.diploma")
    shown = stranger.locator("main").inner_text()
    assert "Master of Science" in shown and "Universiteit Testdam" in shown
    assert text["grade"] not in shown and text["no_grades"] in shown
    _check(stranger, artefacts, "share-opened", look)

    holder.goto(f"{base}/mijn/delen/")
    link = ShareLink.objects.filter(pin_hash__gt="").order_by("-created_at").first()
    assert link is not None and link.view_count == 1
    card = holder.locator("li.share-link", has_text=link.short_id)
    assert text["opened"] in card.inner_text() and text["with_pin"] in card.inner_text()
    _check(holder, artefacts, "share-list", look)
    card.locator("a", has_text=text["revoke"]).click()
    _check(holder, artefacts, "share-revoke-confirm", look)
    holder.click(f"button:has-text('{text['yes_revoke']}')")
    holder.wait_for_url(f"{base}/mijn/delen/")
    assert stranger.goto(url).status == 404
    holder.context.close()
    stranger_context.close()


UPLOAD = {
    "nl": {
        "checked": "2 van 2 records gecontroleerd",
        "rejected": "afgewezen",
        "correct_now": "Nu corrigeren",
        "answer": "De graad is aangepast.",
        "deliver": "Correctie leveren",
        "checked_one": "1 van 1 records gecontroleerd",
        "basis": "art. 53 lid 2",
        "why": "De instelling die uw diploma uitreikte bekeek de gegevens",
    },
    "en": {
        "checked": "2 of 2 records checked",
        "rejected": "rejected",
        "correct_now": "Correct now",
        "answer": "The degree was corrected.",
        "deliver": "Deliver the correction",
        "checked_one": "1 of 1 records checked",
        "basis": "art. 53 lid 2",  # the law's own citation, in Dutch in either language
        "why": "The institution that awarded your document viewed its data",
    },
}


def test_staff_upload_and_correct_now_and_the_holder_is_told(
    live_server, world, artefacts, browser, look
):
    base, (language, _width), text = live_server.url, look, UPLOAD[look[0]]
    from diplomaregister.notices import services as notices
    from diplomaregister.verstrekking.engine import numbers_of

    holder_user = world["holder_user"]
    notices.opt_in(holder_user, numbers_of(world["holder"].pgn), email="anna@example.org",
                   frequency="each", language=language)  # fmt: skip
    batch = artefacts / f"batch-{language}-{look[1]}.jsonl"
    batch.write_text("\n".join(json.dumps(r) for r in (
        {"record_key": "WO-1", "pgn": "123", "date_of_issue": "2025-02-30"},
        {"record_key": "WO-2", "pgn": "", "family_name": "Bakker"},
    )) + "\n")  # fmt: skip
    staff = _context(browser, base, look, world["sessions"]["staff"]).new_page()
    staff.goto(f"{base}/instelling/leveren/")
    _check(staff, artefacts, "upload", look)
    staff.set_input_files("#id_bestand", str(batch))
    staff.click("form.upload-form button[type=submit]")
    staff.wait_for_url(f"{base}/instelling/leveringen/*/")
    page = staff.locator("main").inner_text()
    assert text["checked"] in page and "WO-2" in page and text["rejected"] in page
    _check(staff, artefacts, "upload-feedback", look)

    staff.goto(f"{base}/instelling/correctieverzoeken/")
    _check(staff, artefacts, "correction-queue", look)
    staff.click(f"a[href='/instelling/correctieverzoeken/{world['request'].pk}/']")
    assert "Mijn graad staat verkeerd." in staff.content()  # the holder's own words
    _check(staff, artefacts, "correction-request", look)
    staff.click(f"a:has-text('{text['correct_now']}')")
    staff.fill("#id_ho_degree", "Master of Arts")
    staff.fill("#id_answer", text["answer"])
    _check(staff, artefacts, "correct-now", look)
    staff.click(f"button:has-text('{text['deliver']}')")
    staff.wait_for_url(f"{base}/instelling/leveringen/*/")
    assert text["checked_one"] in staff.content()
    _check(staff, artefacts, "corrected", look)
    staff.context.close()
    request = CorrectionRequest.objects.get(pk=world["request"].pk)
    assert request.status == "gecorrigeerd" and request.answer == text["answer"]
    version = world["degree"].versions.order_by("-version").first()
    assert version.ho_degree == "Master of Arts"

    mail.outbox.clear()
    notice_tasks.tick.enqueue()  # the worker's next tick, within 30 seconds
    bodies = [m.body for m in mail.outbox if m.to == ["anna@example.org"]]
    assert bodies and "Universiteit Testdam" in bodies[0] and text["basis"] in bodies[0]
    assert text["why"] in bodies[0]  # the mail in the holder's language


CORRECTION = {
    "nl": {
        "too_short": "Beschrijf in 5 tot 2000 tekens",
        "message": "Mijn cijfer voor Engels is een 8, geen 7.",
        "sent": "Uw correctieverzoek is verstuurd.",
        "status": "Status: Open",
        "pending": "Correctieverzoek in behandeling",
        "duplicate": "U heeft dit verzoek al verstuurd",
    },
    "en": {
        "too_short": "Describe what is wrong in 5 to 2000 characters.",
        "message": "My grade for English is an 8, not a 7.",
        "sent": "Your correction request was sent.",
        "status": "Status: Open",
        "pending": "Correction request pending",
        "duplicate": "You already sent this request",
    },
}


def test_holder_correction_request_click_path(live_server, world, artefacts, browser, look):
    """The holder asks the school to correct a diploma: a too short text comes back with the error
    and the text still typed, the request is confirmed and shown with its status, the diploma
    gets a pending badge, and the same request sent again is refused."""
    base, text = live_server.url, CORRECTION[look[0]]
    school = world["holder"].diplomas.exclude(pk=world["degree"].pk).get()
    holder = _context(browser, base, look, world["sessions"]["holder"]).new_page()
    holder.goto(f"{base}/mijn/diploma/{school.pk}/")
    assert holder.locator("[data-testid=pending-badge]").count() == 0
    holder.fill("#message", "Fout")
    holder.click("#correctie button[type=submit]")
    holder.wait_for_selector("#message-error")
    assert text["too_short"] in holder.locator("#message-error").inner_text()
    assert holder.locator("#message").input_value() == "Fout"  # the typed text is kept
    _check(holder, artefacts, "correction-error", look)
    holder.fill("#message", text["message"])
    holder.click("#correctie button[type=submit]")
    holder.wait_for_selector("[data-testid=correction-sent]")
    assert text["sent"] in holder.locator("main").inner_text()
    mine = holder.locator("li.correction", has_text=text["message"])
    assert text["status"] in mine.inner_text()
    assert text["pending"] in holder.locator("[data-testid=pending-badge]").inner_text()
    _check(holder, artefacts, "correction-sent", look)
    holder.fill("#message", text["message"])
    holder.click("#correctie button[type=submit]")
    holder.wait_for_selector("#message-error")
    assert text["duplicate"] in holder.locator("#message-error").inner_text()
    assert holder.locator("#message").input_value() == text["message"]
    _check(holder, artefacts, "correction-duplicate", look)
    holder.goto(f"{base}/mijn/")
    assert holder.locator("li.diploma .status--pending").count() == 2  # this one and the degree
    _check(holder, artefacts, "correction-home", look)
    holder.context.close()
    assert CorrectionRequest.objects.filter(diploma=school).count() == 1
