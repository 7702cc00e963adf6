"""Private to the engine: aggregates for bases whose mode is ``aggregate`` (art. 47, art. 55).

Method: one fixed, published table per basis (``aggregate_table`` in law/legal_bases.yaml: counts of
current valid documents by sector, kind and year of issue) with primary suppression of cells below
``suppress_below``. A recipient cannot choose other group-bys, filters or margins, so no two answers
overlap in a way that lets a suppressed cell be computed by subtraction (differencing needs a
coarser table or a total beside the finer one; neither is published). Complementary suppression
within one table is not needed because the table carries no margins. Asking again only repeats the
table (or shows the register's own change over time, as any later publication would).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Count
from django.db.models.functions import ExtractYear

from diplomaregister.law.loaders import LegalBasis
from diplomaregister.logboek.services import log_disclosure
from diplomaregister.register.history import in_force
from diplomaregister.register.models import DiplomaStatus, DiplomaVersion

DEFAULT_THRESHOLD = 10


def table(rule: LegalBasis, requester: Any, trace: str) -> dict[str, Any]:
    dimensions = list(rule.aggregate_table)
    threshold = rule.suppress_below or DEFAULT_THRESHOLD
    current = in_force(DiplomaVersion.objects.all(), "diploma").filter(status=DiplomaStatus.VALID)
    rows = (
        current.annotate(year=ExtractYear("date_of_issue"))
        .values(*dimensions)
        .annotate(count=Count("id"))
        .order_by(*dimensions)
    )
    cells = []
    for row in rows:
        count = row.pop("count")
        cells.append({**row, "count": count if count >= threshold else None,
                      "suppressed": count < threshold})  # fmt: skip
    with transaction.atomic():
        log_disclosure(trace_id=trace, basis=rule.code, requester=requester, subject="",
                       fields=[*dimensions, "count"], channel="aggregate", outcome="disclosed",
                       record_count=len(cells))  # fmt: skip
    return {"trace_id": trace, "basis": rule.code, "table": dimensions,
            "suppress_below": threshold, "cells": cells}  # fmt: skip
