"""The public page behind a share link: no login, rate limited, never cached, and the token URL
never sent to another site.

``Referrer-Policy: same-origin``, not ``no-referrer``: with ``no-referrer`` browsers send
``Origin: null`` on the page's own forms (download the extract, switch language) and Django's CSRF
check refuses them. ``same-origin`` still sends no referrer at all to any other origin.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from diplomaregister.core.views import too_many_requests
from diplomaregister.extracts.ratelimit import allow
from diplomaregister.extracts.selectors import pdf_response
from diplomaregister.extracts.services import make_extract
from diplomaregister.portal_holder.diploma_page import course_rows
from diplomaregister.portal_holder.forms import PinForm
from diplomaregister.portal_holder.models import ShareLink
from diplomaregister.portal_holder.services import active_link, check_pin, count_view, pin_locked
from diplomaregister.portal_holder.views import NAMING_FIELDS, labelled
from diplomaregister.verstrekking import naming
from diplomaregister.verstrekking.engine import NotDisclosed, Requester, disclose

# What the share page shows (templates/portal_holder/shared.html); the log row lists these.
SHARE_PAGE_FIELDS = ("family_name", "given_names", "birth_date", "kind", "organisation_name",
                     "date_of_issue", "status", "status_since", "corrected", "vo_profile",
                     *NAMING_FIELDS)  # fmt: skip


def _fields(link: ShareLink) -> tuple[str, ...]:
    english = (get_language() or "nl").startswith("en")
    grades = ("grades", "course_results") if link.with_grades else ()
    return (*SHARE_PAGE_FIELDS, *grades, "programme_name_en" if english else "programme_name")


def _shown(record: dict[str, Any]) -> dict[str, Any]:
    """One shared diploma in words, with its HO grade list if the grades were shared."""
    language = get_language() or "nl"
    courses = course_rows(record, language)
    total = sum(r["credits_ec"] for r in record.get("course_results") or [])
    return {**labelled(record), "courses": courses,
            "total_credits": naming.credits(total, language) if courses else ""}  # fmt: skip


def _session_key(link: ShareLink) -> str:
    return f"share-pin-ok:{link.short_id}"


def _needs_pin(request: HttpRequest, link: ShareLink) -> bool:
    return bool(link.pin_hash) and not request.session.get(_session_key(link))


def _viewer(link: ShareLink) -> Requester:
    return Requester(kind="public", label=f"deellink {link.short_id}")


# The token is in the URL: no referrer to other sites, the full URL to the site's own forms.
REFERRER_POLICY = "same-origin"


def _gone(request: HttpRequest) -> HttpResponse:
    response = render(request, "portal_holder/share_gone.html", status=404)
    response["Referrer-Policy"] = REFERRER_POLICY
    return response


def _limited(request: HttpRequest) -> HttpResponse | None:
    allowed, retry = allow(request, "share", settings.SHARE_LINK_RATE)
    if allowed:
        return None
    response = too_many_requests(request, retry)
    response["Referrer-Policy"] = REFERRER_POLICY
    return response


@never_cache
def shared(request: HttpRequest, token: str) -> HttpResponse:
    if (limited := _limited(request)) is not None:
        return limited
    link = active_link(token)
    if link is None:
        return _gone(request)
    if _needs_pin(request, link):
        return _pin_page(request, link, token)
    try:
        disclosure = disclose(
            requester=_viewer(link), basis="holder_share", subject=link.person, channel="share",
            diploma_ids=link.diploma_ids, fields=_fields(link),
        )  # fmt: skip
    except NotDisclosed:
        return _gone(request)
    count_view(link)
    response = render(
        request,
        "portal_holder/shared.html",
        {"subject": disclosure.subject, "records": [_shown(r) for r in disclosure.records],
         "link": link, "token": token,
         "any_valid": any(r["status"] == "valid" for r in disclosure.records)},
    )  # fmt: skip
    response["Referrer-Policy"] = REFERRER_POLICY
    return response


@require_POST
@never_cache
def shared_extract(request: HttpRequest, token: str) -> HttpResponse:
    if (limited := _limited(request)) is not None:
        return limited
    link = active_link(token)
    if link is None or not link.with_grades:  # the extract prints the grades
        return _gone(request)
    if _needs_pin(request, link):
        return redirect("share:page", token=token)
    try:
        made = make_extract(
            link.person, diplomas=link.diploma_ids, language=request.POST.get("lang", "nl"),
            channel="share", requester=_viewer(link), basis="holder_share",
        )  # fmt: skip
    except (LookupError, NotDisclosed) as exc:  # a shared diploma was withdrawn since
        raise Http404 from exc
    return pdf_response(made)


def _pin_page(request: HttpRequest, link: ShareLink, token: str) -> HttpResponse:
    """The PIN the holder gave along with the link; wrong PINs count towards a lock of the link."""
    form = PinForm(request.POST or None)
    wrong = False
    if request.method == "POST" and form.is_valid() and not pin_locked(link):
        if check_pin(link, form.cleaned_data["pin"]):
            request.session[_session_key(link)] = True
            return redirect("share:page", token=token)
        wrong = True
        link.refresh_from_db(fields=["failed_pins", "locked_until"])
    response = render(request, "portal_holder/share_pin.html", {
        "form": form, "wrong": wrong, "locked": pin_locked(link), "link": link,
    }, status=403 if wrong else 200)  # fmt: skip
    response["Referrer-Policy"] = REFERRER_POLICY
    return response
