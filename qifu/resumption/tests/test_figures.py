"""The dashboard's figures on a small fixture, computed by hand: never-reported enterprises, a replaced
report, an enterprise outside the jurisdiction, a district filter, and each role's scope."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from qifu.resumption import selectors

from .conftest import DAY

pytestmark = pytest.mark.django_db


def test_city_figures_by_hand(rw: Any) -> None:
    f = selectors.day_figures(scope=selectors.scope_for(user=rw.leader), day=DAY)
    t = f["totals"]
    # lqy resumed (its partly report was replaced), lqy2 not resumed, jj at full capacity, project never
    # reported; the Chongqing supplier is outside the jurisdiction
    assert (t["enterprises"], t["reported"], t["resumed_any"], t["not_reported"], t["full"]) == (4, 3, 2, 1, 1)
    assert t["resumption_rate"] == 0.5
    assert t["return_rate"] == round(110 / 180, 4)
    assert t["capacity_rate"] == round(170 / 3 / 100, 4)
    lqy = next(r for r in f["by_district"] if r["key"] == "510112")
    assert (lqy["enterprises"], lqy["resumed_any"], lqy["resumption_rate"]) == (3, 1, round(1 / 3, 4))
    assert lqy["return_rate"] == round(80 / 150, 4) and lqy["capacity_rate"] == 0.35
    assert [r["key"] for r in f["by_industry"]] == ["14", "36"]
    assert f["worst_districts"][0]["key"] == "510112"


def test_the_rollup_and_the_live_computation_agree(rw: Any) -> None:
    rolled = selectors.day_figures(scope=selectors.scope_for(user=rw.admin), day=DAY)
    live = selectors.day_figures(scope=selectors.Scope(user=rw.admin, kind="enterprises"), day=DAY)
    assert rolled == live
    period = {"start": DAY - timedelta(days=2), "end": DAY}
    assert selectors.trend(scope=selectors.scope_for(user=rw.admin), **period) == selectors.trend(
        scope=selectors.Scope(user=rw.admin, kind="enterprises"), **period)


def test_district_filter_and_role_scopes(rw: Any) -> None:
    filtered = selectors.day_figures(scope=selectors.scope_for(user=rw.leader, region="510112"), day=DAY)["totals"]
    assert (filtered["enterprises"], filtered["resumed_any"]) == (3, 1)
    district = selectors.scope_for(user=rw.cc_staff)
    assert district.kind == "regions"
    assert selectors.day_figures(scope=district, day=DAY)["totals"] == filtered
    mine = selectors.scope_for(user=rw.commissioner)
    assert mine.kind == "enterprises"
    t = selectors.day_figures(scope=mine, day=DAY)["totals"]
    assert (t["enterprises"], t["resumed_any"], t["resumption_rate"]) == (1, 1, 1.0)
    # a district cannot widen its scope by asking for another district
    other = selectors.day_figures(scope=selectors.scope_for(user=rw.cc_staff, region="510104"), day=DAY)["totals"]
    assert other["enterprises"] == 0 and other["reported"] == 0


def test_every_figure_drills_down_to_its_enterprises(rw: Any) -> None:
    scope = selectors.scope_for(user=rw.leader)
    t = selectors.day_figures(scope=scope, day=DAY)["totals"]
    count = {k: selectors.drilldown(scope=scope, day=DAY, kind=k).count() for k in selectors.DRILL_KINDS}
    assert count == {"enterprises": t["enterprises"], "reported": t["reported"], "not_reported": t["not_reported"],
                     "resumed": t["resumed_any"], "not_resumed": t["not_resumed"],
                     "not_resumed_any": t["enterprises"] - t["resumed_any"], "partly": t["partly"], "full": t["full"]}
    names = [e.name for e in selectors.drilldown(scope=scope, day=DAY, kind="not_reported")]
    assert names == ["Project owner"]
    lqy_resumed = selectors.drilldown(scope=scope, day=DAY, kind="resumed", district="510112")
    assert [(e.name, e.day_status, e.day_on_duty) for e in lqy_resumed] == [("LQY Motor", "resumed", 80)]


def test_key_enterprises_not_resumed(rw: Any) -> None:
    rw.ent_lqy2.key_enterprise = rw.ent_lqy.key_enterprise = True
    rw.ent_lqy2.save()
    rw.ent_lqy.save()
    keys = selectors.key_not_resumed(scope=selectors.scope_for(user=rw.leader), day=DAY)
    assert [e.name for e in keys] == ["LQY Parts"]


def _agree(user: Any) -> dict[str, Any]:
    rolled = selectors.day_figures(scope=selectors.scope_for(user=user), day=DAY)
    live = selectors.day_figures(scope=selectors.Scope(user=user, kind="enterprises"), day=DAY)
    assert rolled == live
    return rolled["totals"]


def test_figures_follow_an_enterprise_leaving_the_jurisdiction_or_moving_district(rw: Any) -> None:
    from qifu.enterprises import services as enterprise_services

    before = _agree(rw.admin)
    enterprise_services.enterprise_update(actor=rw.admin, enterprise_id=rw.ent_jj.pk, expected_version=None,
                                          changes={"is_external": True})
    t = _agree(rw.admin)
    assert (t["enterprises"], t["reported"], t["full"]) == (before["enterprises"] - 1, before["reported"] - 1, 0)
    assert t["resumption_rate"] <= 1
    # Back inside, then moved into Longquanyi: its reports move with it, so the district counts it once.
    enterprise_services.enterprise_update(actor=rw.admin, enterprise_id=rw.ent_jj.pk, expected_version=None,
                                          changes={"is_external": False, "region": "510112"})
    assert _agree(rw.admin) == before
    lqy = selectors.day_figures(scope=selectors.scope_for(user=rw.leader, region="510112"), day=DAY)["totals"]
    assert (lqy["enterprises"], lqy["reported"], lqy["full"]) == (4, 3, 1)


def test_drilldown_lists_only_enterprises_in_scope(rw: Any) -> None:
    from qifu.enterprises import services as enterprise_services

    enterprise_services.enterprise_update(actor=rw.admin, enterprise_id=rw.ent_lqy.pk, expected_version=None,
                                          changes={"region": "510104"})
    resumed = selectors.drilldown(scope=selectors.scope_for(user=rw.cc_staff), day=DAY, kind="resumed")
    assert rw.ent_lqy not in list(resumed)


def test_not_resumed_including_non_reporters_adds_up_to_the_rate(rw: Any) -> None:
    scope = selectors.scope_for(user=rw.leader)
    t = selectors.day_figures(scope=scope, day=DAY)["totals"]
    listed = selectors.drilldown(scope=scope, day=DAY, kind="not_resumed_any")
    assert listed.count() == t["enterprises"] - t["resumed_any"]
    assert rw.ent_project in list(listed)  # never reported: counted as not resumed by the rate, listed here too
