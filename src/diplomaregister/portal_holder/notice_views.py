"""'Meldingen': the holder opts in to a notice of each disclosure of their data to someone else
(e-mail at once or once a day, and the list on this page), or stops them."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language

from diplomaregister.notices import services as notices
from diplomaregister.portal_holder import disclosure_log as log_page
from diplomaregister.portal_holder.forms import NoticeForm
from diplomaregister.portal_holder.views import holder_view
from diplomaregister.verstrekking.engine import numbers_of


@holder_view
def notice_settings(request: HttpRequest, pgn: str) -> HttpResponse:
    language = "en" if (get_language() or "nl").startswith("en") else "nl"
    user: Any = request.user  # logged in (holder_view)
    pref = notices.preference_of(user)
    initial = {"email": pref.email, "frequency": pref.frequency} if pref else {}
    form = NoticeForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if request.POST.get("action") == "stop":
            notices.opt_out(user)
            return redirect("holder_portal:notices")
        if form.is_valid():
            notices.opt_in(user, numbers_of(pgn), email=form.cleaned_data["email"],
                           frequency=form.cleaned_data["frequency"], language=language)  # fmt: skip
            return redirect("holder_portal:notices")
    items = notices.notices_of(user)
    rows = log_page.rows([n.entry for n in items], language)
    return render(request, "portal_holder/notices.html", {
        "form": form, "pref": pref, "items": list(zip(items, rows, strict=True)),
    })  # fmt: skip
