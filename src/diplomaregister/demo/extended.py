"""Extended diploma data for the demo's HO documents (issue 13), as institutions would deliver it:
afstudeerrichting, judicium (cum laude about 1 in 15 WO degrees), graad + graadtoevoeging from
the programme's degree, joint degrees (about 1 in 40 WO masters, with a Dutch or a foreign
partner), English-taught masters, and for recent final exams the grade list with units that add
up to the programme's EC (law/code_lists.yaml) and its weighted average. The register's cut to the
active scenario (register.extended.cut) decides what of it is stored."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from diplomaregister.law.loaders import code_lists
from diplomaregister.register.extended import allowed_totals, weighted_average
from diplomaregister.register.inputs import DiplomaData, GradeData

SPECIALISATIONS = {
    "60300": ["Artificial Intelligence", "Software Technology", "Data Science", "Game and Media Technology"],
    "56980": ["Algoritmiek", "Softwaretechnologie", "Data science"],
    "66604": ["Klinische psychologie", "Arbeids- en organisatiepsychologie", "Neuropsychologie"],
    "56826": ["Klinische psychologie", "Sociale psychologie"],
    "60345": ["Privaatrecht", "Strafrecht", "Staats- en bestuursrecht", "Internationaal recht"],
    "50033": ["Notarieel recht", "Nederlands recht"],
    "34479": ["Software Engineering", "Business IT & Management", "Infrastructure"],
    "34139": ["Marketing", "Finance", "Human Resource Management"],
    "34035": ["Acute zorg", "Ouderenzorg", "GGZ"],
}  # fmt: skip
FOREIGN = [("KU Leuven", "BE"), ("Universität Hamburg", "DE"), ("Université Paris-Saclay", "FR"),
           ("University of Edinburgh", "GB"), ("Universidad de Granada", "ES")]  # fmt: skip
UNIT_NAMES = ["Inleiding", "Methoden en technieken", "Statistiek", "Theorie", "Project",
              "Vaardigheden", "Keuzevak", "Seminar", "Onderzoekspracticum", "Stage"]  # fmt: skip
COURSE_RESULTS_SINCE = dt.date(2021, 1, 1)  # grade lists are delivered for recent exams only


def _degree_codes(degree: str) -> tuple[str, str]:
    """'Master of Science' -> ('master', 'of_science'); 'Associate degree' -> ('associate_degree', '')."""
    text = degree.strip().lower()
    if text.startswith("associate"):
        return "associate_degree", ""
    for code in ("bachelor", "master"):
        if text.startswith(code):
            addition = "of_" + text[len(code) :].strip().removeprefix("of ").replace(" ", "_")
            return code, addition if addition in code_lists()["graadtoevoeging"] else ""
    return "", ""


def _units(rng: random.Random, code: str, total: int, exam: dt.date) -> list[GradeData]:
    """Units of 5, 7.5 or 10 EC and a thesis (15-30 EC) adding up to ``total``."""
    thesis = 30 if total >= 120 else 15
    size = rng.choice([Decimal(5), Decimal("7.5"), Decimal(10)] if (total - thesis) % 10 == 0
                      else [Decimal(5), Decimal("7.5")])  # fmt: skip
    rest = Decimal(total - thesis)
    if rest % size:
        size = Decimal(5)
    units = []
    for i in range(int(rest / size)):
        passed = rng.random() < 0.08
        grade = None if passed else Decimal(rng.randint(55, 95)) / 10
        units.append(GradeData(f"{code}-{i + 1:02d}", f"{UNIT_NAMES[i % len(UNIT_NAMES)]} {i // len(UNIT_NAMES) + 1}",
                               final_grade=grade, credits_ec=size, pass_result="voldaan" if passed else "",
                               result_date=exam - dt.timedelta(days=30 * (int(rest / size) - i)),
                               ))  # fmt: skip
    units.append(GradeData(f"{code}-AF", "Afstudeerproject", final_grade=Decimal(rng.randint(60, 95)) / 10,
                           credits_ec=Decimal(thesis), result_date=exam))  # fmt: skip
    return units


def extend(rng: random.Random, data: DiplomaData, *, own_code: str, partner_codes: list[str],
           today: dt.date) -> dict[str, Any]:  # fmt: skip
    """The extended values (DiplomaData keywords) of one HO document."""
    if data.sector not in ("HBO", "WO"):
        return {}
    code = data.programme_code
    values: dict[str, Any] = {}
    final = data.ho_exam_type != "propedeuse"
    degree, addition = _degree_codes(data.ho_degree) if final else ("", "")
    values.update(degree=degree, degree_addition=addition)
    if final and code in SPECIALISATIONS and rng.random() < 0.7:
        values["specialisation"] = rng.choice(SPECIALISATIONS[code])
    roll = rng.random()
    if final and data.sector == "WO":
        values["judicium"] = (
            "summa_cum_laude" if roll < 0.003 else "cum_laude" if roll < 0.065 else ""
        )
    elif final:
        values["judicium"] = "met_lof" if roll < 0.03 else "met_genoegen" if roll < 0.12 else ""
    english = degree == "master" and data.sector == "WO" and rng.random() < 0.6
    values["instruction_languages"] = (
        ["en"] if english else (["nl", "en"] if rng.random() < 0.1 else ["nl"])
    )
    if degree == "master" and data.sector == "WO" and rng.random() < 0.025:
        partner = ({"organisation_code": rng.choice(partner_codes)} if partner_codes and rng.random() < 0.5
                   else dict(zip(("name", "country"), rng.choice(FOREIGN), strict=True)))  # fmt: skip
        values["awarding_organisations"] = [{"organisation_code": own_code}, partner]
    exam = data.exam_date or data.date_of_issue
    totals = allowed_totals(DiplomaData(**{**data.__dict__, **values}), data.sector)
    if final and exam and exam >= COURSE_RESULTS_SINCE and totals:
        total = (
            120
            if code == "60300" and 120 in totals
            else totals[-1]
            if code == "56604"
            else totals[0]
        )
        units = _units(rng, code, total, exam)
        values["grades"] = units
        values["weighted_average"] = weighted_average(units)
    if final and exam and (today - data.date_of_issue).days < 200 and rng.random() < 0.05:  # type: ignore[operator]
        values["earned"] = True  # graduation postponed: earned, not (yet) handed over
        values["date_of_issue"] = exam
    return values
