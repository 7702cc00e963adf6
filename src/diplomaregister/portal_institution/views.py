"""Institution portal: staff log in with username, password and a TOTP code (django-otp), look up
an applicant's or student's documents under art. 53 / art. 28 through the disclosure engine, and
answer correction requests. eHerkenning (django-digid-eherkenning SAML) replaces the local login in
production; the package ships no eHerkenning mock, so local accounts with 2FA stand in for it."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import logout as auth_logout
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp.forms import OTPAuthenticationForm
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.views import LoginView

from diplomaregister.core.pgn import InvalidPgn, parse_pgn
from diplomaregister.extracts.ratelimit import allow
from diplomaregister.law.loaders import legal_bases
from diplomaregister.organisations.models import Organisation
from diplomaregister.portal_holder.views import NAMING_FIELDS, _programme_field, labelled
from diplomaregister.portal_institution import charts
from diplomaregister.portal_institution.corrections import (
    ANSWERS,
    answer_request,
    queue_for_organisation,
    search_queue,
)
from diplomaregister.portal_institution.forms_style import styled
from diplomaregister.portal_institution.models import CorrectionRequest
from diplomaregister.verstrekking.engine import NotDisclosed, Requester, allowed_bases, disclose

View = Callable[..., HttpResponse]


class StaffLoginForm(OTPAuthenticationForm):
    """Password plus the code of the user's authenticator app (their one TOTP device)."""

    def _chosen_device(self, user: Any) -> Any:
        return super()._chosen_device(user) or (
            TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        )


class StaffLoginView(LoginView):
    template_name = "portal_institution/login.html"
    otp_authentication_form = StaffLoginForm

    def get_success_url(self) -> str:
        return "/instelling/"


def staff_view(view: View) -> View:
    """Logged in, second factor verified, and member of an organisation."""

    @never_cache
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user: Any = request.user
        staff = getattr(user, "staff", None) if user.is_authenticated else None
        if not user.is_authenticated or not user.is_verified() or staff is None:
            return redirect(f"/instelling/inloggen/?next={request.path}")
        return view(request, staff.organisation, *args, **kwargs)

    return wrapper


def _requester(request: HttpRequest, org: Organisation) -> Requester:
    return Requester(kind="organisation", organisation=org, label=org.name, user_id=request.user.pk)


# What the inzage page shows (templates/portal_institution/inzage.html); the log row lists these.
INZAGE_FIELDS = ("pgn", "given_names", "family_name", "kind", "organisation_name",
                 "date_of_issue", "status", "withdrawal_reason", *NAMING_FIELDS)  # fmt: skip


class InzageForm(forms.Form):
    pgn = forms.CharField(label=_("BSN or onderwijsnummer"), max_length=12)
    basis = forms.ChoiceField(label=_("Legal basis"))
    application = forms.CharField(
        label=_("Reference of the application you are handling (art. 28)"), max_length=64,
        required=False,
    )  # fmt: skip

    def clean_pgn(self) -> str:
        try:
            return parse_pgn(self.cleaned_data["pgn"]).number
        except InvalidPgn as exc:
            message = PGN_MESSAGES.get(exc.rule, PGN_MESSAGES["pgn.invalid"])
            raise forms.ValidationError(message, code=exc.rule) from exc


# The number's rules (core/pgn.py) in the page's language; the number itself is never repeated.
PGN_MESSAGES = {
    "pgn.required": _("Enter a BSN or onderwijsnummer."),
    "pgn.format": _("A BSN or onderwijsnummer consists of digits only."),
    "pgn.length": _("A BSN or onderwijsnummer has 9 digits."),
    "pgn.checksum": _("The check digit of this number is wrong: check for a typing error."),
    "pgn.onderwijsnummer_prefix": _("An onderwijsnummer starts with 10."),
    "pgn.invalid": _("This is not a valid BSN or onderwijsnummer."),
}


@staff_view
def home(request: HttpRequest, org: Organisation) -> HttpResponse:
    return render(
        request, "portal_institution/home.html", {"org": org, **charts.dashboard_context(org)}
    )


@staff_view
def inzage(request: HttpRequest, org: Organisation) -> HttpResponse:
    requester = _requester(request, org)
    bases = legal_bases()
    language = "en" if (get_language() or "nl").startswith("en") else "nl"
    choices = [(c, f"{bases[c].article}: {bases[c].purpose(language)}")
               for c in allowed_bases(requester)]  # fmt: skip
    form = InzageForm(request.POST or None)
    form.fields["basis"].choices = choices  # type: ignore[attr-defined]
    styled(form)
    result, message = None, ""
    if request.method == "POST" and form.is_valid():
        allowed, _retry = allow(request, f"inzage:{request.user.pk}", settings.EXTRACT_VERIFY_RATE)
        try:
            if not allowed:
                raise NotDisclosed("rate limited")
            result = disclose(requester=requester, basis=form.cleaned_data["basis"],
                              subject=form.cleaned_data["pgn"], channel="institution_portal",
                              fields=(*INZAGE_FIELDS, _programme_field()),
                              application=form.cleaned_data["application"] or None)  # fmt: skip
        except NotDisclosed:
            # one neutral answer: whether the person exists is not revealed
            message = str(_("No documents can be shown for this person under this legal basis."))
    records = [labelled(r) for r in result.records] if result else []
    return render(request, "portal_institution/inzage.html",
                  {"org": org, "form": form, "result": result, "records": records, "message": message})  # fmt: skip


class AnswerForm(forms.Form):
    status = forms.ChoiceField(
        choices=[(s, w) for s, w in CorrectionRequest.STATUSES if s in ANSWERS], label=_("Status")
    )
    answer = forms.CharField(
        widget=forms.Textarea, max_length=2000, label=_("Answer to the holder")
    )


@staff_view
def queue(request: HttpRequest, org: Organisation) -> HttpResponse:
    """The queue: newest first, pages by position (``voor``), search and status filter."""
    text = request.GET.get("zoek", "").strip()[:64]
    status = request.GET.get("status", "")
    status = status if status in dict(CorrectionRequest.STATUSES) else ""
    before = request.GET.get("voor", "")
    rows, next_before = search_queue(org, text=text, status=status,
                                     before=int(before) if before.isdigit() else None)  # fmt: skip
    query = request.GET.copy()
    query.pop("voor", None)
    return render(request, "portal_institution/queue.html", {
        "org": org, "requests": [(r, described(r)) for r in rows], "next_before": next_before,
        "text": text, "status": status, "statuses": CorrectionRequest.STATUSES,
        "query": query.urlencode(),
    })  # fmt: skip


def described(req: CorrectionRequest) -> dict[str, Any]:
    """The person and the diploma of a request in words, from what the holder sent along."""
    snap = req.snapshot or {}
    name = " ".join(p for p in (snap.get("given_names", ""), snap.get("family_name", "")) if p)
    title = labelled(snap).get("name", "") if snap.get("kind") else ""
    return {"name": name, "title": title, "issued": snap.get("date_of_issue", "")}


@staff_view
def request_detail(request: HttpRequest, org: Organisation, pk: int) -> HttpResponse:
    req = queue_for_organisation(org).filter(pk=pk).first()
    if req is None:
        raise Http404
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        answer_request(req, status=form.cleaned_data["status"], answer=form.cleaned_data["answer"],
                       user_id=request.user.pk)  # fmt: skip
        return redirect("institution_portal:queue")
    return render(request, "portal_institution/request.html",
                  {"org": org, "req": req, "form": form, "about": described(req)})  # fmt: skip


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    auth_logout(request)
    return redirect("/")
