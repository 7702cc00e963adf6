"""Structured logs without personal data: a JSON (or text) formatter that adds the request's trace
id, writes tracebacks as frames only, and never writes exception messages, query strings or bodies.

* ``trace_id`` and the request's safe path live in context variables set by
  :class:`diplomaregister.core.middleware_trace.TraceMiddleware`, so every line logged while a
  request is handled carries its trace id, whichever logger wrote it.
* Exceptions are written as their type and ``traceback.format_tb`` frames (file, line, function and
  source line), never ``str(exception)``: database errors quote the values they choke on (a BSN
  in a unique-constraint message, for instance).
* Django's own request loggers (``django.request``, ``django.security.*``) put the raw path in
  their message; :class:`SafePathFilter` replaces it with the redacted path (share tokens and
  verification codes in the path are bearer secrets).

``LOGGING = logging_config(format, level)`` in settings; ``DIPLOMAREGISTER_LOG_FORMAT`` chooses.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import traceback
from types import TracebackType
from typing import Any

trace_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("trace_id", default="")
safe_path_var: contextvars.ContextVar[str] = contextvars.ContextVar("safe_path", default="")

# Attributes of every LogRecord; anything else was passed with ``extra=`` (see REQUEST_FIELDS).
REQUEST_FIELDS = ("method", "path", "route", "status", "duration_ms")


def current_trace_id() -> str:
    return trace_id_var.get()


def exception_fields(
    exc_info: tuple[type[BaseException], BaseException, TracebackType | None] | None,
) -> dict[str, Any]:
    """The exception's type and frames, and those of its causes: no messages (they can quote
    values)."""
    if not exc_info or exc_info[0] is None:
        return {}
    exc_type, exc, tb = exc_info
    fields: dict[str, Any] = {
        "exc_type": f"{exc_type.__module__}.{exc_type.__qualname__}",
        "frames": [line.rstrip("\n") for line in traceback.format_tb(tb)],
    }
    causes: list[dict[str, Any]] = []
    seen = {id(exc)}
    cause = exc.__cause__ or exc.__context__
    while cause is not None and id(cause) not in seen and len(causes) < 5:
        seen.add(id(cause))
        causes.append(
            {
                "exc_type": f"{type(cause).__module__}.{type(cause).__qualname__}",
                "frames": [line.rstrip("\n") for line in traceback.format_tb(cause.__traceback__)],
            }
        )
        cause = cause.__cause__ or cause.__context__
    if causes:
        fields["causes"] = causes
    return fields


class TraceIdFilter(logging.Filter):
    """Puts the current request's trace id on every record (empty outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "trace_id", ""):
            # Django logs a response's status after the middleware has returned: then the
            # request it passes along carries the id
            request = getattr(record, "request", None)
            record.trace_id = trace_id_var.get() or getattr(request, "trace_id", "")
        return True


class SafePathFilter(logging.Filter):
    """Django's request loggers put ``request.path`` in their arguments: replace it with the
    redacted path of the request being handled. The development server's request line
    (``django.server``) loses its query string."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "django.server":
            if isinstance(record.args, tuple) and record.args and isinstance(record.args[0], str):
                method, _, rest = record.args[0].partition(" ")
                target, _, protocol = rest.partition(" ")
                line = f"{method} {target.split('?', 1)[0]} {protocol}".strip()
                record.args = (line, *record.args[1:])
            return True
        request = getattr(record, "request", None)
        raw = getattr(request, "path", None)
        safe = safe_path_var.get()
        if request is not None and raw and isinstance(record.args, tuple):
            if not safe:
                from diplomaregister.core.middleware_trace import safe_path

                safe = safe_path(request)
            record.args = tuple(safe if arg == raw else arg for arg in record.args)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ms), level, logger, message, trace_id, the request
    fields passed with ``extra=`` and, for exceptions, type and frames."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        trace_id = (
            getattr(record, "trace_id", "")
            or trace_id_var.get()
            or getattr(getattr(record, "request", None), "trace_id", "")
        )
        if trace_id:
            entry["trace_id"] = trace_id
        for field in REQUEST_FIELDS:
            value = getattr(record, field, None)
            if value is not None:
                entry[field] = value
        entry.update(exception_fields(record.exc_info))  # type: ignore[arg-type]
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """Human-readable lines with the trace id; exceptions as type and frames, like the JSON one."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(trace_id)s] %(message)s")

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 (logging's name)
        trace_id = getattr(record, "trace_id", "")
        record.trace_id = trace_id or "-"
        try:
            return super().formatMessage(record)
        finally:
            record.trace_id = trace_id

    def format(self, record: logging.LogRecord) -> str:
        if not getattr(record, "trace_id", ""):
            request = getattr(record, "request", None)
            record.trace_id = trace_id_var.get() or getattr(request, "trace_id", "")
        extras = " ".join(
            f"{field}={getattr(record, field)}"
            for field in REQUEST_FIELDS
            if getattr(record, field, None) is not None and field not in ("method", "path")
        )
        exc_info, record.exc_info, record.exc_text = record.exc_info, None, None
        try:
            line = super().format(record)
        finally:
            record.exc_info = exc_info
        if extras:
            line += f" ({extras})"
        fields = exception_fields(exc_info)  # type: ignore[arg-type]
        if fields:
            line += f"\n{fields['exc_type']} (message not logged)\n" + "\n".join(fields["frames"])
        return line


def logging_config(log_format: str, level: str) -> dict[str, Any]:
    """The ``LOGGING`` setting: everything to stderr through one formatter (``json`` or
    ``text``), Django's request loggers with the path redacted."""
    formatter = "json" if log_format == "json" else "text"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "trace_id": {"()": "diplomaregister.core.logging.TraceIdFilter"},
            "safe_path": {"()": "diplomaregister.core.logging.SafePathFilter"},
        },
        "formatters": {
            "json": {"()": "diplomaregister.core.logging.JsonFormatter"},
            "text": {"()": "diplomaregister.core.logging.TextFormatter"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": formatter,
                "filters": ["trace_id", "safe_path"],
            }
        },
        "root": {"handlers": ["console"], "level": "WARNING"},
        "loggers": {
            "diplomaregister": {"level": level, "handlers": [], "propagate": True},
            # Django's loggers through the same handler (their default console handler is only
            # active with DEBUG, mail_admins is not configured): 4xx warnings, 500 errors.
            "django": {"level": "INFO", "handlers": [], "propagate": True},
            # runserver's request lines: errors only (TraceMiddleware logs every request)
            "django.server": {"level": "WARNING", "handlers": [], "propagate": True},
            "django.db.backends": {"level": "WARNING", "handlers": [], "propagate": True},
        },
    }


def gunicorn_logconfig(log_format: str) -> dict[str, Any]:
    """gunicorn's own loggers (``logconfig_dict``): its error log in the same format; its access
    log stays off (TraceMiddleware writes one line per request, without the query string)."""
    config = logging_config(log_format, "INFO")
    config["loggers"] = {
        "gunicorn.error": {"level": "INFO", "handlers": [], "propagate": True},
        "gunicorn.access": {"level": "WARNING", "handlers": [], "propagate": True},
    }
    config["root"] = {"handlers": ["console"], "level": "INFO"}
    return config
