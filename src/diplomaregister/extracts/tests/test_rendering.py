"""The fast drawing paths of the extract PDF (text operations, QR path, one-pass signature) write
what reportlab and pyHanko would."""

import datetime as dt
import re
from io import BytesIO

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from diplomaregister.extracts import pdfsignature, signing, verification
from diplomaregister.extracts.pdfwriter import PdfWriter
from diplomaregister.extracts.rendering import qr_path
from diplomaregister.extracts.services import make_extract

TEXTS = ("Anna Maria Jansen", "Zoë Ødegård — (cum laude) \\ 100%", "≥ αβ Łódź 中文", "")


def _text_ops(canvas_class: type[Canvas] | type[PdfWriter]) -> list[str]:
    out = BytesIO()
    canvas = (
        PdfWriter(out, pagesize=A4, lang="nl")
        if canvas_class is PdfWriter
        else Canvas(out, pagesize=A4, pageCompression=0)
    )
    for size, font in ((10, "Helvetica"), (9, "Helvetica-Bold")):
        canvas.setFont(font, size)
        for text in TEXTS:
            canvas.drawString(50, 700, text)
            canvas.drawRightString(500, 650, text)
    canvas.save()
    stream = out.getvalue().decode("latin-1")
    return re.findall(r"/F\d+ \d+ Tf|\((?:\\.|[^\\)])*\) Tj", stream)


def test_pdf_writer_writes_the_strings_and_fonts_reportlab_writes():
    fast = [op for op in _text_ops(PdfWriter) if op.endswith("Tj")]
    plain = [op for op in _text_ops(Canvas) if op.endswith("Tj")]
    assert fast == plain  # same bytes, escapes and substitution-font runs
    assert "(Zo\\353 \\330deg\\345rd \\227 \\(cum laude\\) \\\\ 100%) Tj" in fast


def test_qr_path_has_one_unit_rectangle_per_run_of_dark_modules():
    matrix = [[1, 1, 0], [0, 0, 0], [1, 0, 1]]
    ops = qr_path(matrix, 10, 20, 7).splitlines()
    assert ops[0] == "q 0 g 1.0000 0 0 1.0000 10.00 20.00 cm"  # 3 modules + 2 x 2 quiet zone
    assert ops[1:] == ["2 4 2 1 re", "2 2 1 1 re", "4 2 1 1 re", "f Q"]


def test_extract_is_written_once_with_a_signature_over_the_whole_file(holder):
    person, _, _ = holder
    pdf = make_extract(person).pdf_bytes
    assert pdf.count(b"%%EOF") == 1 and pdf.count(b"\nxref\n") == 1  # no incremental update
    reader = PdfFileReader(BytesIO(pdf))
    (signature,) = reader.embedded_signatures
    assert signature.field_name == signing.FIELD_NAME
    start, first, second, rest = signature.sig_object["/ByteRange"]
    assert (start, second + rest) == (0, len(pdf))
    assert pdf[first : first + 1] == b"<" and pdf[second - 1 : second] == b">"
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert signature.sig_object["/Reason"] == signing.REASON
    assert verification.verify_file(pdf).valid


def test_a_signature_larger_than_its_slot_is_refused():
    slot = pdfsignature.SignatureSlot("S", "r", "l", dt.datetime(2024, 1, 1), reserved=4)
    with pytest.raises(ValueError, match="does not fit"):
        pdfsignature.fill(b"/ByteRange " + pdfsignature._BYTE_RANGE + b" /Contents " + slot.contents, slot,
                          lambda digest: b"x" * 5)  # fmt: skip
