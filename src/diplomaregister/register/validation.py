"""Validation of delivered documents, driven by the law tables (document kinds, field catalogue).

Each rule returns :class:`Violation` objects naming the field and the rule; messages never contain
personal data. Used by the register services, and so by every delivery channel alike.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import models

from diplomaregister.core.pgn import InvalidPgn, PgnType, parse_pgn
from diplomaregister.law.loaders import DocumentKind, document_kinds, field_catalogue
from diplomaregister.organisations.models import Organisation
from diplomaregister.register.errors import Violation
from diplomaregister.register.extended import validate_extended
from diplomaregister.register.inputs import DiplomaData, PersonData
from diplomaregister.register.models import (
    Diploma,
    DiplomaGrade,
    DiplomaVersion,
    PersonVersion,
    Programme,
)

DIPLOMA_ENTITY = "diplomaversion"
# Input attribute -> catalogue field name where they differ.
_CATALOGUE_NAME = {"programme_code": "programme"}


def validate_person(data: PersonData, today: dt.date | None = None) -> list[Violation]:
    problems: list[Violation] = []
    try:
        parse_pgn(data.pgn, PgnType(data.pgn_type) if data.pgn_type else None)
    except InvalidPgn as exc:
        problems.append(Violation("pgn", exc.rule, exc.message))
    except ValueError:
        problems.append(Violation("pgn_type", "pgn.type", "Use bsn or onderwijsnummer."))
    if not (data.family_name or "").strip():
        problems.append(
            Violation("family_name", "required", "Geslachtsnaam is required (art. 15 onder a).")
        )
    if data.birth_date is None:
        problems.append(
            Violation("birth_date", "required", "Geboortedatum is required (art. 15 onder d).")
        )
    elif today is not None and data.birth_date > today:
        problems.append(
            Violation("birth_date", "date.future", "The birth date lies in the future.")
        )
    problems += _lengths(PersonVersion, data, ("family_name", "given_names"))
    gender = field_catalogue().get("personversion", "gender")
    if data.gender not in gender.choices:
        problems.append(
            Violation("gender", "choice", f"Gender must be one of {', '.join(gender.choices)}.")
        )
    return problems


def sector_for(data: DiplomaData, organisation: Organisation) -> str:
    """The sector of a document: as delivered, else the one sector kind and organisation share."""
    if data.sector:
        return data.sector
    kind = document_kinds().get(data.kind)
    if kind is None:
        return ""
    shared = [s for s in kind.sectors if s in organisation.sectors] or list(kind.sectors)
    return shared[0] if len(shared) == 1 else ""


def _kind_rules(data: DiplomaData, organisation: Organisation, today: dt.date) -> list[Violation]:
    kind = document_kinds().get(data.kind)
    if kind is None:
        return [Violation("kind", "kind.unknown", "Unknown document kind; use a-r of art. 16.")]
    problems = []
    if not kind.in_force:
        problems.append(
            Violation(
                "kind",
                "kind.not_in_force",
                f"Kind {kind.code} ({kind.article}) is not in force: its start date is not set.",
            )
        )
    elif data.date_of_issue and data.date_of_issue < kind.start_date:  # type: ignore[operator]
        problems.append(
            Violation(
                "date_of_issue",
                "kind.start_date",
                f"Kind {kind.code} is registered only for documents issued on or after {kind.start_date:%Y-%m-%d} ({kind.article}).",
            )
        )
    if organisation.kind not in kind.awarded_by:
        problems.append(
            Violation(
                "kind",
                "kind.awarding_organisation",
                f"An organisation of kind '{organisation.kind}' may not award kind {kind.code} ({kind.article}); allowed: {', '.join(kind.awarded_by)}.",
            )
        )
    problems += _funding_rules(kind, data, organisation) + _ho_rules(kind, data)
    if data.sector and data.sector not in kind.sectors:
        problems.append(
            Violation(
                "sector",
                "kind.sector",
                f"Kind {kind.code} belongs to sector(s) {', '.join(kind.sectors)}.",
            )
        )
    if data.date_of_issue and data.date_of_issue > today:
        problems.append(
            Violation("date_of_issue", "date.future", "The date of issue lies in the future.")
        )
    if data.exam_date and data.exam_date > today:
        problems.append(Violation("exam_date", "date.future", "The exam date lies in the future."))
    return problems


def _funding_rules(
    kind: DocumentKind, data: DiplomaData, organisation: Organisation
) -> list[Violation]:
    """Art. 16 speaks of funded and non-funded *programmes* ("door het Rijk bekostigde
    opleidingen"): d, i and k are non-funded programmes, also at funded institutions. The document's
    funding is as delivered, else the institution's; the institution must be of the funding the
    kind names (``institution_bekostigd``, empty: either)."""
    problems = []
    funded = data.bekostigd if data.bekostigd is not None else (
        organisation.bekostigd if kind.institution_bekostigd is not None or kind.bekostigd is None
        else None)  # fmt: skip
    if kind.bekostigd is not None and funded is not None and funded != kind.bekostigd:
        name = "funded" if kind.bekostigd else "non-funded"
        problems.append(Violation("bekostigd", "kind.bekostigd",
                                  f"Kind {kind.code} is for {name} programmes ({kind.article})."))  # fmt: skip
    needed = kind.institution_bekostigd
    if (
        needed is not None
        and organisation.bekostigd is not None
        and organisation.bekostigd != needed
    ):
        name = "a funded" if needed else "a non-funded"
        problems.append(Violation("kind", "kind.institution_bekostigd",
                                  f"Kind {kind.code} is awarded by {name} institution ({kind.article})."))  # fmt: skip
    return problems


def _ho_rules(kind: DocumentKind, data: DiplomaData) -> list[Violation]:
    """Art. 16 onder a: propedeutic exams of HBO programmes and final HO exams, "met uitzondering
    van" associate degrees (those are kind f or g); f and g are associate degrees only."""
    degree = (data.ho_degree or "").strip().lower()
    associate = degree.startswith("associate degree") or degree == "ad"
    problems = []
    if kind.code in ("a", "b", "c") and associate:
        problems.append(Violation("kind", "kind.associate_degree",
                                  "An associate degree is kind f (funded) or g (non-funded), art. 16."))  # fmt: skip
    if kind.code in ("f", "g") and degree and not associate:
        problems.append(Violation("ho_degree", "kind.associate_degree_only",
                                  f"Kind {kind.code} is for associate degrees ({kind.article})."))  # fmt: skip
    if (
        kind.code == "a"
        and data.ho_exam_type == "propedeuse"
        and data.sector
        and data.sector != "HBO"
    ):
        problems.append(Violation("ho_exam_type", "kind.propedeuse_hbo",
                                  "Art. 16 onder a registers propedeutic exams of HBO programmes only."))  # fmt: skip
    return problems


def _lengths(model: type[models.Model], data: object, names: tuple[str, ...]) -> list[Violation]:
    """Every text checked against its column's length before the database sees it."""
    problems = []
    for name in names:
        limit = model._meta.get_field(name).max_length  # type: ignore[union-attr]
        value = getattr(data, name, "") or ""
        if limit and len(value) > limit:
            problems.append(Violation(name, "length", f"{name} has at most {limit} characters."))
    return problems


def _catalogue_rules(data: DiplomaData, sector: str) -> list[Violation]:
    catalogue = field_catalogue()
    problems = []
    for entry in catalogue.required_for_sector(DIPLOMA_ENTITY, sector):
        attribute = {v: k for k, v in _CATALOGUE_NAME.items()}.get(entry.name, entry.name)
        value = getattr(data, attribute, None) if attribute != "sector" else sector
        if value in (None, ""):
            problems.append(
                Violation(
                    attribute,
                    "required",
                    f"{entry.description} is required for sector {sector} ({entry.article}).",
                )
            )
    for entry in catalogue.for_entity(DIPLOMA_ENTITY):
        attribute = {v: k for k, v in _CATALOGUE_NAME.items()}.get(entry.name, entry.name)
        value = getattr(data, attribute, None)
        if value in (None, ""):
            continue
        if entry.choices and value not in entry.choices:
            problems.append(
                Violation(
                    attribute,
                    "choice",
                    f"Must be one of: {', '.join(c for c in entry.choices if c)}.",
                )
            )
        if entry.minimum is not None and not (entry.minimum <= value <= entry.maximum):  # type: ignore[operator]
            problems.append(
                Violation(
                    attribute, "range", f"Must be between {entry.minimum:g} and {entry.maximum:g}."
                )
            )
    return problems


def _grade_rules(data: DiplomaData) -> list[Violation]:
    catalogue = field_catalogue()
    problems = []
    for index, grade in enumerate(data.grades):
        if not grade.subject_code:
            problems.append(
                Violation(f"grades[{index}].subject_code", "required", "Subject code is required.")
            )
        for name in ("school_exam_grade", "central_exam_grade", "final_grade"):
            value = getattr(grade, name)
            if value is None:
                continue
            entry = catalogue.get("diplomagrade", name)
            try:
                number = Decimal(str(value))
            except InvalidOperation:
                number = Decimal("NaN")
            if number.is_nan() or not (entry.minimum <= number <= entry.maximum):  # type: ignore[operator]
                problems.append(
                    Violation(
                        f"grades[{index}].{name}",
                        "range",
                        f"A grade must be between {entry.minimum:g} and {entry.maximum:g}.",
                    )
                )
    return problems


def validate_diploma(
    data: DiplomaData, organisation: Organisation, today: dt.date
) -> list[Violation]:
    if not data.record_key:
        return [
            Violation(
                "record_key", "required", "The record key of the awarding organisation is required."
            )
        ]
    if data.date_of_issue is None:
        return [Violation("date_of_issue", "required", "The date of issue is required.")]
    sector = sector_for(data, organisation)
    problems = _kind_rules(data, organisation, today)
    if not sector and not problems:
        problems.append(
            Violation(
                "sector", "required", "Sector is required: the kind fits more than one sector."
            )
        )
    problems += _catalogue_rules(data, sector) + _grade_rules(data)
    problems += validate_extended(data, organisation.code, sector, today)
    problems += _lengths(Diploma, data, ("record_key",))
    problems += _lengths(DiplomaVersion, data, ("vo_profile", "ho_degree", "sector"))
    limit = Programme._meta.get_field("code").max_length
    if limit and len(data.programme_code or "") > limit:
        problems.append(Violation("programme_code", "length",
                                  f"programme_code has at most {limit} characters."))  # fmt: skip
    for index, grade in enumerate(data.grades):
        problems += [Violation(f"grades[{index}].{v.field}", v.rule, v.message)
                     for v in _lengths(DiplomaGrade, grade, ("subject_code", "subject_name"))]  # fmt: skip
    return problems
