"""The institution's dashboard figures: deliveries per week, the rules records were rejected for,
timeliness against the 98 % target per sector and year, open correction requests. Only counts of
the institution's own deliveries; no personal data.

Timeliness follows ``levering.terms`` (first receipt of a document, version 1, against its date
of issue plus the sector's legal term), grouped here per sector and year of issue.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Count, Sum
from django.utils import timezone

from diplomaregister.core import clock
from diplomaregister.law.loaders import legal_terms
from diplomaregister.levering.models import Delivery, DeliveryRecord
from diplomaregister.levering.terms import OnTimeShare, days_late, term_days
from diplomaregister.organisations.models import Organisation
from diplomaregister.portal_institution.models import CorrectionRequest
from diplomaregister.register.models import DiplomaVersion

WEEKS = 12
REJECTIONS_SEEN = 20_000  # newest rejected records read for the rule chart


@dataclass(frozen=True)
class Week:
    start: dt.date
    deliveries: int
    records: int


@dataclass
class Timeliness(OnTimeShare):
    """First receipts of one sector and year against their legal term (levering.terms)."""

    sector: str = ""
    year: int = 0


def weeks(org: Organisation, count: int = WEEKS) -> list[Week]:
    today = clock.today()
    first = today - dt.timedelta(days=today.weekday(), weeks=count - 1)
    since = timezone.make_aware(dt.datetime.combine(first, dt.time()))
    rows = Delivery.objects.filter(organisation=org, received_at__gte=since).values_list(
        "received_at", "created", "corrected", "unchanged", "withdrawn", "rejected"
    )
    deliveries: Counter[dt.date] = Counter()
    records: Counter[dt.date] = Counter()
    for received, *counts in rows:
        day = timezone.localdate(received)
        start = day - dt.timedelta(days=day.weekday())
        deliveries[start] += 1
        records[start] += sum(counts)
    starts = [first + dt.timedelta(weeks=i) for i in range(count)]
    return [Week(s, deliveries[s], records[s]) for s in starts]


def rejection_rules(org: Organisation, limit: int = 10) -> list[tuple[str, int]]:
    """The rules broken most often by the newest rejected records."""
    rows = (
        DeliveryRecord.objects.filter(delivery__organisation=org, outcome="rejected")
        .order_by("-id")
        .values_list("violations", flat=True)[:REJECTIONS_SEEN]
    )
    rules: Counter[str] = Counter()
    for violations in rows:
        for rule in {v.get("rule", "") for v in violations or [] if isinstance(v, dict)}:
            rules[rule] += 1
    return rules.most_common(limit)


def timeliness(org: Organisation, years: int = 3) -> list[Timeliness]:
    terms = legal_terms()
    since = dt.date(clock.today().year - years + 1, 1, 1)
    rows = DiplomaVersion.objects.filter(
        version=1, diploma__organisation=org, date_of_issue__gte=since
    ).values_list("sector", "date_of_issue", "recorded_at")
    totals: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0])
    for sector, issued, recorded in rows.iterator(chunk_size=5000):
        cell = totals[(sector, issued.year)]
        cell[0] += 1
        if days_late(issued, recorded) <= term_days(sector, terms):
            cell[1] += 1
    order = list(terms)
    return [
        Timeliness(total=total, on_time=on_time, sector=sector, year=year)
        for (sector, year), (total, on_time) in sorted(
            totals.items(),
            key=lambda kv: (order.index(kv[0][0]) if kv[0][0] in order else 99, -kv[0][1]),
        )
    ]


def corrections(org: Organisation) -> dict[str, int]:
    rows = (
        CorrectionRequest.objects.filter(organisation=org)
        .values_list("status")
        .annotate(n=Count("id"))
    )
    counts = {status: 0 for status, _label in CorrectionRequest.STATUSES}
    counts.update(dict(rows.order_by()))
    return counts


def totals(org: Organisation) -> dict[str, int]:
    agg = Delivery.objects.filter(organisation=org).aggregate(
        deliveries=Count("id"), created=Sum("created"), corrected=Sum("corrected"),
        rejected=Sum("rejected"),
    )  # fmt: skip
    return {k: v or 0 for k, v in agg.items()}
