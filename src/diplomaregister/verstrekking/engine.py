"""The disclosure engine: the only door through which register data leaves.

Three entry points, each doing binding, mode, scope, projection, pseudonyms and the log row:

- :func:`disclose` / :func:`disclosing` - one person (look-ups, portals, share pages, extracts,
  verification): the register read from the replica when there is one (``core.replica``), the
  log row committed on the primary before the data is handed on;
- :func:`disclose_stream` - feeds and exports (see ``_stream``), chunked, constant memory;
- :func:`disclose_aggregate` - counts in the basis's one published table (see ``_aggregate``).

Input: who asks (:class:`Requester`), under which legal basis (a key of law/legal_bases.yaml), about
whom (a persoonsgebonden nummer, known to the register or not), through which channel, and which of
the basis's fields the channel will show. Output: only those fields (default deny), pseudonymised
where the basis says so. The log row lists exactly the fields that were returned.

Refusals are uniform: an unknown person, a person outside the scope and a basis the requester is not
bound to all raise :class:`NotDisclosed` with the same message, after the same work (the same scope
probes, one refusal row whose subject is the keyed hash of the number asked).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Required, TypedDict, TypeVar, Unpack

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q

from diplomaregister.core import clock, replica
from diplomaregister.core.pgn import InvalidPgn, parse_pgn
from diplomaregister.law.loaders import legal_bases, person_level_outputs
from diplomaregister.logboek.services import (
    log_disclosure,
    log_disclosure_ahead,
    new_trace_id,
    subject_ref,
)
from diplomaregister.organisations.models import Organisation
from diplomaregister.register.models import Person
from diplomaregister.register.selectors import (
    DiplomaState,
    diplomas_of_person,
    identity,
    person_for_disclosure,
    person_key,
)
from diplomaregister.verstrekking import _aggregate, _projection, _scope, _stream
from diplomaregister.verstrekking._pseudonyms import pseudonym
from diplomaregister.verstrekking._scope import Refusal
from diplomaregister.verstrekking.models import Application

NOT_DISCLOSED = "No data can be disclosed for this person under this legal basis."


_Row = TypeVar("_Row")


class DiscloseArgs(TypedDict, total=False):
    """The keyword arguments of :func:`disclose` and its siblings (see :func:`_gather`): checked
    by the type checker at every call, so a misspelled option is an error, not ignored."""

    requester: Required[Requester]
    basis: Required[str]
    subject: Required[str | Person]
    channel: Required[str]
    fields: Iterable[str] | None
    diploma_ids: Iterable[int] | None
    application: str | None
    only_valid: bool
    trace_id: str | None
    valid_on: dt.date | None
    known_on: dt.datetime | None


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

    @property
    def code(self) -> str:
        """Key of this recipient's pseudonyms."""
        return self.organisation.code if self.organisation else self.kind


@dataclass
class Disclosure:
    records: list[dict[str, Any]]
    subject: dict[str, Any]
    basis: str
    trace_id: str
    log_entry: Any = None
    fields: list[str] = field(default_factory=list)
    person: Person | None = None  # a handle for the channel's own rows (extracts, share links)


class NotDisclosed(PermissionDenied):
    """Nothing is disclosed. The message is the same whatever the cause; ``reason`` (internal,
    logged) says which rule refused."""

    def __init__(self, reason: str = "") -> None:
        super().__init__(NOT_DISCLOSED)
        self.reason = reason


class BasisNotAllowed(NotDisclosed):
    """The requester is not a recipient of this basis, or not through this channel."""


class OutOfScope(NotDisclosed):
    """The person (or document) lies outside what the basis lets this requester see."""


def allowed_bases(requester: Requester, mode: str = "request") -> list[str]:
    return [
        code
        for code, basis in legal_bases().items()
        if requester.recipient_kind in basis.recipient_kinds and mode in basis.modes
    ]


def number_of(subject: str | Person) -> str:
    """The persoonsgebonden nummer as asked (normalised when it is valid)."""
    if isinstance(subject, Person):
        return subject.pgn
    text = str(subject).strip()
    try:
        return parse_pgn(text).number
    except InvalidPgn:
        return text[:32]


def numbers_of(subject: str) -> list[str]:
    """Every persoonsgebonden nummer the person asked for is known by (a BSN and the onderwijsnummers
    merged into it), for the holder's own log page; just the number when the register lacks it."""
    number = number_of(subject)
    person_id = _person_id(number)
    if person_id is None:
        return [number]
    persons = Person.objects.filter(Q(pk=person_id) | Q(merged_into_id=person_id))
    return list(persons.values_list("pgn", flat=True))


def _person_id(number: str) -> int | None:
    """The person's key, following a merge."""
    row = person_key(number)
    return (row[1] or row[0]) if row else None


def _refuse(requester: Requester, code: str, number: str, channel: str, trace: str,
            error: Refusal) -> NotDisclosed:  # fmt: skip
    with transaction.atomic():
        log_disclosure(trace_id=trace, basis=code, requester=requester, subject=subject_ref(number),
                       fields=[], channel=channel, outcome="refused", reason=error.reason)  # fmt: skip
    cls = BasisNotAllowed if error.kind == "basis" else OutOfScope
    return cls(error.reason)


@contextlib.contextmanager
def disclosing(**kwargs: Unpack[DiscloseArgs]) -> Iterator[Disclosure]:
    """One person's data as the basis allows it to this requester, now, as the register knows it.

    Yields inside the transaction that will hold the log row; the row is written when the block
    ends without an error, so a channel that stores something of its own (an extract) stores it with
    the log row or not at all, and a channel can only hand the data on (after the block) once the
    row is written. Keyword arguments as :func:`disclose`.
    """
    disclosure, log = _gather(**kwargs)
    with transaction.atomic():
        yield disclosure
        disclosure.log_entry = log(disclosure)


def disclose_keeping(
    make: Callable[[Disclosure], _Row], **kwargs: Unpack[DiscloseArgs]
) -> tuple[Disclosure, _Row]:
    """One person's data for a channel that stores a row of its own about what it hands on (an
    extract): ``make(disclosure)`` builds that row unsaved, and it is stored with the log row or not
    at all. On PostgreSQL outside a transaction both go in one statement, committed on its own (no
    BEGIN/COMMIT round trips); elsewhere in one transaction. If ``make`` raises, nothing is logged
    or stored. Keyword arguments as :func:`disclose`."""
    disclosure, log = _gather(**kwargs)
    row = make(disclosure)
    disclosure.log_entry = log(disclosure, row)
    return disclosure, row


def disclose(**kwargs: Unpack[DiscloseArgs]) -> Disclosure:
    """One person's data (see :func:`_gather`) for channels that keep nothing of their own: the log
    row is committed on the primary (one statement outside a transaction) before this returns, or,
    in a request served through ``logboek.gate``, while the answer is rendered and before it leaves
    (``log_entry`` is then a ``gate.Pending``)."""
    disclosure, log = _gather(**kwargs)
    disclosure.log_entry = log(disclosure, ahead=True)
    return disclosure


def _gather(
    *,
    requester: Requester,
    basis: str,
    subject: str | Person,
    channel: str,
    fields: Iterable[str] | None = None,
    diploma_ids: Iterable[int] | None = None,
    application: str | None = None,
    only_valid: bool = False,
    trace_id: str | None = None,
    valid_on: dt.date | None = None,
    known_on: dt.datetime | None = None,
) -> tuple[Disclosure, Any]:
    """Checks and projection; the register's tables are read from the replica when there is one
    (core.replica). Returns the disclosure and the function that writes its log row.

    A refusal is logged in a transaction of its own before :class:`NotDisclosed` is raised (call
    this outside other transactions). ``application``: the recipient's reference of the application
    it is handling (scope ``application``, art. 28); it is recorded before the scope is checked.
    ``only_valid``: leave withdrawn documents out (an extract shows only valid ones). ``valid_on`` /
    ``known_on``: the documents as valid on a date / as the register knew them at a moment (bases
    with ``as_of``).
    """
    trace = trace_id or new_trace_id()
    number = number_of(subject)
    ids = list(diploma_ids) if diploma_ids is not None else None
    if application:
        _state_application(requester, basis, number, application)
    with replica.reading():
        # Only the key until the checks pass: building a model for a known person and none for an
        # unknown one would let the latency tell them apart (bench/oracle.py measured 26 us).
        known = (subject.merged_into_id or subject.pk) if isinstance(subject, Person) else None
        person_id, facts = _scope.probe(requester, basis, number, known)
        try:
            if _scope.mode_of(channel) != "request":
                raise Refusal("basis", "Streams and aggregates have their own entry points.")
            rule = _scope.binding(requester, basis, "request")
            scope = rule.scope_for("request")
            if (valid_on or known_on) and not rule.as_of:
                raise Refusal("basis", f"{rule.article} gives data only as it stands now.")
            _scope.check_person(scope, facts, ids)
            if person_id is None:
                raise Refusal("scope", "The register holds no data of this number.")
        except Refusal as error:
            raise _refuse(requester, basis, number, channel, trace, error) from None
        # the person as the register holds it, with identity and documents (one round trip)
        person = person_for_disclosure(person_id)
        requested = tuple(fields) if fields is not None else None
        allowed = _scope.fields_for(
            rule, requested, _scope.laws_of(person) if rule.field_laws else None
        )
        disclosure = _project(rule, requester, person, scope, facts.own, allowed, ids, trace,
                              only_valid, valid_on, known_on)  # fmt: skip

    def log(done: Disclosure, keep: Any = None, ahead: bool = False) -> Any:
        row: dict[str, Any] = {
            "trace_id": trace, "basis": basis, "requester": requester,
            "subject": subject_ref(number), "fields": done.fields, "channel": channel,
            "outcome": "disclosed", "record_count": len(done.records),
        }  # fmt: skip
        return log_disclosure_ahead(**row) if ahead else log_disclosure(**row, keep=keep)

    return disclosure, log


def _project(rule: Any, requester: Requester, person: Person, scope: str, own: frozenset[int],
             allowed: tuple[str, ...], ids: list[int] | None, trace: str,
             only_valid: bool = False, valid_on: dt.date | None = None,
             known_on: dt.datetime | None = None) -> Disclosure:  # fmt: skip
    person_level = person_level_outputs()
    person_fields = [f for f in allowed if f in person_level]
    diploma_fields = [f for f in allowed if f not in person_level]
    states: list[DiplomaState] = []
    if diploma_fields or "ho_document_since_1996" in person_fields:
        include_withdrawn = not only_valid and (
            scope in ("self", "extract", "share") or "status" in allowed
        )
        states = diplomas_of_person(person, include_withdrawn=include_withdrawn,
                                    valid_on=valid_on, known_on=known_on)  # fmt: skip
        states = _scope.documents_in_scope(scope, own, _projection.visible(states, scope), ids)
    today = valid_on or clock.today()
    records = (
        [_projection.project(_projection.diploma_values(s), diploma_fields) for s in states]
        if diploma_fields
        else []
    )
    values = _projection.person_values(
        person, identity(person, valid_on=valid_on, known_on=known_on), today
    )
    values["ho_document_since_1996"] = _projection.ho_document_since_1996(states, today)
    subject = _projection.project(values, person_fields)
    if rule.pseudonymised:
        subject = {"pseudonym": pseudonym(requester.code, person.pgn), **subject}
    fields = sorted({k for r in records for k in r} | set(subject))
    return Disclosure(records, subject, rule.code, trace, None, fields, person)


def _state_application(requester: Requester, basis: str, number: str, reference: str) -> None:
    """Record the application the requester states it is handling (before any check, so stating
    one costs the same for every number)."""
    if requester.organisation is None:
        return
    Application.objects.get_or_create(
        organisation=requester.organisation, basis=basis[:32], reference=reference[:64],
        defaults={"pgn": number[:9], "opened_at": clock.now()},
    )  # fmt: skip


def register_application(requester: Requester, basis: str, number: str, reference: str,
                         subscription_id: int | None = None) -> Application:  # fmt: skip
    """An application (art. 50 aanvraag, art. 28 aanmelding) the recipient is handling: its feed
    then carries changes for this person until the application is closed. Looks the same for known
    and unknown numbers; raises NotDisclosed when the basis has no application scope for it."""
    try:
        rule = _scope.binding(requester, basis, "request")
    except Refusal as error:
        raise BasisNotAllowed(error.reason) from None
    if "application" not in (rule.scope, rule.subscription_scope):
        raise BasisNotAllowed(f"{rule.article} has no applications.")
    assert requester.organisation is not None
    application, _ = Application.objects.get_or_create(
        organisation=requester.organisation, basis=basis, reference=reference[:64],
        defaults={"pgn": number_of(number)[:9], "opened_at": clock.now(),
                  "subscription_id": subscription_id},
    )  # fmt: skip
    return application


def close_application(requester: Requester, application_id: int) -> bool:
    closed = Application.objects.filter(
        pk=application_id, organisation=requester.organisation, closed_at__isnull=True
    ).update(closed_at=clock.now())
    return bool(closed)


def disclose_stream(*, requester: Requester, basis: str, channel: str, **options: Any) -> Any:
    """Feeds (``channel`` feed/webhook: a :class:`_stream.FeedPage`) and exports (``channel``
    export: a context manager yielding an :class:`_stream.ExportStream`). Raises NotDisclosed
    (logged) when the basis does not allow it."""
    trace = new_trace_id()
    try:
        rule = _scope.binding(requester, basis, _scope.mode_of(channel))
        if _scope.mode_of(channel) not in ("subscription", "bulk_export"):
            raise Refusal("basis", "Not a stream channel.")
    except Refusal as error:
        raise _refuse_bulk(requester, basis, channel, trace, error) from None
    if channel == "export":
        return _stream.export_stream(rule, requester, trace, **options)
    return _stream.feed_page(rule, requester, trace, channel=channel, **options)


def disclose_aggregate(*, requester: Requester, basis: str,
                       group_by: list[str] | None = None) -> dict[str, Any]:  # fmt: skip
    """Counts in the basis's published table (fixed dimensions, small cells suppressed)."""
    trace = new_trace_id()
    try:
        rule = _scope.binding(requester, basis, "aggregate")
        table = rule.aggregate_table
        if group_by is not None and set(group_by) != set(table):
            raise Refusal("basis", f"{rule.article} publishes one table, by {', '.join(table)}.")
    except Refusal as error:
        raise _refuse_bulk(requester, basis, "aggregate", trace, error) from None
    return _aggregate.table(rule, requester, trace)


def _refuse_bulk(requester: Requester, code: str, channel: str, trace: str,
                 error: Refusal) -> NotDisclosed:  # fmt: skip
    with transaction.atomic():
        log_disclosure(trace_id=trace, basis=code, requester=requester, subject="", fields=[],
                       channel=channel, outcome="refused", reason=error.reason)  # fmt: skip
    return BasisNotAllowed(error.reason)


def check(requester: Requester, basis: str, channel: str) -> None:
    """Set-up check (a subscription, a menu of bases): raises BasisNotAllowed when the requester
    may not use the basis by this channel. Reads no register data, so nothing is logged."""
    try:
        _scope.binding(requester, basis, _scope.mode_of(channel))
    except Refusal as error:
        raise BasisNotAllowed(error.reason) from None
