"""DigiD login of holders through django-digid-eherkenning (SAML, or its mock locally).

The package looks users up by BSN on a custom user model; the register keeps no BSN in its user
table. Our backends map a BSN to a plain Django user named by a keyed hash of the BSN, and keep the
BSN only in the server-side session (``HOLDER_PGN``) for the length of the login.
"""

from __future__ import annotations

from typing import Any

from digid_eherkenning.backends import DigiDBackend
from digid_eherkenning.mock.backends import DigiDBackend as DigiDMockBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from diplomaregister.core.keys import keyed_hash

HOLDER_PGN = "holder_pgn"


class HolderUserMixin:
    def get_or_create_user_from_bsn(self, request: HttpRequest, bsn: str) -> Any:
        if not bsn:
            return None
        user_model = get_user_model()
        user, created = user_model.objects.get_or_create(
            username=f"digid-{keyed_hash('digid-user', bsn)[:24]}"
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        request._holder_pgn = bsn  # type: ignore[attr-defined]  # moved into the session on login
        return user


class DigiDMockHolderBackend(HolderUserMixin, DigiDMockBackend):
    """The package's mock: any valid BSN logs in (development and demo only)."""


class DigiDHolderBackend(HolderUserMixin, DigiDBackend):
    """DigiD over SAML, configured in the admin (DigidConfiguration)."""


@receiver(user_logged_in)
def _remember_holder(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    pgn = getattr(request, "_holder_pgn", None) if request is not None else None
    if request is not None and pgn:
        request.session[HOLDER_PGN] = pgn
