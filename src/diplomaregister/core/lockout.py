"""Failed-login lockout for password logins (operators in the admin, institution staff in the
portal): after ``LOGIN_LOCKOUT_FAILURES`` failed passwords for a username, that username is refused
for ``LOGIN_LOCKOUT_SECONDS``, even with the right password.

Counted per username (so spreading the attempts over many addresses does not help), in the cache
shared by all workers, under a keyed hash of the username (the cache holds no names). Holders log
in through DigiD, not with a password, and are not affected. A wrong TOTP code after a right
password is slowed down by django-otp's own throttling of the device.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import caches
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from diplomaregister.core.throttles import CACHE_ALIAS, identity_key

logger = logging.getLogger(__name__)


def _keys(username: str) -> tuple[str, str]:
    ident = identity_key(f"login:{username.casefold()}")
    return f"lockout:failures:{ident}", f"lockout:locked:{ident}"


def is_locked(username: str) -> bool:
    return caches[CACHE_ALIAS].get(_keys(username)[1]) is not None


def record_failure(username: str) -> bool:
    """Count a failed password; returns whether the username is now locked out."""
    cache = caches[CACHE_ALIAS]
    failures, locked = _keys(username)
    seconds = settings.LOGIN_LOCKOUT_SECONDS
    cache.add(failures, 0, timeout=seconds)
    try:
        count = cache.incr(failures)
    except ValueError:
        cache.set(failures, 1, timeout=seconds)
        count = 1
    if count >= settings.LOGIN_LOCKOUT_FAILURES:
        if cache.add(locked, 1, timeout=seconds):
            logger.warning(
                "auth.lockout ref=%s seconds=%s", failures.rsplit(":", 1)[1][:12], seconds
            )
        cache.delete(failures)
        return True
    return False


def reset(username: str) -> None:
    caches[CACHE_ALIAS].delete(_keys(username)[0])


class LockoutModelBackend(ModelBackend):
    """``ModelBackend`` that refuses a locked-out username and counts failed passwords."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if username is None:
            username = kwargs.get(self._username_field())
        if username is None or password is None:
            return None  # not a password login (e.g. DigiD): not ours
        if is_locked(username):
            # authenticate() turns this into a failed login without asking later backends
            raise PermissionDenied("locked out")
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            record_failure(username)
        else:
            reset(username)
        return user

    @staticmethod
    def _username_field() -> str:
        from django.contrib.auth import get_user_model

        return get_user_model().USERNAME_FIELD
