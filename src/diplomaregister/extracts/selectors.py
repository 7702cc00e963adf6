"""Reads for other apps (portal_holder): the extracts a holder made, and the HTTP download."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpResponse

from diplomaregister.extracts.models import Extract
from diplomaregister.extracts.services import ExtractFile
from diplomaregister.register.models import Person


def extracts_of(person: Person) -> QuerySet[Extract]:
    """The holder's extracts, newest first (no codes: only their keyed hashes are stored)."""
    return Extract.objects.filter(person=person).order_by("-created_at", "-pk")


def pdf_response(extract: ExtractFile, *, inline: bool = False) -> HttpResponse:
    """A download response for a freshly made extract (not cached anywhere on the way)."""
    response = HttpResponse(extract.pdf_bytes, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{extract.filename}"'
    response["Cache-Control"] = "no-store"
    return response
