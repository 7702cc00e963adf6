"""The journeys of issue 14 clicked through in Chromium, at 375 px (a phone), in Dutch:

* a holder turns on notices, makes a share link with a PIN, without grades, for a week, copies it;
  a stranger tries a wrong PIN, then the right one, and sees the degree without grades; the holder
  sees the view counted and revokes the link after confirming;
* the university's staff member uploads a batch file (the upload's progress bar, then the feedback
  per record), opens the holder's correction request and corrects the degree there ("correct
  now"); the holder, who asked for notices, gets an e-mail of the university's look-up within the
  worker's next tick.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from django.core import mail

from diplomaregister.core.browser import chromium
from diplomaregister.notices import tasks as notice_tasks
from diplomaregister.portal_holder.models import ShareLink
from diplomaregister.portal_institution.models import CorrectionRequest
from tests.browser.test_every_page import CHROMIUM, WIDE_JS, artefacts, pki_settings, world  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed"),
]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop

PHONE = {"width": 375, "height": 740}


def _context(browser: Any, base: str, session: str | None = None) -> Any:
    host = base.split("//", 1)[1].split(":")[0]
    context = browser.new_context(viewport=PHONE, locale="nl-NL")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    cookies = [{"name": "django_language", "value": "nl", "domain": host, "path": "/"}]
    if session:
        cookies.append({"name": "sessionid", "value": session, "domain": host, "path": "/"})
    context.add_cookies(cookies)
    return context


def _no_overflow(page: Any) -> None:
    assert page.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    ), (page.url, page.evaluate(WIDE_JS))


def test_holder_notices_and_a_share_link_with_a_pin(live_server, world, artefacts):  # noqa: F811
    base = live_server.url
    with chromium() as browser:
        holder = _context(browser, base, world["sessions"]["holder"]).new_page()
        holder.goto(f"{base}/mijn/meldingen/")
        holder.fill("#id_email", "anna@example.org")
        holder.click("form:has(#id_email) button[name=action]")
        assert "Meldingen staan aan: direct naar anna@example.org." in holder.content()

        holder.goto(f"{base}/mijn/delen/")
        holder.get_by_label("Universiteit Testdam", exact=False).check()
        holder.uncheck("#id_with_grades")
        holder.select_option("#id_days", "7")
        holder.fill("#id_pin", "1357")
        holder.click("form:has(#id_pin) button[type=submit]")
        holder.click("button[data-copy]")
        holder.wait_for_selector("#copy-status:has-text('Gekopieerd.')")
        url = holder.locator("#share-url").input_value()
        assert holder.evaluate("() => navigator.clipboard.readText()") == url
        assert holder.locator(".share-qr svg").count() == 1
        _no_overflow(holder)
        holder.screenshot(path=str(artefacts / "journey-share-created.png"), full_page=True)

        stranger = _context(browser, base).new_page()
        stranger.goto(url)
        stranger.fill("#pin", "0000")
        stranger.click("form:has(#pin) button[type=submit]")
        assert "Die pincode klopt niet." in stranger.content()
        stranger.fill("#pin", "1357")
        stranger.click("form:has(#pin) button[type=submit]")
        stranger.wait_for_selector("li.diploma")
        shown = stranger.locator("main").inner_text()
        assert "Master of Science" in shown and "Universiteit Testdam" in shown
        assert "Eindcijfer" not in shown and "zonder cijfers" in shown
        _no_overflow(stranger)
        stranger.screenshot(path=str(artefacts / "journey-share-opened.png"), full_page=True)

        holder.goto(f"{base}/mijn/delen/")
        link = ShareLink.objects.filter(pin_hash__gt="").order_by("-created_at").first()
        assert link is not None and link.view_count == 1
        card = holder.locator("li.share-link", has_text=link.short_id)
        assert "1 keer geopend" in card.inner_text() and "met pincode" in card.inner_text()
        card.locator("a", has_text="Intrekken").click()
        holder.click("button:has-text('Ja, intrekken')")
        holder.wait_for_url(f"{base}/mijn/delen/")
        assert stranger.goto(url).status == 404


def test_staff_upload_and_correct_now_and_the_holder_is_told(live_server, world, artefacts):  # noqa: F811
    base = live_server.url
    from diplomaregister.notices import services as notices
    from diplomaregister.verstrekking.engine import numbers_of

    holder_user = world["holder_user"]
    notices.opt_in(holder_user, numbers_of(world["holder"].pgn), email="anna@example.org",
                   frequency="each", language="nl")  # fmt: skip
    batch = Path(artefacts) / "batch.jsonl"
    batch.write_text("\n".join(json.dumps(r) for r in (
        {"record_key": "WO-1", "pgn": "123", "date_of_issue": "2025-02-30"},
        {"record_key": "WO-2", "pgn": "", "family_name": "Bakker"},
    )) + "\n")  # fmt: skip
    with chromium() as browser:
        staff = _context(browser, base, world["sessions"]["staff"]).new_page()
        staff.goto(f"{base}/instelling/leveren/")
        staff.set_input_files("#id_bestand", str(batch))
        staff.click("form.upload-form button[type=submit]")
        staff.wait_for_url(f"{base}/instelling/leveringen/*/")
        page = staff.locator("main").inner_text()
        assert "2 van 2 records gecontroleerd" in page and "WO-2" in page and "afgewezen" in page
        _no_overflow(staff)
        staff.screenshot(path=str(artefacts / "journey-upload-feedback.png"), full_page=True)

        staff.goto(f"{base}/instelling/correctieverzoeken/")
        staff.click(f"a[href='/instelling/correctieverzoeken/{world['request'].pk}/']")
        assert "Mijn graad staat verkeerd." in staff.content()
        staff.click("a:has-text('Nu corrigeren')")
        staff.fill("#id_ho_degree", "Master of Arts")
        staff.fill("#id_answer", "De graad is aangepast.")
        staff.click("button:has-text('Correctie leveren')")
        staff.wait_for_url(f"{base}/instelling/leveringen/*/")
        assert "1 van 1 records gecontroleerd" in staff.content()
        staff.screenshot(path=str(artefacts / "journey-corrected.png"), full_page=True)
    request = CorrectionRequest.objects.get(pk=world["request"].pk)
    assert request.status == "gecorrigeerd" and request.answer == "De graad is aangepast."
    version = world["degree"].versions.order_by("-version").first()
    assert version.ho_degree == "Master of Arts"

    mail.outbox.clear()
    notice_tasks.tick.enqueue()  # the worker's next tick, within 30 seconds
    bodies = [m.body for m in mail.outbox if m.to == ["anna@example.org"]]
    assert bodies and "Universiteit Testdam" in bodies[0] and "art. 53 lid 2" in bodies[0]


def test_holder_correction_request_click_path(live_server, world, artefacts):  # noqa: F811
    """The holder asks the school to correct a diploma: a too short text comes back with the error
    and the text still typed, the request is confirmed and shown with its status, the diploma
    gets a pending badge, and the same request sent again is refused."""
    base = live_server.url
    school = world["holder"].diplomas.exclude(pk=world["degree"].pk).get()
    with chromium() as browser:
        holder = _context(browser, base, world["sessions"]["holder"]).new_page()
        holder.goto(f"{base}/mijn/diploma/{school.pk}/")
        assert holder.locator("[data-testid=pending-badge]").count() == 0
        holder.fill("#message", "Fout")
        holder.click("#correctie button[type=submit]")
        holder.wait_for_selector("#message-error")
        assert "Beschrijf in 5 tot 2000 tekens" in holder.locator("#message-error").inner_text()
        assert holder.locator("#message").input_value() == "Fout"  # the typed text is kept
        _no_overflow(holder)
        message = "Mijn cijfer voor Engels is een 8, geen 7."
        holder.fill("#message", message)
        holder.click("#correctie button[type=submit]")
        holder.wait_for_selector("[data-testid=correction-sent]")
        assert "Uw correctieverzoek is verstuurd." in holder.locator("main").inner_text()
        mine = holder.locator("li.correction", has_text=message)
        assert "Status: Open" in mine.inner_text()
        assert (
            "Correctieverzoek in behandeling"
            in holder.locator("[data-testid=pending-badge]").inner_text()
        )
        _no_overflow(holder)
        holder.screenshot(path=str(artefacts / "journey-correction-sent.png"), full_page=True)
        holder.fill("#message", message)
        holder.click("#correctie button[type=submit]")
        holder.wait_for_selector("#message-error")
        assert "U heeft dit verzoek al verstuurd" in holder.locator("#message-error").inner_text()
        assert holder.locator("#message").input_value() == message
        holder.goto(f"{base}/mijn/")
        assert holder.locator("li.diploma .status--pending").count() == 2  # this one and the degree
    assert CorrectionRequest.objects.filter(diploma=school).count() == 1
