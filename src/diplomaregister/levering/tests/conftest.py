import datetime as dt

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from diplomaregister.core.pgn import synthetic_bsn
from diplomaregister.organisations.auth import create_client
from diplomaregister.organisations.factories import OrganisationFactory

NOW = timezone.make_aware(dt.datetime(2025, 7, 20, 12, 0))


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def school(db):
    return OrganisationFactory(kind="vo_school", name="Stedelijk Lyceum")


@pytest.fixture
def api(school, clock):
    _client, token = create_client(school, "sis", ["deliver"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def vo_record(n: int, **overrides):
    record = {
        "record_key": f"VO-{n:05d}",
        "pgn": synthetic_bsn(50_000 + n),
        "family_name": "Jansen",
        "given_names": "Sem",
        "gender": "M",
        "birth_date": "2007-03-01",
        "kind": "l",
        "date_of_issue": "2025-07-10",
        "programme_code": "HAVO-NG",
        "vo_profile": "NG",
        "grades": [{"subject_code": "NE", "subject_name": "Nederlands", "school_exam_grade": "6.5",
                    "central_exam_grade": "7.1", "final_grade": "7"}],
    }  # fmt: skip
    record.update(overrides)
    return record
