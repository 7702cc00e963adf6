"""Making extracts: disclose the holder's data through the engine, render, sign, and record what
the extract showed.

The same function serves the portal download (portal_holder), share pages and
``diplomaregister make_extract``. The data comes from the disclosure engine only; the Extract row is
stored with the engine's log row (by the same statement, or in its transaction), so both are kept
or neither is.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from diplomaregister.core import clock
from diplomaregister.extracts.codes import code_hash, display, new_code
from diplomaregister.extracts.content import ExtractContent, content_from, extract_fields
from diplomaregister.extracts.models import Extract
from diplomaregister.extracts.rendering import render_pdf
from diplomaregister.extracts.signing import sign_rendered, signature_slot
from diplomaregister.register.models import Diploma, Person
from diplomaregister.verstrekking import engine


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
    person_or_pgn: Person | str,
    *,
    diplomas: Iterable[Diploma | int] | None = None,
    language: str = "nl",
    channel: str = "portal",
    requester: engine.Requester | None = None,
    basis: str = "holder",
    grades: bool = True,
) -> ExtractFile:
    """A signed extract of the holder's valid documents (all, or the given ones) in nl or en.

    ``requester``/``basis`` name who receives it when that is not the holder (e.g. a share-link
    viewer: a public ``Requester`` and basis ``holder_share``). The engine discloses exactly the
    fields the PDF prints (:func:`~diplomaregister.extracts.content.extract_fields`) and logs them;
    the Extract row is stored with that log row (the same statement or transaction).
    Raises ``engine.NotDisclosed`` (a PermissionDenied, logged) when the basis does not allow it or
    the register holds no data of the person, and ``LookupError`` (nothing stored, nothing logged)
    if a given diploma is not a valid document of this person. ``grades=False``: the diploma
    without grades (selective extract: no cijferlijst, no HO grade list)."""
    language = "en" if language.lower().startswith("en") else "nl"
    ids = None if diplomas is None else [d if isinstance(d, int) else d.pk for d in diplomas]
    requester = requester or engine.Requester(kind="holder", label="uittreksel")
    code = new_code()
    signed = b""

    def make(disclosed: engine.Disclosure) -> Extract:
        nonlocal signed
        now = clock.now()
        content = content_from(disclosed, language, diploma_ids=ids, known_at=now,
                               with_grades=grades)  # fmt: skip
        # rendered with its signature field and signed in place: the file is written once
        slot = signature_slot(timezone.localtime(now))
        pdf = render_pdf(content, code=code, verify_url=verify_url(code), language=language,
                         today=clock.today(), signature=slot)  # fmt: skip
        signed = sign_rendered(pdf, slot)
        assert disclosed.person is not None  # the engine refuses persons it does not know
        return _unsaved(disclosed.person, content, code, signed, language, diplomas is None, now)

    _, extract = engine.disclose_keeping(
        make,
        requester=requester,
        basis=basis,
        subject=person_or_pgn,
        channel=channel,
        fields=extract_fields(language, grades),
        diploma_ids=ids,
        only_valid=True,
    )
    return ExtractFile(signed, display(code), extract)


def _unsaved(
    person: Person,
    content: ExtractContent,
    code: str,
    signed: bytes,
    language: str,
    everything: bool,
    now: dt.datetime,
) -> Extract:
    return Extract(
        person=person,
        code_hash=code_hash(code),
        pdf_sha256=hashlib.sha256(signed).hexdigest(),
        language=language,
        scope="all" if everything else "selected",
        diplomas=[{"diploma": d.diploma_id, "version": d.version} for d in content.diplomas],
        person_version=None,  # the engine gives no identity version; verification shows the name
        created_at=now,
        with_grades=content.with_grades,
    )
