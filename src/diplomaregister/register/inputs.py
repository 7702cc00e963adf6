"""Plain input records for register writes, shared by levering (API, batch files), demo and tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any


@dataclass
class PersonData:
    """Identifying data delivered with a document (art. 22 lid 1: art. 15 onder a-d + pgn)."""

    pgn: str
    family_name: str
    given_names: str = ""
    gender: str = "X"
    birth_date: dt.date | None = None
    pgn_type: str | None = None


@dataclass
class GradeData:
    subject_code: str
    subject_name: str
    school_exam_grade: Decimal | None = None
    central_exam_grade: Decimal | None = None
    final_grade: Decimal | None = None
    # HO course results (a unit): EC, "voldaan"/"vrijstelling" instead of a grade, date passed.
    credits_ec: Decimal | None = None
    pass_result: str = ""
    result_date: dt.date | None = None

    def row(self) -> tuple[Any, ...]:
        return (self.subject_code, self.subject_name, self.school_exam_grade,
                self.central_exam_grade, self.final_grade, self.credits_ec, self.pass_result,
                self.result_date)  # fmt: skip


@dataclass
class DiplomaData:
    """One waardedocument as delivered (art. 17 lid 1; art. 22 lid 2)."""

    record_key: str
    kind: str
    date_of_issue: dt.date | None
    sector: str = ""
    exam_date: dt.date | None = None
    programme_code: str = ""
    vo_profile: str = ""
    vo_leerweg: str = ""
    mbo_level: int | None = None
    mbo_leerweg: str = ""
    ho_degree: str = ""
    ho_exam_type: str = ""
    bekostigd: bool | None = None  # the programme's funding when delivered (art. 16 d, i, k)
    overige_gegevens: dict[str, Any] = field(default_factory=dict)
    grades: list[GradeData] = field(default_factory=list)
    # Extended diploma data (law/scenarios.yaml, law/field_catalogue.yaml).
    specialisation: str = ""
    judicium: str = ""
    degree: str = ""
    degree_addition: str = ""
    awarding_organisations: list[dict[str, str]] = field(default_factory=list)
    instruction_languages: list[str] = field(default_factory=list)
    weighted_average: Decimal | None = None
    earned: bool = False  # earned but not (yet) handed over; date_of_issue defaults to exam_date

    def __post_init__(self) -> None:
        if self.earned and self.date_of_issue is None:
            self.date_of_issue = self.exam_date

    # Fields compared to decide "unchanged" versus "correction" (record_key is the identity).
    def comparable(self) -> dict[str, Any]:
        skip = {"record_key", "grades"}
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in skip}
        data["grades"] = sorted((g.row() for g in self.grades), key=repr)
        return data
