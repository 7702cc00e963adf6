"""drf-spectacular post-processing: what the Dutch API Design Rules ask of every operation
(standards/api-design-rules-linter.yaml), applied once here instead of on each view:
an ``API-Version`` header on every success response, a problem+json 400 on every operation, and
the statuses every operation can answer (401, 403, 429; 404 with a path parameter; 413 and 422 for
writes) with problem+json bodies, so no status the API returns is undocumented."""

from __future__ import annotations

from typing import Any

PROBLEM = {
    "type": "object",
    "description": "RFC 9457 problem details; `invalid-params` name field, rule and reason.",
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "invalid-params": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "code": {"type": "string"},
                    "reason": {"type": "string"},
                    "record": {"type": "string"},
                },
            },
        },
    },
}


_EXTREMES = {-(2**31), 2**31 - 1, -(2**63), 2**63 - 1}


def _fix_examples(node: Any) -> None:
    """drf-spectacular's cursor-pagination example ends in a stray quote; keep examples valid.
    Integer bounds follow the database backend (32-bit on PostgreSQL, 64-bit on SQLite): drop the
    backend's extremes so the committed document is the same whichever database generated it."""
    if isinstance(node, dict):
        if node.get("minimum") in _EXTREMES and node.get("maximum") in _EXTREMES:
            node.pop("minimum")
            node.pop("maximum")
            node.pop("format", None)
        example = node.get("example")
        if node.get("format") == "uri" and isinstance(example, str):
            node["example"] = example.rstrip('"')
        for value in node.values():
            _fix_examples(value)
    elif isinstance(node, list):
        for value in node:
            _fix_examples(value)


_STATUSES = {
    "401": "No or an invalid, expired or revoked token (problem details).",
    "403": "The token's role does not allow this, or nothing may be disclosed (problem details).",
    "404": "Not found, or not yours (problem details).",
    "413": "The request body is too large (problem details).",
    "422": "The record breaks one or more rules (problem details).",
    "429": "Too many requests; see Retry-After (problem details).",
    "503": "The register cannot store this now; nothing was written, retry later (problem details).",
}


def _problem(description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}  # fmt: skip


def postprocess(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    version = result.get("info", {}).get("version", "")
    components = result.setdefault("components", {})
    components.setdefault("schemas", {})["Problem"] = PROBLEM
    header = {"description": "Full version of the API (API Design Rules, version-header).",
              "schema": {"type": "string", "example": version}}  # fmt: skip
    bad_request = {
        "description": "The request or a record breaks a rule (problem details).",
        "content": {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
        },
    }
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            responses.setdefault("400", bad_request)
            for code, text in _STATUSES.items():
                if code == "404" and "{" not in path:
                    continue
                if code in ("413", "422", "503") and method not in ("post", "put", "patch"):
                    continue
                responses.setdefault(code, _problem(text))
            for code, response in responses.items():
                if str(code)[0] in "23":
                    response.setdefault("headers", {})["API-Version"] = header
    _fix_examples(components.get("schemas", {}))
    return result
