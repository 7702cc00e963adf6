"""Counts instead of persons where a basis asks for aggregates (mode ``aggregate``): current valid
documents per sector / kind / year, cells below the basis's ``suppress_below`` (10) suppressed."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Count
from django.db.models.functions import ExtractYear

from diplomaregister.logboek.services import log_disclosure, new_trace_id
from diplomaregister.register.history import in_force
from diplomaregister.register.models import DiplomaStatus, DiplomaVersion
from diplomaregister.verstrekking.engine import BasisNotAllowed, Requester, _basis

DIMENSIONS = {"sector": "sector", "kind": "kind", "year": "year"}


def aggregate(*, requester: Requester, basis: str, group_by: list[str]) -> dict[str, Any]:
    trace = new_trace_id()
    try:
        rule = _basis(requester, basis, "aggregate")
        unknown = [
            g for g in group_by if g not in DIMENSIONS or (g != "year" and g not in rule.fields)
        ]
        if unknown:
            raise BasisNotAllowed(
                f"{rule.article} does not allow grouping by {', '.join(unknown)}."
            )
    except BasisNotAllowed as error:
        log_disclosure(trace_id=trace, basis=basis, requester=requester, subject=None, fields=[],
                       channel="aggregate", outcome="refused", reason=str(error))  # fmt: skip
        raise
    threshold = rule.suppress_below or 10
    current = in_force(DiplomaVersion.objects.all(), "diploma").filter(status=DiplomaStatus.VALID)
    rows = (
        current.annotate(year=ExtractYear("date_of_issue"))
        .values(*group_by)
        .annotate(count=Count("id"))
        .order_by(*group_by)
    )
    cells = []
    for row in rows:
        count = row.pop("count")
        cells.append({**row, "count": count if count >= threshold else None,
                      "suppressed": count < threshold})  # fmt: skip
    with transaction.atomic():
        log_disclosure(trace_id=trace, basis=basis, requester=requester, subject=None,
                       fields=[f"count_by_{g}" for g in group_by], channel="aggregate",
                       outcome="disclosed", record_count=len(cells))  # fmt: skip
    return {"trace_id": trace, "basis": basis, "suppress_below": threshold, "cells": cells}
