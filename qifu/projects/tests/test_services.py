"""The equipment ledger's services: check-off, history, risk confirmation, supplier replacement, stale edits,
logistics requests as ledger problems; and their API."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from qifu.core import events
from qifu.core.access import NotFound
from qifu.core.errors import Conflict
from qifu.ledger.models import ProblemCategory
from qifu.projects import services

from .conftest import item

pytestmark = pytest.mark.django_db


def test_arrived_check_off_is_in_the_history(world: Any, proj: Any) -> None:
    i = item(proj.project, "P-1", risk="delay", risk_reason="late")
    services.equipment_mark_arrived(actor=world.team_member, item_id=i.pk)
    i.refresh_from_db()
    assert (i.status, i.actual_arrival, i.risk) == ("on_site", timezone.localdate(), "normal")
    (event,) = events.timeline(i)
    assert event.code == "equipment.arrived" and event.data["old"]["risk"] == "delay"
    with pytest.raises(Conflict):
        services.equipment_mark_arrived(actor=world.team_member, item_id=i.pk)
    j = item(proj.project, "P-2")
    with pytest.raises(NotFound):
        services.equipment_mark_arrived(actor=world.cc_other, item_id=j.pk)
    with pytest.raises(NotFound):  # the owner's contact reads nothing of the project's ledger? they may see it
        services.equipment_mark_arrived(actor=world.nobody, item_id=j.pk)


def test_every_change_is_recorded_and_stale_edits_refused(world: Any, proj: Any) -> None:
    i = services.equipment_save(actor=world.team_member, project_id=proj.project.pk, values={
        "number": "E-1", "name": "换热器", "supplier": "A", "origin": "国产", "status": "生产中",
        "planned_arrival": "2020-07-15", "milestone": "中交"})
    assert i.suggested_risk == "delay"
    services.equipment_save(actor=world.team_member, project_id=proj.project.pk, item_id=i.pk, version=1,
                            values={"planned_arrival": "2020-06-01", "route": "公路"})
    with pytest.raises(Conflict):
        services.equipment_save(actor=world.team_member, project_id=proj.project.pk, item_id=i.pk, version=1,
                                values={"route": "铁路"})
    with pytest.raises(ValidationError) as exc:
        services.equipment_save(actor=world.team_member, project_id=proj.project.pk, item_id=i.pk,
                                values={"origin": "进口", "country": ""})
    assert "country" in exc.value.error_dict
    codes = [e.code for e in events.timeline(i)]
    assert codes == ["equipment.changed", "equipment.created"]
    change = events.timeline(i)[0].data["changes"]
    assert change["planned_arrival"] == {"old": "2020-07-15", "new": "2020-06-01"}


def test_risk_confirm_or_override_with_reason(world: Any, proj: Any) -> None:
    i = item(proj.project, "P-1", suggested_risk="delay")
    with pytest.raises(ValidationError):
        services.equipment_set_risk(actor=world.team_member, item_id=i.pk, risk_level="normal")
    services.equipment_set_risk(actor=world.team_member, item_id=i.pk, risk_level="delay")
    services.equipment_set_risk(actor=world.team_member, item_id=i.pk, risk_level="major", reason="厂家停工")
    assert [e.code for e in events.timeline(i)] == ["equipment.risk_overridden", "equipment.risk_confirmed"]


def test_supplier_replacement_is_recorded_as_such(world: Any, proj: Any) -> None:
    i = item(proj.project, "K-1", origin="imported", country="IT", supplier="Nuovo Pignone")
    services.equipment_replace_supplier(actor=world.team_member, item_id=i.pk, supplier="沈鼓集团",
                                        reason="意大利工厂停工", values={"origin": "domestic", "region": "210100",
                                                                   "country": ""})
    i.refresh_from_db()
    assert (i.supplier, i.previous_supplier, i.origin, i.country, i.region_id) == (
        "沈鼓集团", "Nuovo Pignone", "domestic", "", "210100")
    event = events.timeline(i)[0]
    assert event.code == "equipment.supplier_replaced" and event.data["old_supplier"] == "Nuovo Pignone"


def test_logistics_request_becomes_a_routed_ledger_problem(world: Any, proj: Any) -> None:
    tower = item(proj.project, "T-1101", name="洗涤塔")
    needed = timezone.now() + timedelta(hours=2)
    req = services.logistics_request_create(actor=world.team_leader, data=services.LogisticsInput(
        project_id=proj.project.pk, kind="oversize", title="洗涤塔抵达11号码头，请求陆上转运协助",
        location="11号码头", needed_at=needed, item_ids=[tower.pk]))
    problem = req.problem
    assert problem.enterprise_id == world.ent_project.pk
    assert problem.category == ProblemCategory.objects.get(code="logistics")
    assert problem.status == "accepted"  # reported by the owner's commissioner: accepted at once (首接负责)
    assert "T-1101" in problem.description and list(req.items.all()) == [tower]
    other = item(world_project := proj.project, "X-1")
    assert world_project
    with pytest.raises(ValidationError):
        services.logistics_request_create(actor=world.team_leader, data=services.LogisticsInput(
            project_id=proj.project.pk, kind="nope", title="t", item_ids=[other.pk, 999999]))


def test_equipment_api(world: Any, proj: Any, client: Any) -> None:
    client.force_login(world.team_member)
    base = f"/api/v1/projects/{proj.project.pk}"
    created = client.post(f"{base}/equipment", {"number": "A-1", "name": "泵", "supplier": "S", "origin": "domestic",
                                                 "status": "ordered", "planned_arrival": "2020-05-01"},
                          content_type="application/json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    bad = client.patch(f"/api/v1/projects/equipment/{pk}", {"status": "lost"}, content_type="application/json")
    assert bad.status_code == 400 and "status" in bad.json()["errors"]
    stale = client.patch(f"/api/v1/projects/equipment/{pk}", {"route": "r", "version": 9},
                         content_type="application/json")
    assert stale.status_code == 409
    arrived = client.post(f"/api/v1/projects/equipment/{pk}/arrived", {"on": date.today().isoformat()},
                          content_type="application/json")
    assert arrived.status_code == 200 and arrived.json()["status"] == "on_site"
    detail = client.get(f"/api/v1/projects/equipment/{pk}").json()
    assert [h["code"] for h in detail["history"]] == ["equipment.arrived", "equipment.created"]
    assert client.get(f"{base}/risk").json()["by_status"][5]["n"] == 1
    assert client.get(f"{base}/equipment?status=on_site").json()["count"] == 1
    client.force_login(world.cc_other)
    assert client.get(f"{base}/risk").status_code == 404


def test_suggestions_follow_the_calendar(world: Any, proj: Any) -> None:
    i = item(proj.project, "P-9", planned_arrival=date(2020, 6, 1), milestone=proj.m1, suggested_risk="normal")
    assert services.suggestions_refresh(today=date(2020, 5, 1)) == 0
    assert services.suggestions_refresh(today=date(2020, 6, 2)) == 1  # overdue, not on site
    i.refresh_from_db()
    assert i.suggested_risk == "delay" and i.risk == "normal"  # the team's judgement is untouched
    assert services.suggestions_refresh(today=date(2020, 6, 2)) == 0


def test_pages_add_and_edit_an_item(world: Any, proj: Any, client: Any) -> None:
    client.force_login(world.team_member)
    base = {"number": "C-1", "name": "洗涤塔", "quantity": 1, "supplier": "一重", "origin": "domestic",
            "region": "230200", "status": "in_transit", "planned_arrival": "2020-07-10",
            "milestone": str(proj.m1.pk)}
    response = client.post(f"/projects/{proj.project.pk}/equipment/new/", base)
    assert response.status_code == 302, response.content.decode()[-800:]
    from qifu.projects.models import EquipmentItem

    i = EquipmentItem.objects.get(number="C-1")
    assert (i.suggested_risk, i.region_id) == ("delay", "230200")
    bad = client.post(f"/equipment/{i.pk}/edit/", base | {"origin": "imported", "country": "Atlantis", "version": 1})
    assert bad.status_code == 400 and "ISO 3166" in bad.content.decode()
    ok = client.post(f"/equipment/{i.pk}/edit/", base | {"route": "大连港—古雷港", "version": 1})
    assert ok.status_code == 302
    stale = client.post(f"/equipment/{i.pk}/edit/", base | {"route": "x", "version": 1})
    assert stale.status_code == 400  # changed meanwhile: nothing written
    i.refresh_from_db()
    assert (i.route, i.version) == ("大连港—古雷港", 2)
    assert client.post(f"/projects/{proj.project.pk}/milestones/", {"name": "中交", "planned_date": "2020-08-31"}
                       ).status_code == 302
    i.refresh_from_db()
    assert i.suggested_risk == "delay"  # now overdue against today; no longer late against the milestone
    proj.m1.refresh_from_db()
    assert proj.m1.planned_date.isoformat() == "2020-08-31"
    # the date inputs show the stored dates in every language, so saving a form again loses none
    for language in ("zh-hans", "en"):
        client.cookies["django_language"] = language
        assert 'value="2020-07-10"' in client.get(f"/equipment/{i.pk}/edit/").content.decode()
        assert 'value="2020-08-31"' in client.get(f"/projects/{proj.project.pk}/").content.decode()
