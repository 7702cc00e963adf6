"""The demo fills the extended diploma data realistically, cut to the active scenario."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pytest

from diplomaregister.demo.services import generate
from diplomaregister.register.models import DiplomaGrade, DiplomaVersion

pytestmark = pytest.mark.django_db
# WHW art. 7.4a/7.4b, 7.8: Ad 120, hbo-bachelor 240, wo-bachelor 180, master 60-180
TOTALS = {("HBO", "associate_degree"): {120}, ("HBO", "bachelor"): {240}, ("WO", "bachelor"): {180},
          ("HBO", "master"): {60, 90, 120}, ("WO", "master"): {60, 90, 120, 180}}  # fmt: skip


def test_scenario_1_demo_carries_the_extended_data(fixed_clock, settings):
    settings.DIPLOMA_SCENARIO = "1"
    generate(1500, seed=5, progress=False)
    ho = DiplomaVersion.objects.filter(sector__in=["HBO", "WO"], version=1)
    finals = ho.exclude(ho_exam_type="propedeuse")
    assert finals.exclude(degree="").count() == finals.count()  # every final exam has its graad
    wo = finals.filter(sector="WO").count()
    cum_laude = finals.filter(sector="WO", judicium__in=["cum_laude", "summa_cum_laude"]).count()
    assert 0 < cum_laude < wo * 0.15
    credits: dict[int, Decimal] = defaultdict(Decimal)
    for version_id, ec in DiplomaGrade.objects.filter(credits_ec__isnull=False).values_list(
        "diploma_version_id", "credits_ec"
    ):
        credits[version_id] += ec
    assert credits, "no HO grade lists"
    for version in DiplomaVersion.objects.filter(pk__in=credits):
        assert credits[version.pk] in TOTALS[(version.sector, version.degree)], version.pk
        assert version.weighted_average is not None
    assert DiplomaVersion.objects.filter(status="earned").exists()


def test_scenario_4_demo_stores_none_of_it(fixed_clock, settings):
    settings.DIPLOMA_SCENARIO = "4"
    generate(400, seed=5, progress=False)
    assert not DiplomaVersion.objects.exclude(judicium="").exists()
    assert not DiplomaVersion.objects.exclude(degree="").exists()
    assert not DiplomaGrade.objects.filter(credits_ec__isnull=False).exists()
