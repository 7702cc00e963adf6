"""Legal-term monitoring (leveringstermijnen): was each document received within the term of its
sector (law/legal_terms.yaml: VO 2 weeks, HO 2 months, others assumed) after its date of issue?"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from diplomaregister.law.loaders import legal_terms, on_time_target
from diplomaregister.register.models import DiplomaVersion

DEFAULT_TERM_DAYS = 14  # a sector without its own term in law/legal_terms.yaml: the VO term


def term_days(sector: str, terms: dict[str, Any] | None = None) -> int:
    terms = legal_terms() if terms is None else terms
    return terms[sector].days if sector in terms else DEFAULT_TERM_DAYS


def days_late(issued: dt.date, recorded: dt.datetime) -> int:
    """Days between the date of issue and the register's first receipt (local calendar days)."""
    return (timezone.localdate(recorded) - issued).days


@dataclass
class OnTimeShare:
    """How many of ``total`` first receipts came within their sector's term."""

    total: int = 0
    on_time: int = 0

    @property
    def share(self) -> float:
        return self.on_time / self.total if self.total else 1.0

    @property
    def meets_target(self) -> bool:
        return self.share >= on_time_target()


@dataclass
class TermReport(OnTimeShare):
    organisation: str = ""
    late: list[dict[str, object]] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {"organisation": self.organisation, "total": self.total, "on_time": self.on_time,
                "share_on_time": round(self.share, 4), "target": on_time_target(),
                "meets_target": self.meets_target, "late": self.late}  # fmt: skip


def term_report(organisation: str | None = None, year: int | None = None) -> list[TermReport]:
    """Per organisation: first receipt (version 1) against date of issue plus the sector's term."""
    terms = legal_terms()
    rows = DiplomaVersion.objects.filter(version=1)
    if organisation:
        rows = rows.filter(diploma__organisation__code=organisation)
    if year:
        rows = rows.filter(date_of_issue__year=year)
    reports: dict[str, TermReport] = defaultdict(TermReport)
    values = rows.order_by("diploma__organisation__code", "date_of_issue").values_list(
        "diploma__organisation__code",
        "diploma__record_key",
        "sector",
        "date_of_issue",
        "recorded_at",
    )
    for code, record_key, sector, issued, recorded in values.iterator(chunk_size=5000):
        report = reports[code]
        report.organisation = code
        report.total += 1
        days, term = days_late(issued, recorded), term_days(sector, terms)
        if days <= term:
            report.on_time += 1
        else:
            report.late.append({"record_key": record_key, "date_of_issue": issued.isoformat(),
                                "received": timezone.localdate(recorded).isoformat(), "days": days,
                                "term_days": term})  # fmt: skip
    return list(reports.values())
