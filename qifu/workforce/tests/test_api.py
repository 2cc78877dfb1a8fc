"""The API: JSON field errors with nothing changed, the same masking as the pages, plans to arrivals."""

from __future__ import annotations

from typing import Any

import pytest

from qifu.core.models import Event
from qifu.workforce.models import OriginGroup

from .conftest import id_number, tomorrow
from .test_services import upload

pytestmark = pytest.mark.django_db
URL = "/api/v1/workforce"


def test_workers_masked_except_for_enterprise_and_health(client: Any, ww: Any) -> None:
    upload(ww, n=2)
    for user, unmasked in ((ww.contact_user, True), (ww.health_staff, True), (ww.commissioner, False),
                           (ww.cc_staff, False)):
        client.force_login(user)
        body = client.get(f"{URL}/enterprises/{ww.ent_lqy.pk}/workers").json()
        assert body["unmasked"] is unmasked
        assert (id_number(0) in {w["id_number"] for w in body["items"]}) is unmasked
    client.force_login(ww.dept_staff)  # the transport department reads the roster, never the personal list
    assert client.get(f"{URL}/enterprises/{ww.ent_lqy.pk}/workers").json()["items"] == []
    assert client.get(f"{URL}/enterprises/{ww.ent_lqy.pk}/roster").status_code == 200
    client.force_login(ww.tf_member)
    assert client.get(f"{URL}/enterprises/{ww.ent_lqy.pk}/workers").status_code == 404
    assert Event.objects.filter(code="workforce.personal_data_viewed", data__what="api").count() == 2


def test_bad_input_gets_field_errors(client: Any, ww: Any) -> None:
    client.force_login(ww.contact_user)
    r = client.post(f"{URL}/enterprises/{ww.ent_lqy.pk}/groups", {"origin": "999999", "expected": 3, "at_origin": 5},
                    content_type="application/json")
    assert r.status_code == 400 and "origin" in r.json()["errors"]
    r = client.post(f"{URL}/health-events", {"enterprise_id": ww.ent_lqy.pk, "person_name": "x", "description": "d",
                                             "id_number": "420102199001011234"}, content_type="application/json")
    assert r.status_code == 400 and set(r.json()["errors"]) == {"id_number"}
    assert OriginGroup.objects.count() == 0


def test_plan_approve_and_arrive(client: Any, ww: Any) -> None:
    client.force_login(ww.contact_user)
    client.post(f"{URL}/enterprises/{ww.ent_lqy.pk}/groups", {"origin": "510502", "expected": 66, "at_origin": 66},
                content_type="application/json")
    plan = client.post(f"{URL}/enterprises/{ww.ent_lqy.pk}/plans", {"date": tomorrow().isoformat(), "seats": 45},
                       content_type="application/json").json()
    assert plan["bus_count"] == 3 and plan["status"] == "proposed"
    assert client.post(f"{URL}/plans/{plan['id']}/decision", {"approve": True},
                       content_type="application/json").status_code == 403
    client.force_login(ww.dept_staff)
    assert client.post(f"{URL}/plans/{plan['id']}/decision", {"approve": True},
                       content_type="application/json").json()["status"] == "approved"
    trips = client.get(f"{URL}/trips", {"plan_id": plan["id"]}).json()["items"]
    for t in trips:
        assert client.post(f"{URL}/trips/{t['id']}/depart").json()["state"] == "departed"
        assert client.post(f"{URL}/trips/{t['id']}/arrive").json()["state"] == "arrived"
    client.force_login(ww.leader)
    figures = client.get(f"{URL}/figures", {"region": "510112"}).json()
    assert figures["baseline"] == 66 and figures["days"][-1]["on_site"] == 66
    client.force_login(ww.contact_user)
    assert client.get(f"{URL}/figures").status_code == 403


def test_key_project_members_rule_and_figures(client: Any, ww: Any) -> None:
    from qifu.projects.tests.conftest import make_project
    from qifu.workforce import services

    project = make_project(ww).project
    problem = services.ledger_problem_raise(actor=ww.team_leader, enterprise_id=ww.ent_project.pk, kind="lodging",
                                            title="周边乡镇拒绝外省员工入住")
    client.force_login(ww.dept_staff)  # the project's transport department reads, does not keep it
    assert client.get(f"{URL}/projects/{project.pk}").json()["enterprise_ids"] == [ww.ent_project.pk]
    assert client.post(f"{URL}/projects/{project.pk}/members", {"enterprise_ids": [ww.ent_lqy.pk]},
                       content_type="application/json").status_code == 403
    client.force_login(ww.team_member)
    body = client.post(f"{URL}/projects/{project.pk}/members", {"enterprise_ids": [ww.ent_lqy.pk]},
                       content_type="application/json").json()
    assert sorted(body["enterprise_ids"]) == sorted([ww.ent_project.pk, ww.ent_lqy.pk])
    r = client.post(f"{URL}/projects/{project.pk}/rule", {"rule": "", "shuttles": [{"lodging": "", "departs": "06:30",
                                                                                   "seats": 0}]},
                    content_type="application/json")
    assert r.status_code == 400 and {"rule", "shuttles"} <= set(r.json()["errors"])
    body = client.post(f"{URL}/projects/{project.pk}/rule", {
        "rule": "点对点、不拒收", "problem_id": problem.pk,
        "shuttles": [{"lodging": "杜浔镇集中住宿点", "departs": "06:30", "returns": "18:30", "seats": 45}]},
        content_type="application/json").json()
    assert body["rule_problem_id"] == problem.pk and body["shuttles"][0]["seats"] == 45
    client.force_login(ww.contact_user)
    client.post(f"{URL}/enterprises/{ww.ent_lqy.pk}/groups", {"origin": "510502", "expected": 10, "at_work": 4},
                content_type="application/json")
    client.force_login(ww.dept_staff)
    figures = client.get(f"{URL}/figures", {"project_id": project.pk}).json()
    assert figures["baseline"] == 10 and figures["days"][-1]["on_site"] == 4
    client.force_login(ww.tf_member)
    assert client.get(f"{URL}/projects/{project.pk}").status_code == 404


def test_import_dry_run_states_what_the_full_list_would_do(client: Any, ww: Any) -> None:
    from qifu.workforce.models import Worker

    from .test_services import sheet

    upload(ww, n=2)
    client.force_login(ww.contact_user)
    body = client.post(f"{URL}/enterprises/{ww.ent_lqy.pk}/workers/import?dry_run=true",
                       {"file": sheet([["工人0", "13800000000", id_number(0), "420102", "焊工"]])}).json()
    assert body["ok"] and body["dry_run"] and (body["unchanged"], body["not_returning"], body["removed"]) == (1, 1, 0)
    assert not Worker.objects.filter(state="not_returning").exists()
