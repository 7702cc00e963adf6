"""A seeded schemathesis pass over the committed docs/openapi.yaml against a live test server, with
real tokens of each role: no server errors, no undocumented statuses, responses as documented."""

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from diplomaregister.organisations.auth import create_client
from diplomaregister.organisations.factories import OrganisationFactory

SCHEMA = schemathesis.openapi.from_path(
    Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"
)
ROLE_OF = {  # which role a client needs per operation (by path prefix); others get a recipient
    "/leveringen": "deliver", "/diplomas": "deliver", "/inschrijvingen": "deliver",
    "/resultaten": "deliver", "/termijnbewaking": "deliver", "/correctieverzoeken": "deliver",
    "/disclosure-log": "supervisor", "/brp": "brp",
}  # fmt: skip


@pytest.fixture
def tokens(transactional_db):
    orgs = {
        "deliver": OrganisationFactory(kind="vo_school"),
        "recipient": OrganisationFactory(kind="uwv", brin="", code="UWV01"),
        "supervisor": OrganisationFactory(kind="inspectie", brin="", code="INSP1"),
        "brp": OrganisationFactory(kind="minister_ocw", brin="", code="BRP01"),
    }
    return {role: create_client(org, f"st-{role}", [role])[1] for role, org in orgs.items()}


def _role(path: str) -> str:
    return next((role for prefix, role in ROLE_OF.items() if path.startswith(prefix)), "recipient")


@pytest.mark.slow
@SCHEMA.parametrize()
@settings(max_examples=12, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))  # fmt: skip
def test_api_answers_as_documented(case, live_server, tokens):
    token = tokens[_role(case.path)]
    case.call_and_validate(
        base_url=f"{live_server.url}/api/v1", headers={"Authorization": f"Bearer {token}"},
        checks=[not_a_server_error, status_code_conformance, content_type_conformance,
                response_schema_conformance],
    )  # fmt: skip
