"""A trace id per request, one access-log line per request (no query string, no secrets in the
path), request metrics, and the trace id on every answer, in the body of a 5xx too.

The outermost middleware. The trace id is the incoming W3C ``traceparent``'s trace id or a valid
``X-Request-ID`` (32 hex digits or a UUID; anything else, which could carry personal data into the
logs, is ignored) or a new random one; it is returned in ``X-Request-ID``. A 5xx answer carries it
in its body: as ``trace_id`` in a JSON (problem details) body, as a line on the HTML error page.
The traceback of a 500 is logged by Django's ``django.request`` logger, whose formatter
(core/logging.py) writes its frames and the trace id but not the exception's message.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.html import escape

from diplomaregister.core import metrics
from diplomaregister.core.logging import safe_path_var, trace_id_var

logger = logging.getLogger("diplomaregister.access")

HEADER = "X-Request-ID"
_TRACEPARENT = re.compile(r"^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")
_REQUEST_ID = re.compile(
    r"^(?:[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$"
)
_ZERO = "0" * 32
# Path segments that look like a number (a BSN has 9 digits) or a token are not logged as they are.
_DIGITS = re.compile(r"\d{6,}")
_TOKEN = re.compile(r"^[A-Za-z0-9_\-.~%]{20,}$")
QUIET_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})  # probes: access log at DEBUG


def incoming_trace_id(meta: dict[str, str]) -> str:
    """The caller's trace id when it is well-formed, else ``""``."""
    match = _TRACEPARENT.match(meta.get("HTTP_TRACEPARENT", "").strip().lower())
    if match and match.group(1) != "ff" and match.group(2) != _ZERO:
        return match.group(2)
    request_id = meta.get("HTTP_X_REQUEST_ID", "").strip().lower()
    if _REQUEST_ID.match(request_id):
        request_id = request_id.replace("-", "")
        if request_id != _ZERO:
            return request_id
    return ""


def new_trace_id() -> str:
    return uuid.uuid4().hex


def safe_path(request: HttpRequest) -> str:
    """``request.path`` fit for a log: no query string; the values of a route's string parameters
    (share tokens, verification codes, record keys) as ``{name}``; long numbers and token-like
    segments of unmatched paths as ``{redacted}``. Static file paths are kept."""
    path = request.path
    if path.startswith("/" + settings.STATIC_URL.lstrip("/")):
        return path
    names: dict[str, str] = {}
    match = getattr(request, "resolver_match", None)
    if match is not None:
        names = {str(v): k for k, v in match.kwargs.items() if isinstance(v, str) and v}
    segments = []
    for segment in path.split("/"):
        if segment in names:
            segments.append("{" + names[segment] + "}")
        elif _DIGITS.search(segment) or _TOKEN.match(segment):
            segments.append("{redacted}")
        else:
            segments.append(segment)
    return "/".join(segments)


def route_of(request: HttpRequest) -> str:
    """The matched URL pattern (bounded label set for metrics), ``static`` or ``unmatched``."""
    match = getattr(request, "resolver_match", None)
    if match is not None and match.route is not None:
        return str(match.route) or "/"
    if request.path.startswith("/" + settings.STATIC_URL.lstrip("/")):
        return "static"
    if request.path in QUIET_PATHS:
        return request.path.lstrip("/")
    return "unmatched"


def _with_trace_in_body(response: HttpResponse, trace_id: str) -> None:
    if getattr(response, "streaming", False):
        return
    content_type = response.get("Content-Type", "")
    body = response.content
    if "json" in content_type:
        try:
            data = json.loads(body)
        except ValueError:
            return
        if not isinstance(data, dict):
            return
        data["trace_id"] = trace_id
        body = json.dumps(data).encode()
    elif content_type.startswith("text/html"):
        line = (
            '<p class="utrecht-paragraph" data-testid="trace-id">Trace ID: '
            f"<code>{escape(trace_id)}</code></p>"
        ).encode()
        position = body.rfind(b"</main>")
        if position < 0:
            position = body.rfind(b"</body>")
        body = body + line if position < 0 else body[:position] + line + body[position:]
    else:
        return
    response.content = body
    if response.has_header("Content-Length"):
        response["Content-Length"] = str(len(body))


class TraceMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        trace_id = incoming_trace_id(request.META) or new_trace_id()
        request.trace_id = trace_id  # type: ignore[attr-defined]
        trace_token = trace_id_var.set(trace_id)
        path_token = safe_path_var.set("")
        start = time.perf_counter()
        try:
            response = self.get_response(request)
            duration = time.perf_counter() - start
            path = safe_path(request)
            safe_path_var.set(path)
            response[HEADER] = trace_id
            if response.status_code >= 500:
                _with_trace_in_body(response, trace_id)
            route = route_of(request)
            metrics.observe_request(request.method or "", response.status_code, route, duration)
            level = logging.INFO
            if response.status_code >= 500:
                level = logging.WARNING  # the traceback itself is logged by django.request
            elif request.path in QUIET_PATHS:
                level = logging.DEBUG
            logger.log(
                level,
                "%s %s %s",
                request.method,
                path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": path,
                    "route": route,
                    "status": response.status_code,
                    "duration_ms": round(duration * 1000, 1),
                },
            )
            return response
        finally:
            safe_path_var.reset(path_token)
            trace_id_var.reset(trace_token)
