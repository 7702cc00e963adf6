"""Diplomas named as people know them on every page (issue 13 item 5): the holder's home page, the
share page and the institution's inzage use verstrekking.naming as the diploma page does (degree,
programme, judicium, institution), mark a document earned but not yet awarded, and show no raw
codes."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from diplomaregister.organisations.factories import OrganisationFactory
from diplomaregister.portal_holder.services import create_share_link
from diplomaregister.register import services
from diplomaregister.register.factories import DiplomaDataFactory, PersonDataFactory
from diplomaregister.register.inputs import GradeData
from diplomaregister.register.models import Diploma, Person, Programme

pytestmark = pytest.mark.django_db
CODES = ("cum_laude", "of_science", "master<", "in_behandeling", "pass_result")


@pytest.fixture
def graduate(client, clock, settings):
    """A WO master cum laude with a grade list at Universiteit Utrecht, and a second master there
    earned but not yet awarded."""
    settings.DIPLOMA_SCENARIO = "1"
    uu = OrganisationFactory(universiteit=True, name="Universiteit Utrecht")
    data = PersonDataFactory(given_names="Anna", family_name="Bakker")
    units = [GradeData("INFOM1", "Course one", final_grade=Decimal("8.5"), credits_ec=Decimal(60),
                       result_date=dt.date(2023, 6, 1))]  # fmt: skip
    recorded = timezone.make_aware(dt.datetime(2023, 9, 1, 10))
    services.record_diploma(data, DiplomaDataFactory(
        ho=True, programme_code="60300", date_of_issue=dt.date(2023, 8, 30), degree="master",
        degree_addition="of_science", judicium="cum_laude", grades=units), organisation=uu,
        recorded_at=recorded)  # fmt: skip
    services.record_diploma(data, DiplomaDataFactory(
        ho=True, record_key="EARNED-1", programme_code="60301", date_of_issue=None, earned=True,
        exam_date=dt.date(2024, 12, 20), degree="master", degree_addition="of_arts"),
        organisation=uu, recorded_at=recorded + dt.timedelta(days=500))  # fmt: skip
    Programme.objects.filter(code="60300").update(name_nl="Informatica", name_en="Computer Science")
    Programme.objects.filter(code="60301").update(name_nl="Filosofie", name_en="Philosophy")
    client.get(f"/digid/acs/?bsn={data.pgn}&next=/mijn/")
    return client, Person.objects.get(pgn=data.pgn)


def _no_codes(html):
    for code in CODES:
        assert code not in html, code


def test_home_page_names_each_diploma_and_marks_the_earned_one(graduate):
    client, _ = graduate
    nl = client.get("/mijn/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert ">Master of Science Informatica, cum laude</a>\n      — Universiteit Utrecht, 30 augustus 2023" in nl  # fmt: skip
    assert ">Master of Arts Filosofie</a>" in nl and "behaald, nog niet uitgereikt" in nl
    en = client.get("/mijn/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert ">Master of Science Computer Science, cum laude</a>" in en
    assert ">Master of Arts Philosophy</a>" in en and "earned, not yet awarded" in en
    assert en.count("earned, not yet awarded") == 1 and nl.count("nog niet uitgereikt") == 1
    _no_codes(nl), _no_codes(en)


def test_share_page_names_the_diploma_with_its_grade_list(graduate):
    client, person = graduate
    degree = Diploma.objects.filter(person=person).exclude(record_key="EARNED-1").get()
    _link, token = create_share_link(person, [degree.pk])
    nl = client.get(f"/delen/{token}/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "<strong>Master of Science Informatica, cum laude</strong>" in nl
    assert "Course one" in nl and "60 EC" in nl and "Master of Science</dd>" in nl
    en = client.get(f"/delen/{token}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<strong>Master of Science Computer Science, cum laude</strong>" in en
    assert "Filosofie" not in en and "Philosophy" not in en  # not shared (and not issued)
    _no_codes(nl), _no_codes(en)
    bare, bare_token = create_share_link(person, [degree.pk], with_grades=False)
    page = client.get(f"/delen/{bare_token}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Master of Science Computer Science, cum laude" in page and "Course one" not in page


def test_share_choices_name_the_diplomas(graduate):
    client, _ = graduate
    page = client.get("/mijn/delen/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Master of Science Computer Science, cum laude — Universiteit Utrecht (2023)" in page


def test_the_vo_profile_in_words(logged_in, holder):
    school = Diploma.objects.get(person=holder, organisation__kind="vo_school")
    nl = logged_in.get(f"/mijn/diploma/{school.pk}/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "<dd>Natuur en Gezondheid</dd>" in nl and "<dd>NG</dd>" not in nl
    en = logged_in.get(f"/mijn/diploma/{school.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<dd>Science and Health</dd>" in en
    from diplomaregister.verstrekking.naming import profile

    assert profile({"vo_profile": "NT/NG"}, "en") == "Science and Technology and Science and Health"
    assert profile({"vo_profile": "XY"}, "nl") == "XY"  # unknown: as delivered
