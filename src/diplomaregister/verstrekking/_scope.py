"""Private to the engine: binding (who may use a basis, by which mode) and scope (whom and which
documents a basis reaches for this requester), read from law/legal_bases.yaml.

Scope answers for one person are computed from a fixed set of probes that run whatever the basis,
the binding and whether the person exists, so a refusal costs the same in every case (no timing
oracle).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import router
from django.db.models import Q, QuerySet

from diplomaregister.core import rawread
from diplomaregister.law.loaders import LegalBasis, legal_bases, organisation_kinds
from diplomaregister.organisations.models import Organisation
from diplomaregister.register.models import Diploma, Enrolment, Person
from diplomaregister.register.selectors import DiplomaState
from diplomaregister.verstrekking.models import Application

CHANNEL_MODES = {
    "feed": "subscription",
    "webhook": "subscription",
    "export": "bulk_export",
    "aggregate": "aggregate",
}
STREAM_SCOPES = ("all", "own_students", "awarded_by_self", "application")


class Refusal(Exception):
    """Internal reason of a refusal; channels only ever see the engine's uniform NotDisclosed."""

    def __init__(self, kind: str, reason: str) -> None:
        super().__init__(reason)
        self.kind = kind  # "basis" | "scope"
        self.reason = reason


def mode_of(channel: str) -> str:
    return CHANNEL_MODES.get(channel, "request")


def binding(requester: Any, code: str, mode: str) -> LegalBasis:
    """The basis if this requester is one of its recipients and may use it by ``mode``."""
    basis = legal_bases().get(code)
    if basis is None:
        raise Refusal("basis", "Unknown legal basis.")
    if requester.recipient_kind not in basis.recipient_kinds:
        raise Refusal("basis", f"This requester is not a recipient under {basis.article}.")
    if requester.kind == "organisation" and requester.organisation is None:
        raise Refusal("basis", "An organisation requester needs its organisation.")
    if mode not in basis.modes:
        raise Refusal("basis", f"{basis.article} does not allow disclosure by {mode}.")
    if mode in ("subscription", "bulk_export") and basis.scope_for(mode) not in STREAM_SCOPES:
        raise Refusal("basis", f"{basis.article} names its documents; it has no stream.")
    return basis


def scope_organisations(organisation: Organisation | None) -> set[int]:
    """An institution, or a bestuur with its instellingen ("hoofd en bestuur", art. 53)."""
    if organisation is None:
        return set()
    ids = {organisation.pk}
    if organisation.kind == "bestuur":
        ids |= set(Organisation.objects.filter(bestuur=organisation).values_list("pk", flat=True))
    return ids


@dataclass(frozen=True)
class Probe:
    """What the scope rules need to know of one person for one requester."""

    own: frozenset[int]
    enrolled: bool
    awarded: bool
    applied: bool


NO_FACTS = Probe(frozenset(), False, False, False)  # a requester without an organisation


def probe(requester: Any, code: str, number: str, key: int | None) -> tuple[int | None, Probe]:
    """The person's key (``key`` when the caller holds the person, else looked up by ``number``,
    following a merge) and what the scope rules need to know, as ONE statement that is the same for
    every look-up of one requester: enrolled at / awarded by the requester, and an open application
    of the requester under this basis (in the same statement when its table lives in the same
    database, else a second one). A requester without an organisation (holder, public) has none of
    the three, whoever the person is: only the key is read, and nothing when the caller holds the
    person (its key is ``key``)."""
    own = scope_organisations(requester.organisation)
    if not own and key is not None:  # nothing to ask the database: the key is the caller's
        return key, NO_FACTS
    db = router.db_for_read(Enrolment) or "default"
    person = Person._meta.db_table
    params: list[Any]
    if key is None:
        subject, params = (
            f"SELECT COALESCE(merged_into_id, id) AS key FROM {person} WHERE pgn = %s",  # noqa: S608
            [number],
        )
    else:
        subject, params = "SELECT %s AS key", [key]
    # prepared on PostgreSQL (rawread.fetch_sets): the same few shapes, thousands of times a second
    if not own:
        sql = f"SELECT (SELECT key FROM ({subject}) pe)"  # noqa: S608
        return rawread.fetch_row(db, sql, params)[0], NO_FACTS
    ids = sorted(own)
    marks = ", ".join(["%s"] * len(ids))
    # table names from the models, values bound
    parts = [
        f"EXISTS (SELECT 1 FROM {Enrolment._meta.db_table} WHERE person_id ="  # noqa: S608
        f" (SELECT key FROM pe) AND organisation_id IN ({marks}))",
        f"EXISTS (SELECT 1 FROM {Diploma._meta.db_table} WHERE person_id ="  # noqa: S608
        f" (SELECT key FROM pe) AND organisation_id IN ({marks}))",
    ]
    values: list[Any] = [*params, *ids, *ids]
    application = (
        f"EXISTS (SELECT 1 FROM {Application._meta.db_table} WHERE organisation_id"  # noqa: S608
        f" IN ({marks})"
        " AND basis = %s AND pgn = %s AND closed_at IS NULL)"
    )
    application_db = router.db_for_read(Application) or "default"
    if application_db == db:
        parts.append(application)
        values += [*ids, code[:32], number[:9]]
    sql = f"WITH pe AS ({subject}) SELECT (SELECT key FROM pe), {', '.join(parts)}"  # noqa: S608
    row = rawread.fetch_row(db, sql, values)
    if application_db != db:
        sql = f"SELECT {application}"  # noqa: S608
        row = (*row, *rawread.fetch_row(application_db, sql, [*ids, code[:32], number[:9]]))
    return row[0], Probe(frozenset(own), bool(row[1]), bool(row[2]), bool(row[3]))


def check_person(scope: str, facts: Probe, diploma_ids: list[int] | None) -> None:
    """Raise Refusal("scope") when the person lies outside the basis for this requester."""
    if scope in ("share", "extract") and diploma_ids is None:
        raise Refusal("scope", "A share link or extract names its documents.")
    if scope == "own_students" and not facts.enrolled:
        # art. 53 lid 1, art. 27: "is of was ingeschreven aan die onderwijsinstelling"
        raise Refusal("scope", "The person is not and was not enrolled at this institution.")
    if scope == "awarded_by_self" and not facts.awarded:
        # art. 53 lid 2, art. 54 lid 1: "een waardedocument heeft behaald bij die onderwijsinstelling"
        raise Refusal("scope", "The person holds no document awarded by this organisation.")
    if scope == "application" and not facts.applied:
        raise Refusal("scope", "No open application of this recipient for the person.")


def documents_in_scope(scope: str, own: frozenset[int], states: list[DiplomaState],
                       diploma_ids: list[int] | None) -> list[DiplomaState]:  # fmt: skip
    if scope in ("own_students", "awarded_by_self"):
        # art. 53 lid 1: "voor zover die diplomagegevens betrekking hebben op aan die
        # onderwijsinstelling gevolgd onderwijs"; lid 2: "door die onderwijsinstelling afgegeven"
        states = [s for s in states if s.diploma.organisation_id in own]
    if diploma_ids is not None:
        chosen = set(diploma_ids)
        states = [s for s in states if s.diploma.pk in chosen]
    return states


def persons_in_scope(scope: str, requester: Any, code: str) -> Q:
    """The same scope as a filter on Person, for feeds and exports."""
    if scope == "all":
        return Q()
    own = scope_organisations(requester.organisation)
    if scope == "own_students":
        return Q(pk__in=Enrolment.objects.filter(organisation_id__in=own).values("person_id"))
    if scope == "awarded_by_self":
        return Q(pk__in=Diploma.objects.filter(organisation_id__in=own).values("person_id"))
    if scope == "application":
        open_ = Application.objects.filter(
            organisation_id__in=own, basis=code, closed_at__isnull=True
        )
        return Q(pgn__in=open_.values("pgn"))
    raise Refusal("basis", "This basis has no stream.")


def stream_documents(scope: str, requester: Any, versions: QuerySet) -> QuerySet:
    """Restrict document versions of a stream to the documents the scope reaches."""
    if scope in ("own_students", "awarded_by_self"):
        return versions.filter(
            diploma__organisation_id__in=scope_organisations(requester.organisation)
        )
    return versions


def laws_of(person: Person) -> set[str]:
    """The education laws of the institutions the person is or was enrolled at (art. 24)."""
    kinds = organisation_kinds()
    return {
        kinds[k].law
        for k in Enrolment.objects.filter(person=person).values_list(
            "organisation__kind", flat=True
        )
        if k in kinds and kinds[k].law
    }


def fields_for(
    basis: LegalBasis, requested: tuple[str, ...] | None, laws: set[str] | None
) -> tuple[str, ...]:
    """The basis's fields, cut to what the channel asked for and, for art. 24, to the laws."""
    fields = basis.fields if requested is None else tuple(f for f in basis.fields if f in requested)
    if basis.field_laws:  # unknown laws (streams): the law-bound fields are not given
        laws = laws or set()
        fields = tuple(
            f for f in fields if f not in basis.field_laws or set(basis.field_laws[f]) & laws
        )
    return fields
