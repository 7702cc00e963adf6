"""The disclosure engine: every outgoing piece of register data passes here.

Input: who asks (:class:`Requester`), under which legal basis (a key of law/legal_bases.yaml), about
whom, through which channel. Output: only the fields the basis names (default deny), pseudonymised
where the basis says so, and one row in the disclosure log written in the same transaction as the
read: if the log row cannot be written, nothing is disclosed. A refusal is logged too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from diplomaregister.core import clock
from diplomaregister.law.loaders import LegalBasis, disclosure_outputs, legal_bases
from diplomaregister.logboek.services import log_disclosure, new_trace_id
from diplomaregister.organisations.models import Organisation
from diplomaregister.register.models import Enrolment, Person
from diplomaregister.register.selectors import DiplomaState, diplomas_of_person, identity
from diplomaregister.verstrekking import projection
from diplomaregister.verstrekking.pseudonyms import pseudonym

CHANNEL_MODES = {"feed": "subscription", "export": "bulk_export", "aggregate": "aggregate"}
PERSON_LEVEL = frozenset({"pgn", "family_name", "given_names", "gender", "birth_date", "death_date",
                          "ho_document_since_1996"})  # fmt: skip


@dataclass(frozen=True)
class Requester:
    kind: str  # "holder" | "public" | "organisation" | "supervisor"
    organisation: Organisation | None = None
    label: str = ""
    client_id: int | None = None
    user_id: int | None = None

    @property
    def recipient_kind(self) -> str:
        return (
            self.organisation.kind
            if self.kind == "organisation" and self.organisation
            else self.kind
        )


@dataclass
class Disclosure:
    records: list[dict[str, Any]]
    subject: dict[str, Any]
    basis: str
    trace_id: str
    log_entry: Any = None
    fields: list[str] = field(default_factory=list)


class BasisNotAllowed(PermissionDenied):
    """The requester is not a recipient of this basis, or not through this channel."""


class OutOfScope(PermissionDenied):
    """The person (or document) lies outside what the basis lets this requester see."""


def allowed_bases(requester: Requester, mode: str = "request") -> list[str]:
    return [
        code
        for code, basis in legal_bases().items()
        if requester.recipient_kind in basis.recipient_kinds and mode in basis.modes
    ]


def _basis(requester: Requester, code: str, channel: str) -> LegalBasis:
    basis = legal_bases().get(code)
    if basis is None:
        raise BasisNotAllowed(f"Unknown legal basis '{code}'.")
    if requester.recipient_kind not in basis.recipient_kinds:
        raise BasisNotAllowed(f"This requester is not a recipient under {basis.article}.")
    if requester.kind == "organisation" and requester.organisation is None:
        raise BasisNotAllowed("An organisation requester needs its organisation.")
    mode = CHANNEL_MODES.get(channel, "request")
    if mode not in basis.modes:
        raise BasisNotAllowed(f"{basis.article} does not allow disclosure by {mode}.")
    return basis


def authorise(
    requester: Requester, basis: str, channel: str, subject: Person | None = None
) -> LegalBasis:
    """Check binding and mode up front; a refusal is logged (call outside any transaction that may
    roll back, so the refusal row stays) and raised as BasisNotAllowed."""
    try:
        return _basis(requester, basis, channel)
    except BasisNotAllowed as error:
        _refuse(requester, basis, subject, channel, new_trace_id(), error)
        raise


def scope_organisations(organisation: Organisation) -> set[int]:
    """An institution, or a bestuur with its instellingen ("hoofd en bestuur", art. 53)."""
    ids = {organisation.pk}
    if organisation.kind == "bestuur":
        ids |= set(Organisation.objects.filter(bestuur=organisation).values_list("pk", flat=True))
    return ids


def _in_scope(
    basis: LegalBasis,
    requester: Requester,
    subject: Person,
    states: list[DiplomaState],
    diploma_ids: list[int] | None,
) -> list[DiplomaState]:
    """The documents this requester may see under the basis's scope (raises OutOfScope)."""
    if basis.scope in ("share", "extract") and diploma_ids is None:
        raise OutOfScope("A share link or extract names its documents.")
    if basis.scope in ("own_students", "awarded_by_self"):
        assert requester.organisation is not None
        own = scope_organisations(requester.organisation)
        # art. 53 lid 1 (and art. 27): enrolled now or before at the institution; only the
        # documents of education followed there.
        enrolled = Enrolment.objects.filter(person=subject, organisation_id__in=own).exists()
        if basis.scope == "own_students" and not enrolled:
            raise OutOfScope("The person is not and was not enrolled at this institution.")
        states = [s for s in states if s.diploma.organisation_id in own]
        if basis.scope == "awarded_by_self" and not states:
            # art. 53 lid 2, art. 54 lid 1: only documents the organisation awarded itself
            raise OutOfScope("The person holds no document awarded by this organisation.")
    if diploma_ids is not None:
        chosen = set(diploma_ids)
        states = [s for s in states if s.diploma.pk in chosen]
    return states


def _refuse(requester: Requester, code: str, subject: Person | None, channel: str, trace_id: str,
            error: PermissionDenied) -> None:  # fmt: skip
    with transaction.atomic():
        log_disclosure(trace_id=trace_id, basis=code, requester=requester, subject=subject, fields=[],
                       channel=channel, outcome="refused", reason=str(error))  # fmt: skip


def _subject_values(basis: LegalBasis, requester: Requester, person: Person,
                    states: list[DiplomaState]) -> dict[str, Any]:  # fmt: skip
    values = projection.person_values(person, identity(person))
    values.update(projection.derived_values(states, clock.today()))
    allowed = tuple(f for f in basis.fields if f in PERSON_LEVEL)
    subject = projection.project(values, allowed)
    if basis.pseudonymised:
        code = requester.organisation.code if requester.organisation else requester.kind
        subject["pseudonym"] = pseudonym(code, person.pgn)
    return subject


def disclose_diplomas(
    *,
    requester: Requester,
    basis: str,
    subject: Person,
    channel: str,
    trace_id: str | None = None,
    query: dict[str, Any] | None = None,
    diploma_ids: Iterable[int] | None = None,
) -> Disclosure:
    """The subject's documents as the basis allows them to this requester (now, as the register knows it)."""
    trace = trace_id or new_trace_id()
    ids = list(diploma_ids) if diploma_ids is not None else None
    if ids is None and query and isinstance(query.get("diplomas"), list):
        ids = [int(i) for i in query["diplomas"]]
    try:
        rule = _basis(requester, basis, channel)
        include_withdrawn = rule.scope in ("self", "extract", "share") or "status" in rule.fields
        states = diplomas_of_person(subject, include_withdrawn=include_withdrawn)
        states = _in_scope(rule, requester, subject, states, ids)
    except PermissionDenied as error:
        _refuse(requester, basis, subject, channel, trace, error)
        raise
    with transaction.atomic():
        diploma_fields = tuple(f for f in rule.fields if f not in PERSON_LEVEL)
        records = [projection.project(projection.diploma_values(s), diploma_fields) for s in states]
        records = [r for r in records if r]
        subject_out = _subject_values(rule, requester, subject, states)
        fields = sorted(
            {k for r in records for k in r} | {k for k in subject_out if k != "pseudonym"}
        )
        assert set(fields) <= set(rule.fields), "projection leaked a field"  # belt and braces
        entry = log_disclosure(trace_id=trace, basis=basis, requester=requester, subject=subject,
                               fields=fields, channel=channel, outcome="disclosed",
                               record_count=len(records))  # fmt: skip
    return Disclosure(records, subject_out, basis, trace, entry, fields)


def disclose_person(
    *,
    requester: Requester,
    basis: str,
    subject: Person,
    channel: str,
    trace_id: str | None = None,
    query: dict[str, Any] | None = None,
) -> Disclosure:
    """Person-level data only (identifying data, derived answers), no documents."""
    disclosure = disclose_diplomas(requester=requester, basis=basis, subject=subject, channel=channel,
                                   trace_id=trace_id, query=query, diploma_ids=[])  # fmt: skip
    return disclosure


def output_names() -> set[str]:
    return set(disclosure_outputs())
