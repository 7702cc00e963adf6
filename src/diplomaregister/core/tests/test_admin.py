"""Operator admin: read-mostly pages for the domain models load, and nothing can be added there."""

import pytest

pytestmark = pytest.mark.django_db

READ_ONLY = ["levering/delivery", "logboek/logentry", "abonnementen/subscription",
             "portal_institution/correctionrequest", "register/diploma", "register/person"]  # fmt: skip


@pytest.mark.parametrize("path", READ_ONLY)
def test_read_only_admin_pages(admin_client, path):
    response = admin_client.get(f"/admin/{path}/")
    assert response.status_code == 200
    assert admin_client.get(f"/admin/{path}/add/").status_code == 403
