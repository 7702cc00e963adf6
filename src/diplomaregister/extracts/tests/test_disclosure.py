"""Making and verifying extracts are disclosures through the real engine, logged for the holder:
the log row lists exactly what the extract or the verification page shows, a refusal stores and
shows nothing, and what the holder alone may see (the withdrawal reason, documents hidden as
misattributed) never reaches an extract or a verifier."""

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.utils import formats, translation

from diplomaregister.extracts import content, services, verification
from diplomaregister.extracts.models import Extract
from diplomaregister.extracts.services import make_extract
from diplomaregister.logboek.models import LogEntry
from diplomaregister.logboek.selectors import entries_for_subject
from diplomaregister.register import services as register
from diplomaregister.verstrekking import engine
from diplomaregister.verstrekking.engine import NotDisclosed, Requester

pytestmark = pytest.mark.django_db

REASON = "Fraude bij het examen vastgesteld door de examencommissie"


def latest(person) -> LogEntry:
    return entries_for_subject(person.pgn).first()


def holder_sees(person) -> dict[int, dict[str, Any]]:
    """The holder's own view (basis holder): everything, withdrawn documents with their reason."""
    disclosed = engine.disclose(
        requester=Requester(kind="holder", label="test"), basis="holder", subject=person,
        channel="test", fields=["diploma_id", "status", "withdrawal_reason"],
    )  # fmt: skip
    return {r["diploma_id"]: r for r in disclosed.records}


class Tracking(dict):
    """A record that remembers which keys were read."""

    def __init__(self, values: dict, read: set[str]) -> None:
        super().__init__(values)
        self.read = read

    def __getitem__(self, key):
        self.read.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None):
        self.read.add(key)
        return super().get(key, default)


@pytest.fixture
def keys_read(monkeypatch) -> set[str]:
    """The engine output names the extract's content and PDF actually read."""
    read: set[str] = set()
    original = services.content_from

    def tracked(disclosed, language, **kwargs):
        disclosed.records = [Tracking(r, read) for r in disclosed.records]
        disclosed.subject = Tracking(disclosed.subject, read)
        return original(disclosed, language, **kwargs)

    monkeypatch.setattr(services, "content_from", tracked)
    return read


# --- (b) the extract's log row lists exactly what the extract shows -------------------------------


@pytest.mark.parametrize("language", ["nl", "en"])
def test_extract_log_row_lists_exactly_the_fields_the_pdf_renders(holder, keys_read, language):
    person, vo, wo = holder
    made = make_extract(person, language=language)
    entry = latest(person)
    assert (entry.basis, entry.recipient_kind, entry.outcome) == ("holder", "holder", "disclosed")
    assert (entry.channel, entry.recipient_label) == ("portal", "uittreksel")
    assert entry.record_count == 2
    # every field logged was read to make the extract, and every field read was logged
    assert set(entry.fields) == keys_read
    assert entry.fields == sorted(content.extract_fields(language))
    # the holder basis would give more (pgn, gender, withdrawal reason, ...): none was asked for
    assert not {"pgn", "gender", "withdrawal_reason", "status_since"} & set(entry.fields)
    assert made.extract.diploma_versions() == {vo.pk: 1, wo.pk: 1}
    programme = "programme_name_en" if language == "en" else "programme_name"
    assert programme in entry.fields


def test_withdrawn_document_is_not_on_a_new_extract(holder, clock, keys_read):
    person, vo, wo = holder
    clock.shift(dt.timedelta(days=1))
    register.withdraw_diploma(wo, effective_date=dt.date(2024, 3, 6), reason=REASON, code="fraud")
    assert holder_sees(person)[wo.pk]["status"] == "withdrawn"  # the holder still sees it
    made = make_extract(person)
    assert made.extract.diploma_versions() == {vo.pk: 1}
    assert b"Universiteit Testdam" not in made.pdf_bytes
    assert b"Stedelijk Gymnasium Testdam" in made.pdf_bytes
    assert REASON.encode() not in made.pdf_bytes
    assert set(latest(person).fields) == keys_read
    before = LogEntry.objects.count()
    with pytest.raises(LookupError):
        make_extract(person, diplomas=[wo])
    assert Extract.objects.count() == 1
    assert LogEntry.objects.count() == before  # the disclosure rolled back with the extract


def test_log_row_and_extract_are_kept_together_or_not_at_all(holder, monkeypatch):
    person, _, _ = holder

    def broken(pdf: bytes, slot: object) -> bytes:
        raise RuntimeError("signing device gone")

    monkeypatch.setattr(services, "sign_rendered", broken)
    before = LogEntry.objects.count()
    with pytest.raises(RuntimeError):
        make_extract(person)
    assert not Extract.objects.exists()
    assert LogEntry.objects.count() == before


def test_share_page_passes_its_own_requester_and_basis(holder):
    person, _, wo = holder
    viewer = Requester(kind="public", label="deellink 3f2a")
    make_extract(person, diplomas=[wo], requester=viewer, basis="holder_share", channel="share")
    entry = latest(person)
    assert (entry.basis, entry.recipient_kind, entry.recipient_label) == (
        "holder_share",
        "public",
        "deellink 3f2a",
    )
    assert entry.record_count == 1 and entry.outcome == "disclosed"
    assert entry.fields == sorted(content.extract_fields("nl"))


def test_share_extract_must_name_its_documents(holder):
    person, _, _ = holder
    viewer = Requester(kind="public", label="deellink 3f2a")
    with pytest.raises(NotDisclosed):
        make_extract(person, requester=viewer, basis="holder_share", channel="share")
    assert not Extract.objects.exists()
    assert latest(person).outcome == "refused"


def test_refused_disclosure_stores_and_returns_nothing(holder):
    person, _, _ = holder
    with pytest.raises(PermissionDenied):  # a stranger cannot use the holder's own basis
        make_extract(person, requester=Requester(kind="public"), basis="holder")
    assert not Extract.objects.exists()
    assert [e.outcome for e in entries_for_subject(person.pgn)] == ["refused"]


def test_make_extract_takes_a_pgn(holder):
    person, vo, wo = holder
    made = make_extract(person.pgn, diplomas=[vo.pk])
    assert made.extract.person == person
    assert made.extract.diploma_versions() == {vo.pk: 1}
    assert latest(person).basis == "holder"


def test_make_extract_command_with_an_unknown_pgn(db, tmp_path):
    with pytest.raises(CommandError, match="no person") as raised:
        call_command(
            "make_extract",
            "--pgn",
            "111222333",
            "--out",
            str(tmp_path / "x.pdf"),
            stdout=StringIO(),
        )
    assert "111222333" not in str(raised.value)
    [entry] = entries_for_subject("111222333")
    assert (entry.outcome, entry.channel) == ("refused", "cli")
    assert not (tmp_path / "x.pdf").exists()
    with pytest.raises(CommandError, match="not a valid"):
        call_command("make_extract", "--pgn", "12345", "--out", str(tmp_path / "x.pdf"))


# --- (a) the verification page: its log row lists exactly what it shows ---------------------------


def test_verification_by_code_logs_exactly_what_the_page_shows(holder, client, clock):
    person, vo, wo = holder
    extract = make_extract(person)
    clock.shift(dt.timedelta(days=30))
    register.withdraw_diploma(wo, effective_date=dt.date(2024, 3, 20), reason=REASON, code="fraud")
    assert holder_sees(person)[wo.pk]["withdrawal_reason"] == REASON  # the holder sees why

    html = client.get(f"/verifieren/{extract.code}").content.decode()
    entry = latest(person)
    assert (entry.basis, entry.recipient_kind, entry.channel) == (
        "extract_verification",
        "public",
        "web",
    )
    assert entry.outcome == "disclosed" and entry.record_count == 2
    # what the page shows ...
    shown = {
        "given_names": "Anna Maria",
        "family_name": "Jansen",
        "birth_date": "17-05-2001",
        "organisation_name": "Universiteit Testdam",
        "date_of_issue": "30-08-2023",
        "status_since": "20-03-2024",  # "Diploma ingetrokken op 20-03-2024"
        "kind": content.kind_name(wo.versions.get(version=1).kind, "nl"),  # the second line
        "ho_degree": "Master of Science",  # named as people know it: degree and programme first
    }
    for value in shown.values():
        assert value in html
    # ... with the VO grade list the extract carried (its subjects and grades as printed) ...
    # (the subjects as the factory stored them: which ones depends on the factories' sequences)
    grades = vo.versions.get(version=1).grades.all()
    assert grades and all(f"{g.subject_name} ({g.subject_code})" in html for g in grades)
    with translation.override("nl"):
        assert all(formats.number_format(g.final_grade, 1) in html for g in grades)
    # ... and the keys it compares with the extract (not shown) and names the document by (the
    # programme in the page's language, exam type, level and extended data, empty here): nothing
    # else was disclosed
    assert entry.fields == sorted(verification.verification_fields("nl", grades=True))
    assert "programme_name_en" not in entry.fields and "grades" in entry.fields
    # the reason of the withdrawal is not the verifier's business
    assert REASON not in html and "Fraude" not in html
    assert "withdrawal_reason" not in entry.fields


def test_each_verification_is_logged_as_a_public_view_with_a_neutral_label(holder, client):
    person, _, _ = holder
    extract = make_extract(person)
    before = LogEntry.objects.count()
    verification.verify_file(extract.pdf_bytes, channel="cli")
    client.get(f"/verifieren/{extract.code}")
    rows = list(entries_for_subject(person.pgn).order_by("seq"))[-2:]
    assert LogEntry.objects.count() == before + 2
    assert [r.channel for r in rows] == ["cli", "web"]
    for row in rows:
        assert row.basis == "extract_verification" and row.recipient_kind == "public"
        assert row.recipient_label == "verificatie van een uittreksel"
        assert str(extract.extract.pk) not in row.recipient_label


def test_failed_verifications_disclose_nothing(holder, client):
    person, _, _ = holder
    pdf = make_extract(person).pdf_bytes
    before = LogEntry.objects.count()
    verification.verify_file(pdf.replace(b"Anna Maria", b"Anne Maria"))
    client.get("/verifieren/AAAA-AAAA-AAAA-AAAA-AAAA")
    assert LogEntry.objects.count() == before


# --- (c) a document withdrawn as attributed to the wrong person -----------------------------------


def test_misattributed_document_verifies_as_withdrawn_and_cannot_go_on_an_extract(
    holder, client, clock, tmp_path
):
    person, vo, wo = holder
    made = make_extract(person)
    clock.shift(dt.timedelta(days=5))
    register.withdraw_diploma(
        wo, effective_date=dt.date(2024, 3, 10), reason="Verkeerde persoon", code="misattributed"
    )
    assert wo.pk not in holder_sees(person)  # hidden for everyone, the holder included

    result = verification.verify_file(made.pdf_bytes)
    checks = {c.diploma_id: c for c in result.checks}
    assert result.signature_ok and not result.valid
    assert (checks[wo.pk].status, checks[wo.pk].since) == (verification.WITHDRAWN, None)
    assert checks[wo.pk].organisation == "" and checks[wo.pk].kind_name == ""
    assert checks[vo.pk].status == verification.UNCHANGED
    entry = latest(person)
    assert entry.record_count == 1  # the hidden document was not disclosed

    html = client.get(f"/verifieren/{made.code}").content.decode()
    assert "Diploma ingetrokken" in html and "utrecht-alert--warning" in html
    assert "Universiteit Testdam" not in html and "Verkeerde persoon" not in html

    path = tmp_path / "x.pdf"
    path.write_bytes(made.pdf_bytes)
    out = StringIO()
    with pytest.raises(SystemExit):
        call_command("verify_extract", str(path), stdout=out)
    assert f"diploma {wo.pk}: signature valid, diploma withdrawn\n" in out.getvalue()

    with pytest.raises(LookupError):
        make_extract(person, diplomas=[wo])
    again = make_extract(person)
    assert again.extract.diploma_versions() == {vo.pk: 1}
    assert b"Universiteit Testdam" not in again.pdf_bytes
