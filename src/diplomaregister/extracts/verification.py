"""Verifying an extract: its signature (from the register's key, file unmodified) and whether the
data it shows still matches the register now, or was corrected or withdrawn since (and when).

Two ways in: the PDF file itself (signature checked, extract found by the SHA-256 of the file) or
the verification code (extract found by the keyed hash of the code; no file, so no signature).

The register is read through the disclosure engine only (basis ``extract_verification``, requester
kind "public"), asking exactly for what the result page shows (:data:`VERIFICATION_FIELDS`); the
holder sees each verification in their log. The withdrawal reason is not given to a verifier.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any, cast

from django.db import connections, router
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from diplomaregister.core import rawread
from diplomaregister.extracts import codes
from diplomaregister.extracts.content import (
    Course,
    Grade,
    courses_of,
    grades_of,
    programme_field,
    programme_text,
    total_credits,
)
from diplomaregister.extracts.models import Extract
from diplomaregister.extracts.signing import trust_root
from diplomaregister.register.models import Person
from diplomaregister.verstrekking import engine, naming

logger = logging.getLogger(__name__)

# Signature outcomes
VALID = "valid"
NOT_SIGNED = "not_signed"  # no (or more than one) signature
UNREADABLE = "unreadable"  # not a PDF we can parse
MODIFIED = "modified"  # bytes changed or content added after signing
UNTRUSTED = "untrusted"  # a valid signature, but not by the register's key

# Data outcomes per diploma
UNCHANGED = "unchanged"
CORRECTED = "corrected"
WITHDRAWN = "withdrawn"

# What the result page shows: the holder, and per document what the extract showed of it (named as
# the extract names it, its programme, degree, judicium, exam, level, profile and dates), its status
# with its date, and the document and version it compares with the extract. The programme name in
# the page's language; the grade lists only when the extract carried them (verification_fields).
VERIFICATION_FIELDS = (
    "family_name",
    "given_names",
    "birth_date",
    "diploma_id",
    "diploma_version",
    "status",
    "status_since",
    "kind",
    "organisation_name",
    "date_of_issue",
    "exam_date",
    "programme_code",
    "ho_degree",
    "ho_exam_type",
    "mbo_level",
    "mbo_leerweg",
    "vo_profile",
    "vo_leerweg",
    "specialisation",
    "degree",
    "degree_addition",
    "judicium",
    "awarding_organisations",
    "instruction_languages",
)
GRADE_FIELDS = ("grades", "course_results", "weighted_average")


def verification_fields(language: str, grades: bool) -> tuple[str, ...]:
    """The engine outputs a result page in ``language`` shows, for an extract with or without
    grades."""
    return (*VERIFICATION_FIELDS, programme_field(language), *(GRADE_FIELDS if grades else ()))


# In the holder's log: who verified is unknown, and the extract's internal id is no business of
# the holder's log (nor of anyone reading it).
VERIFIER = "verificatie van een uittreksel"


@dataclass(frozen=True)
class DiplomaCheck:
    diploma_id: int
    kind_name: str  # empty when the register no longer discloses the document at all
    organisation: str
    date_of_issue: dt.date | None
    status: str  # unchanged | corrected | withdrawn
    since: dt.date | None = None  # withdrawn: effective date (None: not known); corrected: recorded
    category: str = ""  # the legal category (art. 16), a second line under the name
    full_name: str = ""  # "Master of Science Computer Science, cum laude — Universiteit ..., date"
    programme: str = ""  # "Informatica (60300)"
    exam_date: dt.date | None = None
    # (label key in extracts.texts or a label in words, value in words): degree, exam, level, ...
    details: tuple[tuple[str, str], ...] = ()
    grades: tuple[Grade, ...] = ()  # the VO cijferlijst, if the extract carried grades
    courses: tuple[Course, ...] = ()  # the HO grade list, if the extract carried grades
    total_credits: str = ""


@dataclass
class Verification:
    method: str  # "file" | "code"
    signature: str | None = None  # None for a code lookup
    signature_detail: str = ""
    signer: str = ""
    extract: Extract | None = None
    holder_name: str = ""
    holder_birth_date: dt.date | None = None
    checks: list[DiplomaCheck] = field(default_factory=list)

    @property
    def signature_ok(self) -> bool:
        return self.method == "code" or self.signature == VALID

    @property
    def found(self) -> bool:
        return self.extract is not None

    @property
    def data_current(self) -> bool:
        return self.found and all(c.status == UNCHANGED for c in self.checks)

    @property
    def valid(self) -> bool:
        """Authentic, issued by this register and still matching it: exit 0 / green."""
        return self.signature_ok and self.data_current


def _check_signature(data: bytes) -> tuple[str, str, str]:
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except Exception as exc:  # noqa: BLE001 - any parse failure means "not a valid extract"
        return UNREADABLE, type(exc).__name__, ""
    if len(signatures) != 1:
        return NOT_SIGNED, f"{len(signatures)} signatures", ""
    context = ValidationContext(
        trust_roots=[trust_root()], allow_fetching=False, revocation_mode="soft-fail"
    )
    try:
        status = validate_pdf_signature(signatures[0], signer_validation_context=context)
    except Exception as exc:  # noqa: BLE001 - malformed signature containers
        return MODIFIED, type(exc).__name__, ""
    signer = status.signing_cert.subject.human_friendly if status.signing_cert else ""
    if not status.intact or not status.valid:
        return MODIFIED, "digest or signature value does not match", signer
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        return MODIFIED, "the file was changed after signing", signer
    if not status.trusted:
        return UNTRUSTED, "not signed by the register's key", signer
    return VALID, "", signer


def _check(
    record: dict[str, Any] | None, diploma_id: int, shown: int, language: str
) -> DiplomaCheck:
    """One document of the extract (version ``shown``) against the engine's answer now."""
    if record is None:
        # The engine no longer discloses a document the extract named: it was withdrawn as
        # attributed to the wrong person (law/legal_bases.yaml withdrawal_codes, hidden for every
        # recipient). For the verifier it is withdrawn; nothing of it may be shown, not even when.
        return DiplomaCheck(diploma_id, "", "", None, WITHDRAWN, None)
    status, since = UNCHANGED, None
    if record["status"] == WITHDRAWN:
        status, since = WITHDRAWN, record["status_since"]
    elif record["diploma_version"] != shown:
        status, since = CORRECTED, record["status_since"]
    return DiplomaCheck(
        diploma_id,
        naming.named(record, language),
        record["organisation_name"],
        record["date_of_issue"],
        status,
        since,
        naming.kind_name(record, language),
        full_name=naming.full_name(record, language),
        programme=programme_text(record, language) if record.get("programme_code") else "",
        exam_date=record.get("exam_date"),
        details=_details(record, language),
        grades=grades_of(record, language),
        courses=courses_of(record, language),
        total_credits=total_credits(record, language),
    )


def _details(record: dict[str, Any], language: str) -> tuple[tuple[str, str], ...]:
    """What the extract printed of the document besides its name, programme and dates, in words:
    (label key of extracts.texts, or a label from law/disclosure_labels.yaml; value)."""
    lines: list[tuple[str, str]] = []
    degree = naming.degree(record, language)
    if degree:
        lines.append(("degree", degree))
    if record.get("ho_exam_type"):
        lines.append(("exam", naming.value_words("ho_exam_type", record["ho_exam_type"], language)))
    if record.get("mbo_level"):
        pathway = naming.value_words("mbo_leerweg", record.get("mbo_leerweg") or "", language)
        lines.append(("level", ", ".join(v for v in (str(record["mbo_level"]), pathway) if v)))
    if record.get("vo_profile"):
        lines.append(("profile", naming.profile(record, language)))
    if record.get("vo_leerweg"):
        lines.append(("track", naming.value_words("vo_leerweg", record["vo_leerweg"], language)))
    extended = [(k, v) for k, v in naming.extended_lines(record, language) if v != degree]
    return tuple(lines + extended)


def _check_data(result: Verification, extract: Extract, channel: str, language: str) -> None:
    """Compare what the extract showed with the register now, as the engine discloses it to a
    verifier (and logs it for the holder), in ``language``."""
    shown = extract.diploma_versions()
    disclosed = engine.disclose(
        requester=engine.Requester(kind="public", label=VERIFIER),
        basis="extract_verification",
        subject=extract.person,
        channel=channel,
        diploma_ids=list(shown),
        fields=verification_fields(language, extract.with_grades),
    )
    records = {r["diploma_id"]: r for r in disclosed.records}
    result.checks = [
        _check(records.get(diploma_id), diploma_id, version, language)
        for diploma_id, version in shown.items()
    ]
    subject = disclosed.subject
    name = f"{subject.get('given_names') or ''} {subject.get('family_name') or ''}"
    result.holder_name = name.strip()
    result.holder_birth_date = subject.get("birth_date")


def _finish(
    result: Verification, extract: Extract | None, channel: str, language: str | None
) -> Verification:
    if extract is None:
        return result
    result.extract = extract
    _check_data(result, extract, channel, naming.lang(language or extract.language))
    return result


def verify_file(data: bytes, *, channel: str = "web", language: str | None = None) -> Verification:
    """Check an uploaded or local extract PDF; the result in ``language`` (None: the extract's)."""
    result = Verification(method="file")
    result.signature, result.signature_detail, result.signer = _check_signature(data)
    if result.signature != VALID:
        return result
    digest = hashlib.sha256(data).hexdigest()
    extract = _extract_by("pdf_sha256", digest)
    return _finish(result, extract, channel, language)


def verify_code(typed: str, *, channel: str = "web", language: str | None = None) -> Verification:
    """Look up an extract by its verification code; unknown and malformed codes look the same."""
    result = Verification(method="code")
    code = codes.normalise(typed)
    # Hash even a malformed code, so both paths cost the same.
    digest = codes.code_hash(code or "-" * codes.LENGTH)
    extract = _extract_by("code_hash", digest)
    return _finish(result, extract if code else None, channel, language)


def _extract_by(column: str, digest: str) -> Extract | None:
    """The extract with this hash (``code_hash`` or ``pdf_sha256``) and its holder, in one statement
    written once (core.rawread) rather than a queryset compiled per request."""
    assert column in ("code_hash", "pdf_sha256")
    db = router.db_for_read(Extract) or "default"
    connection = connections[db]
    e, pe = rawread.columns(Extract, "e", db), rawread.columns(Person, "pe", db)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {e.sql}, {pe.sql} FROM {Extract._meta.db_table} e"  # noqa: S608 (model tables)
            f" JOIN {Person._meta.db_table} pe ON pe.id = e.person_id WHERE e.{column} = %s LIMIT 1",
            [digest],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    extract = cast(Extract, e.build(row, 0, db, connection))
    extract.person = cast(Person, pe.build(row, e.width, db, connection))
    return extract
