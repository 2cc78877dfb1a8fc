"""The ledger's copy of each enterprise's region: district scopes and region filters read it, so it must
follow an enterprise that moves, whether edited on its page or by an import."""

from __future__ import annotations

from typing import Any

from qifu.core import access
from qifu.enterprises import services as enterprise_services
from qifu.ledger import selectors
from qifu.ledger.models import Problem

from . import helpers as h


def _visible(user: Any) -> set[int]:
    return set(Problem.objects.restrict(user, access.VIEW).values_list("pk", flat=True))


def test_problem_carries_its_enterprise_region_and_district_scope_reads_it(lw: Any) -> None:
    p = h.report(lw)
    assert p.region_code == lw.ent_lqy.region_id
    assert p.pk in _visible(lw.cc_staff) and p.pk not in _visible(lw.cc_other)
    assert list(selectors.problem_list(user=lw.leader, filters=selectors.ProblemFilter(region="510100"))) == [p]
    assert list(selectors.problem_list(user=lw.leader, filters=selectors.ProblemFilter(
        region=lw.ent_jj.region_id))) == []


def test_problems_follow_an_enterprise_that_moves_district(lw: Any) -> None:
    p = h.report(lw)
    enterprise_services.enterprise_update(
        actor=lw.admin, enterprise_id=lw.ent_lqy.pk, expected_version=None, changes={"region": lw.ent_jj.region_id})
    p.refresh_from_db()
    assert p.region_code == lw.ent_jj.region_id
    assert p.pk in _visible(lw.cc_other)
    # Nothing was routed to the old district's command center, so it no longer sees the problem.
    assert p.pk not in _visible(lw.cc_staff)


def test_problems_routed_to_a_unit_stay_visible_to_it_after_the_move(lw: Any) -> None:
    p = h.dispatched(lw)
    enterprise_services.enterprise_update(
        actor=lw.admin, enterprise_id=lw.ent_lqy.pk, expected_version=None, changes={"region": lw.ent_jj.region_id})
    assert p.pk in _visible(lw.cc_staff)  # it went through this command center's hands
    assert p.pk in _visible(lw.dept_staff)


def test_a_problem_routed_to_another_districts_command_center_is_visible_to_it(lw: Any) -> None:
    from django.utils import timezone

    from qifu.ledger.choices import Tier
    from qifu.ledger.models import Assignment

    p = h.report(lw)
    assert not p.routed_beyond_region and p.pk not in _visible(lw.cc_other)
    # e.g. a command center standing in for a district without one
    Assignment.objects.create(problem=p, tier=Tier.COMMAND_CENTER, unit=lw.cc_jj, assigned_at=timezone.now())
    p.refresh_from_db()
    assert p.routed_beyond_region
    assert p.pk in _visible(lw.cc_other) and p.pk in _visible(lw.cc_staff)
    # Only problems actually routed to its unit come along: another problem of the district stays invisible.
    assert h.report(lw, title="另一个").pk not in _visible(lw.cc_other)
    # Hops within the region do not flag.
    q = h.dispatched(lw, title="第三个")
    assert not Problem.objects.get(pk=q.pk).routed_beyond_region
