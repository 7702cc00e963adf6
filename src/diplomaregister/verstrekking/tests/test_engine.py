"""Each basis gives exactly its fields, to its recipients only; every disclosure is logged."""

import pytest
from django.db import connection

from diplomaregister.law.loaders import legal_bases
from diplomaregister.logboek.models import LogEntry
from diplomaregister.verstrekking import engine
from diplomaregister.verstrekking.engine import BasisNotAllowed, OutOfScope, Requester

IDENTIFYING = {"pgn", "family_name", "given_names", "birth_date", "diploma_id"}
NATIONAL = {
    "art47": "minister_ocw", "art49": "minister_szw", "art50": "minister_vws", "art51": "minister_mz",
    "art52": "zorginstituut", "art54_2": "cvte", "art55": "cbs", "art56": "uwv", "art39_1": "minister_szw",
    "art36": "uwv",
}  # fmt: skip
CHANNEL = {"art47": "export", "art55": "export"}


def _disclose(world, code, kind, subject=None, org=None):
    org = org or world.org(kind, f"R{kind[:10].upper()}")
    return engine.disclose_diplomas(
        requester=world.requester(org), basis=code, subject=subject or world.holder,
        channel=CHANNEL.get(code, "api"),
    )  # fmt: skip


@pytest.mark.parametrize("code", sorted(NATIONAL))
def test_national_bases_give_exactly_their_fields(world, code):
    basis = legal_bases()[code]
    result = _disclose(world, code, NATIONAL[code])
    allowed = set(basis.fields)
    got = {k for r in result.records for k in r} | (set(result.subject) - {"pseudonym"})
    assert got <= allowed
    # every allowed diploma field present in every record, when the basis gives document data
    diploma_fields = allowed - engine.PERSON_LEVEL
    if diploma_fields:
        assert len(result.records) == 3
        assert all(set(r) == diploma_fields for r in result.records)
    else:
        assert result.records == []
    assert set(result.subject) - {"pseudonym"} == allowed & engine.PERSON_LEVEL
    assert result.log_entry.outcome == "disclosed" and result.log_entry.basis == code
    assert sorted(result.log_entry.fields) == sorted(got)


@pytest.mark.parametrize("code", ["art47", "art51", "art52"])
def test_pseudonymised_bases_carry_no_identifier_and_differ_per_recipient(world, code):
    kind = NATIONAL[code]
    one = _disclose(world, code, kind, org=world.org(kind, "RECIP1"))
    two = _disclose(world, code, kind, org=world.org(kind, "RECIP2"))
    again = _disclose(world, code, kind, org=world.org(kind, "RECIP1"))
    for result in (one, two):
        text = repr(result.records) + repr(result.subject)
        assert world.holder.pgn not in text and "Jansen" not in text and "2001-05-17" not in text
        assert not IDENTIFYING & ({k for r in result.records for k in r} | set(result.subject))
    assert one.subject["pseudonym"] != two.subject["pseudonym"]
    assert one.subject["pseudonym"] == again.subject["pseudonym"]


def test_art51_answers_whether_an_ho_document_was_obtained(world):
    assert _disclose(world, "art51", "minister_mz").subject["ho_document_since_1996"] is True
    other = world.org("minister_mz", "MZ2")
    result = engine.disclose_person(requester=world.requester(other), basis="art51",
                                    subject=world.holder, channel="api")  # fmt: skip
    assert set(result.subject) == {"pseudonym", "ho_document_since_1996"}


def test_art53_1_institution_sees_own_students_documents_only(world):
    result = engine.disclose_diplomas(requester=world.requester(world.university), basis="art53_1",
                                      subject=world.holder, channel="api")  # fmt: skip
    assert [r["organisation_name"] for r in result.records] == ["Universiteit Testdam"]
    assert result.subject["family_name"] == "Jansen"
    with pytest.raises(OutOfScope):  # never studied there
        engine.disclose_diplomas(requester=world.requester(world.university), basis="art53_1",
                                 subject=world.stranger, channel="api")  # fmt: skip
    refused = LogEntry.objects.order_by("-seq").first()
    assert refused.outcome == "refused" and refused.fields == []


def test_art53_2_awarding_institution_sees_what_it_awarded(world):
    result = engine.disclose_diplomas(requester=world.requester(world.school), basis="art53_2",
                                      subject=world.holder, channel="api")  # fmt: skip
    assert [r["kind"] for r in result.records] == ["l"]
    with pytest.raises(OutOfScope):
        engine.disclose_diplomas(requester=world.requester(world.school), basis="art53_2",
                                 subject=world.stranger, channel="api")  # fmt: skip


def test_a_bestuur_acts_for_its_instellingen(world):
    bestuur = world.org("bestuur", "123B456")
    world.university.bestuur = bestuur
    world.university.save()
    result = engine.disclose_diplomas(requester=world.requester(bestuur), basis="art53_1",
                                      subject=world.holder, channel="api")  # fmt: skip
    assert len(result.records) == 1


def test_art54_cvte(world):
    own = engine.disclose_diplomas(requester=world.requester(world.cvte), basis="art54_1",
                                   subject=world.holder, channel="api")  # fmt: skip
    assert [r["kind"] for r in own.records] == ["p"]
    exam = engine.disclose_diplomas(requester=world.requester(world.cvte), basis="art54_2",
                                    subject=world.holder, channel="api")  # fmt: skip
    assert (
        len(exam.records) == 3 and "family_name" not in exam.subject and "grades" in exam.records[0]
    )


def test_annex_basis_gives_only_what_the_article_text_names(world):
    result = engine.disclose_diplomas(requester=world.requester(world.university), basis="art28_2",
                                      subject=world.stranger, channel="api")  # fmt: skip
    assert result.records == [] and result.subject == {"pgn": world.stranger.pgn}


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("art50", "uwv"),
        ("art53_1", "cbs"),
        ("art47", "minister_szw"),
        ("art55", "vo_school"),
        ("nope", "uwv"),
    ],
)
def test_unbound_basis_is_refused_and_logged(world, code, kind):
    with pytest.raises(BasisNotAllowed):
        _disclose(world, code, kind)
    row = LogEntry.objects.order_by("-seq").first()
    assert row.outcome == "refused" and row.basis == code[:32] and row.fields == []


def test_mode_is_part_of_the_basis(world):
    with pytest.raises(BasisNotAllowed):  # art. 55 is a bulk export, not a look-up
        engine.disclose_diplomas(requester=world.requester(world.org("cbs", "CBS")), basis="art55",
                                 subject=world.holder, channel="api")  # fmt: skip


def test_holder_and_share_bases(world):
    own = engine.disclose_diplomas(requester=Requester(kind="holder", label="Mijn diploma's"),
                                   basis="holder", subject=world.holder, channel="portal")  # fmt: skip
    assert len(own.records) == 3 and own.subject["pgn"] == world.holder.pgn
    chosen = [own.records[0]["diploma_id"]]
    shared = engine.disclose_diplomas(requester=Requester(kind="public", label="deellink ab12"),
                                      basis="holder_share", subject=world.holder, channel="share",
                                      diploma_ids=chosen)  # fmt: skip
    assert [r["diploma_id"] for r in shared.records] == chosen
    assert "pgn" not in shared.subject
    with pytest.raises(BasisNotAllowed):  # a stranger cannot use the holder's own basis
        engine.disclose_diplomas(requester=Requester(kind="public"), basis="holder",
                                 subject=world.holder, channel="portal")  # fmt: skip


def test_a_failing_log_write_discloses_nothing(world, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("log storage unavailable")

    monkeypatch.setattr(engine, "log_disclosure", broken)
    with pytest.raises(RuntimeError):
        _disclose(world, "art56", "uwv")
    assert LogEntry.objects.count() == 0


def test_the_log_row_is_written_in_the_same_transaction(world):
    before = LogEntry.objects.count()
    _disclose(world, "art50", "minister_vws")
    assert LogEntry.objects.count() == before + 1
    assert connection.in_atomic_block  # pytest-django wraps the test; the engine nests a savepoint
