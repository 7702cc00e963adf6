"""Change feeds (resumable, at-least-once), signed webhook push with retries, bulk exports."""

import csv
import datetime as dt
import hashlib
import hmac
import json
from dataclasses import replace

import pyarrow.parquet as pq
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from rest_framework.test import APIClient

from diplomaregister.abonnementen import feeds, push
from diplomaregister.abonnementen.models import Subscription
from diplomaregister.law import loaders as law_loaders
from diplomaregister.law.loaders import legal_bases
from diplomaregister.logboek.models import LogEntry, SubjectManifest
from diplomaregister.logboek.selectors import entries_for_subject
from diplomaregister.organisations.auth import create_client
from diplomaregister.register import services
from diplomaregister.register.factories import DiplomaDataFactory, PersonDataFactory
from diplomaregister.register.models import DiplomaVersion, Person
from diplomaregister.verstrekking import _scope as scope_module
from diplomaregister.verstrekking.engine import NotDisclosed, disclose

pytestmark = pytest.mark.django_db


@pytest.fixture
def uwv_subscription(world, clock):
    clock.shift(dt.timedelta(minutes=5))  # past the settle time of the fixtures' versions
    return Subscription.objects.create(organisation=world.org("uwv", "UWV"), basis="art56",
                                       webhook_url="https://uwv.example/hook", created_at=timezone.now())  # fmt: skip


def test_feed_pages_resume_and_miss_nothing(world, uwv_subscription, clock):
    first = feeds.page(uwv_subscription, None, limit=2)
    assert len(first.items) == 2
    # a new document arrives between pages
    person = world.holder
    from diplomaregister.register.inputs import PersonData

    identity = PersonData(
        pgn=person.pgn, family_name="Jansen", given_names="Anna", birth_date=dt.date(2001, 5, 17)
    )
    services.record_diploma(
        identity, DiplomaDataFactory(), organisation=world.school, recorded_at=timezone.now()
    )
    clock.shift(dt.timedelta(minutes=2))
    rest = feeds.page(uwv_subscription, first.cursor, limit=100)
    seen = [i["document"]["diploma_id"] for i in first.items + rest.items]
    assert len(seen) == DiplomaVersion.objects.count()
    again = feeds.page(uwv_subscription, rest.cursor, limit=100)
    assert again.items == [] and again.cursor == rest.cursor  # stable at the end
    allowed = set(legal_bases()["art56"].fields)
    for item in first.items + rest.items:
        assert set(item["document"]) | set(item["person"]) <= allowed
    assert LogEntry.objects.filter(basis="art56", channel="feed").exists()


def test_feed_api_is_per_recipient(world, uwv_subscription):
    _c, token = create_client(uwv_subscription.organisation, "uwv", ["recipient"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    page = api.get(f"/api/v1/abonnementen/{uwv_subscription.pk}/wijzigingen?pageSize=1")
    assert page.status_code == 200 and len(page.json()["items"]) == 1
    nxt = api.get(
        f"/api/v1/abonnementen/{uwv_subscription.pk}/wijzigingen?cursor={page.json()['cursor']}"
    )
    assert nxt.json()["items"][0] != page.json()["items"][0]
    assert (
        api.get(f"/api/v1/abonnementen/{uwv_subscription.pk}/wijzigingen?cursor=zzz").status_code
        == 400
    )
    _c, other = create_client(world.org("uwv", "UWV2"), "other", ["recipient"])
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {other}")
    assert api.get(f"/api/v1/abonnementen/{uwv_subscription.pk}/wijzigingen").status_code == 404


def test_webhook_is_signed_retried_and_acknowledged(uwv_subscription, clock):
    calls = []

    def failing(url, body, headers):
        calls.append((url, body, headers))
        return 503

    assert push.push_one(uwv_subscription, failing) == "failed"
    uwv_subscription.refresh_from_db()
    assert uwv_subscription.attempts == 1 and uwv_subscription.acknowledged == 0
    assert uwv_subscription.next_attempt_at == timezone.now() + dt.timedelta(minutes=1)
    assert push.push_one(uwv_subscription, failing) == "waiting"
    url, body, headers = calls[0]
    expected = hmac.new(push.webhook_secret(uwv_subscription).encode(),
                        headers["X-Diplomaregister-Timestamp"].encode() + b"." + body, hashlib.sha256).hexdigest()  # fmt: skip
    assert headers["X-Diplomaregister-Signature"] == f"sha256={expected}"
    clock.shift(dt.timedelta(minutes=1))
    assert push.push_one(uwv_subscription, lambda u, b, h: 204) == "sent"
    uwv_subscription.refresh_from_db()
    assert uwv_subscription.acknowledged == DiplomaVersion.objects.order_by("-pk").first().pk
    assert push.push_one(uwv_subscription, lambda u, b, h: 204) == "empty"


def _read_csv(path):
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


ART15 = {"family_name", "given_names", "gender", "birth_date", "death_date"}  # art. 15 onder a-e


def _export(basis, recipient, path, **options):
    call_command("export", basis=basis, recipient=recipient.code, out=str(path), no_progress=True,
                 **options)  # fmt: skip
    return _read_csv(path) if path.suffix == ".csv" else pq.read_table(path).to_pylist()


def test_export_art55_one_row_per_person_with_documents_nested(world, tmp_path):
    cbs = world.org("cbs", "CBS")
    rows = _export("art55", cbs, tmp_path / "cbs.csv")
    # art. 55: "het persoonsgebonden nummer en de diplomagegevens, bedoeld in de artikelen 15 en 17,
    # van alle onderwijsdeelnemers": one row per person holding documents
    holders = {d.person_id for d in DiplomaVersion.objects.all()}
    assert len(rows) == len(holders) == 2
    assert set(rows[0]) == {"pgn", *ART15, "documents"}
    mine = next(r for r in rows if r["pgn"] == world.holder.pgn)
    assert len(json.loads(mine["documents"])) == 3
    parquet = _export("art55", cbs, tmp_path / "cbs.parquet")
    assert len(parquet) == 2 and set(parquet[0]) == set(rows[0])


def test_export_art47_is_pseudonymised_per_person_without_withdrawn(world, tmp_path):
    ocw = world.org("minister_ocw", "OCW")
    vo = world.holder.diplomas.get(organisation=world.school)
    services.withdraw_diploma(vo, effective_date=dt.date(2024, 1, 1), reason="fraude", code="fraud")
    rows = _export("art47", ocw, tmp_path / "ocw.csv")
    text = (tmp_path / "ocw.csv").read_text()
    for person in Person.objects.all():
        assert person.pgn not in text
    assert "Jansen" not in text and "fraude" not in text
    assert set(rows[0]) == {"pseudonym", "gender", "death_date", "documents"}  # art. 15 c, e + 17
    assert len({r["pseudonym"] for r in rows}) == len(rows) == 2  # one row per person
    documents = [d for r in rows for d in json.loads(r["documents"])]
    assert len(documents) == 3  # the withdrawn VO diploma is not a current diploma: left out
    assert {d["kind"] for d in documents} == {"a", "p"}
    assert all(len(r["pseudonym"]) == 32 for r in rows)


@pytest.mark.parametrize("basis", ["art51", "art52"])
def test_art51_52_one_pseudonymous_answer_per_person_at_the_peildatum(world, tmp_path, basis):
    kind = {"art51": "minister_mz", "art52": "zorginstituut"}[basis]
    recipient = world.org(kind, f"{kind[:6].upper()}1")
    # art. 51/52: whether a document of art. 16 onder a-g was obtained "tussen 1 januari 1996 en de
    # peildatum". The holder's WO degree is of 2023-08-30, the stranger's of 2022-08-30.
    before = _export(basis, recipient, tmp_path / "a.csv", peildatum=dt.date(2022, 12, 31))
    after = _export(basis, recipient, tmp_path / "b.csv", peildatum=dt.date(2024, 1, 1))
    assert len(before) == len(after) == Person.objects.count()  # every person, once
    assert set(before[0]) == {"pseudonym", "ho_document_since_1996"}
    assert sorted(r["ho_document_since_1996"] for r in before) == ["false", "true"]
    assert [r["ho_document_since_1996"] for r in after] == ["true", "true"]
    text = (tmp_path / "b.csv").read_text()
    assert world.holder.pgn not in text and world.stranger.pgn not in text


def test_art40_enrolment_in_higher_education_on_the_peildatum(world, tmp_path):
    mz = world.org("minister_mz", "MZ")
    # the holder is enrolled at the university (WHW) from 2019-09-01, with no end date
    before = _export("art40", mz, tmp_path / "a.csv", peildatum=dt.date(2019, 8, 31))
    during = _export("art40", mz, tmp_path / "b.csv", peildatum=dt.date(2020, 1, 1))
    assert [r["ho_enrolled_on_peildatum"] for r in before] == ["false", "false"]
    assert sorted(r["ho_enrolled_on_peildatum"] for r in during) == ["false", "true"]
    assert set(during[0]) == {"pseudonym", "ho_enrolled_on_peildatum"}


def test_no_request_mode_for_the_yes_no_articles(world):
    for basis, kind in [("art51", "minister_mz"), ("art52", "zorginstituut"),
                        ("art40", "minister_mz"), ("art41", "zorginstituut")]:  # fmt: skip
        requester = world.requester(world.org(kind, f"{basis.upper()}X"))
        with pytest.raises(NotDisclosed):
            disclose(requester=requester, basis=basis, subject=world.holder.pgn, channel="api")


def test_a_holder_sees_the_exports_that_contained_them(world, tmp_path):
    cbs = world.org("cbs", "CBS")
    _export("art55", cbs, tmp_path / "cbs.csv")
    [entry] = [e for e in entries_for_subject(world.holder.pgn) if e.channel == "export"]
    assert (entry.basis, entry.recipient_code, entry.record_count) == ("art55", "CBS", 2)
    assert set(entry.fields) == {"pgn", *ART15} | {
        k for r in _read_csv(tmp_path / "cbs.csv") for d in json.loads(r["documents"]) for k in d
    }  # the log lists exactly what the file holds
    assert SubjectManifest.objects.filter(entry_id=entry.pk).count() == 2
    # a person without documents was not in an art. 55 export and does not see it
    lonely = PersonDataFactory()
    services.upsert_person(lonely, recorded_at=timezone.now())
    assert not [e for e in entries_for_subject(lonely.pgn) if e.channel == "export"]


def test_csv_cells_cannot_become_formulas(world, tmp_path):
    evil = PersonDataFactory(family_name="=cmd|' /C calc'!A0", given_names="+x")
    services.record_diploma(evil, DiplomaDataFactory(), organisation=world.school)
    rows = _export("art55", world.org("cbs", "CBS"), tmp_path / "cbs.csv")
    names = {r["family_name"] for r in rows}
    assert "'=cmd|' /C calc'!A0" in names and not any(n.startswith("=") for n in names)


def test_export_refused_for_unbound_basis_leaves_no_file(world, tmp_path):
    with pytest.raises(CommandError, match="refused"):
        call_command("export", basis="art55", recipient=world.org("uwv", "UWV").code,
                     out=str(tmp_path / "x.csv"), no_progress=True)  # fmt: skip
    assert list(tmp_path.iterdir()) == []
    assert LogEntry.objects.filter(outcome="refused", channel="export").exists()


# --- Art. 50: only persons whose application the CIBG is assessing ---------------------------------


@pytest.fixture
def cibg(world, clock):
    clock.shift(dt.timedelta(minutes=5))
    org = world.org("minister_vws", "CIBG")
    subscription = Subscription.objects.create(organisation=org, basis="art50",
                                               created_at=timezone.now())  # fmt: skip
    _c, token = create_client(org, "cibg", ["recipient"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return subscription, api


def test_art50_feed_carries_only_persons_with_an_open_application(world, cibg, clock):
    subscription, api = cibg
    # no application yet: the documents of the country do not reach the CIBG
    assert feeds.page(subscription, None).items == []
    url = f"/api/v1/abonnementen/{subscription.pk}/aanvragen"
    made = api.post(url, {"persoonsgebonden_nummer": world.holder.pgn, "kenmerk": "BIG-1"},
                    format="json")  # fmt: skip
    assert made.status_code == 201
    # a new VO diploma of an unrelated person and a new one of the applicant
    from diplomaregister.register.inputs import PersonData

    services.record_diploma(PersonDataFactory(), DiplomaDataFactory(), organisation=world.school,
                            recorded_at=timezone.now())  # fmt: skip
    mine = PersonData(pgn=world.holder.pgn, family_name="Jansen", given_names="Anna",
                      birth_date=dt.date(2001, 5, 17))  # fmt: skip
    services.record_diploma(mine, DiplomaDataFactory(), organisation=world.school,
                            recorded_at=timezone.now())  # fmt: skip
    clock.shift(dt.timedelta(minutes=2))
    first = feeds.page(subscription, None)
    assert {i["person"]["pgn"] for i in first.items} == {world.holder.pgn}
    assert len(first.items) == 4  # the applicant's three documents and the new one, nobody else's
    # closing the application stops the feed for that person
    closed = api.delete(f"{url}/{made.json()['id']}")
    assert closed.status_code == 204
    services.record_diploma(mine, DiplomaDataFactory(), organisation=world.school,
                            recorded_at=timezone.now())  # fmt: skip
    clock.shift(dt.timedelta(minutes=2))
    assert feeds.page(subscription, first.cursor).items == []


def test_registering_an_application_looks_the_same_for_unknown_numbers(world, cibg):
    subscription, api = cibg
    url = f"/api/v1/abonnementen/{subscription.pk}/aanvragen"
    known = api.post(
        url, {"persoonsgebonden_nummer": world.holder.pgn, "kenmerk": "A"}, format="json"
    )
    unknown = api.post(url, {"persoonsgebonden_nummer": "111222333", "kenmerk": "B"}, format="json")
    assert known.status_code == unknown.status_code == 201
    assert set(known.json()) == set(unknown.json()) == {"id", "kenmerk", "geopend"}


def test_a_feed_applies_the_scope_of_its_basis(world, clock, monkeypatch):
    """Giving art. 53 lid 1 a subscription mode must not open the country's documents to the
    university: the feed then carries what a look-up under art. 53 lid 1 would give."""
    bases = dict(legal_bases())
    bases["art53_1"] = replace(bases["art53_1"], modes=("request", "subscription"))
    monkeypatch.setattr(law_loaders, "legal_bases", lambda: bases)
    monkeypatch.setattr(scope_module, "legal_bases", lambda: bases)
    clock.shift(dt.timedelta(minutes=5))
    subscription = Subscription.objects.create(organisation=world.university, basis="art53_1",
                                               created_at=timezone.now())  # fmt: skip
    page = feeds.page(subscription, None)
    looked_up = disclose(requester=world.requester(world.university), basis="art53_1",
                         subject=world.holder.pgn, channel="api")  # fmt: skip
    assert [i["document"]["diploma_id"] for i in page.items] == [
        r["diploma_id"] for r in looked_up.records
    ]
    assert {i["document"]["organisation_name"] for i in page.items} == {"Universiteit Testdam"}
