"""The one switch between the extracts app and the disclosure engine (verstrekking).

Making an extract and verifying one are disclosures of the holder's data and go through the engine
when ``verstrekking/engine.py`` is present: basis ``holder`` (AVG art. 15; requester kind
"holder") when the holder makes an extract, or whatever basis the caller passes (e.g.
``holder_share`` for a share-link page), and basis ``extract_verification`` (requester kind
"public") for each verification, so the holder sees it under "Wie heeft mijn gegevens bekeken".
The engine checks the basis (default deny) and writes the log row; a refusal raises its
``BasisNotAllowed`` (a ``PermissionDenied``). Without the engine the data is read from
``register.selectors`` and nothing is logged.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from types import ModuleType
from typing import Any

from diplomaregister.extracts import content
from diplomaregister.register.models import Person

ENGINE = "diplomaregister.verstrekking.engine"


def engine() -> ModuleType | None:
    try:
        return importlib.import_module(ENGINE)
    except ModuleNotFoundError as exc:
        if exc.name != ENGINE:
            raise  # the engine exists but is broken: do not hide that
        return None


def holder_content(
    person: Person, *, diploma_ids: Iterable[int] | None = None, language: str = "nl"
) -> content.ExtractContent:
    """What the holder may see of their own data (all fields: AVG art. 15)."""
    return content.holder_content(person, diploma_ids=diploma_ids, language=language)


def authorise(person: Person, *, requester: Any, basis: str, channel: str) -> None:
    """Refuse early, outside the extract's transaction, so a refusal is logged durably."""
    eng = engine()
    if eng is None:
        return
    eng.authorise(
        requester or eng.Requester(kind="holder", label="uittreksel"), basis, channel, person
    )


def log_extract(
    person: Person,
    *,
    diploma_ids: list[int],
    channel: str,
    requester: Any = None,
    basis: str = "holder",
) -> None:
    """Disclose (and log) the diplomas put on an extract; call inside the transaction that
    stores the Extract, so either both or neither happen."""
    eng = engine()
    if eng is None:
        return
    eng.disclose_diplomas(
        requester=requester or eng.Requester(kind="holder", label="uittreksel"),
        basis=basis,
        subject=person,
        channel=channel,
        query={"purpose": "extract", "diplomas": diploma_ids},
    )


def log_verification(
    person: Person, *, extract_id: int, diploma_ids: list[int], channel: str = "web"
) -> None:
    """Log a verification of an extract as a view of the holder's data."""
    eng = engine()
    if eng is None:
        return
    eng.disclose_diplomas(
        requester=eng.Requester(kind="public", label=f"verificatie uittreksel {extract_id}"),
        basis="extract_verification",
        subject=person,
        channel=channel,
        query={"purpose": "extract_verification", "extract": extract_id, "diplomas": diploma_ids},
    )
