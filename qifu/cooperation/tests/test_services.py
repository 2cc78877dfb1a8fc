"""Listings, matching at once, brokered contact and moderation through the real services."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from qifu.cooperation import selectors, services
from qifu.cooperation.models import Listing, Match
from qifu.core.errors import Conflict
from qifu.core.models import Event
from qifu.notifications.models import Notification

from .conftest import listing_input, post

pytestmark = pytest.mark.django_db


def test_a_new_demand_is_matched_at_once_and_both_sides_hear_of_a_strong_match(market: Any) -> None:
    w = market
    match = Match.objects.get(demand=w.demand)
    assert match.supply_id == w.supply.pk  # the bearing is never suggested for masks
    assert match.strong
    codes = {r["code"] for r in match.reasons}
    assert {"shared_terms", "same_category", "distance", "coverage"} <= codes
    assert Notification.objects.filter(code="cooperation.strong_match", recipient=w.contact_user).exists()
    assert Notification.objects.filter(code="cooperation.strong_match", recipient=w.commissioner).exists()


def test_bad_input_changes_nothing(world: Any) -> None:
    before = Listing.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.listing_create(actor=world.contact_user, data=listing_input(
            world.ent_lqy, title="", region="999999", quantity="lots", valid_until=date(2000, 1, 1)))
    assert {"title", "region", "quantity", "valid_until"} <= set(exc.value.error_dict)
    assert Listing.objects.count() == before


def test_only_those_acting_for_the_enterprise_post(world: Any) -> None:
    with pytest.raises(PermissionDenied):
        post(world.leader, world.ent_lqy)  # sees it, may not act for it
    with pytest.raises(Exception) as exc:
        post(world.cc_other, world.ent_lqy)
    assert exc.value.__class__.__name__ == "NotFound"
    assert post(world.commissioner, world.ent_lqy, publish=False).status == "draft"  # commissioners post for theirs


def test_contact_never_leaks_before_acceptance(market: Any, client: Any) -> None:
    w = market
    match = Match.objects.get(demand=w.demand)
    client.force_login(w.contact_user)
    assert "13800000001" not in client.get(f"/cooperation/{w.supply.pk}/").content.decode()
    body = client.get(f"/api/v1/cooperation/listings/{w.supply.pk}").json()
    assert body["contact_phone"] is None and body["contact_name"] is None
    assert all(m["supply_contact"] is None for m in client.get("/api/v1/cooperation/matches").json()["items"])
    services.interest_express(actor=w.contact_user, match_id=match.pk)
    assert "13800000001" not in client.get(f"/cooperation/{w.supply.pk}/").content.decode()
    with pytest.raises(PermissionDenied):  # the side that asked cannot accept for the other
        services.interest_answer(actor=w.contact_user, match_id=match.pk, accept=True)
    services.interest_answer(actor=w.admin, match_id=match.pk, accept=True)
    assert "13800000001" in client.get(f"/cooperation/{w.supply.pk}/").content.decode()
    assert client.get(f"/api/v1/cooperation/listings/{w.supply.pk}").json()["contact_phone"] == "13800000001"
    w.demand.refresh_from_db()
    assert w.demand.status == "matched"
    # a third party still sees nothing
    client.force_login(w.tf_member)
    assert "13800000001" not in client.get(f"/cooperation/{w.supply.pk}/").content.decode()


def test_deal_after_acceptance_only(market: Any) -> None:
    w = market
    match = Match.objects.get(demand=w.demand)
    with pytest.raises(Conflict):
        services.deal_report(actor=w.contact_user, match_id=match.pk, quantity=100, value=200)
    services.interest_express(actor=w.contact_user, match_id=match.pk)
    services.interest_answer(actor=w.admin, match_id=match.pk, accept=True)
    with pytest.raises(ValidationError):
        services.deal_report(actor=w.contact_user, match_id=match.pk, quantity="x", value=-1)
    deal = services.deal_report(actor=w.contact_user, match_id=match.pk, quantity=10000, value="25000.00")
    assert str(deal.value) == "25000.00"
    figures = selectors.figures(user=w.admin)
    assert figures["totals"]["deals"] == 1 and figures["totals"]["contacts"] == 1


def test_edits_keep_history_and_stale_versions_are_refused(market: Any) -> None:
    w = market
    version = w.demand.version
    services.listing_update(actor=w.contact_user, listing_id=w.demand.pk, version=version,
                            data=listing_input(w.ent_lqy, quantity=20000))
    event = Event.objects.filter(code="cooperation.listing_edited", target_id=str(w.demand.pk)).get()
    assert event.data["changes"]["quantity"] == {"old": "10000.00", "new": "20000.00"}
    with pytest.raises(Conflict):
        services.listing_update(actor=w.contact_user, listing_id=w.demand.pk, version=version,
                                data=listing_input(w.ent_lqy, quantity=30000))


def test_moderation_is_for_administrators(market: Any) -> None:
    w = market
    with pytest.raises(PermissionDenied):
        services.listing_act(actor=w.contact_user, listing_id=w.supply.pk, action="remove")
    services.listing_act(actor=w.admin, listing_id=w.supply.pk, action="remove", note="虚假信息")
    assert not selectors.listing_search(user=w.contact_user, q="口罩", kind="supply").exists()
    assert not Listing.objects.restrict(w.tf_member).filter(pk=w.supply.pk).exists()
    services.listing_act(actor=w.admin, listing_id=w.supply.pk, action="restore")
    assert selectors.listing_search(user=w.contact_user, q="口罩", kind="supply").exists()


def test_the_index_follows_changes(market: Any) -> None:
    w = market
    services.listing_act(actor=w.admin, listing_id=w.supply.pk, action="close")
    later = post(w.commissioner2, w.ent_lqy2, title="求购KN95口罩")
    assert not Match.objects.filter(demand=later).exists()  # the closed supply is out of the index
    moved = post(w.admin, w.ent_cq, "supply", "KN95口罩 现货", quantity=90000)
    assert Match.objects.filter(demand=later, supply=moved).exists()  # matched at once from the supply side


@pytest.mark.usefixtures("market")
def test_expiry_job() -> None:
    count = services.listings_expire(today=date.today() + timedelta(days=60))
    assert count == 3
    assert Listing.objects.filter(status="expired").count() == 3
    assert services.listings_expire(today=date.today() + timedelta(days=60)) == 0


def test_search_in_chinese_with_highlights(market: Any) -> None:
    w = market
    found = list(selectors.listing_search(user=w.tf_member, q="防护口罩"))
    assert found == [w.supply]
    assert list(selectors.listing_search(user=w.tf_member, q="6203")) == [w.other_supply]
    assert list(selectors.listing_search(user=w.tf_member, q="口罩", kind="demand", region="510112")) == [w.demand]
    assert str(selectors.highlight("供应KN95防护口罩<b>", "kn95 口罩")) == \
        "供应<mark>KN95</mark>防护<mark>口罩</mark>&lt;b&gt;"


def test_brokering_by_hand(market: Any) -> None:
    w = market
    with pytest.raises(PermissionDenied):
        services.match_broker(actor=w.contact_user, demand_id=w.demand.pk, supply_id=w.other_supply.pk)
    match = services.match_broker(actor=w.commissioner, demand_id=w.demand.pk, supply_id=w.other_supply.pk)
    assert match.source == "broker"
    with pytest.raises(Conflict):
        services.match_broker(actor=w.commissioner, demand_id=w.demand.pk, supply_id=w.other_supply.pk)


def test_edit_history_reads_in_chinese(market: Any, client: Any) -> None:
    w = market
    services.listing_update(actor=w.contact_user, listing_id=w.demand.pk, version=w.demand.version,
                            data=listing_input(w.ent_lqy, kind="supply", quantity=20000, region="510104"))
    with translation.override("zh-hans"):
        rows = selectors.listing_history(Listing.objects.get(pk=w.demand.pk))
    edited = next(r for r in rows if r["changes"] and r["what"] == "已编辑")
    shown = {c["field"]: (c["old"], c["new"]) for c in edited["changes"]}
    assert shown["类型"] == ("需求", "供应")
    assert shown["数量"] == ("10000.00", "20000.00")
    assert shown["行政区划"][1].endswith("锦江区")
    client.force_login(w.contact_user)
    page = client.get(f"/cooperation/{w.demand.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "region_id" not in page and "quantity:" not in page and "锦江区" in page


def test_figures_page_charts_and_excel_export(market: Any, client: Any) -> None:
    import io

    from openpyxl import load_workbook

    w = market
    match = Match.objects.get(demand=w.demand)
    services.interest_express(actor=w.contact_user, match_id=match.pk)
    services.interest_answer(actor=w.admin, match_id=match.pk, accept=True)
    services.deal_report(actor=w.contact_user, match_id=match.pk, quantity=10000, value="25000.00")
    lonely = post(w.contact_user, w.ent_lqy, title="求购特种陶瓷坩埚", category="材料/陶瓷")
    data = selectors.figures(user=w.admin)
    masks = next(r for r in data["by_category"] if r["category"] == "防疫物资/口罩")
    assert (masks["supplies"], masks["demands"], masks["contacts"], masks["deals"]) == (1, 1, 1, 1)
    assert masks["deal_value"] == 25000
    assert {"category": "材料/陶瓷", "n": 1} in data["unmet"] and lonely.category == "材料/陶瓷"
    assert sum(r["deals"] for r in data["by_week"]) == 1 and sum(r["demands"] for r in data["by_week"]) == 2
    client.force_login(w.admin)
    page = client.get("/cooperation/figures/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'id="chart-data"' in page and "echarts.min.js" in page and "/problems/?q=" in page
    response = client.get("/cooperation/figures.xlsx", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[0] == "合计"
    rows = list(book.worksheets[1].values)
    assert rows[0][0] == "产品类别" and any(r[0] == "防疫物资/口罩" and r[5] == 1 and r[6] == 25000 for r in rows)
    assert float(client.get("/api/v1/cooperation/figures").json()["totals"]["deal_value"]) == 25000


def test_matches_page_reads_a_fixed_number_of_queries(market: Any, client: Any,
                                                      django_assert_max_num_queries: Any) -> None:
    w = market
    match = Match.objects.get(demand=w.demand)
    services.interest_express(actor=w.contact_user, match_id=match.pk)
    services.interest_answer(actor=w.admin, match_id=match.pk, accept=True)
    for i in range(6):
        post(w.admin, w.ent_jj, "supply", f"供应KN95口罩 批次{i}", quantity=1000 * (i + 1))
    assert Match.objects.filter(demand=w.demand).count() >= 5
    client.force_login(w.contact_user)
    client.get("/cooperation/matches/")
    with django_assert_max_num_queries(25):
        page = client.get("/cooperation/matches/").content.decode()
    assert "13800000001" in page  # the accepted supply's contact
    assert page.count("13800000001") == 1
    rows = selectors.match_rows(w.contact_user, list(selectors.my_matches(user=w.contact_user)))
    for row in rows:  # the same answers as the services, row by row
        m = row["match"]
        assert row["demand_contact"] == services.contact_visible(w.contact_user, m.demand)
        assert row["supply_contact"] == services.contact_visible(w.contact_user, m.supply)
        assert row["side"] == services._side_of(w.contact_user, m)


def test_moderators_find_removed_listings_to_restore(market: Any, client: Any) -> None:
    w = market
    services.listing_act(actor=w.admin, listing_id=w.supply.pk, action="remove", note="虚假信息")
    assert list(selectors.listing_search(user=w.admin, status="removed")) == [w.supply]
    assert list(selectors.listing_search(user=w.contact_user, status="removed")) == []  # not theirs
    draft = post(w.contact_user, w.ent_lqy, title="草稿需求", publish=False)
    assert list(selectors.listing_search(user=w.contact_user, status="draft")) == [draft]
    assert list(selectors.listing_search(user=w.tf_member, status="draft")) == []
    client.force_login(w.admin)
    page = client.get("/cooperation/", {"status": "removed"}).content.decode()
    assert f"/cooperation/{w.supply.pk}/" in page
    api = client.get("/api/v1/cooperation/listings", {"status": "removed"}).json()["items"]
    assert [x["id"] for x in api] == [w.supply.pk]
