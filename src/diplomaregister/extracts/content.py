"""What an extract shows, as plain values: the holder's identity (art. 15 onder a-d) and each
diploma's data (art. 17 lid 1; kind named after art. 16, grades of the cijferlijst, art. 7 lid 3).

Built from what the disclosure engine returned (:class:`~diplomaregister.verstrekking.engine.
Disclosure`), never from the register itself: an extract shows only what the engine disclosed and
logged. :func:`extract_fields` names exactly the outputs the PDF renders, so the log row lists what
the extract shows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from diplomaregister.law.loaders import document_kinds, sectors
from diplomaregister.verstrekking import naming
from diplomaregister.verstrekking.engine import Disclosure

VALID = "valid"  # the engine's ``status`` output of a document that is not withdrawn

# The holder as printed on the extract.
SUBJECT_FIELDS = ("family_name", "given_names", "birth_date")
# Per document: which document and version (stored on the Extract for verification) and whether it
# is valid (only valid documents go on an extract) ...
DOCUMENT_KEYS = ("diploma_id", "diploma_version", "status")
# ... and what the PDF prints of it (the programme name in the language of the extract).
DOCUMENT_FIELDS = (
    "kind",
    "organisation_name",
    "date_of_issue",
    "exam_date",
    "sector",
    "programme_code",
    "vo_profile",
    "vo_leerweg",
    "mbo_level",
    "mbo_leerweg",
    "ho_degree",
    "ho_exam_type",
    "corrected",
    "known_since",
    # the extended data (issue 13) as far as the active scenario shows it: all the certificate says
    "specialisation",
    "judicium",
    "degree",
    "degree_addition",
    "awarding_organisations",
    "instruction_languages",
)
# The grade lists: the VO cijferlijst, and the HO grade list printed as an annex page. A "diploma
# without grades" extract (selective) asks for none of them.
GRADE_FIELDS = ("grades", "course_results", "weighted_average")
DETAILS = ("vo_profile", "vo_leerweg", "mbo_level", "mbo_leerweg", "ho_degree", "ho_exam_type")


def programme_field(language: str) -> str:
    return "programme_name_en" if language == "en" else "programme_name"


def extract_fields(language: str, grades: bool = True) -> tuple[str, ...]:
    """The engine outputs an extract in ``language`` asks for: what it prints, and the keys that
    say which documents (and versions) it shows; ``grades=False``: the diploma without grades."""
    return (*SUBJECT_FIELDS, *DOCUMENT_KEYS, *DOCUMENT_FIELDS, *(GRADE_FIELDS if grades else ()),
            programme_field(language))  # fmt: skip


@dataclass(frozen=True)
class Grade:
    subject: str
    school_exam: str
    central_exam: str
    final: str


@dataclass(frozen=True)
class Course:
    unit: str
    credits: str
    result: str
    date: str


@dataclass(frozen=True)
class DiplomaLine:
    diploma_id: int
    version: int
    kind: str
    kind_name: str
    article: str
    organisation: str
    sector: str
    date_of_issue: dt.date
    exam_date: dt.date | None
    programme: str
    details: tuple[tuple[str, str], ...]  # (label key, value): level, profile, degree, ...
    grades: tuple[Grade, ...] = ()
    corrected: bool = False
    name: str = ""  # as people know it: "Master of Science Computer Science, cum laude"
    extended: tuple[tuple[str, str], ...] = ()  # (label, text) in the extract's language
    courses: tuple[Course, ...] = ()  # the HO grade list (annex page)
    total_credits: str = ""
    known_since: dt.datetime | None = None


@dataclass(frozen=True)
class ExtractContent:
    person_id: int | None
    family_name: str
    given_names: str
    birth_date: dt.date | None
    diplomas: tuple[DiplomaLine, ...] = field(default_factory=tuple)
    known_at: dt.datetime | None = None  # the register's knowledge time the extract shows
    with_grades: bool = True

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.family_name}".strip()


def _grade(value: object, language: str) -> str:
    if value is None or value == "":
        return ""
    return str(value) if language == "en" else str(value).replace(".", ",")


def kind_name(kind: str, language: str) -> str:
    """The name of a document kind (art. 16) in ``language``; the code itself when unknown."""
    known = document_kinds().get(kind)
    return known.name(language) if known else kind


def programme_text(record: Mapping[str, Any], language: str) -> str:
    name = record.get(programme_field(language)) or ""
    code = record.get("programme_code") or ""
    if not code or name == code:
        return code or name
    if not name:
        return code
    return f"{name} ({code})"


def grades_of(record: Mapping[str, Any], language: str) -> tuple[Grade, ...]:
    """The VO cijferlijst as the extract prints it (by subject code)."""
    return tuple(
        Grade(
            f"{g['subject_name']} ({g['subject_code']})",
            _grade(g.get("school_exam_grade"), language),
            _grade(g.get("central_exam_grade"), language),
            _grade(g.get("final_grade"), language),
        )
        for g in sorted(record.get("grades") or (), key=lambda g: g["subject_code"])
    )


def courses_of(record: Mapping[str, Any], language: str) -> tuple[Course, ...]:
    """The HO grade list (the extract's annex page): unit, EC, grade or pass in words, date."""
    return tuple(
        Course(
            f"{r['unit_name']} ({r['unit_code']})",
            naming.credits(r["credits_ec"], language),
            _grade(r["grade"], language)
            or naming.words("uitslag_onderdeel", r["pass_result"], language),
            naming.long_date(r["result_date"], language),
        )
        for r in record.get("course_results") or ()
    )


def total_credits(record: Mapping[str, Any], language: str) -> str:
    results = record.get("course_results") or ()
    return naming.credits(sum(r["credits_ec"] for r in results), language) if results else ""


def _detail(record: Mapping[str, Any], key: str, language: str) -> str:
    """A detail as printed: coded values (leerweg, exam type, profile) in words, never the code."""
    value = record.get(key)
    if not value:
        return ""
    if key == "vo_profile":
        return naming.profile(record, language)
    if key in ("vo_leerweg", "mbo_leerweg", "ho_exam_type"):
        return naming.value_words(key, value, language)
    return str(value)


def diploma_line(record: Mapping[str, Any], language: str) -> DiplomaLine:
    """One document as the extract prints it, from an engine record."""
    kind = document_kinds().get(record["kind"])
    sector_names = sectors().get(record["sector"], {})
    values = ((key, _detail(record, key, language)) for key in DETAILS)
    details = tuple((key, value) for key, value in values if value)
    return DiplomaLine(
        diploma_id=record["diploma_id"],
        version=record["diploma_version"],
        kind=record["kind"],
        kind_name=kind.name(language) if kind else record["kind"],
        article=kind.article if kind else "",
        organisation=record["organisation_name"],
        sector=sector_names.get(f"name_{language}", record["sector"]),
        date_of_issue=record["date_of_issue"],
        exam_date=record.get("exam_date"),
        programme=programme_text(record, language),
        details=details,
        grades=grades_of(record, language),
        corrected=bool(record.get("corrected")),
        name=naming.named(record, language),
        extended=tuple(naming.extended_lines(record, language)),
        courses=courses_of(record, language),
        total_credits=total_credits(record, language),
        known_since=record.get("known_since"),
    )


def content_from(
    disclosure: Disclosure,
    language: str = "nl",
    *,
    diploma_ids: Iterable[int] | None = None,
    known_at: dt.datetime | None = None,
    with_grades: bool = True,
) -> ExtractContent:
    """The extract of what the engine disclosed: the holder and their valid documents.

    ``diploma_ids``: the documents asked for (None: all). Raises ``LookupError`` when one of them
    is not a valid document of this person (someone else's, withdrawn, or hidden), so a caller can
    never put another person's or a withdrawn document on an extract."""
    records = [r for r in disclosure.records if r.get("status") == VALID]
    if diploma_ids is not None:
        wanted = set(diploma_ids)
        records = [r for r in records if r["diploma_id"] in wanted]
        missing = wanted - {r["diploma_id"] for r in records}
        if missing:
            raise LookupError(f"not a current diploma of this person: {sorted(missing)}")
    subject = disclosure.subject
    return ExtractContent(
        person_id=disclosure.person.pk if disclosure.person is not None else None,
        family_name=subject.get("family_name") or "",
        given_names=subject.get("given_names") or "",
        birth_date=subject.get("birth_date"),
        diplomas=tuple(diploma_line(r, language) for r in records),
        known_at=known_at,
        with_grades=with_grades,
    )
