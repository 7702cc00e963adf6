"""The committed OpenAPI document (docs/openapi.yaml) is what the code generates."""

from pathlib import Path

from django.core.management import call_command

COMMITTED = Path(__file__).resolve().parents[4] / "docs" / "openapi.yaml"


def test_committed_openapi_document_is_current(tmp_path):
    fresh = tmp_path / "openapi.yaml"
    call_command("spectacular", file=str(fresh), validate=True, lang="en")  # the API speaks English
    assert COMMITTED.read_text() == fresh.read_text(), (
        "docs/openapi.yaml is stale: run `make openapi` "
        "(diplomaregister spectacular --file docs/openapi.yaml --validate --lang en)"
    )


def test_every_operation_is_authenticated_and_versioned():
    import yaml

    schema = yaml.safe_load(COMMITTED.read_text())
    assert schema["servers"][0]["url"].endswith("/api/v1")
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert operation.get("security"), f"{method} {path} has no security requirement"
            assert "400" in operation["responses"]
