"""Earned but not issued (verkenning 2025, "niet uitgereikte diploma's") and history: what the
holder, a recipient and an extract see before and after the document is handed over, and the
documents as valid on / as known on a past moment for a basis that allows it."""

import datetime as dt

import pytest
from django.utils import timezone

from diplomaregister.core.pgn import synthetic_bsn
from diplomaregister.extracts.services import make_extract
from diplomaregister.levering.pipeline import process
from diplomaregister.organisations.factories import OrganisationFactory
from diplomaregister.register.models import Diploma, DiplomaVersion
from diplomaregister.verstrekking.engine import NotDisclosed, Requester, disclose

pytestmark = pytest.mark.django_db
PGN = synthetic_bsn(8001)
JULY = timezone.make_aware(dt.datetime(2023, 7, 20, 12))
SEPTEMBER = timezone.make_aware(dt.datetime(2023, 9, 15, 12))
NOVEMBER = timezone.make_aware(dt.datetime(2023, 11, 1, 12))


@pytest.fixture
def uu(db):
    return OrganisationFactory(universiteit=True, code="00JU", brin="00JU", name="Universiteit Utrecht")  # fmt: skip


def record(**changes):
    raw = {"record_key": "UU-7", "pgn": PGN, "family_name": "Bakker", "given_names": "Sem",
           "gender": "M", "birth_date": "2000-02-02", "kind": "a", "sector": "WO",
           "exam_date": "2023-07-14", "programme_code": "60300", "ho_exam_type": "afsluitend",
           "ho_degree": "Master of Science", "degree": "master", "degree_addition": "of_science"}  # fmt: skip
    raw.update(changes)
    return raw


def holder():
    return disclose(
        requester=Requester(kind="holder"), basis="holder", subject=PGN, channel="portal"
    )


def awarder(uu, **moment):
    requester = Requester(kind="organisation", organisation=uu, label=uu.name)
    return disclose(requester=requester, basis="art53_2", subject=PGN, channel="api", **moment)


def test_earned_is_the_holders_only_until_it_is_issued(uu, settings):
    settings.DIPLOMA_SCENARIO = "1"
    first = process(record(status="earned"), 0, uu, recorded_at=JULY, source="t")
    assert first.outcome == "created", first.violations
    version = DiplomaVersion.objects.get()
    assert version.status == "earned" and version.date_of_issue == dt.date(2023, 7, 14)
    assert [r["status"] for r in holder().records] == ["earned"]
    assert awarder(uu).records == []  # not a waardedocument yet: no recipient sees it
    diploma = Diploma.objects.get()
    with pytest.raises(LookupError):  # nor goes it on an extract
        make_extract(PGN, diplomas=[diploma.pk])

    issued = process(record(date_of_issue="2023-09-01"), 0, uu, recorded_at=SEPTEMBER, source="t")
    assert issued.outcome == "corrected"
    latest = DiplomaVersion.objects.order_by("-version").first()
    assert (latest.change, latest.status, latest.valid_from) == (
        "issue",
        "valid",
        dt.date(2023, 9, 1),
    )
    assert [r["status"] for r in awarder(uu).records] == ["valid"]
    history = holder().records[0]["history"]
    assert [h["change"] for h in history] == ["issue", "new"]
    assert (
        "status" in history[0]["changed"] and history[0]["delivered_by"] == "Universiteit Utrecht"
    )
    # an issued document does not go back
    back = process(record(status="earned"), 0, uu, recorded_at=NOVEMBER, source="t")
    assert back.outcome == "rejected" and back.violations[0].rule == "earned.already_issued"


def test_as_valid_on_and_as_known_on_a_past_moment(uu, settings):
    settings.DIPLOMA_SCENARIO = "1"
    process(record(date_of_issue="2023-08-30"), 0, uu, recorded_at=SEPTEMBER, source="t")
    process(record(date_of_issue="2023-08-30", judicium="cum_laude"), 0, uu, recorded_at=NOVEMBER,
            source="t")  # fmt: skip
    now = awarder(uu).records[0]
    assert now["diploma_version"] == 2 and "judicium" not in now  # art. 53 lid 2: no extended data
    known = awarder(uu, known_on=SEPTEMBER + dt.timedelta(days=1)).records
    assert [r["diploma_version"] for r in known] == [1]
    assert awarder(uu, valid_on=dt.date(2023, 8, 1)).records == []  # not yet issued on that day
    uwv = OrganisationFactory(kind="uwv", code="UWV", brin="", name="UWV", bekostigd=None)
    with pytest.raises(NotDisclosed):  # art. 56 gives data only as it stands now
        disclose(requester=Requester(kind="organisation", organisation=uwv), basis="art56",
                 subject=PGN, channel="api", known_on=SEPTEMBER)  # fmt: skip
    history = holder().records[0]["history"]
    assert [(h["version"], h["change"]) for h in history] == [(2, "correction"), (1, "new")]
    assert history[0]["changed"] == ["judicium"]
