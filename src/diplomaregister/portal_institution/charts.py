"""The dashboard's charts (server-side SVG, ``core.charts``) and the tables beside them."""

from __future__ import annotations

from typing import Any

from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from diplomaregister.core.charts import Bar, bar_chart
from diplomaregister.law.loaders import on_time_target, sectors
from diplomaregister.organisations.models import Organisation
from diplomaregister.portal_institution import dashboard
from diplomaregister.portal_institution.models import CorrectionRequest


def _pct(share: float) -> str:
    return f"{formats.number_format(share * 100, 1)} %"


def dashboard_context(org: Organisation) -> dict[str, Any]:
    weeks = dashboard.weeks(org)
    rules = dashboard.rejection_rules(org)
    timely = dashboard.timeliness(org)
    corrections = dashboard.corrections(org)
    target = on_time_target()
    names = sectors()
    words = dict(CorrectionRequest.STATUSES)

    def sector_name(code: str) -> str:
        english = (get_language() or "nl").startswith("en")
        return str(names.get(code, {}).get("name_en" if english else "name_nl", code))

    return {
        "totals": dashboard.totals(org),
        "weeks": weeks,
        "weeks_chart": bar_chart(
            [Bar(formats.date_format(w.start, "j M"), w.records) for w in weeks],
            title=_("Records delivered per week (last 12 weeks)"),
        ),
        "rules": rules,
        "rules_chart": bar_chart(
            [Bar(rule, n) for rule, n in rules],
            title=_("Rules broken most often by rejected records"),
        ),  # fmt: skip
        "timely": [(t, sector_name(t.sector), _pct(t.share)) for t in timely],
        "timely_chart": bar_chart(
            [
                Bar(f"{sector_name(t.sector)} {t.year}", t.share * 100, _pct(t.share))
                for t in timely
            ],
            title=_("Documents delivered within the legal term, per sector and year"),
            maximum=100,
            target=target * 100,
            target_label=_("target %(target)s") % {"target": _pct(target)},
        ),  # fmt: skip
        "target": _pct(target),
        "corrections": [(words[s], n) for s, n in corrections.items()],
        "corrections_chart": bar_chart(
            [Bar(str(words[s]), n) for s, n in corrections.items()],
            title=_("Correction requests by status"),
        ),  # fmt: skip
        "open_corrections": corrections.get("open", 0) + corrections.get("in_behandeling", 0),
    }


dashboard = dashboard  # noqa: PLW0127  (the figures module, for callers that want the numbers)
