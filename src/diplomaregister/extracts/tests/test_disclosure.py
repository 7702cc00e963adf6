"""Extracts and verifications go through the disclosure engine (agreed interface), tested with a
stand-in engine module so this holds whether or not verstrekking/engine.py exists yet."""

import datetime as dt
import sys
import types
from dataclasses import dataclass

import pytest
from django.core.exceptions import PermissionDenied

from diplomaregister.extracts import disclosure, verification
from diplomaregister.extracts.models import Extract
from diplomaregister.extracts.services import make_extract

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Requester:
    kind: str
    organisation: object = None
    label: str = ""
    client_id: int | None = None
    user_id: int | None = None


class BasisNotAllowed(PermissionDenied):
    pass


@pytest.fixture
def fake_engine(monkeypatch):
    calls = []
    module = types.ModuleType(disclosure.ENGINE)
    module.Requester = Requester
    module.BasisNotAllowed = BasisNotAllowed
    module.refuse = set()

    def disclose_diplomas(*, requester, basis, subject, channel, trace_id=None, query=None):
        if basis in module.refuse:
            raise BasisNotAllowed(basis)
        calls.append({"requester": requester, "basis": basis, "subject": subject,
                      "channel": channel, "query": query})  # fmt: skip
        return types.SimpleNamespace(records=[], basis=basis)

    module.disclose_diplomas = disclose_diplomas
    module.calls = calls
    monkeypatch.setitem(sys.modules, disclosure.ENGINE, module)
    return module


def test_making_an_extract_is_a_holder_disclosure(holder, fake_engine):
    person, vo, wo = holder
    make_extract(person, channel="portal")
    [call] = fake_engine.calls
    assert call["basis"] == "holder" and call["requester"].kind == "holder"
    assert call["subject"] == person and call["channel"] == "portal"
    assert sorted(call["query"]["diplomas"]) == sorted([vo.pk, wo.pk])


def test_share_page_passes_its_own_requester_and_basis(holder, fake_engine):
    person, _, wo = holder
    viewer = Requester(kind="public", label="share link 3f2a")
    make_extract(person, diplomas=[wo], requester=viewer, basis="holder_share", channel="share")
    [call] = fake_engine.calls
    assert (call["basis"], call["requester"]) == ("holder_share", viewer)


def test_refused_disclosure_stores_and_returns_nothing(holder, fake_engine):
    person, _, _ = holder
    fake_engine.refuse.add("holder")
    with pytest.raises(PermissionDenied):
        make_extract(person)
    assert not Extract.objects.exists()


def test_each_verification_is_logged_as_a_public_view(holder, fake_engine, client):
    person, _, _ = holder
    extract = make_extract(person)
    fake_engine.calls.clear()
    verification.verify_file(extract.pdf_bytes, channel="cli")
    client.get(f"/verifieren/{extract.code}")
    assert [c["channel"] for c in fake_engine.calls] == ["cli", "web"]
    for call in fake_engine.calls:
        assert call["basis"] == "extract_verification"
        assert call["requester"].kind == "public" and call["subject"] == person
        assert call["query"]["extract"] == extract.extract.pk


def test_failed_verifications_disclose_nothing(holder, fake_engine, client):
    person, _, _ = holder
    pdf = make_extract(person).pdf_bytes
    fake_engine.calls.clear()
    verification.verify_file(pdf.replace(b"Anna Maria", b"Anne Maria"))
    client.get("/verifieren/AAAA-AAAA-AAAA-AAAA-AAAA")
    assert fake_engine.calls == []


def test_verification_refused_by_the_engine_shows_no_data(holder, fake_engine, clock):
    person, _, _ = holder
    pdf = make_extract(person).pdf_bytes
    clock.shift(dt.timedelta(days=1))
    fake_engine.refuse.add("extract_verification")
    with pytest.raises(PermissionDenied):
        verification.verify_file(pdf)
