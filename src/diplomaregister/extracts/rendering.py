"""The extract PDF (standard fonts, extracts.pdfwriter): holder, diplomas, date, QR code and code.

Plain canvas drawing with one cursor keeps rendering cheap next to the signature; the QR code is
drawn as vector squares from segno's matrix (extracts.qr; no image encoding).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from io import BytesIO

from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from diplomaregister.extracts import qr
from diplomaregister.extracts.codes import display
from diplomaregister.extracts.content import DiplomaLine, ExtractContent
from diplomaregister.extracts.pdfsignature import SignatureSlot
from diplomaregister.extracts.pdfwriter import PdfWriter

LABELS = {
    "nl": {
        "title": "Uittreksel uit het Diplomaregister",
        "subtitle": "Besluit register onderwijsdeelnemers — gegevens zoals geregistreerd door DUO",
        "holder": "Houder",
        "name": "Naam",
        "birth_date": "Geboortedatum",
        "date": "Datum uittreksel",
        "diplomas": "Diploma's en certificaten",
        "none": "Er zijn geen diploma's geregistreerd.",
        "kind": "Soort",
        "organisation": "Uitgereikt door",
        "date_of_issue": "Datum uitreiking",
        "exam_date": "Datum examen",
        "programme": "Opleiding",
        "sector": "Sector",
        "vo_profile": "Profiel",
        "vo_leerweg": "Leerweg",
        "mbo_level": "Niveau",
        "mbo_leerweg": "Leerweg",
        "ho_degree": "Graad",
        "ho_exam_type": "Examen",
        "corrected": "Gecorrigeerd door de instelling",
        "grades": "Cijferlijst",
        "subject": "Vak",
        "school_exam": "SE",
        "central_exam": "CE",
        "final": "Eindcijfer",
        "verify": "Controleer dit uittreksel op",
        "code": "Verificatiecode",
        "signed": "Dit document is elektronisch ondertekend door het Diplomaregister. Een afdruk of "
        "een gewijzigd bestand is niet te verifiëren; controleer het originele PDF-bestand of de "
        "code.",
        "page": "Pagina",
        "known_at": "Stand van het register",
        "known_since": "In het register sinds",
        "see_annex": "Cijferlijst: zie bijlage",
        "annex": "Bijlage: cijferlijst",
        "unit": "Onderdeel",
        "credits": "EC",
        "result": "Resultaat",
        "result_date": "Datum",
        "total": "Totaal",
        "without_grades": "Uittreksel zonder cijfers (op verzoek van de houder)",
    },
    "en": {
        "title": "Extract from the Dutch Diploma Register",
        "subtitle": "Besluit register onderwijsdeelnemers — data as registered by DUO",
        "holder": "Holder",
        "name": "Name",
        "birth_date": "Date of birth",
        "date": "Date of extract",
        "diplomas": "Diplomas and certificates",
        "none": "No diplomas are registered.",
        "kind": "Kind",
        "organisation": "Awarded by",
        "date_of_issue": "Date of issue",
        "exam_date": "Date of exam",
        "programme": "Programme",
        "sector": "Sector",
        "vo_profile": "Profile",
        "vo_leerweg": "Track",
        "mbo_level": "Level",
        "mbo_leerweg": "Learning pathway",
        "ho_degree": "Degree",
        "ho_exam_type": "Exam",
        "corrected": "Corrected by the institution",
        "grades": "Grade list",
        "subject": "Subject",
        "school_exam": "School exam",
        "central_exam": "Central exam",
        "final": "Final grade",
        "verify": "Verify this extract at",
        "code": "Verification code",
        "signed": "This document is electronically signed by the Diploma Register. A printout or an "
        "altered file cannot be verified; check the original PDF file or the code.",
        "page": "Page",
        "known_at": "Register as known on",
        "known_since": "In the register since",
        "see_annex": "Grade list: see annex",
        "annex": "Annex: grade list",
        "unit": "Unit",
        "credits": "EC",
        "result": "Result",
        "result_date": "Date",
        "total": "Total",
        "without_grades": "Extract without grades (at the holder's request)",
    },
}

WIDTH, HEIGHT = A4
LEFT, RIGHT, TOP, BOTTOM = 20 * mm, WIDTH - 20 * mm, HEIGHT - 20 * mm, 30 * mm
QUIET_ZONE = 2  # modules of white around the QR code


def format_date(day: dt.date | None, language: str) -> str:
    if day is None:
        return ""
    return day.isoformat() if language == "en" else day.strftime("%d-%m-%Y")


def format_moment(moment: dt.datetime | None, language: str) -> str:
    """A knowledge time in local time, to the minute."""
    if moment is None:
        return ""
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    return f"{format_date(local.date(), language)} {local:%H:%M}"


class _Page:
    """A cursor over canvas pages with a footer carrying the code on each page."""

    def __init__(
        self, canvas: PdfWriter, labels: dict[str, str], code: str, url: str, holder: str
    ) -> None:
        self.c, self.labels, self.code, self.url = canvas, labels, code, url
        self.holder = holder
        self.number = 1
        self.y = TOP

    def footer(self) -> None:
        c = self.c
        c.setFont("Helvetica", 8)
        c.drawString(
            LEFT, 18 * mm, f"{self.holder}  —  {self.labels['code']}: {display(self.code)}"
        )
        c.drawRightString(RIGHT, 18 * mm, f"{self.labels['page']} {self.number}")
        c.drawString(LEFT, 14 * mm, self.url)

    def need(self, height: float) -> None:
        if self.y - height < BOTTOM:
            self.footer()
            self.c.showPage()
            self.number += 1
            self.y = TOP

    def text(self, value: str, *, size: float = 10, bold: bool = False, x: float = LEFT) -> None:
        self.need(size * 1.5)
        self.c.setFont("Helvetica-Bold" if bold else "Helvetica", size)
        self.c.drawString(x, self.y, value)
        self.y -= size * 1.45

    def field(self, label: str, value: str) -> None:
        self.need(14)
        self.c.setFont("Helvetica", 9)
        self.c.drawString(LEFT, self.y, label)
        self.c.setFont("Helvetica", 10)
        self.c.drawString(LEFT + 38 * mm, self.y, value[:95])
        self.y -= 13


def _qr(canvas: PdfWriter, url: str, x: float, y: float, size: float) -> None:
    # segno's symbol with a fixed mask, its placement worked out once per version (extracts.qr)
    canvas.addLiteral(qr_path(qr.matrix(url), x, y, size))


def qr_path(matrix: Sequence[Sequence[int]], x: float, y: float, size: float) -> str:
    """The dark modules of a QR matrix as one filled PDF path: a transformation to module units
    (with a quiet zone of two modules), then one integer ``re`` per horizontal run of dark modules.
    Written as literal operators: one short line per run instead of a ``rect`` call with float
    formatting, and the page stream gets shorter."""
    count = len(matrix)
    cell = size / (count + 2 * QUIET_ZONE)
    ops = [f"q 0 g {cell:.4f} 0 0 {cell:.4f} {x:.2f} {y:.2f} cm"]
    for r, row in enumerate(matrix):
        bottom = count + QUIET_ZONE - 1 - r
        start = None
        for col, dark in enumerate(row):
            if dark and start is None:
                start = col
            elif not dark and start is not None:
                ops.append(f"{start + QUIET_ZONE} {bottom} {col - start} 1 re")
                start = None
        if start is not None:
            ops.append(f"{start + QUIET_ZONE} {bottom} {count - start} 1 re")
    ops.append("f Q")
    return "\n".join(ops)


def _diploma(page: _Page, item: DiplomaLine, language: str) -> None:
    labels = page.labels
    page.need(60)
    page.y -= 4
    page.text((item.name or item.kind_name)[:100], size=11, bold=True)
    page.field(labels["kind"], f"{item.kind_name} ({item.article})"[:95])
    page.field(labels["organisation"], item.organisation)
    page.field(labels["date_of_issue"], format_date(item.date_of_issue, language))
    if item.exam_date:
        page.field(labels["exam_date"], format_date(item.exam_date, language))
    page.field(labels["sector"], item.sector)
    if item.programme:
        page.field(labels["programme"], item.programme)
    for key, value in item.details:
        page.field(labels[key], value)
    for label, value in item.extended:
        page.field(label[:24], value)
    if item.known_since:
        page.field(labels["known_since"], format_moment(item.known_since, language))
    if item.corrected:
        page.field("", labels["corrected"])
    if item.courses:
        page.field("", labels["see_annex"])
    if item.grades:
        page.y -= 2
        page.need(30)
        columns = (LEFT, LEFT + 95 * mm, LEFT + 120 * mm, LEFT + 145 * mm)
        page.c.setFont("Helvetica-Bold", 9)
        heads = ("subject", "school_exam", "central_exam", "final")
        for x, head in zip(columns, heads, strict=True):
            page.c.drawString(x, page.y, labels[head])
        page.y -= 12
        for grade in item.grades:
            page.need(12)
            page.c.setFont("Helvetica", 9)
            values = (grade.subject[:60], grade.school_exam, grade.central_exam, grade.final)
            for x, value in zip(columns, values, strict=True):
                page.c.drawString(x, page.y, value)
            page.y -= 11
    page.y -= 6


def render_pdf(
    content: ExtractContent,
    *,
    code: str,
    verify_url: str,
    language: str,
    today: dt.date,
    signature: SignatureSlot | None = None,
) -> bytes:
    """The unsigned extract PDF; with ``signature``, with that signature field on its first page,
    ready for :func:`~diplomaregister.extracts.signing.sign_rendered`."""
    labels = LABELS[language]
    out = BytesIO()
    canvas = PdfWriter(out, pagesize=A4, lang=language)
    if signature is not None:
        canvas.sign_with(signature)
    canvas.setTitle(labels["title"])
    canvas.setAuthor("Diplomaregister")
    canvas.setSubject(f"{labels['code']} {display(code)}")
    canvas.setCreator("diplomaregister")
    holder = f"{content.full_name}, {format_date(content.birth_date, language)}"
    page = _Page(canvas, labels, code, verify_url, holder)

    qr_size = 32 * mm
    _qr(canvas, verify_url, RIGHT - qr_size, TOP - qr_size + 8, qr_size)
    page.text(labels["title"], size=16, bold=True)
    page.text(labels["subtitle"], size=8)
    page.y -= 6
    page.field(labels["date"], format_date(today, language))
    if content.known_at:
        page.field(labels["known_at"], format_moment(content.known_at, language))
    page.field(labels["code"], display(code))
    if not content.with_grades:
        page.field("", labels["without_grades"])
    page.y -= 6
    page.text(labels["holder"], size=12, bold=True)
    page.field(labels["name"], content.full_name)
    page.field(labels["birth_date"], format_date(content.birth_date, language))
    page.y = min(page.y - 8, TOP - qr_size - 4)
    page.text(labels["diplomas"], size=12, bold=True)
    if not content.diplomas:
        page.text(labels["none"])
    for item in content.diplomas:
        _diploma(page, item, language)
    page.need(40)
    page.y -= 6
    page.text(f"{labels['verify']} {verify_url}", size=9, bold=True)
    canvas.setFont("Helvetica", 8)
    for number, line in enumerate(_wrap(labels["signed"], 110).split("\n")):
        canvas.drawString(LEFT, page.y - number * 8 * 1.2, line)  # leading 1.2 x the size
    for item in content.diplomas:
        if item.courses:
            _annex(page, item)
    page.footer()
    canvas.save()
    return out.getvalue()


def _annex(page: _Page, item: DiplomaLine) -> None:
    """The HO grade list of one diploma on a page of its own, as the certificate's annex."""
    labels = page.labels
    page.footer()
    page.c.showPage()
    page.number += 1
    page.y = TOP
    page.text(f"{labels['annex']} — {item.name}"[:90], size=12, bold=True)
    page.text(f"{item.organisation}, {page.holder}"[:110], size=9)
    page.y -= 4
    columns = (LEFT, LEFT + 110 * mm, LEFT + 125 * mm, LEFT + 145 * mm)
    heads = ("unit", "credits", "result", "result_date")

    def head() -> None:
        page.c.setFont("Helvetica-Bold", 9)
        for x, name in zip(columns, heads, strict=True):
            page.c.drawString(x, page.y, labels[name])
        page.y -= 12

    head()
    for course in item.courses:
        if page.y - 12 < BOTTOM:
            page.need(12)
            head()
        page.c.setFont("Helvetica", 9)
        values = (course.unit[:70], course.credits, course.result, course.date)
        for x, value in zip(columns, values, strict=True):
            page.c.drawString(x, page.y, value)
        page.y -= 11
    page.y -= 4
    page.c.setFont("Helvetica-Bold", 9)
    page.c.drawString(columns[0], page.y, labels["total"])
    page.c.drawString(columns[1], page.y, item.total_credits)
    page.y -= 14
    for label, value in item.extended:
        if label.lower().startswith(("gewogen", "weighted")):
            page.field(label[:24], value)


def _wrap(value: str, width: int) -> str:
    lines, line = [], ""
    for word in value.split():
        if len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "\n".join([*lines, line])
