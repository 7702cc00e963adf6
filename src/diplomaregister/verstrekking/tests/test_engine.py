"""Each basis gives exactly what its article names, to its recipients only; every disclosure is
logged with exactly the fields that left. Expected field sets are written out from the article
text here, not read from law/legal_bases.yaml."""

import datetime as dt

import pytest
from django.db import DatabaseError, transaction

from diplomaregister.core.keys import keyed_hash
from diplomaregister.logboek.models import LogEntry
from diplomaregister.logboek.testing import log_refusing_inserts
from diplomaregister.organisations.models import Organisation
from diplomaregister.register import facts, services
from diplomaregister.register.factories import PersonDataFactory
from diplomaregister.verstrekking import engine
from diplomaregister.verstrekking.engine import NOT_DISCLOSED, NotDisclosed, Requester
from diplomaregister.verstrekking.models import Application

ART15 = {"family_name", "given_names", "gender", "birth_date", "death_date"}  # art. 15 onder a-e
ART17_1 = {"kind", "organisation_name", "organisation_code"}  # art. 17 lid 1 onder a, b
ART17_2AB = {"programme_name", "programme_name_en", "date_of_issue"}  # lid 2 onder a, b
ART17_2CG = {"ho_degree", "mbo_level", "vo_profile", "vo_leerweg", "mbo_leerweg", "ho_exam_type",
             "grades", "exam_date", "programme_code"}  # lid 2 onder c-g  # fmt: skip
ART17 = ART17_1 | ART17_2AB | ART17_2CG
BOOKKEEPING = {"diploma_id", "diploma_version", "status", "status_since", "corrected", "sector"}
PGN = {"pgn"}

# article -> (recipient kind, fields the article names)
LOOKUPS = {
    "art49": ("minister_szw", PGN | ART15 | ART17 | BOOKKEEPING),  # "artikelen 15 en 17"
    "art50": ("minister_vws", PGN | ART15 | ART17_1 | ART17_2AB | BOOKKEEPING),  # 15, 17 lid 1, lid 2 a-b
    "art54_2": ("cvte", PGN | ART17_1 | ART17_2CG | {"diploma_id", "status"}),  # 17 lid 1, lid 2 c-g
    "art56": ("uwv", PGN | ART15 | ART17 | BOOKKEEPING),  # "artikelen 15 en 17"
    "art36": ("uwv", PGN),  # annex column unreadable: only the number the article names
    "art39_1": ("minister_szw", PGN),
}  # fmt: skip
PERSON_FIELDS = PGN | ART15


def _disclose(world, code, kind=None, subject=None, org=None, **options):
    org = org or world.org(kind, f"R{kind[:10].upper()}")
    return engine.disclose(requester=world.requester(org), basis=code, channel="api",
                           subject=subject or world.holder.pgn, **options)  # fmt: skip


@pytest.mark.parametrize("code", sorted(LOOKUPS))
def test_lookups_give_exactly_what_the_article_names(world, code):
    kind, expected = LOOKUPS[code]
    result = _disclose(world, code, kind)
    got = {k for r in result.records for k in r} | set(result.subject)
    assert got == expected
    if expected - PERSON_FIELDS:
        assert (
            len(result.records) == 3
        )  # all three documents of the holder ("van onderwijsdeelnemers")
    assert result.log_entry.outcome == "disclosed" and result.log_entry.basis == code
    assert sorted(result.log_entry.fields) == sorted(got)  # the log says exactly what left


def test_the_withdrawal_reason_goes_only_to_the_awarding_organisation_and_the_holder(world):
    vo = world.holder.diplomas.get(organisation=world.school)
    services.withdraw_diploma(vo, effective_date=dt.date(2024, 1, 1), reason="Fraude bij het CE",
                              code="fraud")  # fmt: skip
    for code, kind in [("art49", "minister_szw"), ("art50", "minister_vws"), ("art56", "uwv")]:
        text = repr(_disclose(world, code, kind).records)
        assert "Fraude" not in text and "withdrawn" in text  # the status, not the reason
    school = engine.disclose(requester=world.requester(world.school), basis="art53_2",
                             subject=world.holder.pgn, channel="api")  # fmt: skip
    assert school.records[0]["withdrawal_reason"] == "Fraude bij het CE"
    own = engine.disclose(requester=Requester(kind="holder"), basis="holder",
                          subject=world.holder.pgn, channel="portal")  # fmt: skip
    assert "Fraude bij het CE" in repr(own.records)


def test_a_document_attributed_to_the_wrong_person_disappears_for_them(world):
    wo = world.holder.diplomas.get(organisation=world.university)
    services.withdraw_diploma(wo, effective_date=dt.date(2024, 1, 1), reason="Andere student",
                              code="misattributed")  # fmt: skip
    own = engine.disclose(requester=Requester(kind="holder"), basis="holder",
                          subject=world.holder.pgn, channel="portal")  # fmt: skip
    assert wo.pk not in {r["diploma_id"] for r in own.records} and len(own.records) == 2
    assert wo.versions.count() == 2  # the history stays in the register


def test_art53_1_institution_sees_own_students_documents_only(world):
    result = engine.disclose(requester=world.requester(world.university), basis="art53_1",
                             subject=world.holder.pgn, channel="api")  # fmt: skip
    assert [r["organisation_name"] for r in result.records] == ["Universiteit Testdam"]
    assert result.subject["family_name"] == "Jansen"
    with pytest.raises(NotDisclosed):  # never studied there
        engine.disclose(requester=world.requester(world.university), basis="art53_1",
                        subject=world.stranger.pgn, channel="api")  # fmt: skip
    refused = LogEntry.objects.order_by("-id").first()
    assert refused.outcome == "refused" and refused.fields == []


def test_art53_2_awarding_institution_sees_what_it_awarded(world):
    result = engine.disclose(requester=world.requester(world.school), basis="art53_2",
                             subject=world.holder.pgn, channel="api")  # fmt: skip
    assert [r["kind"] for r in result.records] == ["l"]
    with pytest.raises(NotDisclosed):
        engine.disclose(requester=world.requester(world.school), basis="art53_2",
                        subject=world.stranger.pgn, channel="api")  # fmt: skip


def test_a_bestuur_acts_for_its_instellingen(world):
    bestuur = world.org("bestuur", "123B456")
    world.university.bestuur = bestuur
    world.university.save()
    result = engine.disclose(requester=world.requester(bestuur), basis="art53_1",
                             subject=world.holder.pgn, channel="api")  # fmt: skip
    assert len(result.records) == 1


def test_art54_cvte(world):
    own = engine.disclose(requester=world.requester(world.cvte), basis="art54_1",
                          subject=world.holder.pgn, channel="api")  # fmt: skip
    assert [r["kind"] for r in own.records] == ["p"]
    exam = _disclose(world, "art54_2", org=world.cvte)
    assert len(exam.records) == 3 and "family_name" not in exam.subject
    assert "grades" in exam.records[0]


def test_art24_gives_identifying_data_only_for_the_laws_of_the_annex(world):
    """Art. 24 with the annex: geslacht for WEB, WEB BES, WHW; postcode for WVO, WEB, WEB BES, WHW;
    geboortedatum for WPO to WEB BES (not WHW); geboorteland for WVO, WVO BES; nationaliteit for
    WEB, WEB BES, WHW - "alleen ... ten aanzien van een onderwijsdeelnemer die is of was
    ingeschreven aan een onderwijsinstelling als bedoeld in de daarbij aangeduide wet"."""
    ocw = world.org("minister_ocw", "OCW")
    student = _disclose(world, "art24", org=ocw)  # enrolled at a university (WHW) only
    assert set(student.subject) == {"pgn", "gender", "postcode", "nationality"}
    pupil = PersonDataFactory()
    facts.record_enrolment(pupil, organisation=world.school, record_key="LL-1",
                           start_date=dt.date(2014, 8, 1))  # fmt: skip
    at_school = _disclose(world, "art24", org=ocw, subject=pupil.pgn)  # WVO
    assert set(at_school.subject) == {"pgn", "postcode", "birth_date", "birth_country"}
    assert set(at_school.log_entry.fields) == set(at_school.subject)


def test_art28_needs_the_application_the_institution_is_handling(world):
    """Art. 28 lid 2: "voor de aanmelding, toelating en inschrijving" - not any person at all."""
    hogeschool = world.org("hogeschool", "HS01")
    with pytest.raises(NotDisclosed):
        _disclose(world, "art28_2", org=hogeschool, subject=world.stranger.pgn)
    result = _disclose(world, "art28_2", org=hogeschool, subject=world.stranger.pgn,
                       application="AANM-2025-17")  # fmt: skip
    assert result.subject == {"pgn": world.stranger.pgn}
    stated = Application.objects.get(organisation=hogeschool)
    assert (stated.basis, stated.reference, stated.pgn) == (
        "art28_2",
        "AANM-2025-17",
        world.stranger.pgn,
    )


@pytest.mark.parametrize(
    ("code", "kind"),
    [("art50", "uwv"), ("art53_1", "cbs"), ("art47", "minister_szw"), ("art55", "vo_school"),
     ("nope", "uwv")],
)  # fmt: skip
def test_unbound_basis_is_refused_and_logged(world, code, kind):
    with pytest.raises(NotDisclosed) as refused:
        _disclose(world, code, kind)
    assert str(refused.value.args[0]) == NOT_DISCLOSED
    row = LogEntry.objects.order_by("-id").first()
    assert row.outcome == "refused" and row.basis == code[:32] and row.fields == []


def test_refusals_look_alike_and_are_logged_under_the_number_asked(world):
    """Unknown person, known person out of scope, basis not bound: one message, one refusal row each,
    the subject the keyed hash of the number asked (also when the register does not know it)."""
    university = world.requester(world.university)
    cases = {
        "unknown": ("art53_1", "111222333"),
        "out_of_scope": ("art53_1", world.stranger.pgn),
        "unbound": ("art56", world.stranger.pgn),
    }
    messages = set()
    for basis, number in cases.values():
        before = LogEntry.objects.count()
        with pytest.raises(NotDisclosed) as refused:
            engine.disclose(requester=university, basis=basis, subject=number, channel="api")
        messages.add(str(refused.value))
        assert LogEntry.objects.count() == before + 1
        row = LogEntry.objects.order_by("-id").first()
        assert row.outcome == "refused" and row.subject_ref == keyed_hash("log-subject", number)
    assert len(messages) == 1


def test_mode_is_part_of_the_basis(world):
    with pytest.raises(NotDisclosed):  # art. 55 is a bulk export, not a look-up
        _disclose(world, "art55", "cbs")


def test_holder_and_share_bases(world):
    own = engine.disclose(requester=Requester(kind="holder", label="Mijn diploma's"),
                          basis="holder", subject=world.holder.pgn, channel="portal")  # fmt: skip
    assert len(own.records) == 3 and own.subject["pgn"] == world.holder.pgn
    chosen = [own.records[0]["diploma_id"]]
    shared = engine.disclose(requester=Requester(kind="public", label="deellink ab12"),
                             basis="holder_share", subject=world.holder, channel="share",
                             diploma_ids=chosen)  # fmt: skip
    assert [r["diploma_id"] for r in shared.records] == chosen
    assert "pgn" not in shared.subject
    with pytest.raises(NotDisclosed):  # a share link must name its documents
        engine.disclose(requester=Requester(kind="public"), basis="holder_share",
                        subject=world.holder, channel="share")  # fmt: skip
    with pytest.raises(NotDisclosed):  # a stranger cannot use the holder's own basis
        engine.disclose(requester=Requester(kind="public"), basis="holder",
                        subject=world.holder.pgn, channel="portal")  # fmt: skip


def test_a_channel_gets_and_the_log_names_only_the_fields_it_asks_for(world):
    result = _disclose(
        world, "art56", "uwv", fields=["family_name", "kind", "birth_date", "nonsense"]
    )
    assert set(result.subject) == {"family_name", "birth_date"}
    assert all(set(r) == {"kind"} for r in result.records)
    assert sorted(result.log_entry.fields) == ["birth_date", "family_name", "kind"]


@pytest.fixture
def log_refuses_inserts(db):
    """Make the database itself refuse the next log row (a trigger), on SQLite and PostgreSQL."""
    with log_refusing_inserts():
        yield


def test_when_the_log_cannot_be_written_nothing_is_disclosed(world, log_refuses_inserts):
    """A channel hands data on only after the block: if the log row cannot be written the block
    raises, and what the channel stored inside it is rolled back."""
    handed_on = []
    uwv = world.org("uwv", "UWV")
    opened = engine.disclosing(requester=world.requester(uwv), basis="art56",
                               subject=world.holder.pgn, channel="api")  # fmt: skip
    with transaction.atomic(), pytest.raises(DatabaseError):
        with opened as disclosure:
            Organisation.objects.filter(pk=uwv.pk).update(name="stored by the channel")
        handed_on.append(disclosure)  # never reached
    assert handed_on == []
    assert Organisation.objects.get(pk=uwv.pk).name != "stored by the channel"


def test_what_a_channel_stores_commits_with_the_log_row_or_not_at_all(world):
    before = LogEntry.objects.count()
    uwv = world.requester(world.org("uwv", "UWV"))
    opened = engine.disclosing(
        requester=uwv, basis="art56", subject=world.holder.pgn, channel="api"
    )
    with pytest.raises(RuntimeError), opened:
        raise RuntimeError("rendering failed")
    assert LogEntry.objects.count() == before  # no row for a disclosure that never left
