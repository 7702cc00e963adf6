"""Shared API plumbing: the API-Version header (Logius API Design Rules) and cursor pagination."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination


class ApiVersionMiddleware:
    """Adds ``API-Version`` to every response under /api/ (ADR: API-57)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith("/api/"):
            response["API-Version"] = str(settings.SPECTACULAR_SETTINGS["VERSION"])
        return response


class IdCursorPagination(CursorPagination):
    """Cursor pagination on the primary key: constant cost per page, no COUNT on large tables."""

    ordering = "-id"
    page_size = 100
    page_size_query_param = "pageSize"
    max_page_size = 1000
    cursor_query_param = "cursor"

    def decode_cursor(self, request: Any) -> Any:
        """A malformed cursor is a bad request (400 with the parameter named), not a 404."""
        try:
            return super().decode_cursor(request)
        except NotFound as exc:
            raise ValidationError({self.cursor_query_param: ["Invalid cursor."]}) from exc
