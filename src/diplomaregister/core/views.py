from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# Portals register themselves here by URL name; the landing page links only to those that exist.
PORTAL_LINKS = [
    ("holder_portal:home", _("Mijn diploma's"), _("Holders log in with DigiD (mock locally).")),
    ("verify:home", _("Verify an extract"), _("Employers check a signed extract, no login.")),
    ("institution_portal:home", _("Institution portal"), _("Inzage and delivery status.")),
    ("api-docs", _("API documentation"), _("OpenAPI (levering and verstrekking).")),
    ("admin:index", _("Operator admin"), _("Read-mostly management, login required.")),
]


def landing(request: HttpRequest) -> HttpResponse:
    links = []
    for name, title, text in PORTAL_LINKS:
        try:
            links.append({"url": reverse(name), "title": title, "text": text})
        except NoReverseMatch:
            continue
    return render(request, "core/landing.html", {"links": links})


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
