"""Prometheus metrics at ``/metrics`` (text exposition format).

Per process, counted as requests are answered (``TraceMiddleware``):

* ``diplomaregister_http_requests_total{method,status}``
* ``diplomaregister_http_request_duration_seconds{method,route}`` (histogram; ``route`` is the URL
  pattern, so the label set is bounded)

Under ``diplomaregister serve`` every worker writes these to files in ``PROMETHEUS_MULTIPROC_DIR``
(prometheus_client's multiprocess mode) and a scrape of any worker adds them up.

From the database, at scrape time and cheaply (each scrape reads only the rows added since the
previous one; the running totals are kept in the shared cache, so every worker continues where
another left off):

* ``diplomaregister_disclosures_total{basis,outcome}``: rows of the disclosure log. Rows older
  than ``LOG_SETTLE`` are added to the totals once (their transactions have ended, so the id
  watermark skips none); younger ones are counted afresh at every scrape.
* ``diplomaregister_deliveries{status}``: deliveries by status. Deliveries older than
  ``SETTLE_AFTER`` that are no longer processing are added to the totals once; younger ones (and
  ones still processing, up to a day) are counted afresh at every scrape.
* ``diplomaregister_log_chain_head_seq``, ``..._verified_seq``, ``..._verified_timestamp_seconds``,
  ``..._ok``: the hash chains verified incrementally, at most ``VERIFY_STEP`` rows a scrape, from
  where the previous scrape stopped, plus the check that each chain ends at its head (rows
  removed at the end); the seq figures are rows summed over the chains. ``_ok`` is 0 from the first broken row on. Edits to rows verified
  earlier are what the full ``diplomaregister verify_log`` is for.
* ``diplomaregister_database_up``: 0 when these queries failed (the request metrics still answer).

The first scrapes of a large existing log catch up in steps (``COUNT_STEP`` rows of the log per
scrape). If the cache loses the totals they are rebuilt the same way (a counter reset).

Access: ``Authorization: Bearer <METRICS_TOKEN>``; without a token configured, only requests from
a loopback address that did not come through a proxy (no X-Forwarded-For/Forwarded header).
"""

from __future__ import annotations

import datetime as dt
import hmac
import ipaddress
import os
import time
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.db.models import Count, Max, Min, Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
REQUESTS = Counter(
    "diplomaregister_http_requests", "HTTP requests answered, by method and status.",
    ["method", "status"],
)  # fmt: skip
LATENCY = Histogram(
    "diplomaregister_http_request_duration_seconds",
    "Time from the request entering Django to the response leaving it, by method and route.",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 120.0),
)

COUNT_STEP = 500_000  # disclosure-log rows or deliveries (by id) added up per scrape, at most
VERIFY_STEP = 5_000  # disclosure-log rows whose hash is checked per scrape, at most
SETTLE_AFTER = dt.timedelta(minutes=10)
LOG_SETTLE = dt.timedelta(minutes=5)  # a log row this old was committed (or rolled back) long ago
STUCK_AFTER = dt.timedelta(days=1)
DISCLOSURES_KEY = "metrics:disclosures:v1"
DELIVERIES_KEY = "metrics:deliveries:v1"
CHAIN_KEY = "metrics:chain:v2"


def observe_request(method: str, status: int, route: str, seconds: float) -> None:
    method = method if method in METHODS else "other"
    REQUESTS.labels(method=method, status=str(status)).inc()
    LATENCY.labels(method=method, route=route).observe(seconds)


# --- from the database -------------------------------------------------------------------------


def _watermarked(
    model: Any, key: str, group: list[str], young: Q, *, recent_while_catching_up: bool
) -> dict[Any, int]:
    """Rows of ``model`` counted by ``group``: the running totals up to a watermark (kept in the
    shared cache, at most COUNT_STEP rows added per scrape) plus the rows after it. The watermark
    stops before the first ``young`` row (one that may still change, or still have an uncommitted
    neighbour with a lower id); rows after it are counted afresh at every scrape, or, while the
    totals still catch up in steps, only when ``recent_while_catching_up``."""

    def tally(rows: Any, into: dict[Any, int]) -> dict[Any, int]:
        for *keys, n in rows.values_list(*group).annotate(n=Count("id")).order_by():
            name = tuple(keys) if len(keys) > 1 else keys[0]
            into[name] = into.get(name, 0) + n
        return into

    state: dict[str, Any] = cache.get(key) or {"upto": 0, "counts": {}}
    last = model.objects.aggregate(m=Max("id"))["m"] or 0
    if last < state["upto"]:  # another (restored) database: start again
        state = {"upto": 0, "counts": {}}
    after = model.objects.filter(id__gt=state["upto"])
    first_young = after.filter(young).aggregate(m=Min("id"))["m"]
    bound = last if first_young is None else first_young - 1
    step = after.order_by("id").values_list("id", flat=True)[COUNT_STEP - 1 : COUNT_STEP].first()
    upto = min(bound, last if step is None else step)  # COUNT_STEP rows, whatever the id gaps
    if upto > state["upto"]:
        counts = tally(after.filter(id__lte=upto), dict(state["counts"]))
        state = {"upto": upto, "counts": counts}
        cache.set(key, state, None)
    totals = dict(state["counts"])
    if bound > upto and not recent_while_catching_up:
        return totals
    return tally(model.objects.filter(id__gt=state["upto"]), totals)


def disclosure_counts() -> dict[tuple[str, str], int]:
    """Log rows by (basis, outcome). Rows of the parallel chains commit out of id order, so the
    watermark only passes rows older than ``LOG_SETTLE`` (every transaction writing one has ended
    by then)."""
    from diplomaregister.logboek.models import LogEntry

    young = Q(occurred_at__gte=timezone.now() - LOG_SETTLE)
    return _watermarked(LogEntry, DISCLOSURES_KEY, ["basis", "outcome"], young,
                        recent_while_catching_up=False)  # fmt: skip


def delivery_counts() -> dict[str, int]:
    """Deliveries by status: settled ones from the running totals, recent ones counted now."""
    from diplomaregister.levering.models import Delivery

    now = timezone.now()
    young = Q(received_at__gte=now - SETTLE_AFTER) | Q(
        status="processing", received_at__gte=now - STUCK_AFTER
    )
    return _watermarked(Delivery, DELIVERIES_KEY, ["status"], young, recent_while_catching_up=True)


def chain_status() -> dict[str, Any]:
    """Verify the log rows added since the last scrape (at most VERIFY_STEP, chain by chain) and
    each chain's end against its head. ``head_seq`` and ``verified_seq`` count rows over all chains."""
    from diplomaregister.logboek import chain
    from diplomaregister.logboek.models import ChainHead, LogEntry

    fresh: dict[str, Any] = {"chains": {}, "broken": 0, "at": 0.0}
    state: dict[str, Any] = cache.get(CHAIN_KEY) or fresh
    heads = {
        pk: (seq, digest)
        for pk, seq, digest in ChainHead.objects.values_list("pk", "seq", "row_hash")
    }
    ends = dict(
        LogEntry.objects.values_list("chain").annotate(m=Max("seq")).order_by().values_list("chain", "m")
    )  # fmt: skip
    if any(ends.get(int(n), 0) < seq for n, (seq, _) in state["chains"].items()):
        state = fresh  # another (restored) database
    budget = VERIFY_STEP
    chains = dict(state["chains"])
    for number in sorted(ends):
        if state["broken"] or budget <= 0:
            break
        seq, prev = chains.get(str(number), (0, chain.GENESIS))
        rows = (
            LogEntry.objects.filter(chain=number, seq__gt=seq)
            .order_by("seq")
            .only(*chain.HASHED, "prev_hash", "row_hash")[:budget]
        )
        walked = chain.walk(rows, number, seq, prev)
        budget -= walked.seq - seq + (walked.broken is not None)
        if walked.broken is not None:
            state = {**state, "broken": walked.broken.seq}
        seq, prev = walked.seq, walked.row_hash
        chains[str(number)] = (seq, prev)
    state = {**state, "chains": chains, "at": time.time()}
    cache.set(CHAIN_KEY, state, None)

    # each chain ends at its head (nothing removed at the end); heads are read first, so a row
    # appended between the two reads shows as a last row beyond the head: not a break
    def ends_at_head(number: int, seq: int, digest: str) -> bool:
        end, checked = ends.get(number, 0), chains.get(str(number), (0, ""))
        return end > seq or (end == seq and (checked[0] < seq or checked[1] == digest))

    end_ok = all(ends_at_head(n, seq, digest) for n, (seq, digest) in heads.items() if seq)
    return {
        "head_seq": sum(seq for seq, _ in heads.values()),
        "verified_seq": sum(seq for seq, _ in chains.values()),
        "verified_at": state["at"],
        "broken_seq": state["broken"],
        "ok": not state["broken"] and end_ok,
    }


class DatabaseCollector(Collector):
    def collect(self) -> Iterator[Any]:
        up = GaugeMetricFamily(
            "diplomaregister_database_up", "1 when the database metrics could be read."
        )
        try:
            disclosures = disclosure_counts()
            deliveries = delivery_counts()
            status = chain_status()
        except DatabaseError:
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        family = CounterMetricFamily(
            "diplomaregister_disclosures",
            "Rows of the disclosure log (one per disclosure or refusal), by legal basis and outcome.",
            labels=["basis", "outcome"],
        )
        for (basis, outcome), n in sorted(disclosures.items()):
            family.add_metric([basis, outcome], n)
        yield family
        gauge = GaugeMetricFamily(
            "diplomaregister_deliveries", "Deliveries (leveringen) by status.", labels=["status"]
        )
        for name, n in sorted(deliveries.items()):
            gauge.add_metric([name], n)
        yield gauge
        for name, value, text in (
            ("head_seq", status["head_seq"], "Sequence number of the chain head (log rows)."),
            ("verified_seq", status["verified_seq"], "Log rows whose hash chain was verified."),
            ("verified_timestamp_seconds", status["verified_at"], "When the chain was last verified."),
            ("broken_seq", status["broken_seq"], "First broken row of the chain, 0 if none."),
            ("ok", 1 if status["ok"] else 0, "1 while the verified chain is intact and ends at the head."),
        ):  # fmt: skip
            metric = GaugeMetricFamily(f"diplomaregister_log_chain_{name}", text)
            metric.add_metric([], value)
            yield metric


# --- the view ----------------------------------------------------------------------------------


def _loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def allowed(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    if token:
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(
            given.strip().encode(), token.encode()
        )
    proxied = "HTTP_X_FORWARDED_FOR" in request.META or "HTTP_FORWARDED" in request.META
    return _loopback(request.META.get("REMOTE_ADDR", "")) and not proxied


def exposition() -> bytes:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        text = generate_latest(registry)
    else:
        text = generate_latest(REGISTRY)
    database = CollectorRegistry(auto_describe=False)
    database.register(DatabaseCollector())
    return text + generate_latest(database)


def metrics_view(request: HttpRequest) -> HttpResponse:
    if not allowed(request):
        if settings.METRICS_TOKEN:
            response = HttpResponse(
                "Bearer token required.\n", status=401, content_type="text/plain"
            )
            response["WWW-Authenticate"] = 'Bearer realm="metrics"'
            return response
        return HttpResponse(
            "Only from the loopback address (set METRICS_TOKEN).\n",
            status=403,
            content_type="text/plain",
        )
    response = HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    return response
