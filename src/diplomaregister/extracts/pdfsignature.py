"""A PAdES signature written with the extract in one pass.

The general route (:func:`~diplomaregister.extracts.signing.sign_pdf`) hands finished bytes to
pyHanko, which parses them again, finds the page, adds a signature field, catalog and page in an
incremental update, writes the file a second time and only then computes the signature. An extract
is written here (extracts.pdfwriter), so the signature field, its widget, the form and the signature
dictionary go into the file itself, with a fixed-width ``/ByteRange`` and a ``/Contents`` hex
string of zeros as placeholders (:func:`signature_objects`). :func:`fill` then sets the byte
range, digests the file outside ``/Contents`` and puts the CMS container there: the same
dictionary entries pyHanko writes (``/Filter /Adobe.PPKLite``, ``/SubFilter
/ETSI.CAdES.detached``, ``/M``, reason, location), the same CMS from the same signer, covering the
whole file, in a file written once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

# Room for "0 <start of /Contents> <after /Contents> <length of the rest>"; padded with spaces.
_BYTE_RANGE = b"[0 0000000000 0000000000 0000000000]"


@dataclass(frozen=True)
class SignatureSlot:
    """Where and how the signature goes: field name, the reason and location shown by readers, the
    signing time (``/M``; PAdES keeps it out of the CMS) and the bytes reserved for the CMS."""

    field_name: str
    reason: str
    location: str
    signed_at: dt.datetime
    reserved: int  # bytes for the DER-encoded CMS container (written as twice as many hex digits)

    @property
    def contents(self) -> bytes:
        return b"<" + b"0" * (2 * self.reserved) + b">"


def pdf_date(moment: dt.datetime) -> str:
    """``D:YYYYMMDDHHmmSS+HH'mm'`` (ISO 32000-1 7.9.4) of an aware datetime."""
    offset = moment.strftime("%z") or "+0000"
    return f"D:{moment:%Y%m%d%H%M%S}{offset[:3]}'{offset[3:]}'"


def signature_objects(slot: SignatureSlot, *, page: int, signature: int) -> list[str]:
    """The signature dictionary (object ``signature``) with the placeholders :func:`fill`
    completes, and its invisible field and widget on ``page`` (object ``signature + 1``), which
    the form (``/AcroForm /Fields``) and the page (``/Annots``) refer to."""
    return [
        f"<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached"
        f" /M ({pdf_date(slot.signed_at)}) /Reason {_text(slot.reason)}"
        f" /Location {_text(slot.location)}\n/ByteRange {_BYTE_RANGE.decode()}"
        f" /Contents {slot.contents.decode()} >>",
        f"<< /Type /Annot /Subtype /Widget /FT /Sig /T {_text(slot.field_name)} /F 132"
        f" /Rect [0 0 0 0] /P {page} 0 R /V {signature} 0 R >>",  # F 132: print, locked
    ]


def _text(value: str) -> str:
    if not value.isascii() or any(c in value for c in "()\\"):
        raise ValueError(f"signature texts are plain ASCII: {value!r}")
    return f"({value})"


def fill(pdf: bytes, slot: SignatureSlot, sign_digest: Callable[[bytes], bytes]) -> bytes:
    """The signed file: ``pdf`` (written with :func:`signature_objects`) with its byte range set and
    ``sign_digest(sha256 of the file outside /Contents)``, a DER CMS container, in ``/Contents``."""
    placeholder = slot.contents
    start = pdf.index(placeholder)  # no text on a page is that long
    end = start + len(placeholder)
    # the byte range just before it, in the same dictionary
    at = pdf.rindex(b"/ByteRange " + _BYTE_RANGE, 0, start) + len(b"/ByteRange ")
    byte_range = f"[0 {start} {end} {len(pdf) - end}]".encode().ljust(len(_BYTE_RANGE))
    pdf = pdf[:at] + byte_range + pdf[at + len(_BYTE_RANGE) :]
    view = memoryview(pdf)
    digest = hashlib.sha256(view[:start])
    digest.update(view[end:])
    der = sign_digest(digest.digest())
    if len(der) > slot.reserved:
        raise ValueError(f"signature of {len(der)} bytes does not fit in {slot.reserved}")
    contents = der.hex().upper().encode().ljust(len(placeholder) - 2, b"0")
    return pdf[: start + 1] + contents + pdf[end - 1 :]
