"""The extract's PDF file, written directly: pages of text in the standard Type 1 fonts and path
operators, the document information, and optionally an invisible signature field.

reportlab's canvas builds a text object per string (bidi and shaping checks, pure-Python number
formatting) and formats its document through generic Python objects; together that cost more than
the rest of an extract. The page needs far less: per string its font runs and one
``BT /F1 10 Tf 1 0 0 1 x y Tm (..) Tj ET``. The runs and widths are still reportlab's
(``unicode2T1``: the font's WinAnsi encoding, then Symbol, then the not-defined glyph of
ZapfDingbats, exactly as reportlab's canvas chooses them; ``stringWidth``), so the page looks the
same. :class:`PdfWriter` offers the canvas methods the renderer uses.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from typing import BinaryIO

from reportlab.lib.rl_accel import unicode2T1
from reportlab.pdfbase import pdfmetrics

from diplomaregister.extracts.pdfsignature import SignatureSlot, pdf_date, signature_objects

# PDF literal string escapes: the delimiters, the backslash, and every byte outside printable ASCII
# as an octal escape (as reportlab writes them), on text decoded as Latin-1 (one char per byte).
_ESCAPES = {ord(c): "\\" + c for c in "\\()"} | {
    b: f"\\{b:03o}" for b in (*range(32), *range(127, 256))
}


def literal(text: str) -> str:
    """A PDF text string: PDFDocEncoding-compatible ASCII as a literal, otherwise UTF-16BE."""
    if text.isascii():
        return f"({text.translate(_ESCAPES)})"
    return f"<FEFF{text.encode('utf-16-be').hex().upper()}>"


class PdfWriter:
    """A canvas subset (``setFont``, ``drawString``, ``drawRightString``, ``addLiteral``,
    ``showPage``, document information) that writes a PDF to ``out`` on :meth:`save`."""

    def __init__(self, out: BinaryIO, *, pagesize: tuple[float, float], lang: str) -> None:
        self.out, self.pagesize, self.lang = out, pagesize, lang
        self.info: dict[str, str] = {}
        self.signature: SignatureSlot | None = None
        self._pages: list[str] = []
        self._ops: list[str] = []
        self._font_names: dict[str, str] = {}  # base font -> resource name (F1, F2, ...)
        self._fonts: list[pdfmetrics.Font] = []
        self._fontname, self._fontsize = "Helvetica", 12.0
        self.setFont("Helvetica", 12)

    def setTitle(self, title: str) -> None:
        self.info["Title"] = title

    def setAuthor(self, author: str) -> None:
        self.info["Author"] = author

    def setSubject(self, subject: str) -> None:
        self.info["Subject"] = subject

    def setCreator(self, creator: str) -> None:
        self.info["Creator"] = creator

    def sign_with(self, slot: SignatureSlot) -> None:
        """Put an invisible signature field for ``slot`` on the first page (see pdfsignature)."""
        self.signature = slot

    def setFont(self, psfontname: str, size: float) -> None:
        font = pdfmetrics.getFont(psfontname)
        if font._dynamicFont:
            raise ValueError(f"PdfWriter draws the standard Type 1 fonts only, not {psfontname}")
        self._fontname, self._fontsize = psfontname, size
        self._fonts = [font, *font.substitutionFonts]

    def _resource(self, font: pdfmetrics.Font) -> str:
        name = self._font_names.get(font.fontName)
        if name is None:
            name = self._font_names[font.fontName] = f"F{len(self._font_names) + 1}"
        return name

    def drawString(self, x: float, y: float, text: str) -> None:
        size = self._fontsize
        runs = "".join(
            f"/{self._resource(font)} {size} Tf ({encoded.decode('latin-1').translate(_ESCAPES)}) Tj "
            for font, encoded in unicode2T1(text, self._fonts)
        )
        self._ops.append(f"BT 1 0 0 1 {x:.3f} {y:.3f} Tm {runs}ET")

    def drawRightString(self, x: float, y: float, text: str) -> None:
        width = pdfmetrics.stringWidth(text, self._fontname, self._fontsize)
        self.drawString(x - width, y, text)

    def addLiteral(self, operators: str) -> None:
        """Content stream operators as they are (ASCII)."""
        self._ops.append(operators)

    def showPage(self) -> None:
        self._pages.append("\n".join(self._ops) + "\n")
        self._ops = []

    def save(self) -> None:
        if self._ops or not self._pages:
            self.showPage()
        self.out.write(self._document())

    def _document(self) -> bytes:
        width, height = self.pagesize
        pages, fonts = len(self._pages), len(self._font_names)
        # 1 catalog, 2 page tree, 3 information, 4 font resources, the fonts, the pages and their
        # contents, then the signature dictionary and its field.
        first_page = 5 + fonts
        kids = " ".join(f"{first_page + 2 * i} 0 R" for i in range(pages))
        sig_number = first_page + 2 * pages
        catalog = f"/Type /Catalog /Pages 2 0 R /Lang {literal(self.lang)}"
        annots = ""
        extra: list[str] = []
        if self.signature is not None:
            widget = sig_number + 1
            catalog += (
                f" /AcroForm << /Fields [{widget} 0 R] /SigFlags 3 >> /Version /1.7 /Extensions"
                " << /ESIC << /Type /DeveloperExtensions /BaseVersion /1.7 /ExtensionLevel 1"
                " >> >>"
            )  # a PAdES signature as pyHanko declares it: PDF 1.7 with the ETSI extension
            annots = f" /Annots [{widget} 0 R]"
            extra = signature_objects(self.signature, page=first_page, signature=sig_number)
        date = _pdf_date()
        info = {**self.info, "Producer": "diplomaregister", "CreationDate": date, "ModDate": date}
        objects = [
            f"<< {catalog} >>",
            f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>",
            "<< " + " ".join(f"/{key} {literal(value)}" for key, value in info.items()) + " >>",
            "<< "
            + " ".join(f"/{n} {5 + i} 0 R" for i, n in enumerate(self._font_names.values()))
            + " >>",
            *(_font_object(name, base) for base, name in self._font_names.items()),
        ]
        for i, content in enumerate(self._pages):
            objects.append(
                f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width:.4f} {height:.4f}]"
                f" /Resources << /Font 4 0 R /ProcSet [/PDF /Text] >>"
                f" /Contents {first_page + 2 * i + 1} 0 R{annots if i == 0 else ''} >>"
            )
            objects.append(f"<< /Length {len(content)} >>\nstream\n{content}endstream")
        objects.extend(extra)
        return _file(objects)


def _font_object(name: str, base: str) -> str:
    font = pdfmetrics.getFont(base)
    encoding = " /Encoding /WinAnsiEncoding" if font.encName == "WinAnsiEncoding" else ""
    return f"<< /Type /Font /Subtype /Type1 /BaseFont /{base} /Name /{name}{encoding} >>"


def _pdf_date() -> str:
    """Now in local time (the register's time zone, as Django sets it for the process)."""
    return pdf_date(dt.datetime.now().astimezone())


def _file(objects: Iterable[str]) -> bytes:
    """Header, numbered objects (ASCII), cross-reference table and trailer."""
    parts = [b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"]
    offsets, position = [], len(parts[0])
    for number, body in enumerate(objects, start=1):
        data = f"{number} 0 obj\n{body}\nendobj\n".encode("ascii")
        offsets.append(position)
        parts.append(data)
        position += len(data)
    count = len(offsets) + 1
    xref = "".join(f"{offset:010d} 00000 n \n" for offset in offsets)
    file_id = secrets.token_hex(16)
    parts.append(
        f"xref\n0 {count}\n0000000000 65535 f \n{xref}trailer\n<< /Size {count} /Root 1 0 R"
        f" /Info 3 0 R /ID [<{file_id}> <{file_id}>] >>\nstartxref\n{position}\n%%EOF\n".encode()
    )
    return b"".join(parts)
