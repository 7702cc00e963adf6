"""The holder's diploma page and extract (issue 13 items 5-6): the diploma named as people know it
("Master of Science Computer Science, cum laude — Universiteit Utrecht, 30 August 2023") in nl and
en, the extended data in words, the HO grade list, and the history: what changed when, and who
delivered it."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from diplomaregister.organisations.factories import OrganisationFactory
from diplomaregister.register import services
from diplomaregister.register.factories import DiplomaDataFactory, PersonDataFactory
from diplomaregister.register.inputs import GradeData
from diplomaregister.register.models import Diploma, Programme

pytestmark = pytest.mark.django_db


def _units():
    # 4 x 15 EC graded + 30 EC thesis + 30 EC passed = 120 EC (a two-year WO master)
    rows = [GradeData(f"INFOM{i}", f"Course {i}", final_grade=Decimal("8.0"), credits_ec=Decimal(15),
                      result_date=dt.date(2023, 6, 1)) for i in range(4)]  # fmt: skip
    rows.append(GradeData("INFOMTHE", "Master thesis", final_grade=Decimal("9.0"),
                          credits_ec=Decimal(30), result_date=dt.date(2023, 7, 1)))  # fmt: skip
    rows.append(GradeData("INFOMEX", "Exchange", pass_result="voldaan", credits_ec=Decimal(30),
                          result_date=dt.date(2023, 2, 1)))  # fmt: skip
    return rows


@pytest.fixture
def graduate(client, clock, settings):
    settings.DIPLOMA_SCENARIO = "1"
    uu = OrganisationFactory(
        universiteit=True, code="00JU", brin="00JU", name="Universiteit Utrecht"
    )
    person = PersonDataFactory(given_names="Anna")
    data = DiplomaDataFactory(ho=True, programme_code="60300", date_of_issue=dt.date(2023, 8, 30),
                              exam_date=dt.date(2023, 7, 14), degree="master",
                              degree_addition="of_science", specialisation="Artificial Intelligence",
                              instruction_languages=["en"], grades=_units(),
                              weighted_average=Decimal("8.33"))  # (60*8 + 30*9) / 90 = 8.333...  # fmt: skip
    first = timezone.make_aware(dt.datetime(2023, 9, 1, 10))
    services.record_diploma(person, data, organisation=uu, recorded_at=first)
    data.judicium = "cum_laude"  # the institution corrects: the judicium was missing
    services.record_diploma(
        person, data, organisation=uu, recorded_at=first + dt.timedelta(days=40)
    )
    Programme.objects.filter(code="60300").update(name_nl="Informatica", name_en="Computer Science")
    client.get(f"/digid/acs/?bsn={person.pgn}&next=/mijn/")
    return client, Diploma.objects.get(organisation=uu)


def test_named_in_english_and_dutch_with_history(graduate):
    client, diploma = graduate
    en = client.get(f"/mijn/diploma/{diploma.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert (
        "Master of Science Computer Science, cum laude — Universiteit Utrecht, 30 August 2023" in en
    )
    assert "Artificial Intelligence" in en and "English" in en and "NLQF/EQF" in en
    assert "Master thesis" in en and "pass" in en and "120 EC" in en
    assert "History of this diploma" in en and "corrected" in en and "distinction" in en
    nl = client.get(f"/mijn/diploma/{diploma.pk}/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Master of Science Informatica, cum laude — Universiteit Utrecht, 30 augustus 2023" in nl
    assert "Geschiedenis van dit diploma" in nl and "gecorrigeerd" in nl and "Geleverd door" in nl
    assert "Engels" in nl and "voldaan" in nl
    for page in (en, nl):
        for code in ("cum_laude", "of_science", "voldaan" if page is en else "pass_result"):
            assert code not in page  # no raw codes


def test_extract_with_grade_annex_and_without_grades(graduate):
    client, diploma = graduate
    full = client.post("/mijn/uittreksel/", {"diploma": diploma.pk, "lang": "en"}).content
    assert b"Master of Science Computer Science, cum laude" in full
    assert b"Annex: grade list" in full and b"Master thesis" in full
    assert b"Register as known on" in full
    bare = client.post(
        "/mijn/uittreksel/", {"diploma": diploma.pk, "lang": "en", "zonder_cijfers": "1"}
    ).content
    assert b"Master of Science Computer Science, cum laude" in bare
    assert b"Annex: grade list" not in bare and b"Master thesis" not in bare
    assert b"Extract without grades" in bare
