"""Roster transitions, the personal list (ID checks, masking and access logs per role), bus plans becoming
trips whose arrivals update the roster and the figures, ledger requests, lodging rules and health events."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from openpyxl import Workbook

from qifu.core.errors import Conflict
from qifu.core.models import Event
from qifu.workforce import imports, selectors, services
from qifu.workforce.models import LodgingRule, OriginGroup, Trip, Worker

from .conftest import id_number, tomorrow

pytestmark = pytest.mark.django_db


def sheet(rows: list[list[Any]]) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "手机号", "身份证号", "籍贯代码", "岗位"])
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = "list.xlsx"
    return out


def upload(ww: Any, n: int = 3, origin: str = "420102") -> Any:
    rows = [[f"工人{i}", f"1380000{i:04d}", id_number(i), origin, "焊工"] for i in range(n)]
    return imports.workers_import(actor=ww.contact_user, enterprise_id=ww.ent_lqy.pk, file=sheet(rows))


def test_id_numbers_are_checked_and_a_bad_row_rejects_the_whole_file(ww: Any) -> None:
    bad = id_number(1)[:-1] + ("0" if id_number(1)[-1] != "0" else "1")
    report = imports.workers_import(actor=ww.contact_user, enterprise_id=ww.ent_lqy.pk, file=sheet([
        ["张三", "13800000001", id_number(1), "420102", ""],
        ["李四", "12345", bad, "999999", ""],
        ["王五", "13800000003", id_number(1), "420102", ""],
    ]))
    assert not report.ok
    assert {(e.row, e.column) for e in report.errors} == {(3, "phone"), (3, "id_number"), (3, "origin"),
                                                          (4, "id_number")}
    assert Worker.objects.count() == 0 and OriginGroup.objects.count() == 0
    report = upload(ww)
    assert report.ok and report.created == 3
    group = OriginGroup.objects.get(enterprise=ww.ent_lqy, origin_id="420102")
    assert (group.expected, group.at_origin) == (3, 3)
    assert upload(ww).unchanged == 3 and Worker.objects.count() == 3  # matched by ID number



def test_a_list_checked_in_batches_rejects_an_error_in_its_last_row(ww: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(imports, "CHECK_BATCH", 2)  # five rows: three batches, origins looked up in each
    rows = [[f"工人{i}", f"1380000{i:04d}", id_number(i), ("420102", "511502")[i % 2], ""] for i in range(5)]
    rows[-1][3] = "999999"
    report = imports.workers_import(actor=ww.contact_user, enterprise_id=ww.ent_lqy.pk, file=sheet(rows))
    assert [(e.row, e.column) for e in report.errors] == [(6, "origin")]
    assert Worker.objects.count() == 0 and OriginGroup.objects.count() == 0
    rows[-1][3] = "420102"
    report = imports.workers_import(actor=ww.contact_user, enterprise_id=ww.ent_lqy.pk, file=sheet(rows))
    assert report.ok and report.created == report.rows == 5
    assert sorted(OriginGroup.objects.values_list("origin_id", "expected")) == [("420102", 3), ("511502", 2)]


def test_roster_transitions_follow_the_table(ww: Any) -> None:
    g = services.origin_group_set(actor=ww.commissioner, enterprise_id=ww.ent_lqy.pk, origin_code="511502",
                                  expected=66, counts={"at_origin": 66})
    assert g.at_origin == 66
    services.origin_group_move(actor=ww.commissioner, enterprise_id=ww.ent_lqy.pk, origin_code="511502",
                               from_state="at_origin", to_state="arrived", count=60)
    with pytest.raises(ValidationError) as exc:  # at work cannot go back to origin
        services.origin_group_move(actor=ww.commissioner, enterprise_id=ww.ent_lqy.pk, origin_code="511502",
                                   from_state="arrived", to_state="at_origin", count=1)
    assert "state" in exc.value.message_dict
    with pytest.raises(ValidationError):  # only 6 left at origin
        services.origin_group_move(actor=ww.commissioner, enterprise_id=ww.ent_lqy.pk, origin_code="511502",
                                   from_state="at_origin", to_state="travelling", count=7)
    with pytest.raises(ValidationError) as exc:
        services.origin_group_set(actor=ww.commissioner, enterprise_id=ww.ent_lqy.pk, origin_code="511502",
                                  expected=5, counts={"at_origin": 66})
    assert "expected" in exc.value.message_dict
    f = selectors.figures(user=ww.commissioner, enterprise_id=ww.ent_lqy.pk)
    assert f.baseline == 66 and f.latest["on_site"] == 60 and f.latest["by_province"] == {"510000": 60}
    with pytest.raises(PermissionDenied):  # the leader sees but does not change
        services.origin_group_set(actor=ww.leader, enterprise_id=ww.ent_lqy.pk, origin_code="511502", expected=1,
                                  counts={})


def test_masking_and_access_logs_per_role(ww: Any) -> None:
    upload(ww)
    full = id_number(0)
    expected = {"contact_user": True, "health_staff": True, "commissioner": False, "cc_staff": False,
                "leader": False, "admin": False, "bureau_staff": False}
    for role, unmasked in expected.items():
        user = getattr(ww, role)
        before = Event.objects.filter(code="workforce.personal_data_viewed", actor=user).count()
        rows, flag = selectors.personal_list(user=user, enterprise=ww.ent_lqy)
        assert flag is unmasked, role
        ids = {r["id_number"] for r in rows}
        assert (full in ids) is unmasked, role
        if not unmasked:
            assert all("*" in r["id_number"] and "*" in r["phone"] for r in rows), role
        logged = Event.objects.filter(code="workforce.personal_data_viewed", actor=user).count() - before
        assert logged == (1 if unmasked else 0), role
    for role in ("dept_staff", "tf_member", "team_member", "nobody"):  # transport dept, others: nothing at all
        assert selectors.personal_list(user=getattr(ww, role), enterprise=ww.ent_lqy)[0] == [], role


def test_plan_becomes_trips_and_arrivals_update_the_roster(ww: Any) -> None:
    upload(ww, n=3, origin="420102")
    services.origin_group_set(actor=ww.contact_user, enterprise_id=ww.ent_lqy.pk, origin_code="511502",
                              expected=66, counts={"at_origin": 66})
    plan = services.plan_propose(actor=ww.contact_user, enterprise_id=ww.ent_lqy.pk, travel_date=tomorrow(),
                                 seats=45)
    assert plan.bus_count == plan.lower_bound_buses == 4  # 69 workers, 22 per bus
    with pytest.raises(PermissionDenied):  # the enterprise cannot approve its own buses
        services.plan_decide(actor=ww.contact_user, plan_id=plan.pk, approve=True)
    services.plan_decide(actor=ww.dept_staff, plan_id=plan.pk, approve=True)
    with pytest.raises(Conflict):
        services.plan_decide(actor=ww.dept_staff, plan_id=plan.pk, approve=True)
    trips = list(Trip.objects.filter(plan=plan))
    assert len(trips) == 4 and sum(t.passengers for t in trips) == 69
    assert Worker.objects.filter(trip__isnull=False).count() == 3  # the named workers are on a manifest
    for t in trips:
        services.trip_transition(actor=ww.contact_user, trip_id=t.pk, action="depart")
        services.trip_transition(actor=ww.dept_staff, trip_id=t.pk, action="arrive")
    with pytest.raises(Conflict):
        services.trip_transition(actor=ww.contact_user, trip_id=trips[0].pk, action="arrive")
    assert set(Worker.objects.values_list("state", flat=True)) == {"arrived"}
    r = selectors.roster(user=ww.cc_staff, enterprise=ww.ent_lqy)
    assert r.totals["arrived"] == 69 and r.totals["at_origin"] == 0
    f = selectors.figures(user=ww.leader, region="510100")
    assert f.baseline == 69 and f.latest["on_site"] == 69 and f.latest["rate"] == 100.0
    assert f.latest["by_province"] == {"420000": 3, "510000": 66}
    # a commissioner's overview sums their own enterprises' rows; another district's command center sees none
    assert selectors.figures(user=ww.commissioner).latest["on_site"] == 69
    assert selectors.figures(user=ww.cc_other).baseline == 0


def test_bad_plan_input_changes_nothing(ww: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        services.plan_propose(actor=ww.contact_user, enterprise_id=ww.ent_lqy.pk, travel_date=None, seats=1)
    assert {"seats", "date", "__all__"} <= set(exc.value.message_dict)


def test_requests_become_ledger_problems_and_the_lodging_rule(ww: Any) -> None:
    p = services.ledger_problem_raise(actor=ww.contact_user, enterprise_id=ww.ent_lqy.pk, kind="transport",
                                      title="泸州66名实习生无法返岗", origin_code="510502", workers=66)
    assert p.category.code == "logistics" and "66" in p.description and p.enterprise_id == ww.ent_lqy.pk
    p2 = services.ledger_problem_raise(actor=ww.commissioner, enterprise_id=ww.ent_lqy.pk, kind="lodging",
                                       title="周边乡镇拒绝外省员工入住")
    assert p2.status == "accepted"  # reported by the commissioner: accepted at once
    from datetime import time

    from qifu.projects.tests.conftest import make_project

    project = make_project(ww).project  # owned by ent_project, ww.work_team stationed there
    with pytest.raises(Http404):  # the enterprise's contact does not keep the key project
        services.project_members_set(actor=ww.contact_user, project_id=project.pk, enterprise_ids=[ww.ent_lqy.pk])
    assert services.project_members_set(actor=ww.team_member, project_id=project.pk,
                                        enterprise_ids=[ww.ent_lqy.pk]) == sorted([ww.ent_project.pk, ww.ent_lqy.pk])
    rule = services.project_rule_set(actor=ww.team_member, project_id=project.pk, problem_id=p2.pk,
                                     rule="点对点、不拒收；每日班车直达工地",
                                     shuttles=[services.ShuttleInput("杜浔镇", time(6, 30), 45, time(18, 0))])
    assert rule.project_id == project.pk and rule.problem_id == p2.pk and project.shuttles.count() == 1
    with pytest.raises(ValidationError) as exc:  # an empty rule, a shuttle without seats: nothing changes
        services.project_rule_set(actor=ww.team_member, project_id=project.pk, rule=" ",
                                  shuttles=[services.ShuttleInput("霞美镇", time(7, 0), 0)])
    assert {"rule", "shuttles"} <= set(exc.value.message_dict)
    assert LodgingRule.objects.get(project=project).rule.startswith("点对点") and project.shuttles.count() == 1
    other = services.ledger_problem_raise(actor=ww.commissioner2, enterprise_id=ww.ent_lqy2.pk, kind="lodging",
                                          title="x")
    with pytest.raises(ValidationError) as exc:  # only a problem of one of the project's enterprises
        services.project_rule_set(actor=ww.team_member, project_id=project.pk, rule="r", shuttles=[],
                                  problem_id=other.pk)
    assert "problem_id" in exc.value.message_dict
    # the project's figures sum its enterprises' tallies; its transport department sees them
    services.origin_group_set(actor=ww.contact_user, enterprise_id=ww.ent_lqy.pk, origin_code="511502",
                              expected=40, counts={"at_origin": 10, "at_work": 30})
    f = selectors.figures(user=ww.dept_staff, project_id=project.pk)
    assert f.baseline == 40 and f.latest["on_site"] == 30 and f.latest["rate"] == 75.0
    assert selectors.project_workforce(user=ww.dept_staff, project=project).totals["at_origin"] == 10
    with pytest.raises(Http404):
        selectors.figures(user=ww.contact_user2 if hasattr(ww, "contact_user2") else ww.nobody, project_id=project.pk)


def test_health_event_flow_and_the_warning_downstream(ww: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone

    supplier = ww.ent_lqy2
    event = services.health_event_report(actor=ww.commissioner2, data=services.HealthEventInput(
        enterprise_id=supplier.pk, person_name="新员工", description="发热 37.8℃", id_number=id_number(5),
        phone="13800000005", customer_ids=(ww.ent_lqy.pk,)))
    assert event.notified == ["Health commission", ww.ent_lqy.name]
    warnings = selectors.health_warnings(user=ww.admin, enterprise_ids=[ww.ent_lqy.pk, supplier.pk])
    assert warnings[ww.ent_lqy.pk][0]["kind"] == "supplier" and warnings[supplier.pk][0]["kind"] == "own"
    assert "id_number" not in warnings[ww.ent_lqy.pk][0]
    now = timezone.now()
    for i, (kind, result) in enumerate([("hospital", "done"), ("ct", "normal"), ("nat_1", "negative"),
                                        ("nat_2", "negative"), ("expert_review", "negative")]):
        services.health_step_add(actor=ww.health_staff, event_id=event.pk, kind=kind,
                                 at=now - timedelta(minutes=50 - i), result=result)
    with pytest.raises(ValidationError):
        services.health_step_add(actor=ww.health_staff, event_id=event.pk, kind="xray", at=now, result="negative")
    with pytest.raises(Http404):  # the plant it supplies sees the warning, not the event
        services.health_event_close(actor=ww.contact_user, event_id=event.pk, status="cleared", outcome="阴性")
    services.health_event_close(actor=ww.health_staff, event_id=event.pk, status="cleared", outcome="两次核酸阴性，排除")
    assert selectors.health_warnings(user=ww.admin, enterprise_ids=[ww.ent_lqy.pk, supplier.pk]) == {}
    assert Event.objects.filter(code="workforce.health_step", target_id=str(event.pk)).count() == 5
    # personal data of the event: masked for the commissioner, full (and logged) for the health authority
    assert "*" in selectors.mask_health_event(ww.commissioner2, event)["id_number"]
    assert selectors.mask_health_event(ww.health_staff, event)["id_number"] == id_number(5)


def test_an_upload_is_the_full_list_previewed_then_confirmed(ww: Any) -> None:
    upload(ww, n=3)  # workers 0, 1, 2 at origin in 420102
    w0 = Worker.objects.get(id_number=id_number(0))
    services.worker_move(actor=ww.contact_user, worker_id=w0.pk, to_state="arrived")
    rows = [["工人1", "13900000001", id_number(1), "420102", "焊工"], ["新人", "13800000005", id_number(5), "420102", ""]]
    preview = imports.workers_import(actor=ww.contact_user, enterprise_id=ww.ent_lqy.pk, file=sheet(rows),
                                     dry_run=True)
    # 1 added, 1 changed (phone), worker 2 still away → not returning, worker 0 already back → removed
    assert preview.ok and preview.counts == {"created": 1, "updated": 1, "unchanged": 0, "not_returning": 1,
                                             "removed": 1}
    assert Worker.objects.count() == 3 and not Event.objects.filter(code="workforce.workers_imported",
                                                                     data__created=1).exists()
    with pytest.raises(Conflict):  # the user confirmed other numbers: nothing is written
        imports.workers_import(actor=ww.contact_user, enterprise_id=ww.ent_lqy.pk, file=sheet(rows),
                               expected={**preview.counts, "removed": 0})
    assert Worker.objects.count() == 3
    done = imports.workers_import(actor=ww.contact_user, enterprise_id=ww.ent_lqy.pk, file=sheet(rows),
                                  expected=preview.counts)
    assert done.ok and done.counts == preview.counts
    states = dict(Worker.objects.values_list("id_number", "state"))
    assert states == {id_number(1): "at_origin", id_number(2): "not_returning", id_number(5): "at_origin"}
    group = OriginGroup.objects.get(enterprise=ww.ent_lqy, origin_id="420102")
    assert (group.expected, group.at_origin, group.not_returning, group.arrived) == (3, 2, 1, 0)
    f = selectors.figures(user=ww.leader, enterprise_id=ww.ent_lqy.pk)
    assert f.baseline == 3 and f.latest["on_site"] == 0  # the one back and removed left the figures too
    event = Event.objects.filter(code="workforce.workers_imported").order_by("-id").first()
    assert event.data["removed"] == 1 and event.data["not_returning"] == 1 and id_number(0) not in str(event.data)
    # listed again: back to at origin
    again = imports.workers_import(actor=ww.contact_user, enterprise_id=ww.ent_lqy.pk, file=sheet(
        rows + [["工人2", "13800000002", id_number(2), "420102", "焊工"]]))
    assert again.updated == 1 and Worker.objects.get(id_number=id_number(2)).state == "at_origin"


def test_an_upload_leaving_off_a_worker_on_a_bus_is_rejected_whole(ww: Any) -> None:
    upload(ww, n=2)
    plan = services.plan_propose(actor=ww.contact_user, enterprise_id=ww.ent_lqy.pk, travel_date=tomorrow(), seats=45)
    services.plan_decide(actor=ww.dept_staff, plan_id=plan.pk, approve=True)
    report = imports.workers_import(actor=ww.contact_user, enterprise_id=ww.ent_lqy.pk, file=sheet(
        [["工人0", "13800000000", id_number(0), "420102", "焊工"], ["新人", "13800000005", id_number(5), "420102", ""]]))
    assert not report.ok and "工人1" in report.errors[0].message and "*" in report.errors[0].message
    assert Worker.objects.count() == 2 and not Worker.objects.filter(id_number=id_number(5)).exists()


def test_a_corrected_origin_moves_the_worker_between_aggregates_and_provinces(ww: Any) -> None:
    upload(ww, n=1)
    services.worker_move(actor=ww.contact_user, worker_id=Worker.objects.get().pk, to_state="arrived")
    report = imports.workers_import(actor=ww.contact_user, enterprise_id=ww.ent_lqy.pk, file=sheet(
        [["工人0", "13800000000", id_number(0), "510502", "焊工"]]))
    assert report.ok and report.updated == 1
    groups = {g.origin_id: (g.expected, g.arrived) for g in OriginGroup.objects.filter(enterprise=ww.ent_lqy)}
    assert groups == {"420102": (0, 0), "510502": (1, 1)}
    f = selectors.figures(user=ww.leader, enterprise_id=ww.ent_lqy.pk)
    assert f.baseline_by_province == {"420000": 0, "510000": 1} and f.latest["on_site"] == 1
    assert {k: v for k, v in f.latest["by_province"].items() if v} == {"510000": 1}
