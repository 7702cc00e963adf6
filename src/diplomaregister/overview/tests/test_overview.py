"""The operator overview: only a verified operator; deliveries and disclosures per day and per
basis, late institutions and the chain's state, as charts and tables."""

import datetime as dt

import pytest
from django.utils import timezone

from diplomaregister.core.tests.conftest import verify
from diplomaregister.levering.models import Delivery
from diplomaregister.register import services
from diplomaregister.register.factories import DiplomaDataFactory, PersonDataFactory
from diplomaregister.verstrekking.engine import Requester, disclose

pytestmark = pytest.mark.django_db


def test_only_a_verified_operator(client, admin_user, django_user_model):
    assert client.get("/beheer/overzicht/").status_code == 302
    client.force_login(admin_user)  # no second factor
    assert client.get("/beheer/overzicht/").status_code == 403
    client.force_login(django_user_model.objects.create(username="x"))
    assert client.get("/beheer/overzicht/").status_code == 403


def test_overview_shows_days_bases_late_institutions_and_chain(client, admin_user, world, clock):
    staff = Requester(kind="organisation", organisation=world.university, label="Uni")
    disclose(requester=staff, basis="art53_1", subject=world.holder.pgn,
             channel="institution_portal", fields=("kind",))  # fmt: skip
    Delivery.objects.create(organisation=world.school, channel="api", received_at=timezone.now(),
                            created=3)  # fmt: skip
    services.record_diploma(PersonDataFactory(), DiplomaDataFactory(date_of_issue=dt.date(2025, 1, 2)),
                            organisation=world.school, recorded_at=timezone.now())  # fmt: skip
    verify(client, admin_user)
    page = client.get("/beheer/overzicht/").content.decode()
    assert page.count('<svg class="chart" role="img"') == 4
    assert "art. 53 lid 1" in page and "De hashketens zijn intact." in page
    assert "Stedelijk Gymnasium" in page  # 0 % of this year's documents on time
    english = client.get("/beheer/overzicht/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The hash chains are intact." in english
