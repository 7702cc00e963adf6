"""RFC 9457 problem details for every API error, naming record, field and rule where known."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from diplomaregister.register.errors import RegisterValidationError, Violation

PROBLEM_TYPE = "https://diplomaregister.example/problems/"
CONTENT_TYPE = "application/problem+json"


def problem(
    status_code: int,
    title: str,
    detail: str = "",
    *,
    code: str = "",
    invalid_params: list[dict[str, str]] | None = None,
    instance: str = "",
    headers: dict[str, str] | None = None,
) -> Response:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE + (code or str(status_code)),
        "title": title,
        "status": status_code,
    }
    if detail:
        body["detail"] = detail
    if instance:
        body["instance"] = instance
    if invalid_params:
        body["invalid-params"] = invalid_params
    return Response(body, status=status_code, content_type=CONTENT_TYPE, headers=headers)


def violations_as_params(violations: list[Violation]) -> list[dict[str, str]]:
    return [
        {
            "name": v.field,
            "code": v.rule,
            "reason": v.message,
            **({"record": v.record} if v.record else {}),
        }
        for v in violations
    ]


def _drf_params(detail: Any, prefix: str = "") -> list[dict[str, str]]:
    params: list[dict[str, str]] = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            params += _drf_params(value, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(detail, list):
        for index, value in enumerate(detail):
            if isinstance(value, dict | list):
                params += _drf_params(value, f"{prefix}[{index}]")
            else:
                params.append(
                    {
                        "name": prefix or "body",
                        "code": getattr(value, "code", "invalid"),
                        "reason": str(value),
                    }
                )
    else:
        params.append(
            {
                "name": prefix or "body",
                "code": getattr(detail, "code", "invalid"),
                "reason": str(detail),
            }
        )
    return params


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    request = context.get("request")
    instance = request.path if request is not None else ""
    if isinstance(exc, RegisterValidationError):
        return problem(
            status.HTTP_400_BAD_REQUEST,
            "The record breaks one or more rules.",
            code="validation",
            invalid_params=violations_as_params(exc.violations),
            instance=instance,
        )
    if isinstance(exc, exceptions.ValidationError):
        return problem(
            status.HTTP_400_BAD_REQUEST,
            "The request is not valid.",
            code="validation",
            invalid_params=_drf_params(exc.detail),
            instance=instance,
        )
    if isinstance(exc, RequestDataTooBig):
        return problem(413, "The request body is too large.",
                       f"At most {settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)} MiB; send "
                       "at most 10 000 records per delivery or upload a file.", code="too_large",
                       instance=instance)  # fmt: skip
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
    headers = {
        k: v for k, v in response.headers.items() if k in ("WWW-Authenticate", "Retry-After")
    }
    return problem(
        response.status_code,
        str(getattr(exc, "default_detail", "Error")),
        str(detail),
        code=str(getattr(exc, "default_code", response.status_code)),
        instance=instance,
        headers=headers,
    )
