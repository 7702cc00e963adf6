"""Bitemporal reads: "what is true on date D, as the register knew it at time T".

Version rows are only inserted. The state of a record for valid date ``D`` as known at ``T`` is the
version with the highest version number among those recorded at or before ``T`` whose valid interval
``[valid_from, valid_to)`` contains ``D``. Version numbers grow with ``recorded_at`` within a record,
so "highest version" equals "last learned". ``D`` defaults to today and ``T`` to now: that is "now".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Protocol, TypeVar

from django.db import models
from django.db.models import Max, OuterRef, Q, Subquery

from diplomaregister.core import clock


class Versioned(Protocol):
    version: int
    valid_from: dt.date
    valid_to: dt.date | None
    recorded_at: dt.datetime


V = TypeVar("V", bound=Versioned)


def _moment(valid_on: dt.date | None, known_on: dt.datetime | None) -> tuple[dt.date, dt.datetime]:
    return (valid_on or clock.today(), known_on or clock.now())


def applies(version: Versioned, valid_on: dt.date, known_on: dt.datetime) -> bool:
    return (
        version.recorded_at <= known_on
        and version.valid_from <= valid_on
        and (version.valid_to is None or valid_on < version.valid_to)
    )


def resolve(
    versions: Iterable[V], *, valid_on: dt.date | None = None, known_on: dt.datetime | None = None
) -> V | None:
    """The version in force for ``valid_on`` as known at ``known_on`` (both default to now)."""
    day, moment = _moment(valid_on, known_on)
    candidates = [v for v in versions if applies(v, day, moment)]
    return max(candidates, key=lambda v: v.version, default=None)


def as_of_filter(
    prefix: str = "", *, valid_on: dt.date | None = None, known_on: dt.datetime | None = None
) -> Q:
    day, moment = _moment(valid_on, known_on)
    return Q(**{f"{prefix}recorded_at__lte": moment, f"{prefix}valid_from__lte": day}) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gt": day})
    )


def in_force(
    queryset: models.QuerySet,
    parent_field: str,
    *,
    valid_on: dt.date | None = None,
    known_on: dt.datetime | None = None,
) -> models.QuerySet:
    """SQL form of :func:`resolve` for many records at once: one version row per parent record."""
    condition = as_of_filter(valid_on=valid_on, known_on=known_on)
    latest = (
        queryset.model.objects.filter(condition, **{parent_field: OuterRef(parent_field)})
        .values(parent_field)
        .annotate(top=Max("version"))
        .values("top")
    )
    return queryset.filter(condition).filter(version=Subquery(latest[:1]))
