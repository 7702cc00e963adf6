"""Public verification pages: /verifieren/ (upload a PDF or type the code) and /verifieren/<code>
(the QR code target). No login; rate-limited per client address; CSRF on the form; no JavaScript.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from diplomaregister.extracts import ratelimit
from diplomaregister.extracts.rendering import format_date
from diplomaregister.extracts.texts import texts
from diplomaregister.extracts.verification import Verification, verify_code, verify_file

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


def _language() -> str:
    return "en" if (get_language() or "nl").startswith("en") else "nl"


def _limited(request: HttpRequest) -> HttpResponse | None:
    allowed, retry_after = ratelimit.allow(request, "verify", settings.EXTRACT_VERIFY_RATE)
    if allowed:
        return None
    t = texts(_language())
    response = render(
        request,
        "extracts/too_many.html",
        {"t": t, "message": t["too_many_text"].format(seconds=retry_after)},
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    return response


def _form(request: HttpRequest, error: str = "", status: int = 200) -> HttpResponse:
    return render(
        request, "extracts/verify.html", {"t": texts(_language()), "error": error}, status=status
    )


def _result(request: HttpRequest, result: Verification) -> HttpResponse:
    language = _language()
    t = texts(language)
    rows = []
    for check in result.checks:
        key = check.status
        if key == "withdrawn" and result.method == "code":
            key = "withdrawn_plain"  # no file, so no signature was checked
        if key.startswith("withdrawn") and check.since is None:
            key = f"{key}_undated"  # the register no longer discloses the document at all
        status = t[key].format(date=format_date(check.since, language))
        rows.append(
            {
                "kind": check.kind_name or t["diploma"],
                "full_name": check.full_name,
                "category": check.category,
                "organisation": check.organisation,
                "date_of_issue": format_date(check.date_of_issue, language),
                "exam_date": format_date(check.exam_date, language),
                "programme": check.programme,
                "details": [(t.get(key, key), value) for key, value in check.details],
                "grades": check.grades,
                "courses": check.courses,
                "total_credits": check.total_credits,
                "status": status,
                "changed": check.status != "unchanged",
            }
        )
    context = {
        "t": t,
        "result": result,
        "signature_text": t[f"sig_{result.signature}"] if result.signature else "",
        "issued": format_date(
            result.extract.created_at.date() if result.extract else None, language
        ),
        "birth_date": format_date(result.holder_birth_date, language),
        "rows": rows,
        "with_grades": result.extract.with_grades if result.extract else True,
    }
    # Unknown code/file and invalid signature are answered alike in status: 200 with the outcome.
    return render(request, "extracts/result.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def home(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _form(request)
    limited = _limited(request)
    if limited:
        return limited
    t = texts(_language())
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_UPLOAD_BYTES + 65536:  # refuse before Django spools the body to disk
        return _form(request, t["too_large"], status=413)
    upload = request.FILES.get("extract")
    if upload is not None:
        if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
            return _form(request, t["too_large"], status=413)
        return _result(request, verify_file(upload.read(), channel="web", language=_language()))
    code = request.POST.get("code", "").strip()
    if code:
        return _result(request, verify_code(code, channel="web", language=_language()))
    return _form(request, t["missing"], status=400)


@never_cache
@require_http_methods(["GET"])
def by_code(request: HttpRequest, code: str) -> HttpResponse:
    limited = _limited(request)
    if limited:
        return limited
    response = _result(request, verify_code(code, channel="web", language=_language()))
    # The code is in the URL: no referrer to other sites. Not ``no-referrer``, which makes browsers
    # send ``Origin: null`` with the page's own "verify another extract" forms, which the CSRF
    # check then refuses; ``same-origin`` sends the site's own origin to itself only.
    response["Referrer-Policy"] = "same-origin"
    return response
