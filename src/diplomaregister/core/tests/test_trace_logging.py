"""A trace id per request (a valid incoming one is kept) in the X-Request-ID header and on every
log line; JSON log lines with the request fields and no query string, no body and no secret path
segment; a 500 logged with its traceback frames but not the exception's message, its answer (HTML
page or problem details) carrying the trace id."""

from __future__ import annotations

import io
import json
import logging
import re

import pytest
from django.test import Client
from django.urls import path

from diplomaregister.conf import urls as project_urls
from diplomaregister.core.logging import JsonFormatter, SafePathFilter, TextFormatter, TraceIdFilter

BSN = "123456782"


MESSAGE = f"duplicate key value violates unique constraint: (pgn)=({BSN})"


def _fail(request, code=""):
    # what a database error looks like: its message quotes the value
    raise ValueError(MESSAGE)


def _ok(request, code):
    from django.http import HttpResponse

    return HttpResponse("ok")


urlpatterns = [
    path("fout/500/", _fail),
    path("api/v1/fout/500/", _fail),
    path("codes/<str:code>", _ok),
    *project_urls.urlpatterns,
]
handler404 = project_urls.handler404
handler500 = project_urls.handler500


@pytest.fixture
def failing_urls(settings):
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = False


@pytest.fixture(params=["json", "text"])
def log_output(request):
    """Everything logged during the test, through the formatter of DIPLOMAREGISTER_LOG_FORMAT."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter() if request.param == "json" else TextFormatter())
    handler.addFilter(TraceIdFilter())
    handler.addFilter(SafePathFilter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    levels = {name: logging.getLogger(name).level for name in ("diplomaregister", "django")}
    for name in levels:
        logging.getLogger(name).setLevel(logging.INFO)
    try:
        yield request.param, stream
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


def json_lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


@pytest.mark.django_db
def test_trace_id_made_and_returned(client):
    first = client.get("/")["X-Request-ID"]
    second = client.get("/")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", first) and first != second


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"HTTP_TRACEPARENT": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"},
         "4bf92f3577b34da6a3ce929d0e0e4736"),
        ({"HTTP_X_REQUEST_ID": "6F9619FF-8B86-D011-B42D-00C04FC964FF"},
         "6f9619ff8b86d011b42d00c04fc964ff"),
        ({"HTTP_X_REQUEST_ID": BSN}, None),  # not a trace id (and personal data): replaced
        ({"HTTP_TRACEPARENT": "00-00000000000000000000000000000000-00f067aa0ba902b7-01"}, None),
        ({"HTTP_X_REQUEST_ID": "x" * 32 + "\nINFO forged line"}, None),
    ],
)  # fmt: skip
def test_incoming_trace_id_kept_only_when_valid(client, headers, expected):
    trace_id = client.get("/healthz", **headers)["X-Request-ID"]
    if expected:
        assert trace_id == expected
    else:
        assert re.fullmatch(r"[0-9a-f]{32}", trace_id) and BSN not in trace_id


@pytest.mark.django_db
def test_access_line_shape_without_query_string_or_body(client, log_output):
    log_format, stream = log_output
    response = client.post(f"/?bsn={BSN}&token=geheim", {"pgn": BSN})
    client.get(f"/?persoonsgebonden_nummer={BSN}")
    trace_id = response["X-Request-ID"]
    text = stream.getvalue()
    assert BSN not in text and "geheim" not in text and "?" not in text
    if log_format == "text":
        assert f"[{trace_id}] POST / " in text
        return
    access = [line for line in json_lines(stream) if line["logger"] == "diplomaregister.access"]
    line = access[0]
    assert set(line) == {"time", "level", "logger", "message", "trace_id", "method", "path",
                         "route", "status", "duration_ms"}  # fmt: skip
    assert line["trace_id"] == trace_id
    assert (line["method"], line["path"], line["status"]) == ("POST", "/", response.status_code)
    assert line["time"].endswith("+00:00") and isinstance(line["duration_ms"], float)


@pytest.mark.django_db
def test_secret_path_segments_are_not_logged(client, failing_urls, log_output):
    log_format, stream = log_output
    client.get("/codes/K7Q2-M4XP-9ZRT")
    client.get(f"/delen/{'a' * 43}/")  # an unknown share token: 404
    client.get(f"/bestaat/{BSN}/")
    text = stream.getvalue()
    assert "K7Q2" not in text and "a" * 43 not in text and BSN not in text
    assert "/codes/{code}" in text and "/bestaat/{redacted}/" in text


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/fout/500/", "/api/v1/fout/500/"])
def test_500_logs_frames_not_message_and_answers_with_trace_id(failing_urls, log_output, url):
    log_format, stream = log_output
    client = Client(raise_request_exception=False)
    response = client.get(url + "?bsn=" + BSN)
    assert response.status_code == 500
    trace_id = response["X-Request-ID"]
    if url.startswith("/api/"):
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["trace_id"] == trace_id and response.json()["status"] == 500
    else:
        page = response.content.decode()
        assert f"<code>{trace_id}</code>" in page and "utrecht-alert" in page
        assert int(response["Content-Length"]) == len(response.content)
    text = stream.getvalue()
    assert BSN not in text and "duplicate key" not in text
    if log_format == "text":
        assert "builtins.ValueError (message not logged)" in text and "in _fail" in text
        assert f"[{trace_id}]" in text
        return
    errors = [line for line in json_lines(stream) if line["logger"] == "django.request"]
    assert len(errors) == 1
    error = errors[0]
    assert error["level"] == "ERROR" and error["trace_id"] == trace_id
    assert error["exc_type"] == "builtins.ValueError"
    assert any("in _fail" in frame for frame in error["frames"])
    assert error["message"] == f"Internal Server Error: {url}"


def test_development_server_request_line_loses_its_query_string():
    record = logging.LogRecord("django.server", logging.WARNING, __file__, 1, '"%s" %s %s',
                               (f"GET /digid-mock/login/?bsn={BSN} HTTP/1.1", "404", "179"), None)  # fmt: skip
    SafePathFilter().filter(record)
    assert record.getMessage() == '"GET /digid-mock/login/ HTTP/1.1" 404 179'
