from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# The landing page's links, by URL name (every portal is always installed: conf/urls.py).
PORTAL_LINKS = [
    ("holder_portal:home", _("Mijn diploma's"), _("Holders log in with DigiD (mock locally).")),
    ("verify:home", _("Verify an extract"), _("Employers check a signed extract, no login.")),
    ("institution_portal:home", _("Institution portal"), _("Inzage and delivery status.")),
    ("api-docs", _("API documentation"), _("OpenAPI (levering and verstrekking).")),
    ("admin:index", _("Operator admin"), _("Read-mostly management, login required.")),
]


def landing(request: HttpRequest) -> HttpResponse:
    links = [
        {"url": reverse(name), "title": title, "text": text} for name, title, text in PORTAL_LINKS
    ]
    return render(request, "core/landing.html", {"links": links})


# Error pages (conf/urls.py handler400/403/404/500; templates/<status>.html, styled like every page
# and translated). API paths get RFC 9457 problem details instead of HTML. The 500 page renders
# without the request's context processors, the session or the database: it must work when they
# are what failed. The CSRF failure page is templates/403_csrf.html, found by Django's own
# csrf_failure view.
ERROR_TITLES = {
    400: _("Bad request"),
    403: _("Access denied"),
    404: _("Page not found"),
    429: _("Too many requests"),
    500: _("Something went wrong"),
}


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def _problem(status: int) -> JsonResponse:
    return JsonResponse(
        {
            "type": f"https://diplomaregister.example/problems/{status}",
            "title": gettext(str(ERROR_TITLES[status])),
            "status": status,
        },
        status=status,
        content_type="application/problem+json",
    )


def _error_page(
    request: HttpRequest, status: int, context: dict[str, object] | None = None
) -> HttpResponse:
    if _is_api(request):
        return _problem(status)
    return render(request, f"{status}.html", context or {}, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(request, 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(request, 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return _problem(500)
    return HttpResponse(loader.get_template("500.html").render({}), status=500)


def too_many_requests(request: HttpRequest, retry_after: int | None = None) -> HttpResponse:
    """The styled 429 page with ``Retry-After`` (rate limits of the public pages)."""
    response = _error_page(request, 429, {"retry_after": retry_after})
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


ABOUT_PAGES = ("toegankelijkheid", "privacy", "help", "contact")


def about(request: HttpRequest, page: str) -> HttpResponse:
    """The footer's statements: accessibility, privacy, help and contact (public, no data)."""
    if page not in ABOUT_PAGES:
        raise Http404
    return render(request, f"core/about_{page}.html")
