"""Correction requests: submitted by the holder, answered by the awarding organisation."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet

from diplomaregister.core import clock
from diplomaregister.organisations.models import Organisation
from diplomaregister.portal_institution.models import CorrectionRequest
from diplomaregister.register.models import Diploma, Person
from diplomaregister.verstrekking.engine import NotDisclosed, Requester, disclose

ANSWERS = ("in_behandeling", "gecorrigeerd", "afgewezen")


OPEN = ("open", "in_behandeling")  # not answered yet: the holder sees it as pending


class CorrectionError(ValueError):
    pass


class DuplicateRequest(CorrectionError):
    """The same message about the same diploma is still open: sending it again adds nothing."""


def _same(text: str) -> str:
    return " ".join(text.split()).casefold()


def submit_request(*, person: Person, diploma: Diploma, message: str) -> CorrectionRequest:
    if diploma.person_id != person.pk:
        raise CorrectionError("Only the holder can ask to correct a diploma.")
    text = message.strip()
    if not 5 <= len(text) <= 2000:
        raise CorrectionError("Describe what is wrong in 5 to 2000 characters.")
    still_open = CorrectionRequest.objects.filter(person=person, diploma=diploma, status__in=OPEN)
    if any(_same(m) == _same(text) for m in still_open.values_list("message", flat=True)):
        raise DuplicateRequest("This request was already sent and is still being handled.")
    return CorrectionRequest.objects.create(person=person, diploma=diploma, organisation_id=diploma.organisation_id,
                                            message=text, created_at=clock.now(),
                                            snapshot=_snapshot(person, diploma))  # fmt: skip


# What the holder sends along with the request: who they are and which diploma, as they see it.
SNAPSHOT_FIELDS = ("given_names", "family_name", "kind", "sector", "organisation_name",
                   "date_of_issue", "programme_name", "programme_name_en", "ho_degree",
                   "ho_exam_type", "mbo_level", "degree", "degree_addition", "judicium")  # fmt: skip


def _snapshot(person: Person, diploma: Diploma) -> dict[str, Any]:
    """The holder's own view of the document (basis ``holder``, logged), kept with the request so
    the institution's queue names the person and the diploma without a disclosure per row."""
    try:
        own = disclose(requester=Requester(kind="holder", label="correctieverzoek"), basis="holder",
                       subject=person, channel="portal", diploma_ids=[diploma.pk],
                       fields=SNAPSHOT_FIELDS)  # fmt: skip
    except NotDisclosed:
        return {}
    record = own.records[0] if own.records else {}
    return {**{k: str(v) for k, v in own.subject.items()},
            **{k: str(v) if v is not None else "" for k, v in record.items()}}  # fmt: skip


def requests_of_holder(person: Person) -> QuerySet[CorrectionRequest]:
    return (
        CorrectionRequest.objects.filter(person=person)
        .select_related("diploma__organisation")
        .order_by("-created_at")
    )


def pending_documents(person: Person) -> set[int]:
    """The documents of the holder with a correction request not answered yet (the holder's home
    page marks them): one statement written once, not a queryset compiled per page view."""
    table = CorrectionRequest._meta.db_table
    marks = ", ".join(["%s"] * len(OPEN))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT diploma_id FROM {table} WHERE person_id = %s"  # noqa: S608 (model table)
            f" AND status IN ({marks})",
            [person.pk, *OPEN],
        )
        return {row[0] for row in cursor.fetchall()}


def queue_for_organisation(org: Organisation) -> QuerySet[CorrectionRequest]:
    """Open requests first, newest first within a status."""
    return (
        CorrectionRequest.objects.filter(organisation=org)
        .select_related("diploma")
        .order_by("answered_at", "-created_at")
    )


def search_queue(
    org: Organisation,
    *,
    text: str = "",
    status: str = "",
    before: int | None = None,
    size: int = 25,
) -> tuple[list[CorrectionRequest], int | None]:
    """One page of the queue, newest first by id (cursor ``before``: no counting), filtered by
    status and by text in the record key, the holder's name or message."""
    rows = CorrectionRequest.objects.filter(organisation=org).select_related("diploma")
    if status:
        rows = rows.filter(status=status)
    if text:
        rows = rows.filter(
            Q(diploma__record_key__icontains=text) | Q(message__icontains=text)
            | Q(snapshot__family_name__icontains=text)
        )  # fmt: skip
    if before is not None:
        rows = rows.filter(pk__lt=before)
    batch = list(rows.order_by("-pk")[: size + 1])
    more = len(batch) > size
    batch = batch[:size]
    return batch, (batch[-1].pk if more and batch else None)


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
