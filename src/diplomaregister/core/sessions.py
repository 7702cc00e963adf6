"""Sessions are written only when they change (``SESSION_SAVE_EVERY_REQUEST = False``).

The portals' idle timeout (``SESSION_COOKIE_AGE``, 15 minutes) must still slide while a person is
active, so a session in use is marked changed at most once per ``SESSION_REFRESH_INTERVAL``
seconds: one write a minute per active session instead of one per request, and none for requests
that do not touch the session.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

REFRESHED_KEY = "_refreshed"


class SessionRefreshMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # only a session this request already read and that holds something (a login)
        if session is None or not session.accessed or session.is_empty():
            return response
        now = int(time.time())
        stale = now - int(session.get(REFRESHED_KEY, 0)) >= settings.SESSION_REFRESH_INTERVAL
        if session.modified or stale:
            session[REFRESHED_KEY] = now
        return response
