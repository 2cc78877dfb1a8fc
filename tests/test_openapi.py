"""The API describes itself: a valid OpenAPI document, every operation tagged and summarised, docs served."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from openapi_spec_validator import validate

HTTP_METHODS = {"get", "put", "post", "delete", "patch", "options", "head", "trace"}


@pytest.fixture
def spec(db: Any) -> dict[str, Any]:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, op)
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if method in HTTP_METHODS
    ]


def test_openapi_document_is_valid(spec: dict[str, Any]) -> None:
    validate(spec)
    assert spec["openapi"].startswith("3.")


def test_every_operation_has_a_tag_and_a_summary(spec: dict[str, Any]) -> None:
    missing = [
        f"{method} {path}"
        for method, path, op in operations(spec)
        if not op.get("tags") or not (op.get("summary") or op.get("description"))
    ]
    assert missing == []


def test_operation_ids_are_unique(spec: dict[str, Any]) -> None:
    ids = [op["operationId"] for _m, _p, op in operations(spec)]
    assert len(ids) == len(set(ids))


def test_the_foundation_endpoints_are_described(spec: dict[str, Any]) -> None:
    described = {(method, path) for method, path, _op in operations(spec)}
    expected = {
        ("GET", "/api/v1/me"),
        ("GET", "/api/v1/regions"),
        ("GET", "/api/v1/regions/{code}"),
        ("GET", "/api/v1/industries"),
        ("GET", "/api/v1/industries/{code}"),
        ("GET", "/api/v1/units"),
        ("GET", "/api/v1/units/{unit_id}"),
        ("GET", "/api/v1/tokens"),
        ("POST", "/api/v1/tokens"),
        ("DELETE", "/api/v1/tokens/{token_id}"),
        ("GET", "/api/v1/enterprises"),
        ("POST", "/api/v1/enterprises"),
        ("GET", "/api/v1/enterprises/{enterprise_id}"),
        ("PATCH", "/api/v1/enterprises/{enterprise_id}"),
        ("GET", "/api/v1/enterprises/{enterprise_id}/assignments"),
        ("POST", "/api/v1/enterprises/{enterprise_id}/commissioner"),
        ("POST", "/api/v1/enterprises/{enterprise_id}/contacts"),
        ("GET", "/api/v1/enterprises/{enterprise_id}/events"),
    }
    assert expected <= described


def test_operations_require_authentication(spec: dict[str, Any]) -> None:
    schemes = set(spec["components"]["securitySchemes"])
    assert {"TokenAuth", "SessionAuth"} <= schemes
    open_operations = {f"{m} {p}" for m, p, op in operations(spec) if not op.get("security")}
    assert open_operations <= {"GET /api/v1/health"}


def test_docs_page_is_html(db: Any) -> None:
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


def test_error_answers_are_documented(client) -> None:  # type: ignore[no-untyped-def]
    schema = client.get("/api/v1/openapi.json").json()
    assert "Error" in schema["components"]["schemas"]
    patch = schema["paths"]["/api/v1/enterprises/{enterprise_id}"]["patch"]["responses"]
    assert {"200", "400", "401", "403", "404", "409"} <= set(patch)
