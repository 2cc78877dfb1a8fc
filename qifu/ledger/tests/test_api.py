"""The ledger API: a problem walked from report to closing over HTTP, scoped lists, 409 and 404."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def as_user(user: Any) -> Client:
    user._qifu_grants = None
    client = Client()
    client.force_login(user)
    return client


def test_walk_a_problem_through_the_api(lw: Any) -> None:
    contact = as_user(lw.contact_user)
    r = contact.post("/api/v1/problems", {"enterprise_id": lw.ent_lqy.pk, "title": "防护物资跟不上",
                                          "category_id": lw.category.pk}, content_type="application/json")
    assert r.status_code == 201, r.content
    problem = r.json()
    pid = problem["id"]
    assert problem["status"] == "reported" and problem["number"].startswith("LQY-2")
    assert problem["actions"] == []  # the enterprise waits for its commissioner

    comm = as_user(lw.commissioner)
    body = comm.post(f"/api/v1/problems/{pid}/accept", {"version": problem["version"]},
                     content_type="application/json").json()
    assert body["status"] == "accepted" and "escalate" in body["actions"]
    # a stale version is a 409 and changes nothing
    r = comm.post(f"/api/v1/problems/{pid}/escalate", {"reason": "x", "version": problem["version"]},
                  content_type="application/json")
    assert r.status_code == 409 and r.json()["current_version"] == body["version"]
    body = comm.post(f"/api/v1/problems/{pid}/escalate", {"reason": "需要协调", "version": body["version"]},
                     content_type="application/json").json()
    assert (body["status"], body["tier"], body["responsible_unit"]["id"]) == ("escalated", "command_center", lw.cc_lqy.pk)

    cc = as_user(lw.cc_staff)
    body = cc.post(f"/api/v1/problems/{pid}/dispatch", {"targets": [{"unit_id": lw.department.pk}]},
                   content_type="application/json").json()
    hop = next(h for h in body["hops"] if h["tier"] == "department")
    dept = as_user(lw.dept_staff)
    assert dept.post(f"/api/v1/problems/assignments/{hop['id']}/acknowledge").status_code == 200
    assert dept.post(f"/api/v1/problems/{pid}/progress", {"progress": "已联系"}, content_type="application/json").status_code == 201
    body = dept.post(f"/api/v1/problems/{pid}/resolve", {"resolution_type": "solved", "resolution": "已送达"},
                     content_type="application/json").json()
    assert body["status"] == "resolved"
    contact.post(f"/api/v1/problems/{pid}/confirm", {"rating": "satisfied"}, content_type="application/json")
    body = comm.post(f"/api/v1/problems/{pid}/check", {}, content_type="application/json").json()
    assert body["status"] == "closed"
    events = comm.get(f"/api/v1/problems/{pid}/events").json()
    assert [e["code"] for e in events][-2:] == ["checked", "closed"]


def test_list_is_scoped_and_filtered(lw: Any) -> None:
    from . import helpers as h

    dispatched = h.dispatched(lw)
    h.report(lw, title="另一个问题")
    def numbers(user: Any, **filters: Any) -> list[str]:
        return [p["number"] for p in as_user(user).get("/api/v1/problems", filters).json()["items"]]

    assert numbers(lw.dept_staff) == [dispatched.number]
    assert len(numbers(lw.commissioner)) == 2
    assert numbers(lw.cc_other) == []
    assert as_user(lw.nobody).get(f"/api/v1/problems/{dispatched.pk}").status_code == 404
    leader = as_user(lw.leader)
    assert numbers(lw.leader, status="dispatched") == [dispatched.number]
    assert len(numbers(lw.leader, status="open", tier="commissioner")) == 1
    # Pages say whether another follows instead of counting every row.
    first = leader.get("/api/v1/problems", {"page_size": 1}).json()
    assert len(first["items"]) == 1 and first["has_next"] is True and first["page"] == 1
    assert leader.get("/api/v1/problems", {"page_size": 1, "page": 2}).json()["has_next"] is False
    counts = leader.get("/api/v1/problems/counts").json()
    assert counts["total"] == 2 and counts["open"] == 2


def test_refused_transition_answers_403_and_illegal_one_409(lw: Any) -> None:
    from . import helpers as h

    p = h.report(lw)
    r = as_user(lw.cc_staff).post(f"/api/v1/problems/{p.pk}/accept", {}, content_type="application/json")
    assert r.status_code == 403
    r = as_user(lw.commissioner).post(f"/api/v1/problems/{p.pk}/check", {}, content_type="application/json")
    assert r.status_code == 409
