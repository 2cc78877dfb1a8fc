"""The risk suggestion and slack (pure), and the risk view's figures on a small fixture."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from qifu.projects import risk, selectors
from qifu.projects.models import CountryNote

from .conftest import item

TODAY = date(2020, 4, 30)


def suggest(**kw: Any) -> str:
    args = {"status": "in_production", "origin": "domestic", "planned": None, "contract": None, "actual": None,
            "milestone": date(2020, 6, 30), "today": TODAY}
    return risk.suggest(**(args | kw))


def test_suggestion_from_dates_and_status() -> None:
    assert suggest(planned=date(2020, 6, 1)) == "normal"
    assert suggest(planned=date(2020, 7, 10)) == "delay"  # 10 days after the milestone
    assert suggest(planned=date(2020, 8, 15)) == "major"  # more than 30 days after
    assert suggest(planned=date(2020, 4, 20)) == "delay"  # overdue, not on site
    assert suggest(planned=date(2020, 7, 10), status="on_site", actual=date(2020, 4, 1)) == "normal"
    assert suggest(contract=date(2020, 7, 2)) == "delay"  # no plan: the contract date counts
    assert suggest(planned=date(2020, 6, 25), origin="imported") == "delay"  # imported, 5 days' margin
    assert suggest(planned=date(2020, 6, 25), origin="imported", status="in_transit") == "normal"
    assert suggest(planned=None) == "normal"


def test_slack() -> None:
    assert risk.slack_days(date(2020, 7, 5), date(2020, 6, 30)) == -5
    assert risk.slack_days(date(2020, 6, 20), date(2020, 6, 30)) == 10
    assert risk.slack_days(None, date(2020, 6, 30)) is None


@pytest.mark.django_db
def test_risk_view_counts_late_items_and_countries(world: Any, proj: Any, django_assert_max_num_queries: Any) -> None:
    p = proj.project
    item(p, "A1", origin="domestic", risk="normal", status="on_site", actual_arrival=date(2020, 3, 1))
    item(p, "A2", origin="domestic", risk="delay", planned_arrival=date(2020, 7, 10), milestone=proj.m1)
    item(p, "A3", origin="imported", country="DE", risk="major", planned_arrival=date(2020, 8, 20),
         milestone=proj.m1, suggested_risk="major")
    item(p, "A4", origin="imported", country="DE", risk="delay", planned_arrival=date(2020, 6, 1),
         milestone=proj.m1, suggested_risk="delay")
    item(p, "A5", origin="imported", country="IT", risk="normal", planned_arrival=date(2020, 9, 1),
         milestone=proj.m2)
    CountryNote.objects.create(project=p, country="DE", situation="港口正常", updated_at=p.created_at)
    with django_assert_max_num_queries(12):
        data = selectors.risk_view(user=world.team_member, project=p)
    assert data["total"] == 5
    origin = {r["key"]: r for r in data["by_origin"]}
    assert (origin["domestic"]["total"], origin["imported"]["total"]) == (2, 3)
    assert data["risk_totals"] == {"normal": 2, "delay": 2, "major": 1}
    assert {r["key"]: r["n"] for r in data["by_status"]}["on_site"] == 1
    assert data["late_count"] == 2
    assert [(x.number, x.slack_days) for x in data["late"]] == [("A3", -51), ("A2", -10)]
    countries = {c["code"]: c for c in data["countries"]}
    assert countries["DE"]["total"] == 2 and countries["DE"]["major"] == 1 and countries["DE"]["note"] == "港口正常"
    assert countries["IT"]["note"] == ""
    assert data["pending_count"] == 1  # A2: the team says delay, nothing suggested yet (normal)
    # outside the project's scope: nothing to see
    assert selectors.risk_view(user=world.cc_other, project=p)["total"] == 0
