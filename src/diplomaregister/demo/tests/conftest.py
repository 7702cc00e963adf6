import datetime as dt

import pytest
import time_machine

FIXED = dt.datetime(2026, 11, 2, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def fixed_clock():
    with time_machine.travel(FIXED, tick=False):
        yield
