"""Registering and editing key projects, their milestones and the stationed work team: services, pages, API."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qifu.core import events
from qifu.core.access import CHANGE, NotFound, allowed
from qifu.core.errors import Conflict
from qifu.organisations.models import Unit, User
from qifu.projects import services
from qifu.projects.models import KeyProject, Milestone

pytestmark = pytest.mark.django_db


def _input(world: Any, **kw: Any) -> services.ProjectInput:
    values: dict[str, Any] = {"code": "lqy-plant", "name": "新厂房", "owner_id": world.ent_project.pk,
                              "region_code": "510112", "investment": Decimal("1200000000"),
                              "work_team_id": world.work_team.pk, "transport_unit_id": world.department.pk}
    return services.ProjectInput(**(values | kw))


def test_the_region_command_center_registers_a_project_with_a_new_team(world: Any) -> None:
    with pytest.raises(PermissionDenied):  # another district's command center
        services.project_create(actor=world.cc_other, data=_input(world))
    with pytest.raises(PermissionDenied):  # a commissioner does not register projects
        services.project_create(actor=world.team_member, data=_input(world))
    with pytest.raises(ValidationError) as bad:
        services.project_create(actor=world.cc_staff, data=_input(
            world, code="bad code!", name=" ", investment=Decimal("-1"), work_team_id=None, stage="x"))
    assert set(bad.value.error_dict) == {"code", "name", "investment", "work_team_id", "stage"}
    assert not KeyProject.objects.exists()
    p = services.project_create(actor=world.cc_staff, data=_input(world, work_team_id=None,
                                                                   work_team_name="新厂房驻企工作队"))
    assert p.work_team.name == "新厂房驻企工作队" and p.work_team.kind == "work_team"
    assert p.work_team.region_id == "510112"
    assert [e.code for e in events.timeline(p)] == ["project.created"]
    with pytest.raises(ValidationError) as again:
        services.project_create(actor=world.admin, data=_input(world))
    assert "code" in again.value.error_dict


def test_editing_a_project_records_the_change_and_refuses_stale_versions(world: Any) -> None:
    p = services.project_create(actor=world.cc_staff, data=_input(world))
    services.project_update(actor=world.team_member, project_id=p.pk, version=1,
                            values={"stage": "commissioning", "investment": Decimal("1300000000")})
    p.refresh_from_db()
    assert (p.stage, p.investment, p.version) == ("commissioning", Decimal("1300000000"), 2)
    changed = [e for e in events.timeline(p) if e.code == "project.changed"]
    assert changed[0].data["changes"]["stage"] == {"old": "construction", "new": "commissioning"}
    with pytest.raises(Conflict):
        services.project_update(actor=world.team_member, project_id=p.pk, version=1, values={"name": "x"})
    with pytest.raises(PermissionDenied):  # the team keeps the ledgers; owner and team are the registrars' call
        services.project_update(actor=world.team_member, project_id=p.pk, values={"owner_id": world.ent_lqy.pk})
    with pytest.raises(NotFound):
        services.project_update(actor=world.cc_other, project_id=p.pk, values={"name": "x"})
    with pytest.raises(ValidationError):
        services.project_update(actor=world.cc_staff, project_id=p.pk, values={"region_code": "999999"})
    services.project_update(actor=world.cc_staff, project_id=p.pk, values={"owner_id": world.ent_lqy.pk})
    p.refresh_from_db()
    assert p.owner_id == world.ent_lqy.pk and p.name == "新厂房"


def test_stationing_and_withdrawing_commissioners(world: Any) -> None:
    p = services.project_create(actor=world.cc_staff, data=_input(world, work_team_id=None, work_team_name="队"))
    assert services.work_team_members(p) == []
    assert not allowed(world.commissioner, CHANGE, p)
    with pytest.raises(PermissionDenied):
        services.work_team_add(actor=world.team_member, project_id=p.pk, username="comm")
    with pytest.raises(ValidationError):  # only commissioners join a work team
        services.work_team_add(actor=world.cc_staff, project_id=p.pk, username="dept")
    services.work_team_add(actor=world.cc_staff, project_id=p.pk, username="comm")
    assert services.work_team_members(p) == [world.commissioner]
    assert allowed(User.objects.get(pk=world.commissioner.pk), CHANGE, p)  # now keeps the project's ledgers
    with pytest.raises(ValidationError):
        services.work_team_add(actor=world.cc_staff, project_id=p.pk, username="comm")
    services.work_team_remove(actor=world.admin, project_id=p.pk, user_id=world.commissioner.pk)
    again = User.objects.get(pk=world.commissioner.pk)
    assert services.work_team_members(p) == [] and not allowed(again, CHANGE, p)
    assert again.unit_id == world.bureau_lqy.pk  # their own unit is untouched
    assert [e.code for e in events.timeline(p)][:2] == ["work_team.member_removed", "work_team.member_added"]


def test_pages_register_edit_and_staff_a_project(world: Any, client: Any) -> None:
    client.force_login(world.cc_staff)
    assert client.get("/projects/new/").status_code == 200
    form = {"code": "plant-2", "name": "二期", "owner": world.ent_project.credit_code, "region_code": "510112",
            "investment": "500000000", "stage": "preparation", "work_team_id": "", "work_team_name": "二期工作队",
            "transport_unit_id": str(world.department.pk), "description": ""}
    bad = client.post("/projects/new/", form | {"owner": "不存在的企业"})
    assert bad.status_code == 400 and "不存在的企业" in bad.content.decode()
    assert not KeyProject.objects.exists()
    response = client.post("/projects/new/", form)
    p = KeyProject.objects.get(code="plant-2")
    assert response.status_code == 302 and response["Location"] == f"/projects/{p.pk}/"
    assert client.post(f"/projects/{p.pk}/team/", {"username": "comm"}).status_code == 302
    assert services.work_team_members(p) == [world.commissioner]
    page = client.get(f"/projects/{p.pk}/").content.decode()
    assert "二期工作队" in page and world.commissioner.display_name in page
    edit = client.get(f"/projects/{p.pk}/edit/")
    assert edit.status_code == 200
    response = client.post(f"/projects/{p.pk}/edit/", form | {"name": "二期工程", "version": "1",
                                                              "work_team_id": str(p.work_team_id)})
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.name == "二期工程" and p.version == 2
    stale = client.post(f"/projects/{p.pk}/edit/", form | {"name": "x", "version": "1",
                                                           "work_team_id": str(p.work_team_id)})
    assert stale.status_code == 400
    # milestones: add one, then move its date from its own row
    client.post(f"/projects/{p.pk}/milestones/", {"name": "中交", "planned_date": "2020-06-30"})
    m = Milestone.objects.get(project=p)
    client.post(f"/projects/{p.pk}/milestones/", {"milestone_id": m.pk, "name": "机械竣工",
                                                  "planned_date": "2020-07-15", "actual_date": ""})
    m.refresh_from_db()
    assert (m.name, m.planned_date) == ("机械竣工", date(2020, 7, 15))
    client.post(f"/projects/{p.pk}/team/", {"remove": world.commissioner.pk})
    assert services.work_team_members(p) == []
    client.force_login(world.team_member)
    assert client.get("/projects/new/").status_code == 403


def test_api_registers_edits_and_staffs(world: Any, client: Any) -> None:
    client.force_login(world.cc_staff)
    body = {"code": "api-1", "name": "API 项目", "owner_id": world.ent_project.pk, "region_code": "510112",
            "investment": "100", "work_team_name": "API 工作队"}
    created = client.post("/api/v1/projects", body, content_type="application/json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    bad = client.patch(f"/api/v1/projects/{pk}", {"stage": "nope"}, content_type="application/json")
    assert bad.status_code == 400 and "stage" in bad.json()["errors"]
    ok = client.patch(f"/api/v1/projects/{pk}", {"stage": "operation", "version": 1},
                      content_type="application/json")
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = client.patch(f"/api/v1/projects/{pk}", {"name": "x", "version": 1}, content_type="application/json")
    assert stale.status_code == 409
    added = client.post(f"/api/v1/projects/{pk}/team", {"username": "comm"}, content_type="application/json")
    assert added.status_code == 201 and added.json()["username"] == "comm"
    detail = client.get(f"/api/v1/projects/{pk}").json()
    assert [m["username"] for m in detail["team"]] == ["comm"]
    assert client.delete(f"/api/v1/projects/{pk}/team/{world.commissioner.pk}").status_code == 204
    assert client.delete(f"/api/v1/projects/{pk}/team/{world.commissioner.pk}").status_code == 404
    client.force_login(world.team_member)
    assert client.post("/api/v1/projects", body | {"code": "api-2"},
                       content_type="application/json").status_code == 403
    assert Unit.objects.filter(name="API 工作队").count() == 1
