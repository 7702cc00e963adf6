"""Operator overview (``/beheer/overzicht/``): staff of the operator admin only (password and
TOTP, ``core.admin_otp``). Charts drawn on the server (``core.charts``), with tables beside them."""

from __future__ import annotations

import datetime as dt

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from diplomaregister.core.charts import Bar, bar_chart
from diplomaregister.law.loaders import legal_bases, on_time_target
from diplomaregister.overview import figures


@never_cache
def overview(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect(f"/admin/login/?next={request.path}")
    if not admin.site.has_permission(request):  # staff, active and verified by a TOTP device
        raise PermissionDenied
    english = (get_language() or "nl").startswith("en")
    days = figures.days()
    deliveries = figures.deliveries_per_day()
    per_day, per_basis = figures.disclosures_per_day()
    bases = legal_bases()

    def article(code: str) -> str:
        rule = bases.get(code)
        return rule.article if rule else ""

    def day(d: dt.date) -> str:
        return formats.date_format(d, "j M")

    table = [(d, *deliveries.get(d, (0, 0)), per_day.get(d, 0)) for d in days]
    late = figures.late_institutions()
    return render(request, "overview/overview.html", {
        "table": table,
        "deliveries_chart": bar_chart([Bar(day(d), r) for d, _n, r, _l in table],
                                      title=_("Records delivered per day (last 14 days)")),
        "disclosures_chart": bar_chart([Bar(day(d), n) for d, _n, _r, n in table],
                                       title=_("Disclosures per day (last 14 days)")),
        "bases": [(article(c), c, n) for c, n in per_basis.most_common()],
        "bases_chart": bar_chart([Bar(c, n) for c, n in per_basis.most_common(12)],
                                 title=_("Disclosures per legal basis (last 14 days)")),
        "late": late,
        "late_chart": bar_chart(
            [Bar(r["code"], r["share"] * 100, f"{formats.number_format(r['share'] * 100, 1)} %")
             for r in late[:12]],
            title=_("Institutions below the on-time target this year"), maximum=100,
            target=on_time_target() * 100, target_label=_("target"),
        ),
        "chain": figures.chain(), "english": english,
    })  # fmt: skip
