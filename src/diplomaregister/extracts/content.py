"""What an extract shows, as plain values: the holder's identity (art. 15 onder a-d) and each
diploma's data (art. 17 lid 1; kind named after art. 16, grades of the cijferlijst, art. 7 lid 3).

``holder_content`` is the one place that reads the register for an extract; it reads what the
holder may see of their own data (AVG art. 15, basis ``holder``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from diplomaregister.law.loaders import document_kinds, sectors
from diplomaregister.register import selectors
from diplomaregister.register.models import Person
from diplomaregister.register.selectors import DiplomaState


@dataclass(frozen=True)
class Grade:
    subject: str
    school_exam: str
    central_exam: str
    final: str


@dataclass(frozen=True)
class DiplomaLine:
    diploma_id: int
    version_id: int
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


@dataclass(frozen=True)
class ExtractContent:
    person_id: int
    family_name: str
    given_names: str
    birth_date: dt.date | None
    person_version: int | None
    diplomas: tuple[DiplomaLine, ...] = field(default_factory=tuple)

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.family_name}".strip()


def _grade(value: object, language: str) -> str:
    if value is None:
        return ""
    return str(value) if language == "en" else str(value).replace(".", ",")


def diploma_line(state: DiplomaState, language: str) -> DiplomaLine:
    version = state.version
    kind = document_kinds()[version.kind]
    sector_names = sectors().get(version.sector, {})
    programme = ""
    if version.programme is not None:
        name = version.programme.name_en if language == "en" else ""
        name = name or version.programme.name_nl
        code = version.programme.code
        programme = code if name == code else f"{name} ({code})"
    details = [
        ("vo_profile", version.vo_profile),
        ("vo_leerweg", version.vo_leerweg),
        ("mbo_level", str(version.mbo_level or "")),
        ("mbo_leerweg", version.mbo_leerweg),
        ("ho_degree", version.ho_degree),
        ("ho_exam_type", version.ho_exam_type),
    ]
    grades = tuple(
        Grade(
            f"{g.subject_name} ({g.subject_code})",
            _grade(g.school_exam_grade, language),
            _grade(g.central_exam_grade, language),
            _grade(g.final_grade, language),
        )
        for g in sorted(version.grades.all(), key=lambda g: g.subject_code)
    )
    return DiplomaLine(
        diploma_id=state.diploma.pk,
        version_id=version.pk,
        version=version.version,
        kind=version.kind,
        kind_name=kind.name(language),
        article=kind.article,
        organisation=state.diploma.organisation.name,
        sector=sector_names.get(f"name_{language}", version.sector),
        date_of_issue=version.date_of_issue,
        exam_date=version.exam_date,
        programme=programme,
        details=tuple((k, v) for k, v in details if v),
        grades=grades,
        corrected=state.corrected,
    )


def holder_content(
    person: Person, *, diploma_ids: Iterable[int] | None = None, language: str = "nl"
) -> ExtractContent:
    """The holder's current identity and current (not withdrawn) diplomas, optionally a subset.

    Raises ``LookupError`` when a requested diploma is not a current diploma of this person, so a
    caller can never put someone else's document on an extract."""
    identity = selectors.identity(person)
    states = selectors.diplomas_of_person(person)
    if diploma_ids is not None:
        wanted = set(diploma_ids)
        states = [s for s in states if s.diploma.pk in wanted]
        missing = wanted - {s.diploma.pk for s in states}
        if missing:
            raise LookupError(f"not a current diploma of this person: {sorted(missing)}")
    return ExtractContent(
        person_id=person.pk,
        family_name=identity.family_name if identity else "",
        given_names=identity.given_names if identity else "",
        birth_date=identity.birth_date if identity else None,
        person_version=identity.version if identity else None,
        diplomas=tuple(diploma_line(s, language) for s in states),
    )
