"""Benchmark: the holder's log page ("Wie heeft mijn gegevens bekeken", /mijn/inzage-log/) for a
holder with 1 000 log rows, next to a plain Django view of the same 25 rows.

    python scripts/throwaway_pg.py -- .venv/bin/python bench/log_page.py [--rows 1000] [--noise 200000] [--requests 300]

Data: one holder with two diplomas; ``--rows`` disclosures of their data through the engine (art. 53
by their university, art. 56 by UWV, share-link views and extract checks, 1 in 10 the holder's own
views), and ``--noise`` log rows of other people written straight into the table (a log of some
size around the holder's rows; their chain positions are not verified here). Requests: Django's
test client with the whole middleware stack, logged in as the holder, the first page and (in turn)
a page further back and a page filtered by recipient. Baseline: a plain view, same middleware,
that reads the holder's 25 newest rows by ``subject_ref`` (its index) and renders them in a template without
words. Target: p99 < 100 ms on PostgreSQL.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
TMP = Path(tempfile.mkdtemp(prefix="bench-log-page-"))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{TMP / 'bench.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "diplomaregister.conf.settings")
os.environ.setdefault("DIPLOMAREGISTER_VAR_DIR", str(TMP))
os.environ.setdefault("DIPLOMAREGISTER_LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpRequest, HttpResponse  # noqa: E402
from django.template import engines  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import clear_url_caches, path  # noqa: E402
from django.utils import timezone  # noqa: E402

from diplomaregister.conf import urls  # noqa: E402
from diplomaregister.logboek.models import LogEntry  # noqa: E402
from diplomaregister.logboek.services import subject_ref  # noqa: E402
from diplomaregister.organisations.factories import OrganisationFactory  # noqa: E402
from diplomaregister.portal_holder.auth import HOLDER_PGN  # noqa: E402
from diplomaregister.register import facts, services  # noqa: E402
from diplomaregister.register.factories import DiplomaDataFactory, PersonDataFactory  # noqa: E402
from diplomaregister.register.models import Person  # noqa: E402
from diplomaregister.verstrekking.engine import Requester, disclose  # noqa: E402

BASELINE = engines["django"].from_string(
    "<!DOCTYPE html><html lang='nl'><body><ol>{% for e in rows %}<li>{{ e.occurred_at }} "
    "{{ e.recipient_label }} {{ e.basis }} {{ e.fields|join:', ' }}</li>{% endfor %}</ol></body></html>"
)


def baseline(request: HttpRequest) -> HttpResponse:
    ref = subject_ref(request.session[HOLDER_PGN])
    rows = list(LogEntry.objects.filter(subject_ref=ref).order_by("-occurred_at")[:25])
    return HttpResponse(BASELINE.render({"rows": rows}, request))


def make_data(rows: int, noise: int) -> tuple[str, str]:
    """The holder's number and the code of the university that looked them up."""
    call_command("migrate", verbosity=0)
    school = OrganisationFactory(kind="vo_school", name="Stedelijk Gymnasium")
    university = OrganisationFactory(universiteit=True, name="Universiteit Testdam")
    uwv = OrganisationFactory(kind="uwv", name="UWV")
    data = PersonDataFactory()
    recorded = timezone.now()
    services.record_diploma(data, DiplomaDataFactory(), organisation=school, recorded_at=recorded)
    services.record_diploma(data, DiplomaDataFactory(ho=True), organisation=university,
                            recorded_at=recorded)  # fmt: skip
    facts.record_enrolment(data, organisation=university, record_key="INS-1",
                           start_date=recorded.date().replace(year=2019), recorded_at=recorded)  # fmt: skip
    who = [
        (Requester(kind="organisation", organisation=university, label="Universiteit"), "art53_1", "institution_portal"),
        (Requester(kind="organisation", organisation=uwv, label="UWV"), "art56", "api"),
        (Requester(kind="public", label="deellink 0a1b2c3d"), "holder_share", "share"),
        (Requester(kind="holder", label="Mijn diploma's"), "holder", "portal"),
    ]  # fmt: skip
    ids = list(Person.objects.get(pgn=data.pgn).diplomas.values_list("pk", flat=True))
    start = time.perf_counter()
    for n in range(rows):
        requester, basis, channel = who[3] if n % 10 == 0 else who[n % 3]
        disclose(requester=requester, basis=basis, subject=data.pgn, channel=channel,
                 diploma_ids=ids if basis == "holder_share" else None)  # fmt: skip
    print(
        f"{rows} log rows of the holder through the engine in {time.perf_counter() - start:.1f} s"
    )
    template = LogEntry.objects.filter(subject_ref=subject_ref(data.pgn)).order_by("-id").first()
    assert template is not None
    batch = []
    for n in range(noise):
        batch.append(LogEntry(
            chain=10_000, seq=n + 1, occurred_at=template.occurred_at, trace_id="bench",
            basis="art56", article="art. 56", recipient_kind="uwv", recipient_label="UWV",
            recipient_code=uwv.code, subject_ref=f"{n:064x}", fields=list(template.fields),
            record_count=1, channel="api", outcome="disclosed", prev_hash="0" * 64,
            row_hash=f"{n:064x}",
        ))  # fmt: skip
        if len(batch) == 10_000:
            LogEntry.objects.bulk_create(batch)
            batch = []
    LogEntry.objects.bulk_create(batch)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"{LogEntry.objects.count()} log rows in all")
    return data.pgn, university.code


def timed(client: Client, paths: list[str], requests: int) -> list[float]:
    for p in paths:  # warm up: templates, connections, caches
        assert client.get(p).status_code == 200, p
    seconds = []
    for n in range(requests):
        p = paths[n % len(paths)]
        start = time.perf_counter()
        response = client.get(p)
        seconds.append(time.perf_counter() - start)
        assert response.status_code == 200, p
    return seconds


def summary(name: str, seconds: list[float]) -> str:
    ms = sorted(s * 1000 for s in seconds)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    return (f"{name:<34} n={len(ms):>4}  p50 {statistics.median(ms):6.1f} ms  p95 "
            f"{ms[int(len(ms) * 0.95)]:6.1f} ms  p99 {p99:6.1f} ms  max {ms[-1]:6.1f} ms")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--noise", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["testserver"]
    pgn, university = make_data(args.rows, args.noise)
    urls.urlpatterns.append(path("bench-baseline/", baseline))
    clear_url_caches()

    user = get_user_model().objects.create(username="digid-bench")
    client = Client()
    client.force_login(user)
    session = client.session
    session[HOLDER_PGN] = pgn
    session.save()

    first = client.get("/mijn/inzage-log/").content.decode()
    older = first.split("voor=")[1].split('"')[0] if "voor=" in first else ""
    pages = ["/mijn/inzage-log/", f"/mijn/inzage-log/?voor={older}",
             f"/mijn/inzage-log/?ontvanger={university}"]  # fmt: skip
    log_page = timed(client, pages, args.requests)
    plain = timed(client, ["/bench-baseline/"], args.requests)
    print(f"database: {connection.vendor}; holder rows: {args.rows}; other rows: {args.noise}")
    print(summary("log page (first, older, filtered)", log_page))
    print(summary("plain Django view (25 rows)", plain))
    p99 = sorted(log_page)[min(len(log_page) - 1, int(len(log_page) * 0.99))] * 1000
    print(f"target p99 < 100 ms: {'met' if p99 < 100 else 'NOT met'} ({p99:.1f} ms)")


if __name__ == "__main__":
    main()
