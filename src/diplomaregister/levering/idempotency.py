"""``Idempotency-Key`` on write requests: a retry returns the stored answer and writes nothing."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any, cast

from django.db import IntegrityError, transaction
from rest_framework.request import Request
from rest_framework.response import Response

from diplomaregister.core import clock
from diplomaregister.core.problems import problem
from diplomaregister.levering.models import IdempotencyKey
from diplomaregister.organisations.models import ApiClient


def request_hash(request: Request, extra: bytes = b"") -> str:
    body = json.dumps(request.data if not request.FILES else {}, sort_keys=True, default=str)
    return hashlib.sha256(request.path.encode() + body.encode() + extra).hexdigest()


def idempotent(
    request: Request, handler: Callable[[], Response], *, extra: bytes = b""
) -> Response:
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        return handler()
    if len(key) > 100:
        return problem(
            400, "Idempotency-Key is too long.", "At most 100 characters.", code="idempotency"
        )
    client = cast(ApiClient, request.auth)  # organisations.auth.BearerTokenAuthentication
    digest = request_hash(request, extra)
    stored = IdempotencyKey.objects.filter(client=client, key=key).first()
    if stored is not None:
        return _replay(stored, digest)
    try:
        with transaction.atomic():
            response = handler()
            if response.status_code < 500:
                IdempotencyKey.objects.create(client=client, key=key, request_hash=digest,
                                              status_code=response.status_code, body=_plain(response.data),
                                              created_at=clock.now())  # fmt: skip
    except IntegrityError:  # a concurrent request with the same key won; ours is rolled back
        stored = IdempotencyKey.objects.get(client=client, key=key)
        return _replay(stored, digest)
    return response


def _plain(data: Any) -> Any:
    return json.loads(json.dumps(data, default=str))


def _replay(stored: IdempotencyKey, digest: str) -> Response:
    if stored.request_hash != digest:
        return problem(422, "Idempotency-Key reused for another request.",
                       "Use a new key for a different request.", code="idempotency")  # fmt: skip
    problem_body = stored.status_code >= 400
    response = Response(stored.body, status=stored.status_code,
                        content_type="application/problem+json" if problem_body else None)  # fmt: skip
    response["Idempotent-Replayed"] = "true"
    return response
