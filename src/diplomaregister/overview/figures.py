"""The operator's figures: deliveries and disclosures per day and per legal basis, institutions
below the 98 % on-time target, and the state of the disclosure log's hash chains. Counts only."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.db.models import Count, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from diplomaregister.core import clock, metrics
from diplomaregister.levering.models import Delivery
from diplomaregister.levering.terms import term_report
from diplomaregister.logboek.models import LogEntry
from diplomaregister.organisations.models import Organisation

DAYS = 14


def _since(days: int) -> dt.datetime:
    first = clock.today() - dt.timedelta(days=days - 1)
    return timezone.make_aware(dt.datetime.combine(first, dt.time()))


def days(count: int = DAYS) -> list[dt.date]:
    first = clock.today() - dt.timedelta(days=count - 1)
    return [first + dt.timedelta(days=i) for i in range(count)]


def deliveries_per_day(count: int = DAYS) -> dict[dt.date, tuple[int, int]]:
    """Per day: deliveries and records in them."""
    rows = (
        Delivery.objects.filter(received_at__gte=_since(count))
        .annotate(day=TruncDate("received_at"))
        .values_list("day")
        .annotate(
            n=Count("id"),
            total=Sum("created")
            + Sum("corrected")
            + Sum("unchanged")
            + Sum("withdrawn")
            + Sum("rejected"),
        )  # fmt: skip
        .order_by()
    )
    return {day: (n, total or 0) for day, n, total in rows}


def disclosures_per_day(count: int = DAYS) -> tuple[dict[dt.date, int], Counter[str]]:
    """Per day: log rows (disclosed and refused); per basis over the same days."""
    rows = (
        LogEntry.objects.filter(occurred_at__gte=_since(count))
        .annotate(day=TruncDate("occurred_at"))
        .values_list("day", "basis")
        .annotate(n=Count("id"))
        .order_by()
    )
    per_day: Counter[dt.date] = Counter()
    per_basis: Counter[str] = Counter()
    for day, basis, n in rows:
        per_day[day] += n
        per_basis[basis] += n
    return dict(per_day), per_basis


def late_institutions(year: int | None = None) -> list[dict[str, Any]]:
    """Organisations below the on-time target in ``year`` (default: this year), worst first."""
    reports = [r for r in term_report(year=year or clock.today().year) if not r.meets_target]
    names = dict(
        Organisation.objects.filter(code__in=[r.organisation for r in reports]).values_list(
            "code", "name"
        )
    )
    return [
        {"code": r.organisation, "name": names.get(r.organisation, r.organisation),
         "total": r.total, "on_time": r.on_time, "share": r.share, "late": len(r.late)}
        for r in sorted(reports, key=lambda r: r.share)
    ]  # fmt: skip


def chain() -> dict[str, Any]:
    """The incremental verification of the log's hash chains (the same as ``/metrics``)."""
    status = metrics.chain_status()
    at = status.get("verified_at") or 0
    return {**status, "verified_at": dt.datetime.fromtimestamp(at, tz=dt.UTC) if at else None}
