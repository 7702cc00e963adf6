"""Diplomas named as people know them (issue 13 item 5): degree and programme first, the legal
category as a second line, coded values in words, in the page's language."""

import datetime as dt

import pytest
from django.utils import timezone

from diplomaregister.organisations.factories import OrganisationFactory
from diplomaregister.register import services
from diplomaregister.register.factories import DiplomaDataFactory, PersonDataFactory
from diplomaregister.register.models import Diploma, Programme

pytestmark = pytest.mark.django_db


def test_an_ho_diploma_is_titled_by_degree_and_programme(logged_in, holder):
    Programme.objects.filter(code="56604").update(name_nl="Informatica", name_en="Computer Science")
    nl = logged_in.get("/mijn/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert ">Master of Science Informatica</a>" in nl
    assert (
        "Getuigschrift propedeutisch examen hbo of afsluitend examen hoger onderwijs" in nl
    )  # 2nd line
    en = logged_in.get("/mijn/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert ">Master of Science Computer Science</a>" in en
    wo = Diploma.objects.get(person=holder, organisation__kind="universiteit")
    page = logged_in.get(f"/mijn/diploma/{wo.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<h1 class="utrecht-heading-1">Master of Science Computer Science</h1>' in page
    assert "final exam" in page and "afsluitend" not in page  # the code in words


def test_no_raw_codes_for_vocational_diplomas(client, clock, db):
    mbo = OrganisationFactory(kind="mbo_instelling")
    person = PersonDataFactory()
    services.record_diploma(person, DiplomaDataFactory(mbo=True, date_of_issue=dt.date(2024, 7, 1)),
                            organisation=mbo, recorded_at=timezone.make_aware(dt.datetime(2024, 7, 2)))  # fmt: skip
    Programme.objects.filter(code="25187").update(name_nl="Verzorgende-IG", name_en="Carer")
    client.get(f"/digid/acs/?bsn={person.pgn}&next=/mijn/")
    diploma = Diploma.objects.get(organisation=mbo)
    nl = client.get(f"/mijn/diploma/{diploma.pk}/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Mbo-diploma niveau 4 Verzorgende-IG" in nl
    assert "beroepsopleidende leerweg (bol)" in nl and "4 bol" not in nl
    en = client.get(f"/mijn/diploma/{diploma.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Vocational diploma level 4 Carer" in en and "school-based pathway (BOL)" in en
    pdf = client.post("/mijn/uittreksel/", {"diploma": diploma.pk, "lang": "en"}).content
    assert b"school-based pathway" in pdf and b"(bol)" not in pdf  # the extract too: words
