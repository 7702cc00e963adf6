"""One pipeline for API, upload and file: each rule with its message, mixed batches, idempotency."""

import csv
import io
import json

import pytest
from django.core.management import call_command

from diplomaregister.levering.models import Delivery, DeliveryRecord
from diplomaregister.organisations.factories import OrganisationFactory
from diplomaregister.register.models import Diploma, DiplomaVersion

from .conftest import vo_record

pytestmark = pytest.mark.django_db

RULES = [
    ({"pgn": "123456789"}, "pgn", "pgn.checksum"),
    ({"family_name": ""}, "family_name", "required"),
    ({"birth_date": "17-05-2001"}, "birth_date", "date.format"),
    ({"kind": "z"}, "kind", "kind.unknown"),
    ({"kind": "a", "sector": "WO"}, "kind", "kind.awarding_organisation"),
    ({"date_of_issue": "2005-06-30"}, "date_of_issue", "kind.start_date"),
    ({"date_of_issue": "2025-08-01"}, "date_of_issue", "date.future"),
    ({"programme_code": ""}, "programme_code", "required"),
    ({"grades": [{"subject_code": "NE", "subject_name": "Nl", "final_grade": "11"}]},
     "grades[0].final_grade", "range"),
    ({"record_key": ""}, "record_key", "required"),
    ({"vo_leerweg": "xx"}, "vo_leerweg", "choice"),
]  # fmt: skip


@pytest.mark.parametrize(("change", "field", "rule"), RULES, ids=[r[2] + ":" + r[1] for r in RULES])
def test_each_rule_rejects_with_field_rule_and_message(api, change, field, rule):
    response = api.post("/api/v1/diplomas", vo_record(1, **change), format="json")
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    params = response.json()["invalid-params"]
    match = [p for p in params if p["name"] == field and p["code"] == rule]
    assert match and match[0]["reason"], params
    assert Diploma.objects.count() == 0
    body = response.content.decode()
    assert "Jansen" not in body and vo_record(1)["pgn"] not in body  # no personal data in errors


def test_mixed_batch_keeps_exactly_the_good_records(api):
    records = [vo_record(1), vo_record(2, kind="z"), vo_record(3), vo_record(4, pgn="123")]
    response = api.post("/api/v1/leveringen", {"records": records}, format="json")
    assert response.status_code == 201
    assert response.json()["aantallen"] == {"created": 2, "corrected": 0, "unchanged": 0,
                                            "withdrawn": 0, "rejected": 2}  # fmt: skip
    assert set(Diploma.objects.values_list("record_key", flat=True)) == {"VO-00001", "VO-00003"}
    feedback = api.get(f"/api/v1/leveringen/{response.json()['id']}/terugkoppeling").json()
    rejected = {
        r["record_key"]: r["violations"][0]["rule"]
        for r in feedback["results"]
        if r["outcome"] == "rejected"
    }
    assert rejected == {"VO-00002": "kind.unknown", "VO-00004": "pgn.length"} or set(rejected) == {
        "VO-00002",
        "VO-00004",
    }


def test_same_record_twice_is_a_no_op_and_changed_is_a_correction(api):
    assert api.post("/api/v1/diplomas", vo_record(1), format="json").status_code == 201
    again = api.post("/api/v1/diplomas", vo_record(1), format="json")
    assert again.status_code == 200 and again.json()["outcome"] == "unchanged"
    fixed = api.post(
        "/api/v1/diplomas", vo_record(1, vo_profile="NT", programme_code="HAVO-NT"), format="json"
    )
    assert fixed.json()["outcome"] == "corrected"
    assert DiplomaVersion.objects.count() == 2


def test_withdrawal_is_a_new_version(api):
    api.post("/api/v1/diplomas", vo_record(1), format="json")
    response = api.post("/api/v1/diplomas/VO-00001/intrekking",
                        {"effective_date": "2025-07-15", "reason": "fraude"}, format="json")  # fmt: skip
    assert response.status_code == 200 and response.json()["outcome"] == "withdrawn"
    assert list(DiplomaVersion.objects.order_by("version").values_list("status", flat=True)) == [
        "valid",
        "withdrawn",
    ]
    unknown = api.post(
        "/api/v1/diplomas/NOPE/intrekking",
        {"effective_date": "2025-07-15", "reason": "x"},
        format="json",
    )
    assert unknown.status_code == 422 and unknown.json()["invalid-params"][0]["code"] == "unknown"


def test_idempotency_key_retry_changes_nothing(api):
    headers = {"HTTP_IDEMPOTENCY_KEY": "abc-1"}
    first = api.post("/api/v1/leveringen", {"records": [vo_record(1)]}, format="json", **headers)
    retry = api.post("/api/v1/leveringen", {"records": [vo_record(1)]}, format="json", **headers)
    assert first.status_code == retry.status_code == 201
    assert retry.json() == json.loads(json.dumps(first.json()))
    assert retry["Idempotent-Replayed"] == "true"
    assert Delivery.objects.count() == 1 and DiplomaVersion.objects.count() == 1
    other = api.post("/api/v1/leveringen", {"records": [vo_record(2)]}, format="json", **headers)
    assert other.status_code == 422
    assert Diploma.objects.count() == 1


def test_delivering_for_another_organisation_is_forbidden_and_stores_nothing(api):
    other = OrganisationFactory(kind="vo_school")
    batch = api.post(
        "/api/v1/leveringen", {"organisatie": other.code, "records": [vo_record(1)]}, format="json"
    )
    single = api.post("/api/v1/diplomas", vo_record(2, organisation=other.code), format="json")
    mixed = api.post("/api/v1/leveringen", {"records": [vo_record(3), vo_record(4, organisation=other.code)]},
                     format="json")  # fmt: skip
    assert batch.status_code == single.status_code == mixed.status_code == 403
    assert Diploma.objects.count() == 0 and Delivery.objects.count() == 0


def test_other_organisations_deliveries_are_invisible(api, clock):
    response = api.post("/api/v1/leveringen", {"records": [vo_record(1)]}, format="json")
    from rest_framework.test import APIClient

    from diplomaregister.organisations.auth import create_client

    _c, token = create_client(OrganisationFactory(kind="vo_school"), "other", ["deliver"])
    stranger = APIClient()
    stranger.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert stranger.get(f"/api/v1/leveringen/{response.json()['id']}").status_code == 404
    assert (
        stranger.get(f"/api/v1/leveringen/{response.json()['id']}/terugkoppeling").json()["results"]
        == []
    )


def test_no_token_no_access(client, db):
    assert client.post("/api/v1/leveringen", {}, content_type="application/json").status_code == 401


def _csv(records, delimiter=";"):
    out = io.StringIO()
    fields = ["record_key", "pgn", "family_name", "given_names", "gender", "birth_date", "kind",
              "date_of_issue", "programme_code", "vo_profile", "grades"]  # fmt: skip
    writer = csv.DictWriter(out, fieldnames=fields, delimiter=delimiter, extrasaction="ignore")
    writer.writeheader()
    for r in records:
        writer.writerow({**r, "grades": json.dumps(r["grades"])})
    return "\ufeff" + out.getvalue()


@pytest.mark.parametrize("delimiter", [";", ","])
def test_import_file_with_report_and_reimport_changes_nothing(school, clock, tmp_path, delimiter):
    path = tmp_path / "levering.csv"
    path.write_text(
        _csv([vo_record(1), vo_record(2, kind="q"), vo_record(3)], delimiter), encoding="utf-8"
    )
    report = tmp_path / "report.csv"
    call_command(
        "import_file", str(path), organisation=school.code, report=str(report), no_progress=True
    )
    assert Diploma.objects.count() == 2
    lines = report.read_text().splitlines()
    assert lines[0] == "line;record_key;field;rule;message" and lines[1].startswith(
        "3;VO-00002;kind;"
    )
    call_command("import_file", str(path), organisation=school.code, no_progress=True)
    assert Diploma.objects.count() == 2 and DiplomaVersion.objects.count() == 2
    assert Delivery.objects.count() == 1 and DeliveryRecord.objects.count() == 3


def test_jsonl_upload_endpoint(api, school):
    body = "\n".join(json.dumps(r) for r in [vo_record(1), vo_record(2)]) + "\n{broken\n"
    upload = io.BytesIO(body.encode())
    upload.name = "levering.jsonl"
    response = api.post("/api/v1/leveringen/bestanden", {"bestand": upload}, format="multipart")
    assert response.status_code == 201
    assert (
        response.json()["aantallen"]["created"] == 2
        and response.json()["aantallen"]["rejected"] == 1
    )
    rejected = DeliveryRecord.objects.get(outcome="rejected")
    assert rejected.index == 2 and rejected.violations[0]["rule"] == "format"
