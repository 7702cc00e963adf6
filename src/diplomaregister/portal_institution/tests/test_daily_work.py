"""The institution portal for daily work: dashboard charts, batch upload with feedback per record
(table and CSV), the correction queue with person, diploma, message and status in words, search
and pages, and "correct now" re-delivering through the one pipeline."""

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from diplomaregister.levering.models import Delivery
from diplomaregister.portal_institution.corrections import search_queue, submit_request
from diplomaregister.portal_institution.models import CorrectionRequest
from diplomaregister.register.models import Diploma

from .test_portal import _login, _staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, world, settings, tmp_path):
    settings.VAR_DIR = str(tmp_path)
    _login(client, _staff(world.university, "alice"))
    return client


def _record(n, **extra):
    record = {"record_key": f"WO-{n}", "pgn": "", "family_name": "Bakker", "given_names": "Eva",
              "birth_date": "2000-02-02", "kind": "a", "sector": "WO", "date_of_issue": "2025-02-20",
              "programme_code": "56604", "ho_degree": "Master of Science", "ho_exam_type": "afsluitend",
              "exam_date": "2025-01-31"}  # fmt: skip
    record.update(extra)
    return record


def test_dashboard_draws_the_four_charts(staff, world):
    page = staff.get("/instelling/").content.decode()
    assert page.count('<svg class="chart" role="img"') == 3  # no rejections yet: a sentence
    assert "Leveringen per week" in page and "Op tijd" in page and "98,0 %" in page


def test_upload_gives_feedback_per_record_as_table_and_csv(staff, world):
    from diplomaregister.register.factories import PersonDataFactory

    good = _record(1, pgn=PersonDataFactory().pgn)
    bad = _record(2, pgn="123", date_of_issue="morgen")
    body = "\n".join(json.dumps(r) for r in (good, bad)).encode()
    response = staff.post(
        "/instelling/leveren/", {"bestand": SimpleUploadedFile("batch.jsonl", body)}
    )
    assert response.status_code == 302
    delivery = Delivery.objects.get(channel="upload")
    assert (delivery.status, delivery.created, delivery.rejected) == ("done", 1, 1), list(
        delivery.records.values_list("violations", flat=True)
    )
    page = staff.get(response["Location"]).content.decode()
    assert "2 van 2 records gecontroleerd" in page and "WO-2" in page and "afgewezen" in page
    csv = staff.get(f"{response['Location']}?formaat=csv")
    assert csv["Content-Type"].startswith("text/csv") and "WO-2;rejected" in csv.content.decode()
    wrong = staff.post("/instelling/leveren/", {"bestand": SimpleUploadedFile("x.pdf", b"%PDF")})
    assert "Gebruik een .csv- of .jsonl-bestand." in wrong.content.decode()


def test_queue_names_person_diploma_and_status_in_words(staff, world, clock):
    diploma = Diploma.objects.get(person=world.holder, organisation=world.university)
    for n in range(30):
        clock.shift(dt.timedelta(seconds=5))
        submit_request(person=world.holder, diploma=diploma, message=f"Verzoek nummer {n:02d}.")
    page = staff.get("/instelling/correctieverzoeken/").content.decode()
    assert "Anna Jansen" in page and "Master" in page and "Verzoek nummer 29" in page
    assert "Open" in page and "Verzoek nummer 04" not in page  # page 2
    older = page.split("voor=")[1].split('"')[0]
    page2 = staff.get(f"/instelling/correctieverzoeken/?voor={older}").content.decode()
    assert "Verzoek nummer 04" in page2 and "Verzoek nummer 29" not in page2
    found = staff.get("/instelling/correctieverzoeken/?zoek=nummer+07").content.decode()
    assert "Verzoek nummer 07" in found and "Verzoek nummer 08" not in found
    rows, _next = search_queue(world.university, status="gecorrigeerd")
    assert rows == []


def test_correct_now_redelivers_through_the_pipeline(staff, world, clock):
    diploma = Diploma.objects.get(person=world.holder, organisation=world.university)
    req = submit_request(person=world.holder, diploma=diploma, message="Mijn graad klopt niet.")
    form = staff.get(f"/instelling/correctieverzoeken/{req.pk}/corrigeren/").content.decode()
    assert "Mijn graad klopt niet." in form and 'value="Jansen"' in form
    version = diploma.versions.order_by("-version").first()
    data = {"family_name": "Jansen", "given_names": "Anna", "birth_date": "2001-05-17",
            "gender": "", "kind": version.kind, "date_of_issue": version.date_of_issue.isoformat(),
            "programme_code": version.programme.code if version.programme else "",
            "ho_degree": "Master of Arts", "ho_exam_type": version.ho_exam_type,
            "exam_date": version.exam_date.isoformat(), "answer": "Uw graad is aangepast."}  # fmt: skip
    clock.shift(dt.timedelta(minutes=5))
    response = staff.post(f"/instelling/correctieverzoeken/{req.pk}/corrigeren/", data)
    text = response.content.decode()
    assert response.status_code == 302, text[text.find("<main") :][:3000]
    req.refresh_from_db()
    assert req.status == "gecorrigeerd" and req.answer == "Uw graad is aangepast."
    assert diploma.versions.order_by("-version").first().ho_degree == "Master of Arts"
    rejected = staff.post(f"/instelling/correctieverzoeken/{req.pk}/corrigeren/",
                          {**data, "date_of_issue": "2999-01-01"})  # fmt: skip
    assert rejected.status_code == 200 and "niet geaccepteerd" in rejected.content.decode()


def test_status_words_in_english(staff, world):
    diploma = Diploma.objects.get(person=world.holder, organisation=world.university)
    submit_request(person=world.holder, diploma=diploma, message="The name is misspelt.")
    CorrectionRequest.objects.update(status="in_behandeling")
    page = staff.get("/instelling/correctieverzoeken/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Being handled" in page and "In behandeling" not in page
