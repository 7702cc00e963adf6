"""For every channel, the fields in the log row are the fields in the rendered output: each logged
value can be found in what the recipient got, and identifying values that were not logged cannot."""

import datetime as dt

import pytest
from django.utils import formats, timezone, translation
from django.utils.html import escape
from rest_framework.test import APIClient

from diplomaregister.abonnementen import feeds
from diplomaregister.abonnementen.models import Subscription
from diplomaregister.core.keys import keyed_hash
from diplomaregister.extracts.testing import use_dev_pki
from diplomaregister.law.loaders import document_kinds
from diplomaregister.logboek.models import LogEntry
from diplomaregister.organisations.auth import create_client
from diplomaregister.portal_holder.services import create_share_link

pytestmark = pytest.mark.django_db

# How a logged value shows in a page; fields not listed here are checked in JSON channels only.
HTML_VISIBLE = {"family_name", "given_names", "birth_date", "organisation_name", "date_of_issue",
                "kind", "pgn", "programme_name", "withdrawal_reason", "programme_code",
                "organisation_code", "exam_date", "ho_degree", "vo_profile"}  # fmt: skip


def _last(**filters):
    return LogEntry.objects.filter(outcome="disclosed", **filters).order_by("-seq").first()


def _shown(value, field):
    if field == "kind":
        return document_kinds()[value].name_nl
    if isinstance(value, dt.date):
        return formats.date_format(value, "j F Y")
    return str(value)


def _identity(world, person):
    identity = person.versions.order_by("-version").first()
    return {"pgn": person.pgn, "family_name": identity.family_name,
            "birth_date": formats.date_format(identity.birth_date, "j F Y")}  # fmt: skip


def _check_page(html, entry, values, identity):
    """Each logged, visible value is in the page; identifying values not logged are not."""
    for field in set(entry.fields) & HTML_VISIBLE:
        shown = {_shown(v, field) for v in values.get(field, []) if v not in ("", None)}
        if shown:  # an empty value (no withdrawal reason) shows as nothing
            assert any(escape(s) in html for s in shown), field
    for field, value in identity.items():
        if field not in entry.fields:
            assert value not in html, f"{field} shown but not logged"


def _values(disclosed_subject, records):
    out = {k: [v] for k, v in disclosed_subject.items()}
    for record in records:
        for k, v in record.items():
            out.setdefault(k, []).append(v)
    return out


def test_recipient_api(world):
    _c, token = create_client(world.org("minister_vws", "CIBG"), "t", ["recipient"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    body = api.post("/api/v1/verstrekkingen/diplomas", {"basis": "art50",
                    "persoonsgebonden_nummer": world.holder.pgn}, format="json").json()  # fmt: skip
    got = set(body["subject"]) | {k for r in body["records"] for k in r}
    assert set(_last(channel="api").fields) == got


def test_feed(world, clock):
    clock.shift(dt.timedelta(minutes=5))
    subscription = Subscription.objects.create(organisation=world.org("uwv", "UWV"), basis="art56",
                                               created_at=timezone.now())  # fmt: skip
    page = feeds.page(subscription, None)
    rows = {e.subject_ref: e for e in LogEntry.objects.filter(channel="feed")}
    by_person = {}
    for item in page.items:
        by_person.setdefault(item["person"]["pgn"], []).append(item)
    assert len(rows) == len(by_person) == 2  # one row per person disclosed
    for pgn, items in by_person.items():
        entry = rows[keyed_hash("log-subject", pgn)]
        assert set(entry.fields) == {k for i in items for k in (*i["person"], *i["document"])}
        assert entry.record_count == len(items)


def test_share_page(client, world, settings, dev_pki):
    use_dev_pki(settings, dev_pki)
    link, token = create_share_link(
        world.holder, list(world.holder.diplomas.values_list("pk", flat=True))[:2]
    )
    with translation.override("nl"):
        html = client.get(f"/delen/{token}/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    entry = _last(channel="share")
    from diplomaregister.verstrekking.engine import Requester, disclose

    again = disclose(requester=Requester(kind="public"), basis="holder_share", subject=world.holder,
                     channel="share", diploma_ids=link.diploma_ids, fields=entry.fields)  # fmt: skip
    with translation.override("nl"):
        _check_page(
            html, entry, _values(again.subject, again.records), _identity(world, world.holder)
        )
    assert "pgn" not in entry.fields and world.holder.pgn not in html


@pytest.mark.parametrize("basis", ["art53_1", "art27"])
def test_institution_inzage(client, world, basis):
    from diplomaregister.portal_institution.tests.test_portal import _login, _staff

    _login(client, _staff(world.university, "inzage"))
    with translation.override("nl"):
        html = client.post("/instelling/inzage/", {"pgn": world.holder.pgn, "basis": basis},
                           HTTP_ACCEPT_LANGUAGE="nl").content.decode()  # fmt: skip
    entry = _last(channel="institution_portal")
    assert entry.basis == basis
    from diplomaregister.verstrekking.engine import Requester, disclose

    again = disclose(requester=Requester(kind="organisation", organisation=world.university),
                     basis=basis, subject=world.holder.pgn, channel="api", fields=entry.fields)  # fmt: skip
    with translation.override("nl"):
        _check_page(
            html, entry, _values(again.subject, again.records), _identity(world, world.holder)
        )
    if basis == "art27":  # the article gives the number only: no name on the page
        assert set(entry.fields) == {"pgn"}


def test_holder_home(client, world):
    client.get(f"/digid/acs/?bsn={world.holder.pgn}&next=/mijn/")
    with translation.override("nl"):
        html = client.get("/mijn/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    entry = _last(channel="portal")
    from diplomaregister.verstrekking.engine import Requester, disclose

    again = disclose(requester=Requester(kind="holder"), basis="holder", subject=world.holder.pgn,
                     channel="portal", fields=entry.fields)  # fmt: skip
    with translation.override("nl"):
        _check_page(
            html, entry, _values(again.subject, again.records), _identity(world, world.holder)
        )
    assert "pgn" not in entry.fields and world.holder.pgn not in html
