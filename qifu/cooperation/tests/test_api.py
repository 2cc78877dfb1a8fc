"""The mini-program's back end: post, search with highlights, field errors, stale edits, brokered contact."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from qifu.cooperation.models import Listing, Match

pytestmark = pytest.mark.django_db

API = "/api/v1/cooperation"


def body(**kw: Any) -> dict[str, Any]:
    values = {"kind": "demand", "title": "急需KN95口罩", "category": "防疫物资/口罩", "region": "510112",
              "valid_until": (date.today() + timedelta(days=20)).isoformat(), "contact_name": "王",
              "contact_phone": "028-84800000", "quantity": "10000", "unit": "只", "publish": True}
    values.update(kw)
    return values


def test_post_search_edit_and_contact(market: Any, client: Any) -> None:
    w = market
    client.force_login(w.commissioner2)
    created = client.post(f"{API}/listings", body(enterprise_id=w.ent_lqy2.pk), content_type="application/json")
    assert created.status_code == 201, created.content
    listing = created.json()
    assert listing["status"] == "published" and listing["contact_phone"] == "028-84800000"  # own side
    matches = client.get(f"{API}/listings/{listing['id']}/matches").json()
    assert matches[0]["supply_id"] == w.supply.pk and matches[0]["supply_contact"] is None
    assert any("KN95" in t for t in matches[0]["reason_texts"])

    found = client.get(f"{API}/listings", {"q": "防护口罩", "kind": "supply"}).json()["items"]
    assert [x["id"] for x in found] == [w.supply.pk]
    assert found[0]["highlight"]["title"] == "供应KN95<mark>防护口罩</mark>"

    bad = client.post(f"{API}/listings", body(enterprise_id=w.ent_lqy2.pk, region="999999", title=" "),
                      content_type="application/json")
    assert bad.status_code == 400 and {"region", "title"} <= set(bad.json()["errors"])
    stale = client.patch(f"{API}/listings/{listing['id']}", {"version": listing["version"] - 1, "quantity": "5"},
                         content_type="application/json")
    assert stale.status_code == 409
    ok = client.patch(f"{API}/listings/{listing['id']}", {"version": listing["version"], "quantity": "5"},
                      content_type="application/json")
    assert ok.status_code == 200 and ok.json()["quantity"] == "5.00"

    match_id = matches[0]["id"]
    assert client.post(f"{API}/matches/{match_id}/interest").status_code == 200
    client.force_login(w.admin)
    accepted = client.post(f"{API}/matches/{match_id}/accept").json()
    assert accepted["status"] == "accepted" and accepted["supply_contact"]["phone"] == "13800000001"
    client.force_login(w.commissioner2)
    assert client.get(f"{API}/listings/{w.supply.pk}").json()["contact_phone"] == "13800000001"
    deal = client.post(f"{API}/matches/{match_id}/deal", {"quantity": "5", "value": "12.5"},
                       content_type="application/json")
    assert deal.status_code == 201 and deal.json()["deal"]["value"] == "12.50"
    assert Match.objects.get(pk=match_id).status == "deal"


def test_moderation_through_the_api(market: Any, client: Any) -> None:
    w = market
    client.force_login(w.contact_user)
    assert client.post(f"{API}/listings/{w.supply.pk}/actions/remove", {"note": "x"},
                       content_type="application/json").status_code == 403
    client.force_login(w.admin)
    removed = client.post(f"{API}/listings/{w.supply.pk}/actions/remove", {"note": "重复发布"},
                          content_type="application/json")
    assert removed.status_code == 200 and removed.json()["status"] == "removed"
    client.force_login(w.contact_user)
    assert client.get(f"{API}/listings/{w.supply.pk}").status_code == 404
    assert Listing.objects.get(pk=w.supply.pk).moderation_note == "重复发布"
    client.force_login(w.tf_member)
    assert client.get(f"{API}/figures").status_code == 200
    client.force_login(w.contact_user)
    assert client.get(f"{API}/figures").status_code == 403
