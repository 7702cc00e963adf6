"""A PAdES signature written with the extract in one pass.

The general route (:func:`~diplomaregister.extracts.signing.sign_pdf`) hands finished bytes to
pyHanko, which parses them again, finds the page, adds a signature field, catalog and page in an
incremental update, writes the file a second time and only then computes the signature. An extract
is rendered here, so the renderer writes the signature field, its widget, the form and the
signature dictionary into the file itself, with a fixed-width ``/ByteRange`` and a ``/Contents``
hex string of zeros as placeholders (:func:`add_to_canvas`). :func:`fill` then sets the byte
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

from pyhanko.pdf_utils.generic import pdf_date
from reportlab.pdfbase.pdfdoc import (
    PDFArray,
    PDFCatalog,
    PDFDictionary,
    PDFName,
    PDFObject,
    PDFString,
)
from reportlab.pdfgen.canvas import Canvas

# Room for "0 <start of /Contents> <after /Contents> <length of the rest>"; padded with spaces.
_BYTE_RANGE = b"[0 0000000000 0000000000 0000000000]"
_CATALOG_KEYS = [*PDFCatalog.__NoDefault__, "Version", "Extensions"]


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


class _Raw(PDFObject):
    """Bytes written as they are (the placeholders, which must keep their width)."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def format(self, document: object) -> bytes:
        return self.data


def add_to_canvas(canvas: Canvas, slot: SignatureSlot) -> None:
    """Put an invisible signature field on the canvas's current page, in the document's form, with
    a signature dictionary whose byte range and contents :func:`fill` completes."""
    doc = canvas._doc  # reportlab has no public API for form fields of type /Sig
    signature = PDFDictionary(
        {
            "Type": PDFName("Sig"),
            "Filter": PDFName("Adobe.PPKLite"),
            "SubFilter": PDFName("ETSI.CAdES.detached"),
            "M": PDFString(str(pdf_date(slot.signed_at))),
            "Reason": PDFString(slot.reason),
            "Location": PDFString(slot.location),
            "ByteRange": _Raw(_BYTE_RANGE),
            "Contents": _Raw(slot.contents),
        }
    )
    widget = doc.Reference(
        PDFDictionary(
            {
                "Type": PDFName("Annot"),
                "Subtype": PDFName("Widget"),
                "FT": PDFName("Sig"),
                "T": PDFString(slot.field_name),
                "F": 132,  # print, locked
                "Rect": PDFArray([0, 0, 0, 0]),
                "P": doc.thisPageRef(),
                "V": doc.Reference(signature),
            }
        )
    )
    canvas._annotationrefs.append(widget)
    catalog = doc.Catalog
    catalog.AcroForm = PDFDictionary({"Fields": PDFArray([widget]), "SigFlags": 3})
    # As pyHanko declares a PAdES signature: PDF 1.7 with the ETSI extension (ISO 32000-1 7.12).
    catalog.Version = PDFName("1.7")
    esic = {"Type": PDFName("DeveloperExtensions"), "BaseVersion": PDFName("1.7"),
            "ExtensionLevel": 1}  # fmt: skip
    catalog.Extensions = PDFDictionary({"ESIC": PDFDictionary(esic)})
    catalog.__NoDefault__ = _CATALOG_KEYS  # reportlab writes only the catalog keys listed here


def fill(pdf: bytes, slot: SignatureSlot, sign_digest: Callable[[bytes], bytes]) -> bytes:
    """The signed file: ``pdf`` (rendered with :func:`add_to_canvas`) with its byte range set and
    ``sign_digest(sha256 of the file outside /Contents)``, a DER CMS container, in ``/Contents``."""
    placeholder = slot.contents
    start = pdf.index(placeholder)  # no text on a page is that long
    end = start + len(placeholder)
    # the byte range just before it, in the same dictionary (reportlab sorts the keys)
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
