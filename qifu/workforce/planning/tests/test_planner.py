"""The planner on cases solvable by hand: capacity, the half-full rule, splitting, a single far origin, bounds."""

from __future__ import annotations

import random

import pytest

from qifu.workforce.planning import Origin, PlanError, capacity_per_bus, haversine_km, plan_buses

SITE = (117.6, 23.7)  # near Gulei


def test_half_full_rule() -> None:
    assert capacity_per_bus(45) == 22
    assert capacity_per_bus(44) == 22
    assert capacity_per_bus(2) == 1
    with pytest.raises(PlanError):
        capacity_per_bus(1)


def test_one_origin_fills_direct_buses_and_one_partial() -> None:
    plan = plan_buses([Origin("420111", 50, 114.3, 30.5)], SITE, seats=45)
    assert plan.capacity == 22
    assert [b.passengers for b in plan.buses] == [22, 22, 6]
    assert all(b.passengers <= 22 for b in plan.buses)
    assert plan.bus_count == plan.lower_bound_buses == 3
    assert all(b.route == ["420111"] for b in plan.buses)
    # a single origin: every bus drives the same straight line, and the distance bound is exact
    d = haversine_km(114.3, 30.5, *SITE)
    assert plan.distance_km == pytest.approx(3 * d)
    assert plan.distance_gap_pct == pytest.approx(0, abs=1e-6)


def test_a_single_far_origin_rides_alone_when_near_ones_fill_buses() -> None:
    near = [Origin("350623", 11, 117.5, 23.9), Origin("350624", 11, 117.3, 24.0)]
    far = Origin("650102", 3, 87.6, 43.8)  # Urumqi
    plan = plan_buses([*near, far], SITE, seats=44)
    assert plan.bus_count == plan.lower_bound_buses == 2  # 25 workers, 22 per bus
    far_bus = next(b for b in plan.buses if "650102" in b.route)
    assert far_bus.route[0] == "650102"  # the far pick-up comes first, then the bus heads for the site
    assert sum(b.passengers for b in plan.buses) == 25


def test_splitting_keeps_the_bus_count_at_the_bound() -> None:
    # three origins of 15 workers, capacity 22: 45 workers need 3 buses only if split (no two fit together)
    origins = [Origin(f"42010{i}", 15, 114.0 + i * 0.1, 30.5) for i in range(3)]
    plan = plan_buses(origins, SITE, seats=45)
    assert plan.bus_count == plan.lower_bound_buses == 3
    assert plan.workers == 45 and max(b.passengers for b in plan.buses) <= 22
    assert plan.bus_gap_pct == 0


def test_distance_is_never_below_its_bound_and_empty_input() -> None:
    rng = random.Random(7)
    origins = [Origin(str(100000 + i), rng.randint(1, 40), rng.uniform(100, 120), rng.uniform(22, 34))
               for i in range(60)]
    plan = plan_buses(origins, SITE, seats=45, time_limit_s=0.5)
    assert plan.workers == sum(o.workers for o in origins)
    assert plan.bus_count == plan.lower_bound_buses
    assert plan.distance_km >= plan.lower_bound_km - 1e-6
    assert plan_buses([], SITE, seats=45).bus_count == 0
    with pytest.raises(PlanError):
        plan_buses([Origin("1", -1, 0, 0)], SITE, seats=45)


def test_ortools_used_when_remainders_fit_without_splitting() -> None:
    origins = [Origin("a", 5, 110, 30), Origin("b", 5, 110.2, 30), Origin("c", 5, 100, 25), Origin("d", 5, 100.1, 25)]
    plan = plan_buses(origins, SITE, seats=20, time_limit_s=0.3)
    assert plan.bus_count == 2 and "OR-Tools" in plan.method
    assert sorted(sorted(b.route) for b in plan.buses) == [["a", "b"], ["c", "d"]]  # neighbours ride together
