"""Property test over every basis x channel x requester x subject x requested fields: whatever is
asked, what leaves is a subset of the basis's fields, stays in the basis's scope, carries no
identifier when pseudonymised, and the log row names exactly what left."""

import datetime as dt
import json

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diplomaregister.law.loaders import legal_bases, organisation_kinds
from diplomaregister.logboek.models import LogEntry
from diplomaregister.verstrekking import engine
from diplomaregister.verstrekking.engine import NotDisclosed, Requester

ALL_OUTPUTS = sorted({f for b in legal_bases().values() for f in b.fields})
IDENTIFIERS = ("pgn", "family_name", "given_names", "birth_date", "diploma_id")
RECIPIENT_KINDS = sorted(organisation_kinds())

MODE_CHANNEL = {"request": "api", "subscription": "feed", "bulk_export": "export"}
ANY_CHANNEL = ["api", "institution_portal", "portal", "share", "feed", "export"]


@st.composite
def requests(draw):
    """Mostly requests a basis could answer (its recipients, its modes), sometimes any other."""
    code = draw(st.sampled_from(sorted(legal_bases())))
    basis = legal_bases()[code]
    own_kinds = list(basis.recipient_kinds)
    own_channels = [MODE_CHANNEL[m] for m in basis.modes if m in MODE_CHANNEL] or ANY_CHANNEL
    if basis.scope == "self":
        own_channels = ["portal"]
    if basis.scope in ("share", "extract"):
        own_channels = ["share"]
    world_kinds = [k for k in ("universiteit", "vo_school", "cvte") if k in own_kinds]
    if basis.scope in ("own_students", "awarded_by_self") and world_kinds:
        own_kinds = world_kinds  # requesters with documents in the world, so scope can leak
    kind = draw(
        st.sampled_from(own_kinds) | st.sampled_from([*RECIPIENT_KINDS, "holder", "public"])
    )
    channel = draw(st.sampled_from(own_channels) | st.sampled_from(ANY_CHANNEL))
    return {
        "basis": code, "kind": kind, "channel": channel,
        "subject": draw(st.sampled_from(["holder", "stranger", "unknown"])),
        "fields": draw(st.none() | st.lists(st.sampled_from(ALL_OUTPUTS), max_size=6)),
        "documents": draw(st.none() | st.lists(st.integers(0, 3), min_size=1, max_size=3)),
    }  # fmt: skip


_WORLD_ORGS = {"universiteit": "university", "vo_school": "school", "cvte": "cvte"}


def _requester(world, kind):
    if kind in ("holder", "public"):
        return Requester(kind=kind, label=kind)
    orgs = {"universiteit": world.university, "vo_school": world.school, "cvte": world.cvte}
    return world.requester(orgs.get(kind) or world.org(kind, f"P{kind[:10].upper()}"))


def _identifying_values(world):
    values = set()
    for person in (world.holder, world.stranger):
        identity = person.versions.order_by("-version").first()
        values |= {person.pgn, identity.family_name, identity.birth_date.isoformat()}
    return values


def _run(world, case):
    requester = _requester(world, case["kind"])
    number = {"holder": world.holder.pgn, "stranger": world.stranger.pgn, "unknown": "111222333"}
    ids = sorted(world.holder.diplomas.values_list("pk", flat=True))
    chosen = None if case["documents"] is None else [ids[i % len(ids)] for i in case["documents"]]
    if case["channel"] == "feed":
        page = engine.disclose_stream(requester=requester, basis=case["basis"], channel="feed")
        return [(i["person"], [i["document"]]) for i in page.items], None
    if case["channel"] == "export":
        context = engine.disclose_stream(requester=requester, basis=case["basis"], channel="export")
        with context as stream:
            rows = [(dict(r), r.pop("documents", [])) for r in stream]
        return rows, LogEntry.objects.order_by("-id").first()
    result = engine.disclose(requester=requester, basis=case["basis"], channel=case["channel"],
                             subject=number[case["subject"]], fields=case["fields"],
                             diploma_ids=chosen)  # fmt: skip
    return [(result.subject, result.records)], result.log_entry


@pytest.mark.django_db
@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(case=requests())
def test_what_leaves_is_what_the_basis_allows(world, case):
    try:
        answers, entry = _run(world, case)
    except NotDisclosed:
        row = LogEntry.objects.order_by("-id").first()
        assert row.outcome == "refused" and row.fields == []  # every refusal is logged, empty
        return
    basis = legal_bases()[case["basis"]]
    allowed = set(basis.fields) | ({"pseudonym"} if basis.pseudonymised else set())
    left = set()
    for subject, records in answers:
        subject = {k: v for k, v in subject.items() if k != "documents"}
        left |= set(subject) | {k for r in records for k in r}
        if basis.pseudonymised:
            assert "pseudonym" in subject
            text = json.dumps([subject, records], cls=DjangoJSONEncoder)
            assert not set(IDENTIFIERS) & (set(subject) | {k for r in records for k in r})
            assert not any(value in text for value in _identifying_values(world))
        org = _WORLD_ORGS.get(case["kind"])
        if basis.scope in ("own_students", "awarded_by_self") and org and case["channel"] == "api":
            person = world.holder if case["subject"] == "holder" else world.stranger
            theirs = person.diplomas.filter(organisation=getattr(world, org)).count()
            assert len(records) <= theirs  # only documents of the requesting institution
        if basis.scope in ("share", "extract"):
            assert case["documents"] is not None  # these bases name their documents
    assert left <= allowed, left - allowed
    if case["fields"] is not None and case["channel"] not in ("feed", "export"):
        assert left <= set(case["fields"]) | {"pseudonym"}
    if entry is not None and answers:
        assert set(entry.fields) == left  # the log names exactly what left
    # the requester was bound to the basis and the channel's mode is one of the basis's modes
    requester = _requester(world, case["kind"])
    assert requester.recipient_kind in basis.recipient_kinds
    mode = {"feed": "subscription", "export": "bulk_export"}.get(case["channel"], "request")
    assert mode in basis.modes


@pytest.fixture(autouse=True)
def _no_settle(clock):
    clock.move_to(dt.datetime(2025, 3, 5, 13, 0, tzinfo=dt.UTC))
