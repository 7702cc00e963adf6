"""Change feeds (resumable, at-least-once), signed webhook push with retries, bulk exports."""

import csv
import datetime as dt
import hashlib
import hmac

import pyarrow.parquet as pq
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from rest_framework.test import APIClient

from diplomaregister.abonnementen import feeds, push
from diplomaregister.abonnementen.models import Subscription
from diplomaregister.law.loaders import legal_bases
from diplomaregister.logboek.models import LogEntry
from diplomaregister.organisations.auth import create_client
from diplomaregister.register import services
from diplomaregister.register.factories import DiplomaDataFactory
from diplomaregister.register.models import DiplomaVersion, Person

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


def test_export_art55_csv_and_parquet(world, tmp_path):
    cbs = world.org("cbs", "CBS")
    call_command(
        "export", basis="art55", recipient=cbs.code, out=str(tmp_path / "cbs.csv"), no_progress=True
    )
    rows = _read_csv(tmp_path / "cbs.csv")
    assert len(rows) == DiplomaVersion.objects.count()
    assert set(rows[0]) == set(legal_bases()["art55"].fields)
    call_command(
        "export",
        basis="art55",
        recipient=cbs.code,
        out=str(tmp_path / "cbs.parquet"),
        no_progress=True,
    )
    table = pq.read_table(tmp_path / "cbs.parquet")
    assert table.num_rows == len(rows) and set(table.column_names) == set(rows[0])


def test_export_art47_is_pseudonymised(world, tmp_path):
    ocw = world.org("minister_ocw", "OCW")
    call_command(
        "export", basis="art47", recipient=ocw.code, out=str(tmp_path / "ocw.csv"), no_progress=True
    )
    text = (tmp_path / "ocw.csv").read_text()
    for person in Person.objects.all():
        assert person.pgn not in text
    assert "Jansen" not in text and "pgn" not in _read_csv(tmp_path / "ocw.csv")[0]
    assert all(len(r["pseudonym"]) == 32 for r in _read_csv(tmp_path / "ocw.csv"))


def test_export_refused_for_unbound_basis_leaves_no_file(world, tmp_path):
    with pytest.raises(CommandError, match="refused"):
        call_command("export", basis="art55", recipient=world.org("uwv", "UWV").code,
                     out=str(tmp_path / "x.csv"), no_progress=True)  # fmt: skip
    assert list(tmp_path.iterdir()) == []
    assert LogEntry.objects.filter(outcome="refused", channel="export").exists()
