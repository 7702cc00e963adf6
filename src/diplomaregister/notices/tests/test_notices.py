"""Notices: a holder who opted in gets an e-mail for an art. 53 look-up within a minute (the
worker's tick, every 30 s), once a day if they prefer; institutions hear of correction requests."""

import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command

from diplomaregister.notices import services, tasks
from diplomaregister.notices.models import Notice
from diplomaregister.portal_institution.corrections import submit_request
from diplomaregister.portal_institution.models import StaffMembership
from diplomaregister.register.models import Diploma
from diplomaregister.verstrekking.engine import Requester, disclose, numbers_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _look_up(world, basis="art53_1"):
    staff = Requester(kind="organisation", organisation=world.university, label="Universiteit")
    return disclose(requester=staff, basis=basis, subject=world.holder.pgn,
                    channel="institution_portal", fields=("kind", "date_of_issue"))  # fmt: skip


def _holder_user(world, **options):
    user = get_user_model().objects.create(username="digid-test")
    services.opt_in(user, numbers_of(world.holder.pgn), email="anna@example.org", **options)
    return user


def test_art53_look_up_is_mailed_within_a_minute(world, clock):
    _holder_user(world, frequency="each", language="nl")
    _look_up(world)
    clock.shift(dt.timedelta(seconds=30))  # the worker's next tick
    call_command("notices_worker", "--once", stdout=StringIO())
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["anna@example.org"]
    assert "Universiteit Testdam" in message.body and "art. 53 lid 1" in message.body
    assert "gegevens" in message.subject  # Dutch, the holder's language
    assert Notice.objects.get().sent_at is not None
    call_command("notices_worker", "--once", stdout=StringIO())
    assert len(mail.outbox) == 1  # sent once


def test_no_notice_for_own_views_other_people_or_before_opting_in(world, clock):
    _look_up(world)  # before opting in
    user = _holder_user(world, frequency="each", language="en")
    own = Requester(kind="holder", label="Mijn diploma's")
    disclose(requester=own, basis="holder", subject=world.holder.pgn, channel="portal",
             fields=("kind",))  # fmt: skip
    staff = Requester(kind="organisation", organisation=world.other_university, label="Elders")
    disclose(requester=staff, basis="art53_2", subject=world.stranger.pgn,
             channel="institution_portal", fields=("kind",))  # fmt: skip
    tasks.tick.enqueue()
    assert mail.outbox == [] and services.notices_of(user) == []


def test_daily_digest_and_opting_out(world, clock):
    user = _holder_user(world, frequency="daily", language="en")
    _look_up(world)
    _look_up(world)
    tasks.tick.enqueue()
    assert mail.outbox == [] and len(services.notices_of(user)) == 2
    tasks.daily.enqueue()
    assert len(mail.outbox) == 1 and "2 times" in mail.outbox[0].subject
    _look_up(world)
    tasks.daily.enqueue()  # not twice a day
    assert len(mail.outbox) == 1
    clock.shift(dt.timedelta(days=1))
    tasks.daily.enqueue()
    assert len(mail.outbox) == 2
    services.opt_out(user)
    _look_up(world)
    clock.shift(dt.timedelta(days=1))
    tasks.tick.enqueue()
    tasks.daily.enqueue()
    assert len(mail.outbox) == 2


def test_institution_hears_of_a_new_correction_request(world, clock):
    staff = get_user_model().objects.create(username="alice", email="alice@uni.example")
    StaffMembership.objects.create(user=staff, organisation=world.university)
    diploma = Diploma.objects.get(person=world.holder, organisation=world.university)
    submit_request(person=world.holder, diploma=diploma, message="Mijn naam is verkeerd gespeld.")
    tasks.tick.enqueue()
    assert [m.to for m in mail.outbox] == [["alice@uni.example"]]
    assert diploma.record_key in mail.outbox[0].body
    assert "verkeerd gespeld" not in mail.outbox[0].body  # no personal text in mail
    tasks.tick.enqueue()
    assert len(mail.outbox) == 1


def test_portal_page_opts_in_and_lists_notices(client, world, clock):
    response = client.get(f"/digid/acs/?bsn={world.holder.pgn}&next=/mijn/")
    assert response.status_code == 302
    page = client.get("/mijn/meldingen/").content.decode()
    assert "Meldingen" in page
    bad = client.post("/mijn/meldingen/", {"email": "geen-adres", "frequency": "each"})
    assert "geldig e-mailadres" in bad.content.decode()
    client.post("/mijn/meldingen/", {"email": "anna@example.org", "frequency": "each"})
    _look_up(world)
    tasks.tick.enqueue()
    page = client.get("/mijn/meldingen/").content.decode()
    assert "Universiteit Testdam" in page and "Gemaild" in page
    client.post("/mijn/meldingen/", {"action": "stop"})
    assert "Meldingen staan aan" not in client.get("/mijn/meldingen/").content.decode()


def test_young_log_rows_are_read_again_until_they_settle(world, clock):
    """The log's parallel chains commit out of id order: the cursor stays before rows younger
    than SETTLE, so a row committed late with a lower id is still noticed, and none twice."""
    from diplomaregister.notices.models import ScanCursor

    _holder_user(world, frequency="each", language="nl")
    entry = _look_up(world).log_entry
    tasks.tick.enqueue()
    assert len(mail.outbox) == 1 and ScanCursor.objects.get(name="log").position < entry.pk
    clock.shift(services.SETTLE + dt.timedelta(seconds=1))
    tasks.tick.enqueue()
    assert len(mail.outbox) == 1 and ScanCursor.objects.get(name="log").position >= entry.pk
