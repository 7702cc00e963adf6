"""Change feeds: new and changed documents for a subscription, in version order, projected through
the disclosure engine's rules for the subscription's basis, one log row per person disclosed.

The cursor is the last DiplomaVersion id served (opaque to clients). Delivery is at-least-once: a
page is never skipped, a recipient may see an item again after a retry. Version ids are allocated
before commit, so a page only reaches versions recorded at least ``SETTLE`` ago: a longer-running
transaction holding a lower id has committed by then (chunks commit within seconds).
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from diplomaregister.abonnementen.models import Subscription
from diplomaregister.core import clock
from diplomaregister.logboek.services import log_disclosure, new_trace_id
from diplomaregister.register.models import DiplomaVersion, Person
from diplomaregister.register.selectors import DiplomaState, identity
from diplomaregister.verstrekking import projection
from diplomaregister.verstrekking.engine import PERSON_LEVEL, Requester, _basis
from diplomaregister.verstrekking.pseudonyms import pseudonym

SETTLE = dt.timedelta(seconds=60)
CHANGE = {"new": "new", "correction": "correction", "withdrawal": "withdrawal"}


@dataclass
class Page:
    items: list[dict[str, Any]]
    cursor: str  # resume from here
    trace_id: str


def encode(position: int) -> str:
    return base64.urlsafe_b64encode(f"v1:{position}".encode()).decode()


def decode(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        prefix, _, number = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if prefix != "v1":
            raise ValueError
        return int(number)
    except ValueError as exc:
        raise ValueError("Invalid cursor.") from exc


def requester_for(subscription: Subscription) -> Requester:
    org = subscription.organisation
    return Requester(kind="organisation", organisation=org, label=org.name)


def _item(
    version: DiplomaVersion, fields: tuple[str, ...], person_values: dict[str, Any]
) -> dict[str, Any]:
    state = DiplomaState(version.diploma, version, (version,))
    record = projection.project(projection.diploma_values(state), fields)
    return {
        "change": CHANGE.get(version.change, version.change),
        "person": person_values,
        "document": record,
    }


def page(
    subscription: Subscription, cursor: str | None, limit: int = 100, *, channel: str = "feed"
) -> Page:
    requester = requester_for(subscription)
    rule = _basis(requester, subscription.basis, channel)
    after = decode(cursor)
    horizon = clock.now() - SETTLE
    versions = list(
        DiplomaVersion.objects.filter(pk__gt=after, recorded_at__lte=horizon)
        .select_related("diploma__organisation", "programme", "person")
        .prefetch_related("grades")
        .order_by("pk")[:limit]
    )
    diploma_fields = tuple(f for f in rule.fields if f not in PERSON_LEVEL)
    person_fields = tuple(
        f for f in rule.fields if f in PERSON_LEVEL and f != "ho_document_since_1996"
    )
    trace = new_trace_id()
    people: dict[int, dict[str, Any]] = {}
    persons: dict[int, Person] = {}
    for version in versions:
        if version.person_id not in people:
            person = version.person
            values = projection.project(
                projection.person_values(person, identity(person)), person_fields
            )
            if rule.pseudonymised:
                values["pseudonym"] = pseudonym(subscription.organisation.code, person.pgn)
            people[version.person_id], persons[version.person_id] = values, person
    items = [_item(v, diploma_fields, people[v.person_id]) for v in versions]
    with transaction.atomic():
        for person_id, person in persons.items():
            count = sum(1 for v in versions if v.person_id == person_id)
            log_disclosure(trace_id=trace, basis=subscription.basis, requester=requester, subject=person,
                           fields=sorted(set(diploma_fields) | set(people[person_id]) - {"pseudonym"}),
                           channel=channel, outcome="disclosed", record_count=count)  # fmt: skip
    position = versions[-1].pk if versions else after
    return Page(items, encode(position), trace)
