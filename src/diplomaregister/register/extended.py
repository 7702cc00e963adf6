"""Extended diploma data (issue 13; verkenning diplomagegevens 2025): the active scenario's cut and
the per-record rules of the extended fields, driven by law/scenarios.yaml, law/code_lists.yaml and
law/field_catalogue.yaml. Pure: no queries.

:func:`cut` keeps of a delivered document only the extended fields the active scenario stores; each
field it drops gives a warning (``scenario.not_stored``) and keeps the value of the version before
(or none), so switching scenarios never erases stored data nor makes a correction out of nothing.
:func:`validate_extended` checks what is left; ``validation.validate_diploma`` calls it, so every
path that calls ``decide.validate`` (per record, bulk, demo) checks the same rules.
"""

from __future__ import annotations

import dataclasses
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from diplomaregister.law.loaders import (
    Scenario,
    code_lists,
    extended_fields,
    field_catalogue,
    propedeuse_credits,
    scenarios,
)
from diplomaregister.register.errors import Violation
from diplomaregister.register.inputs import DiplomaData, GradeData

HO_SECTORS = ("HBO", "WO")
COURSE_RESULTS = "course_results"


def active_scenario() -> Scenario:
    """The scenario of the setting DIPLOMAREGISTER_SCENARIO (law/scenarios.yaml)."""
    code = str(getattr(settings, "DIPLOMA_SCENARIO", "1")).strip()
    try:
        return scenarios()[code]
    except KeyError:
        raise ImproperlyConfigured(
            f"DIPLOMAREGISTER_SCENARIO must be one of {', '.join(scenarios())}."
        ) from None


@cache
def field_attributes() -> dict[str, tuple[str, ...]]:
    """Per extended field, the DiplomaData attributes it consists of (diplomaversion columns)."""
    return {
        name: tuple(key.split(".", 1)[1] for key in item.catalogue
                    if key.startswith("diplomaversion."))
        for name, item in extended_fields().items() if item.source == "delivered"
    }  # fmt: skip


def is_course_result(grade: GradeData) -> bool:
    """A row of the HO grade list (a unit with EC or a pass) rather than a VO subject grade."""
    return grade.credits_ec is not None or bool(grade.pass_result) or grade.result_date is not None


def _empty(value: Any) -> bool:
    return value in (None, "", [], {})


def cut(data: DiplomaData, previous: DiplomaData | None = None,
        scenario: Scenario | None = None) -> tuple[DiplomaData, list[Violation]]:  # fmt: skip
    """``data`` with only the extended fields ``scenario`` (default: the active one) stores."""
    scenario = scenario or active_scenario()
    changes: dict[str, Any] = {}
    warnings = []
    for name, attributes in field_attributes().items():
        if name in scenario.stored:
            continue
        courses = name == COURSE_RESULTS and any(is_course_result(g) for g in data.grades)
        delivered = [a for a in attributes if not _empty(getattr(data, a))]
        for attribute in attributes:
            value = getattr(previous, attribute) if previous else (
                None if attribute == "weighted_average" else type(getattr(data, attribute))())  # fmt: skip
            if value != getattr(data, attribute):
                changes[attribute] = value
        if name == COURSE_RESULTS:
            kept = [g for g in previous.grades if is_course_result(g)] if previous else []
            if courses or kept:
                changes["grades"] = [g for g in data.grades if not is_course_result(g)] + kept
        if delivered or courses:
            label = ", ".join(delivered + (["grades"] if courses else []))
            warnings.append(Violation(label, "scenario.not_stored",
                                      f"Scenario {scenario.code} ({scenario.name_en}) does not store "
                                      f"{name}; the delivered value was not stored."))  # fmt: skip
    return (dataclasses.replace(data, **changes) if changes else data), warnings


def _code(field: str, value: str, code_list: str) -> list[Violation]:
    if value and value not in code_lists()[code_list]:
        return [Violation(field, "code_list", f"Unknown {code_list} code; use one of: "
                          f"{', '.join(code_lists()[code_list])}.")]  # fmt: skip
    return []


def _degree_rules(data: DiplomaData, sector: str) -> list[Violation]:
    problems = _code("judicium", data.judicium, "judicium")
    problems += _code("degree", data.degree, "graad")
    problems += _code("degree_addition", data.degree_addition, "graadtoevoeging")
    if problems:
        return problems
    if len(data.specialisation) > 200:
        problems.append(Violation("specialisation", "length", "specialisation has at most 200 characters."))  # fmt: skip
    degree = code_lists()["graad"].get(data.degree)
    if degree is not None:
        if sector not in HO_SECTORS:
            problems.append(Violation("degree", "degree.sector", "A graad belongs to an HO document (WHW art. 7.10a)."))  # fmt: skip
        elif data.kind not in degree.extra["kinds"] or data.ho_exam_type == "propedeuse":
            problems.append(Violation("degree", "degree.kind",
                                      f"Graad {data.degree} does not fit document kind {data.kind} "
                                      "(art. 16; a propedeuse carries no graad)."))  # fmt: skip
    if data.degree_addition:
        addition = code_lists()["graadtoevoeging"][data.degree_addition]
        if data.degree not in ("bachelor", "master"):
            problems.append(Violation("degree_addition", "degree_addition.without_degree",
                                      "A graadtoevoeging needs graad bachelor or master."))  # fmt: skip
        elif sector not in addition.extra["sectors"]:
            problems.append(Violation("degree_addition", "degree_addition.sector",
                                      f"{addition.en} is not awarded in sector {sector}."))  # fmt: skip
    return problems


def _joint_rules(data: DiplomaData, organisation_code: str) -> list[Violation]:
    partners = data.awarding_organisations
    if not partners:
        return []
    catalogue = field_catalogue()
    limit = catalogue.get("diplomaversion", "awarding_organisations").length or 10
    problems = []
    if len(partners) > limit:
        problems.append(Violation("awarding_organisations", "length", f"At most {limit} awarding organisations."))  # fmt: skip
    keys = []
    for i, partner in enumerate(partners):
        field = f"awarding_organisations[{i}]"
        code = str(partner.get("organisation_code") or "").strip()
        name = str(partner.get("name") or "").strip()
        country = str(partner.get("country") or "").strip()
        if set(partner) - {"organisation_code", "name", "country"} or bool(code) == bool(
            name or country
        ):
            problems.append(Violation(field, "joint.partner", "Give either organisation_code (a Dutch "
                                      "organisation) or name and country (a foreign one)."))  # fmt: skip
            continue
        if code:
            problems += [Violation(f"{field}.organisation_code", "length", "At most 16 characters.")] if len(code) > 16 else []  # fmt: skip
            keys.append(("code", code))
            continue
        if not name or not country:
            problems.append(Violation(field, "joint.partner", "A foreign organisation needs name and country."))  # fmt: skip
            continue
        problems += _code(f"{field}.country", country, "land")
        if country == "NL":
            problems.append(Violation(f"{field}.country", "joint.foreign_nl",
                                      "A Dutch organisation is named by its organisation_code."))  # fmt: skip
        if len(name) > 200:
            problems.append(Violation(f"{field}.name", "length", "At most 200 characters."))
        keys.append(("name", f"{name.casefold()}|{country}"))
    if len(set(keys)) != len(keys):
        problems.append(Violation("awarding_organisations", "joint.duplicate", "An organisation is listed twice."))  # fmt: skip
    if len(partners) < 2:
        problems.append(Violation("awarding_organisations", "joint.single",
                                  "A joint degree has at least two awarding organisations."))  # fmt: skip
    if keys.count(("code", organisation_code)) != 1:
        problems.append(Violation("awarding_organisations", "joint.delivering",
                                  "The delivering organisation is one of the awarding organisations "
                                  "(art. 22), listed once by its code."))  # fmt: skip
    return problems


def _language_rules(data: DiplomaData) -> list[Violation]:
    languages = data.instruction_languages
    problems = []
    for i, code in enumerate(languages):
        problems += _code(f"instruction_languages[{i}]", str(code), "taal")
    if len(set(languages)) != len(languages):
        problems.append(Violation("instruction_languages", "languages.duplicate", "A language is listed twice."))  # fmt: skip
    if len(languages) > 5:
        problems.append(Violation("instruction_languages", "length", "At most 5 languages."))
    return problems


def allowed_totals(data: DiplomaData, sector: str) -> tuple[int, ...]:
    """The EC a complete HO grade list adds up to (law/code_lists.yaml), () when unknown."""
    if data.ho_exam_type == "propedeuse":
        return (propedeuse_credits(),)
    degree = data.degree
    if not degree:  # the free-text degree of documents delivered without the graad code
        text = data.ho_degree.strip().lower()
        degree = next((c for c, g in code_lists()["graad"].items() if text.startswith(g.en.lower())), "")  # fmt: skip
    if not degree and data.kind in ("f", "g"):
        degree = "associate_degree"
    item = code_lists()["graad"].get(degree)
    return tuple(item.extra["credits"].get(sector, ())) if item else ()


def weighted_average(grades: list[GradeData]) -> Decimal | None:
    """The EC-weighted average of the graded units, two decimals (half up); None without any."""
    graded = [g for g in grades if g.final_grade is not None and g.credits_ec]
    credits = sum((Decimal(g.credits_ec) for g in graded), Decimal(0))  # type: ignore[arg-type]
    if not graded or not credits:
        return None
    total = sum((Decimal(g.final_grade) * Decimal(g.credits_ec) for g in graded), Decimal(0))  # type: ignore[arg-type]
    return (total / credits).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _course_rules(data: DiplomaData, sector: str, today: Any) -> list[Violation]:
    rows = [(i, g) for i, g in enumerate(data.grades) if is_course_result(g)]
    problems = []
    if rows and sector not in HO_SECTORS:
        return [Violation("grades", "course.sector", "Course results with EC belong to HO documents.")]  # fmt: skip
    for i, g in rows:
        field = f"grades[{i}]"
        if not g.subject_name:
            problems.append(Violation(f"{field}.subject_name", "required", "The unit's name is required."))  # fmt: skip
        if (g.final_grade is None) == (not g.pass_result):
            problems.append(Violation(field, "course.grade_or_pass", "A unit has a final_grade or a "
                                      "pass_result (voldaan, vrijstelling), not both or neither."))  # fmt: skip
        problems += _code(f"{field}.pass_result", g.pass_result, "uitslag_onderdeel")
        if g.school_exam_grade is not None or g.central_exam_grade is not None:
            problems.append(Violation(field, "course.exam_grades", "HO units have no school or central exam grade."))  # fmt: skip
        credits = g.credits_ec
        if credits is None or not (Decimal("0.5") <= Decimal(credits) <= 60) or Decimal(credits) % Decimal("0.5"):  # fmt: skip
            problems.append(Violation(f"{field}.credits_ec", "course.credits",
                                      "A unit carries 0.5 to 60 EC, in steps of 0.5."))  # fmt: skip
        latest = data.date_of_issue or today
        if g.result_date is not None and g.result_date > min(latest, today):
            problems.append(Violation(f"{field}.result_date", "course.date",
                                      "A unit is passed on or before the date of issue, not in the future."))  # fmt: skip
    if not rows or problems:
        return problems + ([] if rows or data.weighted_average is None else [
            Violation("weighted_average", "average.without_results",
                      "A weighted average needs the course results it is the average of.")])  # fmt: skip
    total = sum((Decimal(g.credits_ec) for _i, g in rows), Decimal(0))  # type: ignore[arg-type]
    totals = allowed_totals(data, sector)
    if totals and total not in totals:
        problems.append(Violation("grades", "credits.total",
                                  f"The units add up to {total:g} EC; this programme has "
                                  f"{' or '.join(str(t) for t in totals)} EC."))  # fmt: skip
    average = weighted_average([g for _i, g in rows])
    if data.weighted_average is not None:
        if not (1 <= data.weighted_average <= 10):
            pass  # the catalogue's range rule names it
        elif average is None or abs(Decimal(data.weighted_average) - average) > Decimal("0.01"):
            problems.append(Violation("weighted_average", "average.mismatch",
                                      f"The EC-weighted average of the graded units is {average}."))  # fmt: skip
    return problems


def validate_extended(data: DiplomaData, organisation_code: str, sector: str,
                      today: Any) -> list[Violation]:  # fmt: skip
    """The rules of the extended fields and of the earned status, on a document already cut."""
    problems = _degree_rules(data, sector) + _joint_rules(data, organisation_code)
    problems += _language_rules(data) + _course_rules(data, sector, today)
    if data.earned and data.exam_date is None:
        problems.append(Violation("exam_date", "earned.exam_date",
                                  "An earned, not yet issued document needs the exam date."))  # fmt: skip
    return problems
