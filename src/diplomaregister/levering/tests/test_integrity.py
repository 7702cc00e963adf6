"""Register integrity: only the source writes each fact, enrolments and results are delivered, and
every bad input gets a clear per-record answer while the good records are kept."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from diplomaregister.core.pgn import synthetic_bsn, synthetic_onderwijsnummer
from diplomaregister.levering import pipeline
from diplomaregister.levering.models import Delivery, DeliveryRecord
from diplomaregister.organisations.auth import create_client
from diplomaregister.organisations.factories import OrganisationFactory
from diplomaregister.register.merge import merge_person
from diplomaregister.register.models import (
    Diploma,
    EnrolmentVersion,
    IdentityMismatch,
    Person,
    PersonVersion,
    ResultVersion,
)
from diplomaregister.register.selectors import identity
from diplomaregister.verstrekking.engine import Requester, disclose

from .conftest import vo_record

pytestmark = pytest.mark.django_db


def _client(org, roles=("deliver",)):
    _c, token = create_client(org, "t", list(roles))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def _feedback(delivery_id):
    return {r.index: r for r in DeliveryRecord.objects.filter(delivery_id=delivery_id)}


# --- Identity from its source -----------------------------------------------------------------------


def test_a_school_cannot_rewrite_the_identity_of_a_bsn_person(api, school, clock):
    assert api.post("/api/v1/diplomas", vo_record(1), format="json").status_code == 201
    other = OrganisationFactory(kind="vo_school", name="Ander Lyceum")
    rewritten = vo_record(1, record_key="X-1", family_name="Pietersen", birth_date="2006-01-01")
    response = _client(other).post("/api/v1/diplomas", rewritten, format="json")
    assert response.status_code == 201  # the document is accepted ...
    assert [w["rule"] for w in response.json()["warnings"]] == ["identity.mismatch"]
    person = Person.objects.get(pgn=vo_record(1)["pgn"])
    current = identity(person)
    assert (current.family_name, current.birth_date) == (
        "Jansen",
        dt.date(2007, 3, 1),
    )  # ... not the name
    assert PersonVersion.objects.filter(person=person).count() == 1
    mismatch = IdentityMismatch.objects.get()
    assert mismatch.organisation == other and set(mismatch.fields) == {"family_name", "birth_date"}
    out = io.StringIO()
    call_command("identity_report", stdout=out)
    assert f"{other.code};family_name;1" in out.getvalue()
    assert "Pietersen" not in out.getvalue()  # counts only, no personal data


def test_an_onderwijsnummer_identity_comes_from_the_organisation_that_assigned_it(
    api, school, clock
):
    number = synthetic_onderwijsnummer(42)
    first = vo_record(2, pgn=number, pgn_type="onderwijsnummer")
    assert api.post("/api/v1/diplomas", first, format="json").status_code == 201
    fixed = dict(first, record_key="VO-2b", family_name="Janssen")
    assert api.post("/api/v1/diplomas", fixed, format="json").json()["warnings"] == []
    person = Person.objects.get(pgn=number)
    assert identity(person).family_name == "Janssen"  # the source corrected it
    other = OrganisationFactory(kind="vo_school")
    stranger = dict(first, record_key="O-1", family_name="Anders")
    assert _client(other).post("/api/v1/diplomas", stranger, format="json").json()["warnings"]
    assert identity(person).family_name == "Janssen"


def test_brp_mutations_are_versions_with_their_own_valid_time(api, school, clock, db):
    api.post("/api/v1/diplomas", vo_record(3), format="json")
    bsn = vo_record(3)["pgn"]
    operator = OrganisationFactory(kind="minister_ocw", code="BRP", brin="")
    response = _client(operator, ("brp",)).post("/api/v1/brp/mutaties", {"mutaties": [
        {"bsn": bsn, "kind": "name", "family_name": "Jansen-Bakker", "given_names": "Sem",
         "valid_from": "2025-06-01"},
        {"bsn": bsn, "kind": "death", "death_date": "2030-01-01", "valid_from": "2030-01-01"},
        {"bsn": bsn, "kind": "name", "famliy_name": "typo", "valid_from": "2025-06-01"},
        {"bsn": synthetic_bsn(999_001), "kind": "death", "death_date": "2025-01-01",
         "valid_from": "2025-01-01"},
    ]}, format="json")  # fmt: skip
    assert response.status_code == 200
    outcomes = [r["outcome"] for r in response.json()]
    assert outcomes == ["applied", "rejected", "rejected", "unknown"]
    assert {v["rule"] for v in response.json()[1]["violations"]} == {"date.future"}
    assert "field.unknown" in {v["rule"] for v in response.json()[2]["violations"]}
    person = Person.objects.get(pgn=bsn)
    assert identity(person).family_name == "Jansen-Bakker"
    assert (
        identity(person, valid_on=dt.date(2025, 5, 31)).family_name == "Jansen"
    )  # what was true when
    assert (
        _client(school).post("/api/v1/brp/mutaties", {"mutaties": [{}]}, format="json").status_code
        == 403
    )


def test_import_brp_file(api, clock, tmp_path):
    api.post("/api/v1/diplomas", vo_record(4), format="json")
    path = tmp_path / "brp.jsonl"
    path.write_text(json.dumps({"bsn": vo_record(4)["pgn"], "kind": "death", "death_date": "2025-07-01",
                                "valid_from": "2025-07-01"}) + "\nnot json\n")  # fmt: skip
    out, err = io.StringIO(), io.StringIO()
    call_command("import_brp", str(path), no_progress=True, stdout=out, stderr=err)
    assert "applied 1" in out.getvalue() and "rejected 1" in out.getvalue()
    assert identity(Person.objects.get(pgn=vo_record(4)["pgn"])).death_date == dt.date(2025, 7, 1)


def test_merge_an_onderwijsnummer_into_a_bsn_keeps_history_and_finds_both(api, school, clock):
    number, bsn = synthetic_onderwijsnummer(7), synthetic_bsn(77_777)
    api.post(
        "/api/v1/diplomas", vo_record(5, pgn=number, pgn_type="onderwijsnummer"), format="json"
    )
    target = merge_person(number, bsn)
    diploma = Diploma.objects.get(record_key="VO-00005")
    assert diploma.person == target and diploma.versions.get().person.pgn == number  # history kept
    holder = Requester(kind="holder")
    by_bsn = disclose(requester=holder, basis="holder", subject=bsn, channel="portal")
    by_old = disclose(requester=holder, basis="holder", subject=number, channel="portal")
    assert (
        [r["diploma_id"] for r in by_bsn.records]
        == [r["diploma_id"] for r in by_old.records]
        == [diploma.pk]
    )


# --- Art. 18: enrolments and results -----------------------------------------------------------------


def test_enrolments_and_results_are_delivered_through_the_pipeline(api, school, clock):
    person = {
        k: vo_record(6)[k] for k in ("pgn", "family_name", "given_names", "gender", "birth_date")
    }
    enrolment = {**person, "record_key": "INS-6", "start_date": "2019-08-01", "vo_leerweg": "",
                 "programme_code": "HAVO-NG"}  # fmt: skip
    assert api.post("/api/v1/inschrijvingen", enrolment, format="json").status_code == 201
    again = api.post(
        "/api/v1/inschrijvingen", {**enrolment, "end_date": "2025-07-10"}, format="json"
    )
    assert again.status_code == 200 and again.json()["outcome"] == "corrected"
    result = {**person, "record_key": "RES-6", "result_type": "subject_exam", "result_date": "2025-06-20",
              "subject_code": "NE", "final_grade": "7.0"}  # fmt: skip
    assert api.post("/api/v1/resultaten", result, format="json").status_code == 201
    bad = api.post("/api/v1/resultaten", {**result, "final_grade": "12"}, format="json")
    assert bad.status_code == 422 and bad.json()["invalid-params"][0]["code"] == "range"
    batch = api.post("/api/v1/leveringen", {"records": [
        {**enrolment, "type": "enrolment", "record_key": "INS-7", "start_date": "2020-08-01"},
        {**enrolment, "type": "enrolment", "record_key": "INS-8", "start_date": "not a date"},
    ]}, format="json")  # fmt: skip
    assert batch.json()["aantallen"]["created"] == 1 and batch.json()["aantallen"]["rejected"] == 1
    assert EnrolmentVersion.objects.count() == 3 and ResultVersion.objects.count() == 1
    # art. 53 lid 1 now rests on a delivered enrolment: the school sees its former pupil
    api.post("/api/v1/diplomas", vo_record(6), format="json")
    seen = disclose(requester=Requester(kind="organisation", organisation=school), basis="art53_1",
                    subject=person["pgn"], channel="api")  # fmt: skip
    assert len(seen.records) == 1


# --- Kinds a-r as art. 16 says -------------------------------------------------------------------------


HO = {"sector": "WO", "programme_code": "56001", "ho_exam_type": "afsluitend", "exam_date": "2025-06-30",
      "date_of_issue": "2025-07-10", "grades": []}  # fmt: skip


@pytest.mark.parametrize(("org_kind", "changes", "rule"), [
    ("universiteit", {"kind": "d", "bekostigd": False}, None),  # a non-funded programme of a funded university
    ("ho_instelling_h", {"kind": "d", "bekostigd": False}, None),  # annex part h is in the annex too
    ("universiteit", {"kind": "d", "bekostigd": True}, "kind.bekostigd"),
    ("universiteit", {"kind": "a", "ho_degree": "Associate degree"}, "kind.associate_degree"),
    ("universiteit", {"kind": "a", "ho_exam_type": "propedeuse"}, "kind.propedeuse_hbo"),
    ("universiteit", {"kind": "f", "sector": "HBO", "ho_degree": "Associate degree"},
     "kind.awarding_organisation"),  # no universities for associate degrees
    ("hogeschool", {"kind": "f", "sector": "HBO", "ho_degree": "Bachelor of Science"},
     "kind.associate_degree_only"),
    ("mbo_instelling", {"kind": "i", "sector": "MBO", "bekostigd": False, "mbo_level": 3,
                        "programme_code": "25000", "ho_exam_type": "", "exam_date": ""}, None),
])  # fmt: skip
def test_document_kinds_follow_article_16(clock, org_kind, changes, rule):
    org = OrganisationFactory(kind=org_kind, bekostigd=True)
    record = vo_record(8, **{**HO, **changes})
    response = _client(org).post("/api/v1/diplomas", record, format="json")
    if rule is None:
        assert response.status_code == 201, response.json()
    else:
        assert response.status_code == 422
        assert rule in {p["code"] for p in response.json()["invalid-params"]}


# --- Bad input: a clear answer per record, nothing else lost ---------------------------------------


@pytest.mark.parametrize(("changes", "field", "rule"), [
    ({"birth_date": "2031-01-01"}, "birth_date", "date.future"),
    ({"exam_date": "2099-06-30"}, "exam_date", "date.future"),
    ({"family_name": ["x"]}, "family_name", "type"),
    ({"pgn": 123456782}, "pgn", "type"),
    ({"famliy_name": "Jansen"}, "famliy_name", "field.unknown"),
    ({"family_name": "x" * 201}, "family_name", "length"),
    ({"record_key": "k" * 65}, "record_key", "length"),
    ({"grades": "not json"}, "grades", "json"),
    ({"bekostigd": "misschien"}, "bekostigd", "boolean"),
    ({"family_name": "Jan\x00sen"}, "family_name", "text.control"),  # PostgreSQL cannot store NUL
    ({"record_key": "a\x00b"}, "record_key", "text.control"),
    ({"fam\x00": "x"}, "fam?", "field.unknown"),
    ({"programme_code": "P" * 40}, "programme_code", "length"),
])  # fmt: skip
def test_bad_values_get_their_own_rule_and_the_rest_of_the_batch_is_kept(api, changes, field, rule):
    response = api.post("/api/v1/leveringen", {"records": [vo_record(20), vo_record(21, **changes),
                                                           vo_record(22)]}, format="json")  # fmt: skip
    assert response.status_code == 201
    delivery = Delivery.objects.get(pk=response.json()["id"])
    assert delivery.status == "done" and delivery.created == 2 and delivery.rejected == 1
    [bad] = [r for r in _feedback(delivery.pk).values() if r.outcome == "rejected"]
    assert (field, rule) in {(v["field"], v["rule"]) for v in bad.violations}


def test_a_file_with_broken_lines_reports_each_and_imports_the_rest(school, clock, tmp_path):
    lines = [json.dumps(vo_record(30)).encode(), b'{"record_key": "\xff\xfe"}',
             b'{"record_key": "' + b"x" * 140_000 + b'"}', json.dumps(vo_record(31)).encode(),
             b"[1, 2]", b'{"unterminated": ']  # fmt: skip
    path = tmp_path / "batch.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    call_command(
        "import_file", str(path), organisation=school.code, no_progress=True, stdout=io.StringIO()
    )
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.created, delivery.rejected) == ("done", 2, 4)
    messages = [r.violations[0]["message"] for r in _feedback(delivery.pk).values() if r.violations]
    assert messages == ["line 2 is not valid UTF-8", "line 3 is longer than 131072 bytes",
                        "line 5 is not an object", "line 6 is not valid JSON"]  # fmt: skip


def test_an_upload_with_invalid_utf8_is_a_per_line_answer_not_a_500(api):
    from django.core.files.uploadedfile import SimpleUploadedFile

    body = b"record_key;pgn\nA;1\n" + b"B;\xff\n"
    upload = SimpleUploadedFile("batch.csv", body, content_type="text/csv")
    response = api.post("/api/v1/leveringen/bestanden", {"bestand": upload}, format="multipart")
    assert response.status_code == 201
    bad_header = SimpleUploadedFile("b.csv", b"\xff\xfe;x\n", content_type="text/csv")
    broken = api.post("/api/v1/leveringen/bestanden", {"bestand": bad_header}, format="multipart")
    assert broken.status_code == 400 and broken["Content-Type"] == "application/problem+json"


def test_a_chunk_that_fails_marks_the_delivery_failed_and_it_resumes(school, clock, monkeypatch):
    records = [vo_record(40 + i) for i in range(6)]
    delivery = pipeline.start(school, channel="api")
    real, calls = pipeline.process_chunk, []

    def flaky(todo, *args, **kwargs):
        calls.append(len(todo))
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(todo, *args, **kwargs)

    monkeypatch.setattr(pipeline, "process_chunk", flaky)
    failed = pipeline.run(delivery, records, chunk_size=2)
    assert failed.status == "failed" and failed.next_index == 2
    assert "RuntimeError at record 2" in failed.failure
    resumed = pipeline.run(failed, records, chunk_size=2)
    assert resumed.status == "done" and resumed.created == 6 and resumed.failure == ""


def test_query_parameters_are_validated(api, school):
    assert api.get("/api/v1/termijnbewaking?jaar=99999").status_code == 400
    supervisor = _client(OrganisationFactory(kind="inspectie", brin=""), ("supervisor",))
    response = supervisor.get("/api/v1/disclosure-log?tot=2024-99-99T00:00")
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"


def test_after_a_merge_the_holder_sees_the_disclosures_under_both_numbers(
    api, school, clock, client
):
    from diplomaregister.logboek.selectors import entries_for_subject
    from diplomaregister.verstrekking.engine import numbers_of

    number, bsn = synthetic_onderwijsnummer(8), synthetic_bsn(88_888)
    api.post(
        "/api/v1/diplomas", vo_record(9, pgn=number, pgn_type="onderwijsnummer"), format="json"
    )
    uwv = OrganisationFactory(kind="uwv", brin="", code="UWV9")
    disclose(requester=Requester(kind="organisation", organisation=uwv), basis="art56", subject=number,
             channel="api")  # fmt: skip
    merge_person(number, bsn)
    assert set(numbers_of(bsn)) == {bsn, number}
    assert [e.basis for e in entries_for_subject(*numbers_of(bsn))] == ["art56"]


def test_exports_list_a_merged_person_once_under_the_bsn(api, school, clock, tmp_path):
    from diplomaregister.abonnementen.exports import export

    number, bsn = synthetic_onderwijsnummer(9), synthetic_bsn(99_999)
    api.post(
        "/api/v1/diplomas", vo_record(10, pgn=number, pgn_type="onderwijsnummer"), format="json"
    )
    merge_person(number, bsn)
    cbs = OrganisationFactory(kind="cbs", brin="", code="CBS9")
    out = tmp_path / "cbs.csv"
    export(Requester(kind="organisation", organisation=cbs, label="CBS"), "art55", out)
    text = out.read_text()
    assert bsn in text and number not in text and text.count("\n") == 2  # header + one person


def test_over_long_enrolment_values_are_rejected_by_rule(api):
    person = {k: vo_record(11)[k] for k in ("pgn", "family_name", "birth_date")}
    long = {**person, "record_key": "INS-11", "start_date": "2019-08-01", "end_reason": "r" * 65}
    response = api.post("/api/v1/inschrijvingen", long, format="json")
    assert response.status_code == 422
    assert response.json()["invalid-params"][0]["name"] == "end_reason"


def test_a_batch_of_the_documented_size_is_accepted_and_a_larger_body_gets_413(api, settings):
    # 9 000 records (the OpenAPI allows 10 000): every record is rejected fast (no pgn), the point is
    # that the body is read at all (Django's default 2.5 MB limit refused it with an HTML 400)
    records = [
        {"record_key": f"K{n:05d}", "family_name": "Jansen" * 40, "kind": "l"} for n in range(9000)
    ]
    response = api.post("/api/v1/leveringen", {"records": records}, format="json")
    assert response.status_code == 201 and response.json()["aantallen"]["rejected"] == 9000
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    too_big = api.post("/api/v1/leveringen", {"records": records[:50]}, format="json")
    assert too_big.status_code == 413 and too_big["Content-Type"] == "application/problem+json"


def test_the_rejection_report_neutralises_formulas(school, clock, tmp_path):
    path = tmp_path / "b.csv"
    path.write_text("record_key;pgn;family_name\n=cmd|' /C calc'!A0;123;x\n", encoding="utf-8")
    report = tmp_path / "report.csv"
    call_command("import_file", str(path), organisation=school.code, report=str(report),
                 no_progress=True, stdout=io.StringIO())  # fmt: skip
    lines = report.read_text(encoding="utf-8").splitlines()[1:]
    assert lines and all(line.split(";")[1].startswith("'=") for line in lines)
