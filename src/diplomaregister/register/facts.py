"""Enrolments (art. 5, 6) and results (art. 7): delivered by the institution, versioned like
diplomas. The same delivery twice is a no-op; changed data is a correction (a new version)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models, transaction

from diplomaregister.core import clock
from diplomaregister.organisations.models import Organisation
from diplomaregister.register.errors import RegisterValidationError, Violation
from diplomaregister.register.inputs import PersonData
from diplomaregister.register.models import (
    Change,
    Enrolment,
    EnrolmentVersion,
    Programme,
    Result,
    ResultVersion,
)
from diplomaregister.register.services import upsert_person

ENROLMENT_FIELDS = (
    "start_date",
    "end_date",
    "end_reason",
    "enrolment_form",
    "prior_education",
    "programme",
    "programme_form",
    "programme_phase",
    "vo_leerweg",
)
RESULT_FIELDS = (
    "result_type",
    "result_date",
    "subject_code",
    "school_exam_grade",
    "central_exam_grade",
    "final_grade",
    "outcome",
)


def _append(
    identity_model: type[models.Model],
    version_model: type[models.Model],
    parent: str,
    *,
    person_data: PersonData,
    organisation: Organisation,
    record_key: str,
    values: dict[str, Any],
    valid_from: dt.date,
    recorded_at: dt.datetime | None,
    source: str,
) -> tuple[str, Any]:
    recorded_at = recorded_at or clock.now()
    too_long = [
        Violation(name, "length", f"{name} has at most {limit} characters.")
        for name, value in values.items()
        if isinstance(value, str)
        and (limit := version_model._meta.get_field(name).max_length)  # type: ignore[attr-defined,union-attr]
        and len(value) > limit
    ]
    if len(record_key) > 64:
        too_long.append(
            Violation("record_key", "length", "The record key has at most 64 characters.")
        )
    if too_long:
        raise RegisterValidationError(too_long)
    person, _warnings = upsert_person(
        person_data, recorded_at=recorded_at, source=source, organisation=organisation
    )
    identity, created = identity_model.objects.select_for_update().get_or_create(  # type: ignore[attr-defined]
        organisation=organisation, record_key=record_key, defaults={"person": person}
    )
    if identity.person_id != person.pk:
        raise RegisterValidationError(
            [
                Violation(
                    "pgn", "record_key.other_person", "This record key belongs to another person."
                )
            ]
        )
    latest = (
        None
        if created
        else version_model.objects.filter(**{parent: identity}).order_by("-version").first()  # type: ignore[attr-defined]
    )
    if latest is not None and all(getattr(latest, k) == v for k, v in values.items()):
        return "unchanged", latest
    version = version_model.objects.create(  # type: ignore[attr-defined]
        **{parent: identity},
        person=person,
        version=latest.version + 1 if latest else 1,
        valid_from=min(latest.valid_from, valid_from) if latest else valid_from,
        recorded_at=recorded_at,
        change=Change.CORRECTION if latest else Change.NEW,
        source=source,
        **values,
    )
    return ("corrected" if latest else "created"), version


@transaction.atomic
def record_enrolment(
    person_data: PersonData,
    *,
    organisation: Organisation,
    record_key: str,
    start_date: dt.date,
    programme: Programme | None = None,
    recorded_at: dt.datetime | None = None,
    source: str = "",
    **details: Any,
) -> tuple[str, EnrolmentVersion]:
    """Inschrijving (art. 5 lid 1: instelling, datum inschrijving, datum uitschrijving)."""
    unknown = set(details) - set(ENROLMENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown enrolment fields: {sorted(unknown)}")
    end_date = details.get("end_date")
    if end_date is not None and end_date < start_date:
        raise RegisterValidationError(
            [
                Violation(
                    "end_date",
                    "date.order",
                    "The end date lies before the start date (art. 5 lid 1).",
                )
            ]
        )
    values = {f: details.get(f, "") for f in ENROLMENT_FIELDS if f not in ("programme",)}
    values.update(start_date=start_date, end_date=end_date, programme=programme)
    return _append(
        Enrolment,
        EnrolmentVersion,
        "enrolment",
        person_data=person_data,
        organisation=organisation,
        record_key=record_key,
        values=values,
        valid_from=start_date,
        recorded_at=recorded_at,
        source=source,
    )


@transaction.atomic
def record_result(
    person_data: PersonData,
    *,
    organisation: Organisation,
    record_key: str,
    result_type: str,
    result_date: dt.date,
    recorded_at: dt.datetime | None = None,
    source: str = "",
    **details: Any,
) -> tuple[str, ResultVersion]:
    """Resultaat (art. 7): a subject grade, exam outcome, certificate or HO final exam date."""
    from diplomaregister.law.loaders import field_catalogue

    catalogue = field_catalogue()
    problems = []
    if result_type not in catalogue.get("resultversion", "result_type").choices:
        problems.append(Violation("result_type", "choice", "Unknown result type."))
    for name in ("school_exam_grade", "central_exam_grade", "final_grade"):
        value, entry = details.get(name), catalogue.get("resultversion", name)
        if value is not None and not (entry.minimum <= value <= entry.maximum):  # type: ignore[operator]
            problems.append(
                Violation(
                    name,
                    "range",
                    f"A grade must be between {entry.minimum:g} and {entry.maximum:g}.",
                )
            )
    if problems:
        raise RegisterValidationError(problems)
    values = {f: details.get(f) for f in RESULT_FIELDS if f in details}
    for name in ("subject_code", "outcome"):
        values.setdefault(name, "")
    for name in ("school_exam_grade", "central_exam_grade", "final_grade"):
        values.setdefault(name, None)
    values.update(result_type=result_type, result_date=result_date)
    return _append(
        Result,
        ResultVersion,
        "result",
        person_data=person_data,
        organisation=organisation,
        record_key=record_key,
        values=values,
        valid_from=result_date,
        recorded_at=recorded_at,
        source=source,
    )
