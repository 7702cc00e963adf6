"""Verifying an extract: its signature (from the register's key, file unmodified) and whether the
data it shows still matches the register now, or was corrected or withdrawn since (and when).

Two ways in: the PDF file itself (signature checked, extract found by the SHA-256 of the file) or
the verification code (extract found by the keyed hash of the code; no file, so no signature).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass, field
from io import BytesIO

from django.utils import timezone
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from diplomaregister.core import clock
from diplomaregister.extracts import codes, disclosure
from diplomaregister.extracts.content import diploma_line
from diplomaregister.extracts.models import Extract
from diplomaregister.extracts.signing import trust_root
from diplomaregister.register import selectors
from diplomaregister.register.models import Diploma, DiplomaStatus, DiplomaVersion

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


@dataclass(frozen=True)
class DiplomaCheck:
    diploma_id: int
    kind_name: str
    organisation: str
    date_of_issue: dt.date
    status: str  # unchanged | corrected | withdrawn
    since: dt.date | None = None  # withdrawn: effective date; corrected: date recorded
    reason: str = ""


@dataclass
class Verification:
    method: str  # "file" | "code"
    signature: str | None = None  # None for a code lookup
    signature_detail: str = ""
    signer: str = ""
    extract: Extract | None = None
    holder_name: str = ""
    holder_birth_date: dt.date | None = None
    holder_changed: bool = False
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


def _check_data(result: Verification, extract: Extract) -> None:
    """Compare what the extract showed with the register now (latest known version of each)."""
    shown = extract.diploma_versions()
    now = clock.now()
    versions: dict[int, list[DiplomaVersion]] = {}
    for version in (
        DiplomaVersion.objects.filter(diploma_id__in=shown, recorded_at__lte=now)
        .select_related("programme")
        .order_by("version")
    ):
        versions.setdefault(version.diploma_id, []).append(version)
    diplomas = Diploma.objects.in_bulk(list(shown))
    for diploma_id, number in shown.items():
        history = versions.get(diploma_id, [])
        latest = history[-1]
        was = next(v for v in history if v.version == number)
        state = selectors.DiplomaState(diplomas[diploma_id], was, tuple(history))
        line = diploma_line(state, extract.language)
        status, since, reason = UNCHANGED, None, ""
        if latest.version != number and latest.status == DiplomaStatus.WITHDRAWN:
            status, since, reason = WITHDRAWN, latest.valid_from, latest.withdrawal_reason
        elif latest.version != number:
            status, since = CORRECTED, timezone.localdate(latest.recorded_at)
        result.checks.append(
            DiplomaCheck(
                diploma_id, line.kind_name, line.organisation, was.date_of_issue, status,
                since, reason,
            )
        )  # fmt: skip
    identity = selectors.identity(extract.person)
    if identity is not None:
        result.holder_name = f"{identity.given_names} {identity.family_name}".strip()
        result.holder_birth_date = identity.birth_date
        result.holder_changed = identity.version != extract.person_version


def _finish(result: Verification, extract: Extract | None, channel: str) -> Verification:
    if extract is None:
        return result
    result.extract = extract
    _check_data(result, extract)
    disclosure.log_verification(
        extract.person,
        extract_id=extract.pk,
        diploma_ids=list(extract.diploma_versions()),
        channel=channel,
    )
    return result


def verify_file(data: bytes, *, channel: str = "web") -> Verification:
    """Check an uploaded or local extract PDF."""
    result = Verification(method="file")
    result.signature, result.signature_detail, result.signer = _check_signature(data)
    if result.signature != VALID:
        return result
    digest = hashlib.sha256(data).hexdigest()
    extract = Extract.objects.select_related("person").filter(pdf_sha256=digest).first()
    return _finish(result, extract, channel)


def verify_code(typed: str, *, channel: str = "web") -> Verification:
    """Look up an extract by its verification code; unknown and malformed codes look the same."""
    result = Verification(method="code")
    code = codes.normalise(typed)
    # Hash even a malformed code, so both paths cost the same.
    digest = codes.code_hash(code or "-" * codes.LENGTH)
    extract = Extract.objects.select_related("person").filter(code_hash=digest).first()
    return _finish(result, extract if code else None, channel)
