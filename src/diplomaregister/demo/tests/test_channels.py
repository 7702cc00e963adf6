"""The demo's sample through the register's own channels: pipeline facts, BRP, a merge."""

import pytest

from diplomaregister.demo.channels import through_channels
from diplomaregister.demo.services import generate
from diplomaregister.register.models import (
    EnrolmentVersion,
    Person,
    PersonVersion,
    ResultVersion,
)


@pytest.mark.django_db
def test_demo_delivers_a_sample_through_pipeline_brp_and_merge(fixed_clock):
    generate(300, seed=4, progress=False)
    enrolments, persons = EnrolmentVersion.objects.count(), Person.objects.count()
    summary = through_channels(seed=4, sample=10)
    assert summary.facts == 20  # an enrolment and a result for each of the 10
    assert EnrolmentVersion.objects.filter(source__startswith="levering:").count() == 10
    assert ResultVersion.objects.count() == 10
    assert EnrolmentVersion.objects.count() == enrolments + 10
    assert summary.mutations == 2
    assert PersonVersion.objects.filter(source="demo:brp", change="death").count() == 1
    assert PersonVersion.objects.filter(source="demo:brp", change="correction").count() == 1
    if summary.merged:
        merged = Person.objects.get(merged_into__isnull=False)
        assert merged.pgn_type == "onderwijsnummer" and merged.merged_into.pgn_type == "bsn"
        assert Person.objects.count() == persons + 1
