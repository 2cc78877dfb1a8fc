"""KPIs on a small crafted ledger with known answers, per unit, per tier and overall, in a fixed number of
queries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from django.utils import translation

from qifu.core.workdays import END_OF_DAY, SHANGHAI
from qifu.ledger import kpis, services
from qifu.ledger.choices import Rating, ReturnKind, Status, Tier
from qifu.ledger.models import Assignment, Problem

from . import helpers as h

pytestmark = pytest.mark.django_db


def at(day: str, clock: str = "10:00") -> datetime:
    return datetime.fromisoformat(f"{day} {clock}").replace(tzinfo=SHANGHAI)


def end_of(day: str) -> datetime:
    return datetime.combine(datetime.fromisoformat(day).date(), END_OF_DAY, SHANGHAI)


@pytest.fixture
def ledger(lw: Any) -> Any:
    """Four resolved problems (rated 满意, 满意, 基本满意, 不满意) and one sent back to the command center."""
    ratings = [Rating.SATISFIED, Rating.SATISFIED, Rating.BASICALLY, Rating.UNSATISFIED]
    # (reported, resolved, deadline): handling times 1, 2, 3 and 4 working days; the last one late.
    clocks = [
        (at("2020-03-02"), at("2020-03-03"), end_of("2020-03-20")),
        (at("2020-03-02"), at("2020-03-04"), end_of("2020-03-20")),
        (at("2020-03-05"), at("2020-03-10"), end_of("2020-03-20")),  # Thu → Tue: the weekend does not count
        (at("2020-03-02"), at("2020-03-06"), end_of("2020-03-05")),
    ]
    # (assigned, acknowledged) of each department hop: timely, late, timely across a weekend, never.
    acks = [
        (at("2020-03-05"), at("2020-03-06", "09:59")),
        (at("2020-03-05"), at("2020-03-06", "10:01")),
        (at("2020-03-06"), at("2020-03-09", "09:00")),
        (at("2020-03-02"), None),
    ]
    lw.resolved = []
    for i, (rating, (reported, resolved, deadline), (assigned, acked)) in enumerate(
        zip(ratings, clocks, acks, strict=True)
    ):
        p = h.resolved(lw, title=f"问题 {i}")
        Problem.objects.filter(pk=p.pk).update(
            status=Status.CLOSED, rating=rating, reported_at=reported, resolved_at=resolved, deadline=deadline,
            handling_days=services.handling_days(reported, resolved),
            redo_count=1 if rating == Rating.UNSATISFIED else 0,
        )
        Assignment.objects.filter(problem=p, tier=Tier.DEPARTMENT).update(assigned_at=assigned, acknowledged_at=acked)
        lw.resolved.append(p)
    back = h.dispatched(lw, title="退单")
    services.assignment_return(actor=lw.dept_staff, assignment_id=h.hop(back).pk, kind=ReturnKind.WRONG_UNIT,
                               reason="不属于本单位职责")
    Assignment.objects.filter(problem=back, tier=Tier.DEPARTMENT).update(assigned_at=at("2020-03-02"))
    Problem.objects.filter(pk=back.pk).update(warning="red")
    lw.back = back
    return lw


NOW = at("2020-03-20")


def test_overall(ledger: Any) -> None:
    k = kpis.overall(Problem.objects.restrict(ledger.admin), now=NOW)
    assert k["problems"] == 5 and k["backlog"] == 1 and k["overdue"] == 1
    assert (k["rated"], k["satisfied"], k["satisfaction_rate"]) == (4, 3, 0.75)
    assert (k["resolved"], k["on_time"], k["on_time_rate"]) == (4, 3, 0.75)
    assert (k["redone"], k["ever_resolved"], k["redo_rate"]) == (1, 4, 0.25)
    assert (k["hops"], k["returned"], k["return_rate"]) == (5, 1, 0.2)
    # due: four hops acknowledged or long assigned plus the returned one; timely: two.
    assert (k["acks_due"], k["acks_timely"], k["timely_ack_rate"]) == (5, 2, 0.4)
    assert (k["handling_avg_days"], k["handling_p90_days"]) == (2.5, 4.0)
    assert k["escalations"] == 5


def test_per_unit_and_tier(ledger: Any) -> None:
    qs = Problem.objects.restrict(ledger.admin)
    rows = {r["key"]: r for r in kpis.kpis(qs=qs, by="unit", now=NOW)}
    dept, cc = rows[ledger.department.pk], rows[ledger.cc_lqy.pk]
    assert dept["label"] == "Transport bureau"
    assert (dept["problems"], dept["resolved"], dept["hops"], dept["returned"], dept["satisfaction_rate"]) == (
        4, 4, 5, 1, 0.75)
    assert (cc["problems"], cc["backlog"], cc["overdue"], cc["hops"], cc["return_rate"]) == (1, 1, 1, 0, None)
    tiers = {r["key"]: r for r in kpis.kpis(qs=qs, by="tier", now=NOW)}
    assert set(tiers) == {Tier.DEPARTMENT, Tier.COMMAND_CENTER}
    assert (tiers[Tier.DEPARTMENT]["problems"], tiers[Tier.DEPARTMENT]["timely_ack_rate"]) == (4, 0.4)
    assert tiers[Tier.COMMAND_CENTER]["backlog"] == 1


def test_scope_is_respected(ledger: Any) -> None:
    # The other district's command center sees none of these problems.
    assert kpis.overall(Problem.objects.restrict(ledger.cc_other), now=NOW)["problems"] == 0


def test_query_count_is_fixed(ledger: Any, django_assert_max_num_queries: Any) -> None:
    qs = Problem.objects.restrict(ledger.admin)
    with django_assert_max_num_queries(9):
        kpis.kpis(qs=qs, by="unit", now=NOW)


def test_formulas_are_stated() -> None:
    assert set(kpis.FORMULAS) >= {"timely_ack_rate", "on_time_rate", "return_rate", "redo_rate",
                                  "satisfaction_rate", "handling_days"}
    with translation.override("en"):
        assert "basically satisfied" in str(kpis.FORMULAS["satisfaction_rate"])


def test_handling_time_is_stored_at_resolution_and_cleared_on_redo(lw: Any) -> None:
    p = h.resolved(lw)
    assert p.handling_days is not None
    assert p.handling_days == services.handling_days(p.reported_at, p.resolved_at)
    services.problem_confirm(actor=lw.contact_user, problem_id=p.pk, rating=Rating.UNSATISFIED, comment="没解决")
    p.refresh_from_db()
    assert p.status != Status.RESOLVED and p.handling_days is None and p.resolved_at is None


def test_leaders_read_the_snapshot_while_it_is_fresh(ledger: Any) -> None:
    from datetime import timedelta

    from django.test import Client

    qs = Problem.objects.restrict(ledger.leader)
    live = kpis.kpis(qs=qs, by="unit", now=NOW)
    kpis.snapshot_refresh(now=NOW)
    overall, rows, as_of = kpis.for_scope(user=ledger.leader, qs=qs, by="unit", filtered=False, now=NOW)
    assert as_of == NOW and rows == live and overall == kpis.overall(qs, now=NOW)
    # Another unresolved problem: the snapshot still says what it said until the job runs again ...
    h.report(ledger, title="新问题")
    assert kpis.for_scope(user=ledger.leader, qs=qs, by="unit", filtered=False, now=NOW)[0] == overall
    # ... a filtered view, a narrower scope or a stale snapshot is computed live.
    assert kpis.for_scope(user=ledger.leader, qs=qs, by="unit", filtered=True, now=NOW)[2] is None
    cc = Problem.objects.restrict(ledger.cc_staff)
    assert kpis.for_scope(user=ledger.cc_staff, qs=cc, by="unit", filtered=False, now=NOW)[2] is None
    later = NOW + kpis.SNAPSHOT_MAX_AGE + timedelta(minutes=1)
    assert kpis.for_scope(user=ledger.leader, qs=qs, by="unit", filtered=False, now=later)[2] is None
    client = Client()
    client.force_login(ledger.leader)
    assert client.get("/api/v1/problems/kpis", {"by": "unit"}).json()["as_of"] is None  # NOW is long past
