"""The organisation endpoints: /me, regions, industries, units and API tokens."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from qifu.core.models import Event
from qifu.core.testing.factories import SectionFactory
from qifu.organisations import services
from qifu.organisations.models import ApiToken
from qifu.organisations.tokens import token_digest

API = "/api/v1"


def session(user: Any, **kwargs: Any) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def codes(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["code"] for item in response.json()["items"]]


# --- /me ---------------------------------------------------------------------------------------


def test_me_describes_the_caller(world: Any) -> None:
    section = SectionFactory(unit=world.bureau_lqy, name="Service section")
    world.commissioner.section = section
    world.commissioner.phone = "13900000000"
    world.commissioner.save()
    body = session(world.commissioner).get(f"{API}/me").json()
    assert body["id"] == world.commissioner.pk
    assert body["username"] == "comm"
    assert body["phone"] == "13900000000"
    assert body["roles"] == [
        {
            "role": "commissioner",
            "unit_id": world.bureau_lqy.pk,
            "unit_name": "LQY economic bureau",
            "unit_kind": "economic_bureau",
        }
    ]
    assert body["unit"] == {
        "id": world.bureau_lqy.pk,
        "name": "LQY economic bureau",
        "kind": "economic_bureau",
    }
    assert body["section"] == {"id": section.pk, "name": "Service section"}
    assert "enterprise.add" not in body["capabilities"]


def test_me_for_command_center_and_contact(world: Any) -> None:
    assert "enterprise.add" in session(world.cc_staff).get(f"{API}/me").json()["capabilities"]
    body = session(world.contact_user).get(f"{API}/me").json()
    assert body["roles"] == [
        {"role": "enterprise_contact", "unit_id": None, "unit_name": None, "unit_kind": None}
    ]
    assert body["unit"] is None and body["section"] is None


def test_me_without_credentials_is_401(world: Any) -> None:
    response = Client().get(f"{API}/me")
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication required"}


# --- regions and industries --------------------------------------------------------------------


def test_regions_filtered_by_parent_level_and_name(world: Any) -> None:
    client = session(world.contact_user)
    inside_chengdu = codes(client.get(f"{API}/regions?parent=510100&page_size=200"))
    assert {"510104", "510112"} <= set(inside_chengdu)
    assert all(code.startswith("5101") for code in inside_chengdu)
    provinces = codes(client.get(f"{API}/regions?level=1&page_size=200"))
    assert "510000" in provinces and "510100" not in provinces
    assert codes(client.get(f"{API}/regions?q=龙泉驿")) == ["510112"]
    assert client.get(f"{API}/regions?level=9").status_code == 400


def test_region_pages_are_capped_at_200(world: Any) -> None:
    body = session(world.admin).get(f"{API}/regions?page_size=5000").json()
    assert body["count"] > 200
    assert len(body["items"]) == 200


def test_region_detail_with_its_parents(world: Any) -> None:
    body = session(world.tf_member).get(f"{API}/regions/510112").json()
    assert body["code"] == "510112" and body["level"] == 3 and body["parent_code"] == "510100"
    assert [p["code"] for p in body["parents"]] == ["510000", "510100"]
    assert session(world.tf_member).get(f"{API}/regions/510000").json()["parents"] == []
    missing = session(world.tf_member).get(f"{API}/regions/999999")
    assert missing.status_code == 404 and missing.json() == {"detail": "Not found"}


def test_industries(world: Any) -> None:
    client = session(world.commissioner)
    sections = codes(client.get(f"{API}/industries?level=1"))
    assert "C" in sections and "36" not in sections
    manufacturing = codes(client.get(f"{API}/industries?parent=c&page_size=200"))
    assert {"14", "36"} <= set(manufacturing)
    division = client.get(f"{API}/industries/36").json()
    assert (
        division["name"] == "汽车制造业" and division["parent"]["code"] == "C" and division["children"] == []
    )
    section = client.get(f"{API}/industries/c").json()
    assert section["parent"] is None and "36" in {c["code"] for c in section["children"]}
    assert client.get(f"{API}/industries/99").status_code == 404


def test_reference_data_needs_credentials(world: Any) -> None:
    assert Client().get(f"{API}/regions").status_code == 401
    assert Client().get(f"{API}/industries/36").status_code == 401


# --- units -------------------------------------------------------------------------------------


def test_units_filtered_by_kind_region_and_name(world: Any) -> None:
    client = session(world.commissioner)
    ids = lambda r: {u["id"] for u in r.json()["items"]}  # noqa: E731
    assert ids(client.get(f"{API}/units?kind=command_center")) == {world.cc_lqy.pk, world.cc_jj.pk}
    assert ids(client.get(f"{API}/units?region=510112")) == {
        world.cc_lqy.pk,
        world.bureau_lqy.pk,
        world.work_team.pk,
    }
    assert ids(client.get(f"{API}/units?q=LQY")) == {world.cc_lqy.pk, world.bureau_lqy.pk}
    item = next(
        u
        for u in client.get(f"{API}/units?kind=command_center").json()["items"]
        if u["id"] == world.cc_lqy.pk
    )
    assert item["region_code"] == "510112" and "龙泉驿" in item["region_name"]


def test_unit_detail_lists_members_only_to_those_who_may_see_them(world: Any) -> None:
    SectionFactory(unit=world.cc_lqy, name="Dispatch")
    url = f"{API}/units/{world.cc_lqy.pk}"
    own = session(world.cc_staff).get(url).json()
    assert [s["name"] for s in own["sections"]] == ["Dispatch"]
    assert own["member_count"] == 1
    assert [m["username"] for m in own["members"]] == ["cc_lqy"]
    assert [m["username"] for m in session(world.admin).get(url).json()["members"]] == ["cc_lqy"]
    # Another unit's official and an enterprise contact see the unit, but not its people.
    for outsider in (world.commissioner, world.contact_user):
        body = session(outsider).get(url).json()
        assert body["member_count"] == 1 and body["members"] == []
    assert session(world.cc_staff).get(f"{API}/units/987654").status_code == 404


# --- tokens ------------------------------------------------------------------------------------


def test_token_lifecycle(world: Any) -> None:
    client = session(world.commissioner)
    created = client.post(f"{API}/tokens", {"name": "my script"}, content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    raw = body["token"]
    assert len(raw) >= 40 and body["prefix"] == raw[:8] and body["revoked_at"] is None
    stored = ApiToken.objects.get(pk=body["id"])
    assert stored.user == world.commissioner and stored.digest == token_digest(raw)
    assert raw not in (stored.digest, stored.prefix)

    listed = client.get(f"{API}/tokens").json()
    assert [t["id"] for t in listed] == [body["id"]]
    assert "token" not in listed[0]

    with_token = Client(headers={"Authorization": f"Bearer {raw}"})
    assert with_token.get(f"{API}/me").json()["username"] == "comm"
    stored.refresh_from_db()
    assert stored.last_used_at is not None

    revoked = with_token.delete(f"{API}/tokens/{body['id']}")
    assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None
    assert with_token.get(f"{API}/me").status_code == 401
    assert list(
        Event.objects.filter(target_type="organisations.apitoken")
        .values_list("code", flat=True)
        .order_by("id")
    ) == [
        "token.created",
        "token.revoked",
    ]
    assert all(raw not in str(e.data) for e in Event.objects.all())


def test_tokens_are_private_to_their_owner(world: Any) -> None:
    token, _raw = services.token_create(actor=world.commissioner, name="mine")
    other = session(world.admin)
    assert other.get(f"{API}/tokens").json() == []
    response = other.delete(f"{API}/tokens/{token.pk}")
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_token_needs_a_name(world: Any) -> None:
    client = session(world.commissioner)
    for body in ({}, {"name": ""}, {"name": "   "}, {"name": "x" * 65}):
        response = client.post(f"{API}/tokens", body, content_type="application/json")
        assert response.status_code == 400 and "name" in response.json()["errors"], body
    assert not ApiToken.objects.exists()


def test_token_creation_by_session_needs_csrf(world: Any) -> None:
    client = session(world.commissioner, enforce_csrf_checks=True)
    assert client.post(f"{API}/tokens", {"name": "x"}, content_type="application/json").status_code == 403
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("header", ["Bearer ", "Bearer wrong", "Token abc", "Basic Zm9vOmJhcg=="])
def test_bad_authorization_headers_are_401(world: Any, header: str) -> None:
    assert Client(headers={"Authorization": header}).get(f"{API}/me").status_code == 401
