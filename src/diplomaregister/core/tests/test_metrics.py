"""/metrics: Prometheus text format with request counts and latencies, disclosures per basis and
outcome, deliveries by status and the log chain's status, counted incrementally from the
database; only with the bearer token, or from loopback without a proxy when none is set."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from diplomaregister.core import metrics
from diplomaregister.levering.models import Delivery
from diplomaregister.logboek.models import LogEntry
from diplomaregister.logboek.services import log_disclosure
from diplomaregister.organisations.factories import OrganisationFactory
from diplomaregister.verstrekking.engine import Requester

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_totals():
    cache.delete_many([metrics.DISCLOSURES_KEY, metrics.DELIVERIES_KEY, metrics.CHAIN_KEY])


def scrape(client: Client | None = None, **headers: str) -> dict[str, dict[tuple, float]]:
    """Samples by name and sorted label items."""
    response = (client or Client()).get("/metrics", **headers)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain; version=")
    samples: dict[str, dict[tuple, float]] = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples.setdefault(sample.name, {})[tuple(sorted(sample.labels.items()))] = sample.value
    return samples


def log(n: int, basis: str = "art50", outcome: str = "disclosed", age_minutes: int = 10) -> None:
    """``n`` log rows written ``age_minutes`` ago (older than LOG_SETTLE by default)."""
    with time_machine.travel(timezone.now() - dt.timedelta(minutes=age_minutes), tick=False):
        for index in range(n):
            _log_one(index, basis, outcome)


def _log_one(index: int, basis: str, outcome: str) -> None:
    log_disclosure(trace_id=f"m{index}", basis=basis, requester=Requester(kind="public", label="x"),
                   subject="ref", fields=["kind"], channel="api", outcome=outcome,
                   record_count=1)  # fmt: skip


def test_requests_and_latency_by_method_status_and_route():
    client = Client()
    client.get("/healthz")
    client.get("/bestaat-niet/")
    samples = scrape(client)
    requests = samples["diplomaregister_http_requests_total"]
    assert requests[(("method", "GET"), ("status", "200"))] >= 1
    assert requests[(("method", "GET"), ("status", "404"))] >= 1
    counts = samples["diplomaregister_http_request_duration_seconds_count"]
    assert counts[(("method", "GET"), ("route", "healthz"))] >= 1
    assert counts[(("method", "GET"), ("route", "unmatched"))] >= 1
    buckets = samples["diplomaregister_http_request_duration_seconds_bucket"]
    assert any(dict(labels).get("le") == "+Inf" for labels in buckets)
    assert samples["diplomaregister_database_up"][()] == 1


def test_disclosures_by_basis_and_outcome_counted_incrementally():
    log(3)
    log(2, basis="art56", outcome="refused")
    first = scrape()["diplomaregister_disclosures_total"]
    assert first == {
        (("basis", "art50"), ("outcome", "disclosed")): 3,
        (("basis", "art56"), ("outcome", "refused")): 2,
    }
    log(4)
    second = scrape()["diplomaregister_disclosures_total"]
    assert second[(("basis", "art50"), ("outcome", "disclosed"))] == 7
    assert second[(("basis", "art56"), ("outcome", "refused"))] == 2
    assert cache.get(metrics.DISCLOSURES_KEY)["upto"] == LogEntry.objects.order_by("-id")[0].id


def test_recent_log_rows_are_counted_but_not_yet_added_to_the_totals():
    """Rows younger than LOG_SETTLE may still have an uncommitted neighbour with a lower id (the
    chains commit out of id order): they are counted at each scrape, the watermark stays before."""
    log(2)
    log(3, age_minutes=1)
    assert (
        scrape()["diplomaregister_disclosures_total"][
            (("basis", "art50"), ("outcome", "disclosed"))
        ]
        == 5
    )
    oldest_recent = LogEntry.objects.order_by("id")[2].id
    assert cache.get(metrics.DISCLOSURES_KEY)["upto"] == oldest_recent - 1
    assert (
        scrape()["diplomaregister_disclosures_total"][
            (("basis", "art50"), ("outcome", "disclosed"))
        ]
        == 5
    )


def test_disclosure_totals_catch_up_in_steps(monkeypatch):
    log(5)
    monkeypatch.setattr(metrics, "COUNT_STEP", 2)
    assert sum(scrape()["diplomaregister_disclosures_total"].values()) == 2
    assert sum(scrape()["diplomaregister_disclosures_total"].values()) == 4
    assert sum(scrape()["diplomaregister_disclosures_total"].values()) == 5


def test_deliveries_by_status_settled_and_recent():
    org = OrganisationFactory()
    now = timezone.now()
    old = now - dt.timedelta(hours=2)
    for status, received in [("done", old), ("done", old), ("failed", old), ("processing", old),
                             ("done", now), ("processing", now)]:  # fmt: skip
        Delivery.objects.create(
            organisation=org, channel="api", status=status, received_at=received
        )
    assert scrape()["diplomaregister_deliveries"] == {
        (("status", "done"),): 3, (("status", "failed"),): 1, (("status", "processing"),): 2,
    }  # fmt: skip
    # the watermark stops before the old one still processing: it is counted afresh each time
    first_processing = Delivery.objects.filter(status="processing").order_by("id").first()
    assert cache.get(metrics.DELIVERIES_KEY)["upto"] == first_processing.id - 1
    Delivery.objects.filter(pk=first_processing.pk).update(status="done")
    assert scrape()["diplomaregister_deliveries"][(("status", "done"),)] == 4


def test_log_chain_status_verified_incrementally(monkeypatch):
    samples = scrape()
    assert samples["diplomaregister_log_chain_ok"][()] == 1
    assert samples["diplomaregister_log_chain_head_seq"][()] == 0
    log(5)
    monkeypatch.setattr(metrics, "VERIFY_STEP", 3)
    samples = scrape()
    assert samples["diplomaregister_log_chain_head_seq"][()] == 5
    assert samples["diplomaregister_log_chain_verified_seq"][()] == 3
    assert samples["diplomaregister_log_chain_ok"][()] == 1
    assert samples["diplomaregister_log_chain_verified_timestamp_seconds"][()] > 0
    assert scrape()["diplomaregister_log_chain_verified_seq"][()] == 5


def test_log_chain_break_is_reported():
    log(4)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "ALTER TABLE logboek_logentry DISABLE TRIGGER logboek_logentry_append_only"
            )
        cursor.execute("UPDATE logboek_logentry SET recipient_label = 'edited' WHERE seq = 3")
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "ALTER TABLE logboek_logentry ENABLE TRIGGER logboek_logentry_append_only"
            )
    samples = scrape()
    assert samples["diplomaregister_log_chain_ok"][()] == 0
    assert samples["diplomaregister_log_chain_broken_seq"][()] == 3
    assert samples["diplomaregister_log_chain_verified_seq"][()] == 2
    assert LogEntry.objects.count() == 4


def test_database_down_still_answers_request_metrics(monkeypatch):
    from django.db import OperationalError

    def down():
        raise OperationalError("down")

    monkeypatch.setattr(metrics, "disclosure_counts", down)
    samples = scrape()
    assert samples["diplomaregister_database_up"][()] == 0
    assert "diplomaregister_http_requests_total" in samples
    assert "diplomaregister_disclosures_total" not in samples


def test_without_token_only_loopback_not_proxied(settings):
    settings.METRICS_TOKEN = ""
    assert Client(REMOTE_ADDR="127.0.0.1").get("/metrics").status_code == 200
    assert Client(REMOTE_ADDR="::1").get("/metrics").status_code == 200
    assert Client(REMOTE_ADDR="10.0.0.7").get("/metrics").status_code == 403
    proxied = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert proxied.get("/metrics").status_code == 403


def test_with_token_bearer_required_from_anywhere(settings):
    settings.METRICS_TOKEN = "s3cret-metrics-token"
    local = Client(REMOTE_ADDR="127.0.0.1")
    missing = local.get("/metrics")
    assert missing.status_code == 401 and missing["WWW-Authenticate"].startswith("Bearer")
    assert local.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    remote = Client(REMOTE_ADDR="10.0.0.7", HTTP_HOST="10.0.0.2:8000")
    assert scrape(remote, HTTP_AUTHORIZATION="Bearer s3cret-metrics-token")
