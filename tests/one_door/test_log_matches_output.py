"""For every channel, the fields in the log row are the fields in the rendered output: each logged
value can be found in what the recipient got, and identifying values that were not logged cannot."""

import datetime as dt

import pytest
from django.utils import formats, timezone, translation
from django.utils.html import escape
from rest_framework.test import APIClient

from diplomaregister.abonnementen import feeds
from diplomaregister.abonnementen.models import Subscription
from diplomaregister.core.keys import keyed_hash
from diplomaregister.extracts.testing import use_dev_pki
from diplomaregister.law.loaders import document_kinds
from diplomaregister.logboek.models import LogEntry
from diplomaregister.organisations.auth import create_client
from diplomaregister.portal_holder.services import create_share_link

pytestmark = pytest.mark.django_db

# How a logged value shows in a page; fields not listed here are checked in JSON channels only.
HTML_VISIBLE = {"family_name", "given_names", "birth_date", "organisation_name", "date_of_issue",
                "kind", "pgn", "programme_name", "withdrawal_reason", "programme_code",
                "organisation_code", "exam_date", "ho_degree", "vo_profile"}  # fmt: skip


def _last(**filters):
    return LogEntry.objects.filter(outcome="disclosed", **filters).order_by("-seq").first()


def _shown(value, field):
    if field == "kind":
        return document_kinds()[value].name_nl
    if field == "vo_profile":  # in words, as the pages show it
        from diplomaregister.verstrekking.naming import profile

        return profile({"vo_profile": value}, "nl")
    if isinstance(value, dt.date):
        return formats.date_format(value, "j F Y")
    return str(value)


def _identity(world, person):
    identity = person.versions.order_by("-version").first()
    return {"pgn": person.pgn, "family_name": identity.family_name,
            "birth_date": formats.date_format(identity.birth_date, "j F Y")}  # fmt: skip


def _check_page(html, entry, values, identity):
    """Each logged, visible value is in the page; identifying values not logged are not."""
    for field in set(entry.fields) & HTML_VISIBLE:
        shown = {_shown(v, field) for v in values.get(field, []) if v not in ("", None)}
        if shown:  # an empty value (no withdrawal reason) shows as nothing
            assert any(escape(s) in html for s in shown), field
    for field, value in identity.items():
        if field not in entry.fields:
            assert value not in html, f"{field} shown but not logged"


def _values(disclosed_subject, records):
    out = {k: [v] for k, v in disclosed_subject.items()}
    for record in records:
        for k, v in record.items():
            out.setdefault(k, []).append(v)
    return out


def test_recipient_api(world):
    _c, token = create_client(world.org("minister_vws", "CIBG"), "t", ["recipient"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    body = api.post("/api/v1/verstrekkingen/diplomas", {"basis": "art50",
                    "persoonsgebonden_nummer": world.holder.pgn}, format="json").json()  # fmt: skip
    got = set(body["subject"]) | {k for r in body["records"] for k in r}
    assert set(_last(channel="api").fields) == got


def test_feed(world, clock):
    clock.shift(dt.timedelta(minutes=5))
    subscription = Subscription.objects.create(organisation=world.org("uwv", "UWV"), basis="art56",
                                               created_at=timezone.now())  # fmt: skip
    page = feeds.page(subscription, None)
    rows = {e.subject_ref: e for e in LogEntry.objects.filter(channel="feed")}
    by_person = {}
    for item in page.items:
        by_person.setdefault(item["person"]["pgn"], []).append(item)
    assert len(rows) == len(by_person) == 2  # one row per person disclosed
    for pgn, items in by_person.items():
        entry = rows[keyed_hash("log-subject", pgn)]
        assert set(entry.fields) == {k for i in items for k in (*i["person"], *i["document"])}
        assert entry.record_count == len(items)


def test_share_page(client, world, settings, dev_pki):
    use_dev_pki(settings, dev_pki)
    link, token = create_share_link(
        world.holder, list(world.holder.diplomas.values_list("pk", flat=True))[:2]
    )
    with translation.override("nl"):
        html = client.get(f"/delen/{token}/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    entry = _last(channel="share")
    from diplomaregister.verstrekking.engine import Requester, disclose

    again = disclose(requester=Requester(kind="public"), basis="holder_share", subject=world.holder,
                     channel="share", diploma_ids=link.diploma_ids, fields=entry.fields)  # fmt: skip
    with translation.override("nl"):
        _check_page(
            html, entry, _values(again.subject, again.records), _identity(world, world.holder)
        )
    assert "pgn" not in entry.fields and world.holder.pgn not in html


@pytest.mark.parametrize("basis", ["art53_1", "art27"])
def test_institution_inzage(client, world, basis):
    from diplomaregister.portal_institution.tests.test_portal import _login, _staff

    _login(client, _staff(world.university, "inzage"))
    with translation.override("nl"):
        html = client.post("/instelling/inzage/", {"pgn": world.holder.pgn, "basis": basis},
                           HTTP_ACCEPT_LANGUAGE="nl").content.decode()  # fmt: skip
    entry = _last(channel="institution_portal")
    assert entry.basis == basis
    from diplomaregister.verstrekking.engine import Requester, disclose

    again = disclose(requester=Requester(kind="organisation", organisation=world.university),
                     basis=basis, subject=world.holder.pgn, channel="api", fields=entry.fields)  # fmt: skip
    with translation.override("nl"):
        _check_page(
            html, entry, _values(again.subject, again.records), _identity(world, world.holder)
        )
    if basis == "art27":  # the article gives the number only: no name on the page
        assert set(entry.fields) == {"pgn"}


def test_holder_home(client, world):
    client.get(f"/digid/acs/?bsn={world.holder.pgn}&next=/mijn/")
    with translation.override("nl"):
        html = client.get("/mijn/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    entry = _last(channel="portal")
    from diplomaregister.verstrekking.engine import Requester, disclose

    again = disclose(requester=Requester(kind="holder"), basis="holder", subject=world.holder.pgn,
                     channel="portal", fields=entry.fields)  # fmt: skip
    with translation.override("nl"):
        _check_page(
            html, entry, _values(again.subject, again.records), _identity(world, world.holder)
        )
    assert "pgn" not in entry.fields and world.holder.pgn not in html


def _graduate():
    """An HO master with the extended data and a grade list, and a VO diploma with grades."""
    from decimal import Decimal

    from diplomaregister.organisations.factories import OrganisationFactory
    from diplomaregister.register import services
    from diplomaregister.register.factories import DiplomaDataFactory, PersonDataFactory
    from diplomaregister.register.inputs import GradeData
    from diplomaregister.register.models import Person, Programme

    units = [GradeData("INFOM1", "Course one", final_grade=Decimal("8.5"), credits_ec=Decimal(30),
                       result_date=dt.date(2023, 6, 1)),
             GradeData("INFOMEX", "Exchange", pass_result="voldaan", credits_ec=Decimal(30),
                       result_date=dt.date(2023, 2, 1))]  # fmt: skip
    uu = OrganisationFactory(universiteit=True, name="Universiteit Utrecht")
    data = PersonDataFactory(given_names="Anna", family_name="Bakker")
    recorded = timezone.make_aware(dt.datetime(2023, 9, 1, 10))
    services.record_diploma(data, DiplomaDataFactory(), organisation=OrganisationFactory(
        kind="vo_school", name="Het Lyceum"), recorded_at=recorded)  # fmt: skip
    services.record_diploma(data, DiplomaDataFactory(
        ho=True, programme_code="60300", date_of_issue=dt.date(2023, 8, 30), degree="master",
        degree_addition="of_science", judicium="cum_laude", specialisation="Artificial Intelligence",
        grades=units, weighted_average=Decimal("8.5")), organisation=uu, recorded_at=recorded)  # fmt: skip
    Programme.objects.filter(code="60300").update(name_nl="Informatica", name_en="Computer Science")
    return Person.objects.get(pgn=data.pgn)


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("grades", [True, False])
def test_code_check_shows_what_the_extract_showed(client, world, settings, dev_pki, language,
                                                  grades):  # fmt: skip
    """/verifieren/<code>: the page shows the extract's diplomas named as the extract names them,
    programme, degree, judicium, dates and (only when the extract carried them) the grade lists;
    the log row lists exactly those fields, in the page's language."""
    from diplomaregister.extracts.services import make_extract
    from diplomaregister.extracts.verification import verification_fields
    from diplomaregister.verstrekking import naming
    from diplomaregister.verstrekking.engine import Requester, disclose

    use_dev_pki(settings, dev_pki)
    person = _graduate()
    made = make_extract(person, language="nl", grades=grades)
    html = client.get(f"/verifieren/{made.code}", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    entry = _last(channel="web", basis="extract_verification")
    assert entry.fields == sorted(verification_fields(language, grades))
    again = disclose(requester=Requester(kind="public"), basis="extract_verification",
                     subject=person, channel="test", fields=entry.fields,
                     diploma_ids=list(made.extract.diploma_versions()))  # fmt: skip
    master = next(r for r in again.records if r["degree"] == "master")
    name = naming.full_name(master, language)
    expected = {"en": "Master of Science Computer Science, cum laude — Universiteit Utrecht, "
                "30 August 2023", "nl": "Master of Science Informatica, cum laude — Universiteit "
                "Utrecht, 30 augustus 2023"}[language]  # fmt: skip
    assert name == expected and escape(name) in html
    assert "Informatica (60300)" in html or "Computer Science (60300)" in html
    assert "Artificial Intelligence" in html
    assert {"nl": "30-08-2023", "en": "2023-08-30"}[language] in html  # the date of issue
    for code in ("cum_laude", "of_science", "voldaan" if language == "en" else "pass_result"):
        assert code not in html  # no raw codes
    vo = person.diplomas.exclude(pk=master["diploma_id"]).get().versions.get().grades.all()
    shown_grades = ["Course one (INFOM1)", "Exchange (INFOMEX)",
                    *(f"{g.subject_name} ({g.subject_code})" for g in vo)]  # fmt: skip
    for text in shown_grades:
        assert (text in html) is grades
    if grades:
        assert ("8,5" if language == "nl" else "8.5") in html and "60 EC" in html
        assert {"grades", "course_results", "weighted_average"} <= set(entry.fields)
    else:
        assert not {"grades", "course_results", "weighted_average"} & set(entry.fields)
    assert person.pgn not in html and "pgn" not in entry.fields
