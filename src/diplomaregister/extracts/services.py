"""Making extracts: read the holder's data, render, sign, and record what the extract showed.

The same function serves the portal download (portal_holder), share pages and
``diplomaregister make_extract``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction

from diplomaregister.core import clock
from diplomaregister.extracts import disclosure
from diplomaregister.extracts.codes import code_hash, display, new_code
from diplomaregister.extracts.content import ExtractContent
from diplomaregister.extracts.models import Extract
from diplomaregister.extracts.rendering import render_pdf
from diplomaregister.extracts.signing import sign_pdf
from diplomaregister.register.models import Diploma, Person


@dataclass(frozen=True)
class ExtractFile:
    pdf_bytes: bytes
    code: str  # display form, e.g. ABCD-EFGH-IJKL-MNOP-QRST
    extract: Extract

    @property
    def filename(self) -> str:
        stem = "uittreksel-diplomaregister" if self.extract.language == "nl" else "extract"
        return f"{stem}-{self.extract.created_at:%Y%m%d}-{self.extract.pk}.pdf"


def verify_url(code: str) -> str:
    """Public verification address of a code (printed and in the QR code)."""
    return f"{settings.EXTRACT_PUBLIC_URL.rstrip('/')}/verifieren/{display(code)}"


def make_extract(
    person: Person,
    *,
    diplomas: Iterable[Diploma | int] | None = None,
    language: str = "nl",
    channel: str = "portal",
    requester: Any = None,
    basis: str = "holder",
) -> ExtractFile:
    """A signed extract of ``person``'s current diplomas (all, or the given ones) in nl or en.

    ``requester``/``basis`` name who receives it when that is not the holder (e.g. a share-link
    viewer: an engine ``Requester`` and basis ``holder_share``); the disclosure is logged through
    the engine in the same transaction that stores the Extract.
    Raises ``LookupError`` if a given diploma is not a current diploma of this person."""
    language = "en" if language.lower().startswith("en") else "nl"
    ids = None if diplomas is None else [d if isinstance(d, int) else d.pk for d in diplomas]
    disclosure.authorise(person, requester=requester, basis=basis, channel=channel)
    content = disclosure.holder_content(person, diploma_ids=ids, language=language)
    code = new_code()
    now = clock.now()
    pdf = render_pdf(
        content, code=code, verify_url=verify_url(code), language=language, today=clock.today()
    )
    signed = sign_pdf(pdf)
    with transaction.atomic():
        disclosure.log_extract(
            person,
            diploma_ids=[d.diploma_id for d in content.diplomas],
            channel=channel,
            requester=requester,
            basis=basis,
        )
        extract = _store(person, content, code, signed, language, diplomas is None, now)
    return ExtractFile(signed, display(code), extract)


def _store(
    person: Person,
    content: ExtractContent,
    code: str,
    signed: bytes,
    language: str,
    everything: bool,
    now: dt.datetime,
) -> Extract:
    return Extract.objects.create(
        person=person,
        code_hash=code_hash(code),
        pdf_sha256=hashlib.sha256(signed).hexdigest(),
        language=language,
        scope="all" if everything else "selected",
        diplomas=[
            {"diploma": d.diploma_id, "version_id": d.version_id, "version": d.version}
            for d in content.diplomas
        ],
        person_version=content.person_version,
        created_at=now,
    )
