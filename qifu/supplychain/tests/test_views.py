"""The single-link pages: add, edit and remove one supply link of a plant's network."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from qifu.core.models import Event
from qifu.supplychain.models import SupplyLink

from .conftest import DAY, link

pytestmark = pytest.mark.django_db


def test_commissioner_adds_a_link_to_the_plant_or_a_supplier(client: Any, sc: Any) -> None:
    client.force_login(sc.admin)  # may change every firm: any buyer of the network is offered (a second tier)
    assert "JJ Foods" in client.get(f"/supplychain/plants/{sc.ent_lqy.pk}/links/new/").content.decode()
    client.force_login(sc.team_leader)  # a commissioner of an enterprise outside this network: not theirs
    assert client.get(f"/supplychain/plants/{sc.ent_lqy.pk}/links/new/").status_code == 404
    client.force_login(sc.commissioner)  # the plant's commissioner: its supplier list at every tier
    page = client.get(f"/supplychain/plants/{sc.ent_lqy.pk}/links/new/").content.decode()
    assert "JJ Foods" in page and "LQY Motor" in page
    before = SupplyLink.objects.count()
    bad = client.post(f"/supplychain/plants/{sc.ent_lqy.pk}/links/new/", {
        "buyer": sc.ent_lqy.pk, "supplier_credit_code": "91510000MA0000000X", "part": "", "stock_days": "-1"})
    assert bad.status_code == 200 and SupplyLink.objects.count() == before  # errors shown, nothing written
    errors = bad.context["form"].errors
    assert {"supplier_credit_code", "part", "stock_days"} <= set(errors)
    r = client.post(f"/supplychain/plants/{sc.ent_lqy.pk}/links/new/", {
        "buyer": sc.ent_lqy.pk, "supplier_credit_code": sc.ent_project.credit_code, "part": "seats",
        "critical": "on", "stock_days": "2.5", "has_alternative": "on", "alternative_lead_days": ""})
    assert r.status_code == 200 and "alternative_lead_days" in r.context["form"].errors
    r = client.post(f"/supplychain/plants/{sc.ent_lqy.pk}/links/new/", {
        "buyer": sc.ent_lqy.pk, "supplier_credit_code": sc.ent_project.credit_code.lower(), "part": "seats",
        "critical": "on", "stock_days": "2.5", "share": "40"})
    assert r.status_code == 302
    new = SupplyLink.objects.get(part="seats")
    assert (new.buyer, new.supplier, float(new.stock_days), new.share) == (sc.ent_lqy, sc.ent_project, 2.5, 40)
    assert Event.objects.filter(code="supplychain.link_created", actor=sc.commissioner).exists()


def test_edit_keeps_stale_versions_out_and_remove_records_the_link(client: Any, sc: Any) -> None:
    client.force_login(sc.cc_staff)
    url = f"/supplychain/links/{sc.l_local.pk}/edit/?plant={sc.ent_lqy.pk}"
    assert client.get(url).status_code == 200
    form = {"part": "part", "critical": "on", "stock_days": "9", "share": "50", "version": 1}
    assert client.post(url, form).status_code == 302
    sc.l_local.refresh_from_db()
    assert (float(sc.l_local.stock_days), sc.l_local.version) == (9.0, 2)
    stale = client.post(url, {**form, "stock_days": "1"})  # still version 1: someone changed it meanwhile
    assert stale.status_code == 200 and stale.context["form"].non_field_errors()
    sc.l_local.refresh_from_db()
    assert float(sc.l_local.stock_days) == 9.0
    page = client.get(f"/supplychain/plants/{sc.ent_lqy.pk}/?date=2020-02-20").content.decode()
    assert f'data-link="{sc.l_local.pk}"' in page and 'id="add-link"' in page
    client.force_login(sc.bureau_staff)  # sees the network, may not change it
    assert client.post(f"/supplychain/links/{sc.l_local.pk}/delete/").status_code == 403
    assert 'id="add-link"' not in client.get(f"/supplychain/plants/{sc.ent_lqy.pk}/").content.decode()
    client.force_login(sc.commissioner)
    r = client.post(f"/supplychain/links/{sc.l_local.pk}/delete/", {"plant": sc.ent_lqy.pk})
    assert r.status_code == 302 and r["Location"].startswith(f"/supplychain/plants/{sc.ent_lqy.pk}/")
    assert not SupplyLink.objects.filter(pk=sc.l_local.pk).exists()
    removed = Event.objects.get(code="supplychain.link_deleted")
    assert removed.data["part"] == "part" and removed.actor == sc.commissioner


def test_api_changes_one_link_with_its_version(client: Any, sc: Any) -> None:
    client.force_login(sc.commissioner)
    lk = link(sc, sc.ent_lqy, sc.ent_project, 3, part="glass")
    body = {"version": 1, "part": "glass", "stock_days": 6, "critical": False}
    r = client.patch(f"/api/v1/supplychain/links/{lk.pk}", body, content_type="application/json")
    assert r.status_code == 200 and r.json()["version"] == 2 and r.json()["critical"] is False
    r = client.patch(f"/api/v1/supplychain/links/{lk.pk}", body, content_type="application/json")
    assert r.status_code == 409
    assert client.delete(f"/api/v1/supplychain/links/{lk.pk}").status_code == 204


def test_an_open_health_event_at_a_supplier_of_any_tier_shows_in_the_plants_analysis(client: Any, sc: Any) -> None:
    from qifu.workforce import services as workforce

    # JJ Steel delivers to JJ Foods, which delivers to the plant: the event names no customer of the plant
    event = workforce.health_event_report(actor=sc.admin, data=workforce.HealthEventInput(
        enterprise_id=sc.sub.pk, person_name="张三", description="新入职员工发热"))
    client.force_login(sc.commissioner)
    html = client.get(f"/supplychain/plants/{sc.ent_lqy.pk}/?date=2020-02-20").content.decode()
    assert html.count("health-event") == 2  # in the blocked table and in the table of every supplier
    body = client.get(f"/api/v1/supplychain/plants/{sc.ent_lqy.pk}/analysis?date=2020-02-20").json()
    flagged = {s["name"]: s["health_event_since"] is not None for s in body["suppliers"]}
    assert flagged["JJ Steel"] and not flagged["JJ Foods"]
    workforce.health_event_close(actor=sc.admin, event_id=event.pk, status="cleared", outcome="两次核酸阴性")
    assert "health-event" not in client.get(f"/supplychain/plants/{sc.ent_lqy.pk}/?date=2020-02-20").content.decode()


def test_the_problems_timeline_says_why_it_went_to_the_province(client: Any, sc: Any) -> None:
    from qifu.supplychain import services

    far = services.problem_raise(actor=sc.commissioner, plant_id=sc.ent_lqy.pk, supplier_id=sc.ent_cq.pk,
                                 day=DAY)
    client.force_login(sc.commissioner)
    html = client.get(f"/problems/{far.problem_id}/").content.decode()
    assert "按协调层级转办" in html and "供应链协调：跨省" in html


def test_the_region_view_marks_plants_and_blocking_suppliers_with_an_open_health_event(client: Any, sc: Any) -> None:
    from qifu.workforce import services as workforce

    client.force_login(sc.admin)
    url = "/supplychain/?date=2020-02-20&within=30"
    assert "health-event" not in client.get(url).content.decode()
    # JJ Steel has not resumed and can stop the plant through JJ Foods: it is a blocking supplier of the region,
    # and the plant two links down is marked too
    at_blocker = workforce.health_event_report(actor=sc.admin, data=workforce.HealthEventInput(
        enterprise_id=sc.sub.pk, person_name="张三", description="新入职员工发热"))
    html = client.get(url).content.decode()
    assert html.count("health-event") == 2
    # an event at the plant's own supplier (Chongqing) as well: the plant's row keeps its one mark
    workforce.health_event_report(actor=sc.admin, data=workforce.HealthEventInput(
        enterprise_id=sc.ent_cq.pk, person_name="李四", description="发热"))
    assert client.get(url).content.decode().count("health-event") == 3  # the plant, JJ Steel and Chongqing
    workforce.health_event_close(actor=sc.admin, event_id=at_blocker.pk, status="cleared", outcome="两次核酸阴性")
    assert client.get(url).content.decode().count("health-event") == 2


def test_a_second_tier_suppliers_health_event_warns_the_plants_users_on_its_status_pages(client: Any, sc: Any) -> None:
    from qifu.notifications.models import Notification
    from qifu.workforce import selectors as workforce_selectors
    from qifu.workforce import services as workforce

    # JJ Steel delivers to JJ Foods, which delivers to the plant (LQY Motor): the plant is two links down
    event = workforce.health_event_report(actor=sc.admin, data=workforce.HealthEventInput(
        enterprise_id=sc.sub.pk, person_name="张三", description="新入职员工发热"))
    assert Notification.objects.filter(recipient=sc.contact_user).exists()  # told, though not a direct buyer
    assert event.notified == ["JJ Foods", "LQY Motor"] and list(event.customers.all()) == [sc.ent_jj]
    client.force_login(sc.contact_user)  # the plant's own contact, on its status pages
    for url in (f"/enterprises/{sc.ent_lqy.pk}/status/", f"/enterprises/{sc.ent_lqy.pk}/status/history/",
                f"/enterprises/{sc.ent_lqy.pk}/"):
        html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert 'data-tier="2"' in html and "JJ Steel" in html, url
    assert "2级供应商" in client.get(f"/enterprises/{sc.ent_lqy.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    client.force_login(sc.commissioner)
    body = client.get(f"/api/v1/workforce/enterprises/{sc.ent_lqy.pk}/warnings").json()
    assert [(w["enterprise"], w["kind"], w["tier"]) for w in body] == [("JJ Steel", "supplier", 2)]
    assert 'data-tier="2"' in client.get(f"/supplychain/plants/{sc.ent_lqy.pk}/?date=2020-02-20").content.decode()
    # the direct buyer is warned at tier 1
    assert workforce_selectors.health_warnings(user=sc.admin, enterprise_ids=[sc.ent_jj.pk])[sc.ent_jj.pk][0][
        "tier"] == 1
    # an unrelated user: the plant's pages are not theirs, and the warning is not given to them either
    client.force_login(sc.commissioner2)
    assert client.get(f"/enterprises/{sc.ent_lqy.pk}/status/history/").status_code == 404
    assert client.get(f"/api/v1/workforce/enterprises/{sc.ent_lqy.pk}/warnings").status_code == 404
    assert workforce_selectors.health_warnings(user=sc.commissioner2, enterprise_ids=[sc.ent_lqy.pk]) == {}
    assert 'data-tier' not in client.get(f"/enterprises/{sc.ent_lqy2.pk}/").content.decode()  # not downstream
    workforce.health_event_close(actor=sc.admin, event_id=event.pk, status="cleared", outcome="两次核酸阴性")
    client.force_login(sc.contact_user)
    assert "data-tier" not in client.get(f"/enterprises/{sc.ent_lqy.pk}/status/history/").content.decode()


def test_the_plants_commissioner_changes_a_second_tier_link_and_nobody_else_does(client: Any, sc: Any) -> None:
    # JJ Steel → JJ Foods is a second-tier link of the plant: JJ Foods is not the commissioner's enterprise
    client.force_login(sc.commissioner)
    page = client.get(f"/supplychain/plants/{sc.ent_lqy.pk}/?date=2020-02-20").content.decode()
    assert f'data-link="{sc.l_sub.pk}"' in page
    url = f"/supplychain/links/{sc.l_sub.pk}/edit/?plant={sc.ent_lqy.pk}"
    form = {"part": "steel", "critical": "on", "stock_days": "4", "version": 1}
    assert client.post(url, form).status_code == 302
    sc.l_sub.refresh_from_db()
    assert (sc.l_sub.part, float(sc.l_sub.stock_days), sc.l_sub.version) == ("steel", 4.0, 2)
    assert Event.objects.filter(code="supplychain.link_updated", actor=sc.commissioner,
                                target_id=str(sc.l_sub.pk)).exists()
    r = client.post(f"/supplychain/plants/{sc.ent_lqy.pk}/links/new/", {  # a third tier, under JJ Steel
        "buyer": sc.sub.pk, "supplier_credit_code": sc.ent_project.credit_code, "part": "ore", "critical": "on",
        "stock_days": "5"})
    assert r.status_code == 302
    third = SupplyLink.objects.get(part="ore")
    assert (third.buyer, third.supplier) == (sc.sub, sc.ent_project)
    assert Event.objects.filter(code="supplychain.link_created", actor=sc.commissioner).exists()
    # commissioners of other enterprises: they see the link (officials read every link) but may not change it
    for other in (sc.team_leader, sc.commissioner2):
        client.force_login(other)
        assert client.get(url).status_code == 403
        assert client.post(f"/supplychain/links/{third.pk}/delete/").status_code == 403
        r = client.patch(f"/api/v1/supplychain/links/{sc.l_sub.pk}", {"version": 2, "part": "x", "stock_days": 1},
                         content_type="application/json")
        assert r.status_code == 403
        r = client.post("/api/v1/supplychain/links", {"buyer_id": sc.ent_jj.pk, "supplier_id": sc.ent_project.pk,
                                                      "part": "x", "stock_days": 1}, content_type="application/json")
        assert r.status_code in (403, 404)
    sc.l_sub.refresh_from_db()
    assert sc.l_sub.version == 2 and SupplyLink.objects.filter(pk=third.pk).exists()
    client.force_login(sc.commissioner)
    assert client.delete(f"/api/v1/supplychain/links/{third.pk}").status_code == 204
    assert Event.objects.filter(code="supplychain.link_deleted", actor=sc.commissioner).exists()
    # once the assignment ends, the plant's network is no longer theirs
    sc.commissioner.commissioner_assignments.update(ended_at=timezone.now())
    assert client.post(url, {**form, "version": 2}).status_code in (403, 404)


def test_the_supplier_list_comes_a_page_at_a_time_most_critical_first(client: Any, sc: Any, monkeypatch: Any) -> None:
    from qifu.core.testing.factories import EnterpriseFactory
    from qifu.supplychain import selectors

    bolts = [EnterpriseFactory(name=f"Bolt maker {i:02d}", region=sc.ent_lqy.region) for i in range(60)]
    SupplyLink.objects.bulk_create([SupplyLink(buyer=sc.ent_lqy, supplier=e, part="bolts", stock_days=20 + i)
                                    for i, e in enumerate(bolts)])  # none has reported: all 60 not resumed
    client.force_login(sc.commissioner)
    url = f"/supplychain/plants/{sc.ent_lqy.pk}/?date=2020-02-20"
    first = client.get(url)
    html = first.content.decode()
    assert html.count('data-row="') == 50 and html.count('data-supplier="') == 50  # both tables, a page each
    assert first.context["page"][0].enterprise == sc.ent_lqy2  # the bottleneck (4 days) opens the list
    assert [r.enterprise.name for r in first.context["page"][:3]] == ["LQY Parts", "JJ Steel", "CQ Supplier"]
    assert "64" in html and "/ 65" in html  # the figures count every supplier, not the page
    second = client.get(f"{url}&page=2")
    rows = [r.enterprise.name for r in second.context["page"]]
    assert len(rows) == 15 and rows[-2:] == ["Deyang Castings", "JJ Foods"]  # covered by an alternative; resumed
    assert second.context["a"].days_to_stop == 4 and len(second.context["a"].blocked) == 64
    by_name = client.get(f"{url}&sort=name&show=blocked").content.decode()
    assert "sort=name" in by_name and "show=blocked" in by_name and "page=2" in by_name  # the pager keeps them
    found = client.get(f"{url}&q=bolt+maker+0").context
    assert [r.enterprise.name for r in found["page"]] == [f"Bolt maker 0{i}" for i in range(10)]
    body = client.get(f"/api/v1/supplychain/plants/{sc.ent_lqy.pk}/analysis?date=2020-02-20&page=2").json()
    assert (body["supplier_total"], body["blocked_total"], body["count"], body["page_size"]) == (65, 64, 65, 50)
    assert len(body["suppliers"]) == 15 and body["suppliers"][-1]["name"] == "JJ Foods" and body["days_to_stop"] == 4
    body = client.get(f"/api/v1/supplychain/plants/{sc.ent_lqy.pk}/analysis?date=2020-02-20&show=resumed").json()
    assert body["count"] == 1 and [s["name"] for s in body["suppliers"]] == ["JJ Foods"]
    body = client.get(f"/api/v1/supplychain/plants/{sc.ent_lqy.pk}/analysis?date=2020-02-20&page_size=3").json()
    assert [s["name"] for s in body["suppliers"]] == ["LQY Parts", "JJ Steel", "CQ Supplier"]
    # the graph draws the most critical suppliers only, each with the firms between it and the plant
    assert "graph-partial" not in html and len(first.context["graph"]["nodes"]) == 66
    assert [r.enterprise.name for r in selectors.graph_suppliers(first.context["a"], limit=3)] == [
        "LQY Parts", "JJ Steel", "JJ Foods"]
    monkeypatch.setattr(selectors, "GRAPH_SUPPLIERS", 10)
    capped = client.get(url)
    graph = capped.context["graph"]
    assert "graph-partial" in capped.content.decode() and (graph["drawn"], graph["total"]) == (10, 65)
    drawn = {n["id"] for n in graph["nodes"]}
    assert len(drawn) == 11 and all(lk["source"] in drawn and lk["target"] in drawn for lk in graph["links"])
