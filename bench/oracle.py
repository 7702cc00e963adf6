"""Benchmark (issue 9, "no existence oracle"): can a recipient tell from the API's answer, or from its
latency, whether the register knows a number it is not entitled to see?

    python scripts/throwaway_pg.py -- .venv/bin/python bench/oracle.py [--persons 20000] [--n 1000]

One university's API client asks POST /api/v1/verstrekkingen/diplomas (in process, DRF APIClient,
no network) for three classes of numbers, ``--n`` each, interleaved in one random order so that any
drift (caches, a growing log table) affects all classes alike:

  * ``out_of_scope``: known BSNs of persons never enrolled at the university, under art53_1;
  * ``unknown``: valid BSNs (11-proef, python-stdnum) that the register does not hold, under art53_1;
  * ``not_bound``: known BSNs under art56, a basis the university is not a recipient of.

A small ``disclosed`` control class (its own students under art53_1, 200) is interleaved too: it
shows that the latency classifier does find a real difference when there is one.

Prints whether status, body bytes and headers (without Date and X-Request-ID) are identical across the three refused
classes (they must be: exit status 1 otherwise), median and p90 latency per class, and per pair of
classes the accuracy of a latency-threshold classifier trained on a random half and tested on the
other half (mean over 50 splits; chance is 0.5) together with the rank AUC (0.5 = the latency
distributions do not differ). Timing figures are reported, never asserted.
"""

from __future__ import annotations

import argparse
import io
import itertools
import os
import random
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
TMP = Path(tempfile.mkdtemp(prefix="bench-oracle-"))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{TMP / 'bench.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "diplomaregister.conf.settings")

import django  # noqa: E402

warnings.filterwarnings("ignore", message="No directory at")  # whitenoise: no collected static

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402
from stdnum.nl import bsn  # noqa: E402

from diplomaregister.core.pgn import synthetic_bsn  # noqa: E402
from diplomaregister.organisations.auth import create_client  # noqa: E402
from diplomaregister.organisations.models import Organisation  # noqa: E402
from diplomaregister.register.models import Enrolment, Person  # noqa: E402

URL = "/api/v1/verstrekkingen/diplomas"
REFUSED = ("out_of_scope", "unknown", "not_bound")
CONTROL = "disclosed"
SPLITS = 50


def pick_samples(n: int, control: int, rng: random.Random) -> tuple[Organisation, dict[str, list]]:
    """The university with the most enrolments and the four classes of (number, basis)."""
    top = (
        Enrolment.objects.filter(organisation__kind="universiteit")
        .values("organisation_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    assert top is not None, "no university with enrolments: generate more persons"
    university = Organisation.objects.get(pk=top["organisation_id"])
    enrolled = set(
        Enrolment.objects.filter(organisation=university).values_list("person_id", flat=True)
    )
    people = list(Person.objects.filter(pgn_type="bsn").values_list("pk", "pgn"))
    outside = [pgn for pk, pgn in people if pk not in enrolled]
    own = [pgn for pk, pgn in people if pk in enrolled]
    picked = rng.sample(outside, 2 * n)  # disjoint: half out of scope, half under art56
    known = {pgn for _, pgn in people}
    unknown: list[str] = []
    seed = 9_000_000
    while len(unknown) < n:
        seed += rng.randint(1, 50)
        number = synthetic_bsn(seed)
        if number not in known and bsn.is_valid(number):
            unknown.append(number)
    assert not Person.objects.filter(pgn__in=unknown).exists()
    return university, {
        "out_of_scope": [(p, "art53_1") for p in picked[:n]],
        "unknown": [(p, "art53_1") for p in unknown],
        "not_bound": [(p, "art56") for p in picked[n:]],
        CONTROL: [(p, "art53_1") for p in rng.sample(own, min(control, len(own)))],
    }


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def best_threshold(a: list[float], b: list[float]) -> tuple[float, bool]:
    """Threshold t and direction maximising balanced accuracy of 'a if x <= t (or > t) else b'."""
    points = sorted([(x, 0) for x in a] + [(x, 1) for x in b])
    na, nb = len(a), len(b)
    below_a = below_b = 0
    best = (0.5, points[0][0] - 1, True)
    for i, (x, label) in enumerate(points):
        if label == 0:
            below_a += 1
        else:
            below_b += 1
        if i + 1 < len(points) and points[i + 1][0] == x:
            continue
        low_is_a = 0.5 * (below_a / na + (nb - below_b) / nb)
        for accuracy, direction in ((low_is_a, True), (1 - low_is_a, False)):
            if accuracy > best[0]:
                best = (accuracy, x, direction)
    return best[1], best[2]


def threshold_accuracy(a: list[float], b: list[float], rng: random.Random) -> float:
    """Balanced test accuracy of the best training threshold, mean over SPLITS random halvings."""
    scores = []
    for _ in range(SPLITS):
        sa, sb = rng.sample(a, len(a)), rng.sample(b, len(b))
        train_a, test_a = sa[: len(a) // 2], sa[len(a) // 2 :]
        train_b, test_b = sb[: len(b) // 2], sb[len(b) // 2 :]
        t, low_is_a = best_threshold(train_a, train_b)
        hit_a = sum((x <= t) == low_is_a for x in test_a) / len(test_a)
        hit_b = sum((x > t) == low_is_a for x in test_b) / len(test_b)
        scores.append(0.5 * (hit_a + hit_b))
    return statistics.fmean(scores)


def auc(a: list[float], b: list[float]) -> float:
    """P(latency of a random b > latency of a random a), ties counting half (Mann-Whitney)."""
    ranked = sorted([(x, 0) for x in a] + [(x, 1) for x in b])
    rank_sum_b = 0.0
    i = 0
    while i < len(ranked):
        j = i
        while j < len(ranked) and ranked[j][0] == ranked[i][0]:
            j += 1
        mean_rank = (i + 1 + j) / 2
        rank_sum_b += mean_rank * sum(1 for k in range(i, j) if ranked[k][1] == 1)
        i = j
    nb = len(b)
    return (rank_sum_b - nb * (nb + 1) / 2) / (len(a) * nb)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--n", type=int, default=1_000, help="numbers per refused class")
    parser.add_argument("--control", type=int, default=200, help="disclosed look-ups (control)")
    parser.add_argument("--seed", type=int, default=9)
    args = parser.parse_args()
    setup_test_environment()  # ALLOWED_HOSTS gets "testserver"; DEBUG off
    call_command("migrate", verbosity=0)
    call_command(
        "generate_demo", persons=args.persons, seed=1, no_progress=True, stdout=io.StringIO()
    )
    rng = random.Random(args.seed)
    university, samples = pick_samples(args.n, args.control, rng)
    _, token = create_client(university, "bench-oracle", ["recipient"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")

    def ask(number: str, basis: str) -> tuple[float, object]:
        body = {"basis": basis, "persoonsgebonden_nummer": number}
        start = time.perf_counter()
        response = client.post(URL, body, format="json")
        return time.perf_counter() - start, response

    # Warm-up (not recorded): other numbers of every class, so code paths and plans are hot.
    warm = [synthetic_bsn(8_000_000 + i) for i in range(50)]
    for number in warm:
        ask(number, "art53_1")
        ask(number, "art56")
    for number, basis in itertools.islice(itertools.cycle(samples[CONTROL]), 50):
        ask(number, basis)

    order = [(name, number, basis) for name, items in samples.items() for number, basis in items]
    rng.shuffle(order)
    latency: dict[str, list[float]] = {name: [] for name in samples}
    answers: dict[str, set[tuple]] = {name: set() for name in samples}
    started = time.perf_counter()
    for name, number, basis in order:
        seconds, response = ask(number, basis)
        latency[name].append(seconds * 1000)
        # Date and the random per-request trace id differ between any two requests
        headers = tuple(sorted((k, v) for k, v in response.headers.items()
                               if k.lower() not in ("date", "x-request-id")))  # fmt: skip
        answers[name].add((response.status_code, bytes(response.content), headers))
    wall = time.perf_counter() - started

    print(f"database: {connection.vendor}; persons {args.persons}; client: {university.code} "
          f"({university.kind}); {len(order)} requests in {wall:.1f} s, interleaved at random")  # fmt: skip
    failed = False
    for name in samples:
        statuses = sorted({a[0] for a in answers[name]})
        print(f"  {name:<13} n={len(latency[name]):>5}  statuses {statuses}  distinct answers "
              f"(status, body, headers without Date): {len(answers[name])}")  # fmt: skip
    refused_answers = set().union(*(answers[name] for name in REFUSED))
    identical = len(refused_answers) == 1
    if identical:
        status, body, headers = next(iter(refused_answers))
        print(f"refused classes: status, body and headers identical across all "
              f"{sum(len(latency[n]) for n in REFUSED)} answers: yes "
              f"(status {status}, body {len(body)} bytes, headers {[k for k, _ in headers]})")  # fmt: skip
    else:
        failed = True
        print("refused classes: answers NOT identical:")
        for name in REFUSED:
            for status, body, headers in answers[name]:
                print(f"  {name}: {status} {body[:200]!r} {headers}")
    if {a[0] for a in answers[CONTROL]} != {200}:
        failed = True
        print("control: the disclosed look-ups did not all answer 200")

    print("latency per class (ms, client.post round trip in process):")
    for name, values in latency.items():
        print(f"  {name:<13} n={len(values):>5}  median {statistics.median(values):6.2f}  "
              f"p90 {percentile(values, 0.9):6.2f}  mean {statistics.fmean(values):6.2f}")  # fmt: skip
    print(f"latency classifier per pair (threshold trained on a random half, balanced accuracy on "
          f"the other half, mean of {SPLITS} splits; chance 0.5):")  # fmt: skip
    for a, b in [*itertools.combinations(REFUSED, 2), *((CONTROL, r) for r in REFUSED)]:
        xa, xb = latency[a], latency[b]
        ta, tb = len(xa) - len(xa) // 2, len(xb) - len(xb) // 2
        noise = 1.96 * (0.0625 * (1 / ta + 1 / tb)) ** 0.5  # balanced accuracy at chance, one split
        auc_noise = 1.96 * ((len(xa) + len(xb) + 1) / (12 * len(xa) * len(xb))) ** 0.5
        accuracy = threshold_accuracy(xa, xb, rng)
        print(f"  {a} vs {b}: n={len(xa)}+{len(xb)} (test halves {ta}+{tb}): accuracy "
              f"{accuracy:.3f} (95 % band at chance, one split: 0.5 ± {noise:.3f}); "
              f"AUC {auc(xa, xb):.3f} (0.5 ± {auc_noise:.3f})")  # fmt: skip
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
