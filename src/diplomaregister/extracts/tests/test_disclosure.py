"""Making and verifying extracts are disclosures: they go through the disclosure engine and are
logged for the holder; a refusal stores and shows nothing."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from diplomaregister.extracts import verification
from diplomaregister.extracts.models import Extract
from diplomaregister.extracts.services import make_extract
from diplomaregister.logboek.models import LogEntry
from diplomaregister.logboek.selectors import entries_for_subject
from diplomaregister.verstrekking import engine
from diplomaregister.verstrekking.engine import BasisNotAllowed, Requester

pytestmark = pytest.mark.django_db


def test_making_an_extract_is_a_holder_disclosure(holder):
    person, _vo, _wo = holder
    make_extract(person, channel="portal")
    [entry] = entries_for_subject(person)
    assert (entry.basis, entry.recipient_kind, entry.channel) == ("holder", "holder", "portal")
    assert entry.record_count == 2 and entry.outcome == "disclosed"


def test_share_page_passes_its_own_requester_and_basis(holder):
    person, _, wo = holder
    viewer = Requester(kind="public", label="share link 3f2a")
    make_extract(person, diplomas=[wo], requester=viewer, basis="holder_share", channel="share")
    [entry] = entries_for_subject(person)
    assert (entry.basis, entry.recipient_label, entry.record_count) == (
        "holder_share",
        "share link 3f2a",
        1,
    )


def test_refused_disclosure_stores_and_returns_nothing(holder):
    person, _, _ = holder
    with pytest.raises(PermissionDenied):  # a stranger cannot use the holder's own basis
        make_extract(person, requester=Requester(kind="public"), basis="holder")
    assert not Extract.objects.exists()
    assert [e.outcome for e in entries_for_subject(person)] == ["refused"]


def test_each_verification_is_logged_as_a_public_view(holder, client):
    person, _, _ = holder
    extract = make_extract(person)
    before = LogEntry.objects.count()
    verification.verify_file(extract.pdf_bytes, channel="cli")
    client.get(f"/verifieren/{extract.code}")
    rows = list(entries_for_subject(person).order_by("seq"))[before:]
    assert [r.channel for r in rows] == ["cli", "web"]
    for row in rows:
        assert row.basis == "extract_verification" and row.recipient_kind == "public"
        assert row.recipient_label == f"verificatie uittreksel {extract.extract.pk}"


def test_failed_verifications_disclose_nothing(holder, client):
    person, _, _ = holder
    pdf = make_extract(person).pdf_bytes
    before = LogEntry.objects.count()
    verification.verify_file(pdf.replace(b"Anna Maria", b"Anne Maria"))
    client.get("/verifieren/AAAA-AAAA-AAAA-AAAA-AAAA")
    assert LogEntry.objects.count() == before


def test_verification_refused_by_the_engine_shows_no_data(holder, clock, monkeypatch):
    person, _, _ = holder
    pdf = make_extract(person).pdf_bytes
    clock.shift(dt.timedelta(days=1))

    def refuse(**kwargs):
        raise BasisNotAllowed(kwargs["basis"])

    monkeypatch.setattr(engine, "disclose_diplomas", refuse)
    with pytest.raises(PermissionDenied):
        verification.verify_file(pdf)
