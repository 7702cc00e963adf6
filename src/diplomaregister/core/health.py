"""Liveness (``/healthz``), readiness (``/readyz``) and the metrics endpoint, for probes.

* ``/healthz``: the process answers; touches nothing else (a database outage must not make an
  orchestrator restart every web process).
* ``/readyz``: the database answers ``SELECT 1``, the extract signing key loads (PKCS#12 file or
  PKCS#11 token, cached after the first load) and ``DIPLOMAREGISTER_VAR_DIR`` is writable. 200 when
  all pass, else 503; the body names each check with ``ok`` and, on failure, the error's type
  (never its message).

No authentication, no personal data, no rate limit, no session or cookie. :class:`OpsMiddleware`
answers these paths (and ``/metrics``, which has its own access rule) before the rest of the
middleware, so that a probe addressing the pod by IP is not refused by ``ALLOWED_HOSTS``, not
redirected to HTTPS and not counted by any rate limit. They are in ``core/urls.py`` as well.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse

from diplomaregister.core.metrics import metrics_view


def _json(body: dict[str, object], status: int = 200) -> JsonResponse:
    response = JsonResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    return response


def healthz(request: HttpRequest) -> JsonResponse:
    return _json({"status": "ok"})


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_signing_key() -> None:
    from diplomaregister.extracts import signing

    signing.signer()


def check_disk() -> None:
    directory = Path(settings.VAR_DIR)
    with tempfile.NamedTemporaryFile(dir=directory, prefix=".readyz-") as handle:
        handle.write(b"ok")
        handle.flush()


CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "signing_key": check_signing_key,
    "disk": check_disk,
}


def readyz(request: HttpRequest) -> JsonResponse:
    results: dict[str, dict[str, object]] = {}
    for name, check in CHECKS.items():
        start = time.perf_counter()
        try:
            check()
        except Exception as exc:  # any failure means not ready
            results[name] = {"ok": False, "error": type(exc).__name__}
        else:
            results[name] = {"ok": True}
        results[name]["ms"] = round((time.perf_counter() - start) * 1000, 1)
    ready = all(result["ok"] for result in results.values())
    response = _json(
        {"status": "ok" if ready else "fail", "checks": results}, 200 if ready else 503
    )
    # not an error of this request: the access log has the line, django.request need not
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


OPS_VIEWS: dict[str, Callable[[HttpRequest], HttpResponse]] = {
    "/healthz": healthz,
    "/readyz": readyz,
    "/metrics": metrics_view,
}


class OpsMiddleware:
    """Answers GET/HEAD of the probe paths before host validation, HTTPS redirects, sessions and
    rate limits."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        view = OPS_VIEWS.get(request.path_info)
        if view is not None and request.method in ("GET", "HEAD"):
            return view(request)
        return self.get_response(request)
