"""Correction requests: submitted by the holder, answered by the awarding organisation."""

from __future__ import annotations

from django.db.models import QuerySet

from diplomaregister.core import clock
from diplomaregister.organisations.models import Organisation
from diplomaregister.portal_institution.models import CorrectionRequest
from diplomaregister.register.models import Diploma, Person

ANSWERS = ("in_behandeling", "gecorrigeerd", "afgewezen")


class CorrectionError(ValueError):
    pass


def submit_request(*, person: Person, diploma: Diploma, message: str) -> CorrectionRequest:
    if diploma.person_id != person.pk:
        raise CorrectionError("Only the holder can ask to correct a diploma.")
    text = message.strip()
    if not 5 <= len(text) <= 2000:
        raise CorrectionError("Describe what is wrong in 5 to 2000 characters.")
    return CorrectionRequest.objects.create(person=person, diploma=diploma, organisation_id=diploma.organisation_id,
                                            message=text, created_at=clock.now())  # fmt: skip


def requests_of_holder(person: Person) -> QuerySet[CorrectionRequest]:
    return (
        CorrectionRequest.objects.filter(person=person)
        .select_related("diploma__organisation")
        .order_by("-created_at")
    )


def queue_for_organisation(org: Organisation) -> QuerySet[CorrectionRequest]:
    """Open requests first, newest first within a status."""
    return (
        CorrectionRequest.objects.filter(organisation=org)
        .select_related("diploma")
        .order_by("answered_at", "-created_at")
    )


def answer_request(
    req: CorrectionRequest, *, status: str, answer: str, user_id: int | None
) -> CorrectionRequest:
    if status not in ANSWERS:
        raise CorrectionError(f"status must be one of {', '.join(ANSWERS)}")
    req.status, req.answer, req.answered_by, req.answered_at = (
        status,
        answer.strip()[:2000],
        user_id,
        clock.now(),
    )
    req.save(update_fields=["status", "answer", "answered_by", "answered_at"])
    return req
