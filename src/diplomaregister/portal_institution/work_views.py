"""The institution's daily work besides look-ups: upload a batch file (progress bar, feedback per
record as a table and CSV) and correct a document straight from a correction request ("correct
now", one re-delivery through the one pipeline)."""

from __future__ import annotations

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from diplomaregister.levering import files
from diplomaregister.levering.models import Delivery
from diplomaregister.organisations.models import Organisation
from diplomaregister.portal_institution import correct, uploads
from diplomaregister.portal_institution.corrections import answer_request, queue_for_organisation
from diplomaregister.portal_institution.forms_style import styled
from diplomaregister.portal_institution.views import _requester, described, staff_view
from diplomaregister.verstrekking.engine import NotDisclosed

OUTCOMES = {"created": _("new"), "corrected": _("corrected"), "unchanged": _("unchanged"),
            "withdrawn": _("withdrawn"), "rejected": _("rejected")}  # fmt: skip


class UploadForm(forms.Form):
    bestand = forms.FileField(label=_("Batch file (.csv or .jsonl)"))


@staff_view
def upload(request: HttpRequest, org: Organisation) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            delivery = uploads.receive(org, form.cleaned_data["bestand"], request.user.pk)
        except files.FileFormatError:
            form.add_error("bestand", _("The first line (the CSV header) cannot be read."))
        except ValueError:
            form.add_error("bestand", _("Use a .csv or .jsonl file."))
        else:
            return redirect("institution_portal:delivery", pk=delivery.pk)
    styled(form)
    recent = Delivery.objects.filter(organisation=org).order_by("-pk")[:10]
    return render(request, "portal_institution/upload.html",
                  {"org": org, "form": form, "recent": recent})  # fmt: skip


@staff_view
def delivery(request: HttpRequest, org: Organisation, pk: int) -> HttpResponse:
    found = Delivery.objects.filter(organisation=org, pk=pk).first()
    if found is None:
        raise Http404
    language = "en" if (get_language() or "nl").startswith("en") else "nl"
    if request.GET.get("formaat") == "csv":
        response = HttpResponse(uploads.feedback_csv(found, language),
                                content_type="text/csv; charset=utf-8")  # fmt: skip
        name = "feedback" if language == "en" else "terugkoppeling"
        response["Content-Disposition"] = f'attachment; filename="{name}-{found.pk}.csv"'
        return response
    after = request.GET.get("na", "")
    rows, next_after = uploads.feedback(found, int(after) if after.isdigit() else None)
    done, total = uploads.progress(found)
    return render(request, "portal_institution/delivery.html", {
        "org": org, "delivery": found, "done": done, "total": total,
        "percent": round(done * 100 / total) if total else 100,
        "rows": [(r, OUTCOMES.get(r.outcome, r.outcome)) for r in rows], "next_after": next_after,
        "counts": [(OUTCOMES[k], v) for k, v in found.counts.items()],
    })  # fmt: skip


@staff_view
def correct_now(request: HttpRequest, org: Organisation, pk: int) -> HttpResponse:
    req = queue_for_organisation(org).select_related("person").filter(pk=pk).first()
    if req is None:
        raise Http404
    requester = _requester(request, org)
    try:
        now = correct.current(requester, req)
    except NotDisclosed as exc:  # withdrawn as misattributed, or the person merged away
        raise Http404 from exc
    if not now.records:
        raise Http404
    form = correct.CorrectForm(request.POST or None, initial=correct.initial(now))
    result = None
    if request.method == "POST" and form.is_valid():
        result = correct.redeliver(org, req, str(now.subject["pgn"]), form.cleaned_data)
        if result.rejected == 0:
            outcome = "gecorrigeerd" if result.corrected else "in_behandeling"
            answer_request(req, status=outcome, answer=form.cleaned_data["answer"],
                           user_id=request.user.pk)  # fmt: skip
            return redirect("institution_portal:delivery", pk=result.pk)
    styled(form)
    problems = list(result.records.all()) if result is not None else []
    return render(request, "portal_institution/correct.html", {
        "org": org, "req": req, "about": described(req), "form": form, "problems": problems,
    })  # fmt: skip
