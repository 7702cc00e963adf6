"""Shared by the API client commands: find a client by id or ``ORGANISATION/NAME``."""

from __future__ import annotations

from django.core.management.base import CommandError

from diplomaregister.organisations.models import ApiClient


def find_client(spec: str) -> ApiClient:
    clients = ApiClient.objects.select_related("organisation")
    if spec.isdigit():
        matches = list(clients.filter(pk=int(spec)))
    else:
        code, sep, name = spec.partition("/")
        if not sep:
            raise CommandError("Name the client by id or as ORGANISATION/NAME.")
        matches = list(clients.filter(organisation__code=code, name=name))
    if not matches:
        raise CommandError(f"No API client {spec!r}.")
    if len(matches) > 1:
        ids = ", ".join(str(c.pk) for c in matches)
        raise CommandError(f"{spec!r} names several clients ({ids}); use the id.")
    return matches[0]
