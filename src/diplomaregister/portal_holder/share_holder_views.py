"""The holder's share links (/mijn/delen/): make one (diplomas, grades or not, validity, PIN),
see what each holds and how often it was opened, copy it, scan its QR code, e-mail it, and revoke
it after a confirmation. The register data (which diplomas, their names) comes from the disclosure
engine (basis ``holder``)."""

from __future__ import annotations

from typing import Any

import segno
from django.core.mail import send_mail
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_POST

from diplomaregister.core import clock
from diplomaregister.core.views import too_many_requests
from diplomaregister.extracts.ratelimit import allow
from diplomaregister.portal_holder.forms import EmailLinkForm, ShareForm
from diplomaregister.portal_holder.models import ShareLink
from diplomaregister.portal_holder.services import (
    ShareLinkError,
    create_share_link,
    link_of,
    revoke,
)
from diplomaregister.portal_holder.views import (
    NAMING_FIELDS,
    _disclose,
    _programme_field,
    holder_view,
    labelled,
)

MAIL_RATE = "10/hour"  # share links a holder may e-mail

# What the share-link page shows of the holder's diplomas (the choice and each link's contents).
SHARES_FIELDS = ("diploma_id", "kind", "organisation_name", "date_of_issue", "status",
                 *NAMING_FIELDS)  # fmt: skip


def qr_svg(url: str) -> str:
    """The link as an inline SVG QR code (no image request, no script)."""
    return str(segno.make(url, error="m").svg_inline(scale=4, border=2))


def _url(request: HttpRequest, token: str) -> str:
    return request.build_absolute_uri(f"/delen/{token}/")


def _page(request: HttpRequest, pgn: str, *, form: ShareForm | None = None,
          created: dict[str, Any] | None = None, mailed: bool = False) -> HttpResponse:  # fmt: skip
    disclosure = _disclose(request, pgn, (*SHARES_FIELDS, _programme_field()))
    if disclosure is None or disclosure.person is None:
        return render(request, "portal_holder/unknown.html")
    records = {r["diploma_id"]: labelled(r) for r in disclosure.records}
    choices = [
        (i, f"{r['name']} — {r['institutions']} ({r['date_of_issue']:%Y})")
        for i, r in records.items()
        if r["status"] == "valid"
    ]
    if form is None:
        form = ShareForm(request.POST or None, choices=choices)
    else:
        form.fields["diplomas"].choices = choices  # type: ignore[attr-defined]
    links = ShareLink.objects.filter(person=disclosure.person).order_by("-created_at")
    listed = [(link, [records[i] for i in link.diploma_ids if i in records]) for link in links]
    return render(request, "portal_holder/shares.html", {
        "form": form, "links": listed, "created": created, "mailed": mailed, "now": clock.now(),
        "email_form": EmailLinkForm(initial={"token": created["token"]}) if created else None,
    })  # fmt: skip


@holder_view
def shares(request: HttpRequest, pgn: str) -> HttpResponse:
    if request.method != "POST":
        return _page(request, pgn, mailed=request.GET.get("gemaild") == "1")
    own = _disclose(request, pgn, ("diploma_id", "status"))
    if own is None or own.person is None:
        return render(request, "portal_holder/unknown.html")
    valid = [(r["diploma_id"], "") for r in own.records if r["status"] == "valid"]
    form = ShareForm(request.POST, choices=valid)
    if not form.is_valid():
        return _page(request, pgn, form=form)
    try:
        link, token = create_share_link(
            own.person, form.cleaned_data["diplomas"], days=form.cleaned_data["days"],
            label=form.cleaned_data["label"], with_grades=form.cleaned_data["with_grades"],
            pin=form.cleaned_data["pin"] or "",
        )  # fmt: skip
    except ShareLinkError as exc:
        form.add_error(None, str(exc))
        return _page(request, pgn, form=form)
    url = _url(request, token)
    created = {"link": link, "url": url, "token": token, "qr": qr_svg(url)}
    return _page(request, pgn, form=ShareForm(), created=created)


@require_POST
@holder_view
def email_share(request: HttpRequest, pgn: str) -> HttpResponse:
    """E-mail a link just made (the form carries its token; only the holder's own link)."""
    own = _disclose(request, pgn, ("diploma_id",))
    form = EmailLinkForm(request.POST)
    if own is None or own.person is None or not form.is_valid():
        raise Http404
    link = link_of(own.person, form.cleaned_data["token"])
    if link is None:
        raise Http404
    allowed, retry = allow(request, f"share-mail:{request.user.pk}", MAIL_RATE)
    if not allowed:  # the register's mail is not a way to send anyone anything
        return too_many_requests(request, retry)
    url = _url(request, form.cleaned_data["token"])
    body = render_to_string("portal_holder/share_mail.txt", {"link": link, "url": url})
    subject = render_to_string("portal_holder/share_mail_subject.txt", {"link": link}).strip()
    send_mail(subject, body, None, [form.cleaned_data["email"]])
    return redirect(f"{reverse('holder_portal:shares')}?gemaild=1")


@holder_view
def revoke_share(request: HttpRequest, pgn: str, short_id: str) -> HttpResponse:
    """GET: ask to confirm; POST: revoke at once."""
    link = ShareLink.objects.filter(person__pgn=pgn, short_id=short_id).first()
    if link is None:
        raise Http404
    if request.method == "POST":
        revoke(link)
        return redirect("holder_portal:shares")
    return render(request, "portal_holder/share_revoke.html", {"link": link})
