"""Every API operation is covered: anonymous callers get 401, callers without a role see nothing.

The operations are read from the OpenAPI schema, so a new endpoint is covered (or fails) automatically.
Per-role behaviour of each endpoint is tested in the apps' test_api modules.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

PUBLIC = {("get", "/api/v1/health")}
# What a signed-in user without any role gets (nothing of anyone else's, never a server error).
NO_ROLE_OK = {200, 201, 400, 403, 404}


def _operations(client: Any) -> list[tuple[str, str]]:
    schema = client.get("/api/v1/openapi.json").json()
    return [(m, p) for p, item in schema["paths"].items() for m in item if m in ("get", "post", "patch", "delete")]


def _url(path: str, world: Any) -> str:
    values = {"enterprise_id": world.ent_lqy.pk, "unit_id": world.cc_lqy.pk, "code": "510112", "token_id": 999_999}
    return re.sub(r"\{(\w+)\}", lambda m: str(values.get(m.group(1), 1)), path)


@pytest.mark.django_db
def test_every_operation_requires_authentication(client: Any, world: Any) -> None:
    ops = _operations(client)
    assert len(ops) >= 20
    for method, path in ops:
        response = getattr(client, method)(_url(path, world), content_type="application/json")
        expected = 200 if (method, path) in PUBLIC else 401
        assert response.status_code == expected, (method, path, response.status_code)
        if expected == 401:
            assert response.json() == {"detail": "Authentication required"}


@pytest.mark.django_db
def test_a_user_without_role_reaches_nothing(client: Any, world: Any) -> None:
    from qifu.organisations.services import token_create

    _token, raw = token_create(actor=world.nobody, name="t")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    for method, path in _operations(client):
        response = getattr(client, method)(_url(path, world), content_type="application/json", **headers)
        assert response.status_code in NO_ROLE_OK, (method, path, response.status_code)
        if method == "get" and path.startswith("/api/v1/enterprises") and response.status_code == 200:
            body = response.json()
            assert body.get("items", []) == [] if isinstance(body, dict) else body == []
        if path.startswith("/api/v1/enterprises/{enterprise_id}"):
            # reads say "not found"; writes with an empty body fail validation before any lookup
            assert response.status_code in ((404,) if method == "get" else (400, 404)), (method, path)
