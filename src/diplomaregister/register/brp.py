"""Identity from its source: mutations of the Basisregistratie Personen (BRP) for persons with a
BSN (art. 15 identifying data; art. 4 lid 1). Each mutation is a new PersonVersion with its own valid
time (``valid_from``: when the change took effect in the world) and transaction time (when the
register learned it); earlier versions stay. Institutions never overwrite these data
(``decide.decide_identity``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from diplomaregister.core import clock
from diplomaregister.core.pgn import InvalidPgn, PgnType, parse_pgn
from diplomaregister.register.errors import Violation
from diplomaregister.register.models import IDENTITY_COLUMNS, Change, Person, PersonVersion

KINDS = {
    # kind -> (fields it carries, change recorded)
    "name": (("family_name", "given_names"), Change.CORRECTION),
    "gender": (("gender",), Change.CORRECTION),
    "birth_date": (("birth_date",), Change.CORRECTION),
    "death": (("death_date",), Change.DEATH),
    "emigration": (("emigration_date",), Change.CORRECTION),
}
GENDERS = ("M", "V", "X")


@dataclass
class MutationResult:
    index: int
    outcome: str  # applied | unchanged | unknown | rejected
    violations: list[Violation]

    def as_dict(self) -> dict[str, Any]:
        return {"index": self.index, "outcome": self.outcome,
                "violations": [v.as_dict() for v in self.violations]}  # fmt: skip


def _date(
    raw: dict[str, Any], name: str, problems: list[Violation], today: dt.date
) -> dt.date | None:
    value = raw.get(name)
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        problems.append(Violation(name, "type", f"{name} must be a text date YYYY-MM-DD."))
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        problems.append(Violation(name, "date.format", "Use an ISO date: YYYY-MM-DD."))
        return None
    if day > today:
        problems.append(Violation(name, "date.future", f"{name} lies in the future."))
    return day


def parse(raw: Any, today: dt.date) -> tuple[dict[str, Any], list[Violation]]:
    """Check one mutation: {bsn, kind, valid_from, <the fields of its kind>}."""
    if not isinstance(raw, dict):
        return {}, [Violation("mutation", "type", "A mutation is a JSON object.")]
    problems: list[Violation] = []
    kind = raw.get("kind")
    if kind not in KINDS:
        problems.append(Violation("kind", "choice", f"kind must be one of {', '.join(KINDS)}."))
        return {}, problems
    allowed = {"bsn", "kind", "valid_from", *KINDS[kind][0]}
    for name in sorted(set(raw) - allowed):
        problems.append(Violation(name, "field.unknown", f"A {kind} mutation has no field {name}."))
    try:
        number = parse_pgn(str(raw.get("bsn", "")), PgnType.BSN).number
    except InvalidPgn as exc:
        problems.append(Violation("bsn", exc.rule, exc.message))
        number = ""
    valid_from = _date(raw, "valid_from", problems, today)
    if valid_from is None and not any(v.field == "valid_from" for v in problems):
        problems.append(Violation("valid_from", "required", "When the change took effect."))
    values: dict[str, Any] = {}
    for name in KINDS[kind][0]:
        if name.endswith("_date"):
            values[name] = _date(raw, name, problems, today)
            if values[name] is None and not any(v.field == name for v in problems):
                problems.append(Violation(name, "required", f"{name} is required."))
            continue
        value = raw.get(name, "")
        if not isinstance(value, str):
            problems.append(Violation(name, "type", f"{name} must be text."))
        elif name == "family_name" and not value.strip():
            problems.append(Violation(name, "required", "Geslachtsnaam is required."))
        elif len(value) > 200:
            problems.append(Violation(name, "length", f"{name} has at most 200 characters."))
        elif name == "gender" and value not in GENDERS:
            problems.append(Violation(name, "choice", "Gender must be one of M, V, X."))
        values[name] = value.strip() if isinstance(value, str) else value
    return {"bsn": number, "kind": kind, "valid_from": valid_from, "values": values}, problems


@transaction.atomic
def apply(raw: Any, index: int = 0, *, recorded_at: dt.datetime | None = None,
          source: str = "brp") -> MutationResult:  # fmt: skip
    recorded_at = recorded_at or clock.now()
    mutation, problems = parse(raw, recorded_at.date())
    if problems:
        return MutationResult(index, "rejected", problems)
    person = Person.objects.select_for_update().filter(pgn=mutation["bsn"]).first()
    if person is not None and person.merged_into_id:
        person = person.merged_into
    if person is None:
        return MutationResult(index, "unknown", [])  # not (yet) an onderwijsdeelnemer
    latest = max(person.versions.all(), key=lambda v: v.version, default=None)
    values = mutation["values"]
    if latest is not None and all(getattr(latest, k) == v for k, v in values.items()):
        return MutationResult(index, "unchanged", [])
    base = {f: getattr(latest, f) for f in IDENTITY_COLUMNS} if latest else {}
    change = KINDS[mutation["kind"]][1]
    # A birth-date correction changes the whole story (versions are valid from the birth date).
    valid_from = values.get("birth_date") or mutation["valid_from"]
    PersonVersion.objects.create(
        person=person, version=(latest.version + 1) if latest else 1, valid_from=valid_from,
        recorded_at=recorded_at, change=change, source=source, **{**base, **values},
    )  # fmt: skip
    return MutationResult(index, "applied", [])
