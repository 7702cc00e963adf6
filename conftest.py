"""Shared by every test: a thread's disclosure-log session (logboek/gate.py) is closed after each
test, so no connection outlives the test database."""

from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _log_session_closed() -> Iterator[None]:
    yield
    from diplomaregister.logboek import gate

    gate.drop_session()
