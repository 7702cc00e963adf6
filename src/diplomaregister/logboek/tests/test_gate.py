"""The log row of a disclosure in a request is sent ahead and committed while the answer is
rendered, and the answer leaves only after it (logboek/gate.py). Real PostgreSQL, committed data
(the log session is a connection of its own and cannot see a test's open transaction)."""

from __future__ import annotations

import threading

import psycopg
import pytest
from django.db import connection, connections
from django.test import Client
from django.test.signals import template_rendered

from diplomaregister.logboek import chain, gate, services
from diplomaregister.logboek.models import LogEntry
from diplomaregister.logboek.testing import log_refusing_inserts
from diplomaregister.verstrekking.engine import Requester, disclose

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the log session is libpq's"),
]


def _holder_rows(world) -> int:
    return LogEntry.objects.filter(
        subject_ref=services.subject_ref(world.holder.pgn), recipient_kind="holder"
    ).count()


def _logged_in(world, **kwargs) -> Client:
    client = Client(**kwargs)
    client.get(f"/digid/acs/?bsn={world.holder.pgn}&next=/mijn/")
    return client


def test_the_page_renders_while_its_row_commits_and_leaves_after_it(world, monkeypatch):
    services._create_heads()  # (a flushed database has none: the first append creates them)
    events, receive = [], gate.Session.receive
    monkeypatch.setattr(services, "_append_postgresql",
                        lambda *a, **k: events.append("appended on the way"))  # fmt: skip
    monkeypatch.setattr(gate.Session, "receive",
                        lambda self: events.append("commit awaited") or receive(self))  # fmt: skip
    client, before = _logged_in(world), _holder_rows(world)
    template_rendered.connect(rendered := lambda **kw: events.append("rendered"))
    try:
        response = client.get("/mijn/", HTTP_ACCEPT_LANGUAGE="nl")
    finally:
        template_rendered.disconnect(rendered)
    assert response.status_code == 200 and "Jansen" in response.content.decode()
    assert "rendered" in events and events[-1] == "commit awaited"  # the page first, then the row
    assert "appended on the way" not in events
    assert _holder_rows(world) == before + 1  # committed when the answer came
    row = LogEntry.objects.filter(recipient_kind="holder").latest("id")
    rows = LogEntry.objects.filter(chain=row.chain).order_by("seq")
    assert chain.verify(rows, row.chain) is None  # hashed and linked as a direct append is
    assert sorted(row.fields) == row.fields and row.outcome == "disclosed"


def test_the_answer_waits_at_the_gate_while_its_row_cannot_be_committed(world):
    client, before = _logged_in(world), _holder_rows(world)
    blocker = psycopg.connect(**connection.get_connection_params())
    try:
        with blocker.cursor() as cursor:  # another session holds every chain: no append can end
            for number in range(1, services.CHAINS + 1):
                cursor.execute("SELECT pg_advisory_lock(%s, %s)", [services.CHAIN_LOCK, number])
        got: dict[str, object] = {}

        def serve() -> None:
            try:
                got["response"] = client.get("/mijn/", HTTP_ACCEPT_LANGUAGE="nl")
            finally:
                connections.close_all()

        request = threading.Thread(target=serve)
        request.start()
        request.join(1.5)
        assert request.is_alive(), "the answer left before its log row was committed"
        assert "response" not in got and _holder_rows(world) == before
        with blocker.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock_all()")
        request.join(20)
        assert got["response"].status_code == 200  # type: ignore[attr-defined]
        assert _holder_rows(world) == before + 1
    finally:
        blocker.close()


def test_no_answer_leaves_when_its_row_fails(world):
    client, before = _logged_in(world, raise_request_exception=False), _holder_rows(world)
    with log_refusing_inserts():
        response = client.get("/mijn/", HTTP_ACCEPT_LANGUAGE="nl")
    body = response.content.decode()
    assert response.status_code == 500
    assert "Jansen" not in body and "Anna" not in body and world.holder.pgn not in body
    assert _holder_rows(world) == before
    # the writer recovers: the next page is logged and served
    assert client.get("/mijn/", HTTP_ACCEPT_LANGUAGE="nl").status_code == 200
    assert _holder_rows(world) == before + 1


def test_outside_a_request_the_row_is_committed_before_disclose_returns(world):
    result = disclose(requester=Requester(kind="holder"), basis="holder",
                      subject=world.holder.pgn, channel="portal")  # fmt: skip
    assert isinstance(result.log_entry, LogEntry) and result.log_entry.pk
    assert LogEntry.objects.filter(pk=result.log_entry.pk).exists()
