"""A reportlab canvas that writes each string as one short text operation.

reportlab's ``drawString`` builds a text object per string (bidi and shaping checks, a
``BT .. Tf .. TL ET`` for every ``setFont``, pure-Python number formatting) and costs more than the
rest of an extract page together. For the standard Type 1 fonts an extract uses, a string needs
only its font runs (reportlab's own ``unicode2T1``: the font's encoding, then Symbol, then the
not-defined glyph, exactly as reportlab chooses them) and ``BT /F1 10 Tf 1 0 0 1 x y Tm (..) Tj ET``.
The document, the fonts and the pages are still reportlab's.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib.rl_accel import unicode2T1
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

# PDF literal string escapes: the delimiters, the backslash, and every byte outside printable ASCII
# as an octal escape (as reportlab writes them), on text decoded as Latin-1 (one char per byte).
_ESCAPES = {ord(c): "\\" + c for c in "\\()"} | {
    b: f"\\{b:03o}" for b in (*range(32), *range(127, 256))
}


class TextCanvas(Canvas):
    """A Canvas whose ``setFont``, ``drawString`` and ``drawRightString`` write text operations
    directly (standard Type 1 fonts only; other drawing is reportlab's own)."""

    def setFont(self, psfontname: str, size: float, leading: float | None = None) -> None:
        self._fontname, self._fontsize = psfontname, size
        self._leading = size * 1.2 if leading is None else leading
        font = pdfmetrics.getFont(psfontname)
        if font._dynamicFont:
            raise ValueError(f"TextCanvas draws standard Type 1 fonts only, not {psfontname}")
        self._text_fonts = [font, *font.substitutionFonts]

    def drawString(self, x: float, y: float, text: str, *args: Any, **kwargs: Any) -> None:
        if args or kwargs:
            raise TypeError("TextCanvas.drawString takes x, y and the text only")
        doc, size = self._doc, self._fontsize
        runs = "".join(
            f"{doc.getInternalFontName(font.fontName)} {size} Tf "
            f"({encoded.decode('latin-1').translate(_ESCAPES)}) Tj "
            for font, encoded in unicode2T1(text, self._text_fonts)
        )
        self._code.append(f"BT 1 0 0 1 {x:.3f} {y:.3f} Tm {runs}ET")

    def _setAnnotations(self, page: Any) -> None:
        # reportlab's last hook in showPage after the page stream is set: hand it over as bytes.
        # It is ASCII (text is octal-escaped), and reportlab would otherwise run its Python
        # PDFDocEncoding codec over every character of it.
        if isinstance(page.stream, str) and page.stream.isascii():
            page.stream = page.stream.encode("ascii")
        super()._setAnnotations(page)

    def drawRightString(self, x: float, y: float, text: str, *args: Any, **kwargs: Any) -> None:
        width = pdfmetrics.stringWidth(text, self._fontname, self._fontsize)
        self.drawString(x - width, y, text, *args, **kwargs)
