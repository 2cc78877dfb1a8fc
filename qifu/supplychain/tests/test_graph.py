"""The pure algorithms, checked by hand on small networks (no database)."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from qifu.supplychain.graph import coordination, tts
from qifu.supplychain.graph.network import Network, unpack
from qifu.supplychain.graph.tts import INF, Link


def test_chain_counts_through_each_buyers_stock() -> None:
    # S2 → S1 → P: the plant keeps 3 days of S1's part, S1 keeps 4 days of S2's.
    links = [Link("S2", "S1", 4, key="a"), Link("S1", "P", 3, key="b")]
    result = tts.analyse("P", links, blocked={"S2"})
    assert result.days_to_stop == 7
    assert result.bottleneck == "S2"
    s2 = result.suppliers["S2"]
    assert (s2.tier, s2.tts, s2.path, s2.via) == (2, 7, ["a", "b"], ["S2", "S1", "P"])
    assert result.suppliers["S1"].blocked is False
    both = tts.analyse("P", links, blocked={"S1", "S2"})
    assert both.days_to_stop == 3 and both.bottleneck == "S1"
    assert [s.supplier for s in both.blocked] == ["S1", "S2"]


def test_diamond_takes_the_shorter_path() -> None:
    # S reaches P through A (2 + 5) and through B (1 + 1): the plant stops after 2 days.
    links = [Link("S", "A", 2), Link("A", "P", 5), Link("S", "B", 1), Link("B", "P", 1)]
    result = tts.analyse("P", links, blocked={"S"})
    assert result.days_to_stop == 2
    assert result.suppliers["S"].via == ["S", "B", "P"]
    assert result.suppliers["S"].tier == 2


def test_cycle_in_the_data_neither_hangs_nor_double_counts() -> None:
    links = [Link("A", "P", 2), Link("B", "A", 3), Link("A", "B", 1), Link("C", "B", 4), Link("P", "C", 1)]
    result = tts.analyse("P", links, blocked={"C"})
    assert result.days_to_stop == 9  # C → B (4) → A (3) → P (2)
    assert result.suppliers["C"].tier == 3
    assert sorted(result.suppliers) == ["A", "B", "C"]
    assert tts.downstream("C", links) == {"B": 4, "A": 7, "P": 9}


def test_alternative_source_and_non_critical_parts() -> None:
    links = [
        Link("FAST", "P", 5, alternative_lead_days=3),  # the alternative arrives before the stock runs out
        Link("SLOW", "P", 5, alternative_lead_days=8),  # it arrives 3 days too late: the plant stops on day 5
        Link("MINOR", "P", 0, critical=False),
    ]
    result = tts.analyse("P", links, blocked={"FAST", "SLOW", "MINOR"})
    assert result.suppliers["FAST"].tts == INF
    assert result.suppliers["MINOR"].tts == INF
    assert result.days_to_stop == 5 and result.bottleneck == "SLOW"
    assert tts.gap(5, 8) == 3 and tts.gap(5, 3) == 0 and tts.gap(5, None) is None
    assert [s.supplier for s in result.blocked][0] == "SLOW"
    covered = tts.analyse("P", links[:1], blocked={"FAST"})
    assert covered.days_to_stop == INF and covered.bottleneck is None


def test_ranking_breaks_ties_by_weight_then_tier() -> None:
    links = [Link("A", "P", 2), Link("B", "P", 2), Link("C", "X", 1), Link("X", "P", 1)]
    result = tts.analyse("P", links, blocked={"A", "B", "C"}, weight={"B": 0.5, "A": 0.1})
    assert [s.supplier for s in result.blocked] == ["B", "A", "C"]


@pytest.mark.parametrize(("plant", "supplier", "expected"), [
    ("510112", "510112", coordination.DISTRICT),
    ("510112", "510114", coordination.CITY),
    ("510112", "510603", coordination.PROVINCE),
    ("510112", "500110", coordination.CROSS_PROVINCE),
    ("500110", "500229", coordination.CITY),  # Chongqing's districts and counties are one city
])
def test_coordination_levels(plant: str, supplier: str, expected: str) -> None:
    assert coordination.level(plant, supplier) == expected


def test_coordination_rejects_bad_codes() -> None:
    with pytest.raises(ValueError):
        coordination.level("5101", "510112")


def _random_links(rng: random.Random, n: int, m: int) -> list[Link]:
    links = []
    for _ in range(m):
        a, b = rng.randrange(n), rng.randrange(n)
        if a != b:
            links.append(Link(a, b, rng.choice([0, 1, 2, 3.5, 7]), critical=rng.random() > 0.1,
                              alternative_lead_days=rng.choice([None, None, 2, 10])))
    return links


def _arrays(n: int, links: list[Link]) -> Network:
    return Network(n, np.array([lk.supplier for lk in links]), np.array([lk.buyer for lk in links]),
                   np.array([tts.survival(lk.stock_days, lk.critical, lk.alternative_lead_days) for lk in links]))


def test_network_agrees_with_the_per_plant_analysis_and_updates_incrementally() -> None:
    rng = random.Random(5)
    n = 60
    links = _random_links(rng, n, 200)
    blocked = {i for i in range(n) if rng.random() < 0.2}
    net = _arrays(n, links)
    mask = np.zeros(n, dtype=bool)
    mask[list(blocked)] = True
    days = net.recompute(mask)

    def expected(firm: int, blocked_set: set[int]) -> float:
        d = tts.analyse(firm, links, blocked_set - {firm}).days_to_stop
        return d

    for firm in range(n):
        assert days[firm] == pytest.approx(expected(firm, blocked), abs=1e-6) or (
            math.isinf(days[firm]) and math.isinf(expected(firm, blocked)))
    for _ in range(40):  # random status changes, each checked against a full recomputation
        firm = rng.randrange(n)
        now_blocked = firm not in blocked
        (blocked.add if now_blocked else blocked.discard)(firm)
        net.set_blocked(firm, now_blocked)
        full = _arrays(n, links)
        mask = np.zeros(n, dtype=bool)
        mask[list(blocked)] = True
        np.testing.assert_allclose(net.days_to_stop, full.recompute(mask), atol=1e-6)


def test_region_arrays_agree_with_the_per_firm_search() -> None:
    rng = random.Random(11)
    n = 80
    links = _random_links(rng, n, 260)
    blocked = {i for i in range(n) if rng.random() < 0.25}
    plants = np.array(sorted(rng.sample(range(n), 12)))
    net = _arrays(n, links)
    mask = np.zeros(n, dtype=bool)
    mask[list(blocked)] = True
    days = net.recompute(mask)
    reach = unpack(net.reach(plants), len(plants))
    nearest = net.days_to_nearest(plants)
    sources = net.bottlenecks(plants)
    plant_set = set(plants.tolist())
    for firm in range(n):
        stops = {p: d for p, d in tts.downstream(firm, links).items() if p in plant_set and p != firm}
        assert {int(plants[j]) for j in np.flatnonzero(reach[firm])} == set(stops)
        if firm not in plant_set:  # (plants top their chains: a chain back through itself is not counted)
            assert nearest[firm] == pytest.approx(min(stops.values(), default=INF), abs=1e-5)
    for j, plant in enumerate(plants.tolist()):
        if math.isinf(days[plant]):
            assert sources[j] == -1
        else:  # the bottleneck is a blocked firm that stops the plant in exactly its days-to-stop
            assert sources[j] in blocked
            assert tts.analyse(plant, links, blocked - {plant}).suppliers[int(sources[j])].tts == pytest.approx(
                days[plant], abs=1e-6)


def test_reach_survives_a_cycle_and_counts_a_shared_supplier_once() -> None:
    # S supplies A and B (both plants) and, through a cycle X ⇄ Y, A again
    links = [Link("S", "A", 2), Link("S", "B", 3), Link("S", "X", 1), Link("X", "Y", 1), Link("Y", "X", 1),
             Link("Y", "A", 1), Link("Z", "B", 1, critical=False)]
    ids = {k: i for i, k in enumerate("SABXYZ")}
    arrays = [Link(ids[lk.supplier], ids[lk.buyer], lk.stock_days, lk.critical) for lk in links]
    net = _arrays(len(ids), arrays)
    plants = np.array([ids["A"], ids["B"]])
    reach = unpack(net.reach(plants), 2)
    assert reach[ids["S"]].tolist() == [True, True]
    assert reach[ids["X"]].tolist() == [True, False]
    assert reach[ids["Z"]].tolist() == [False, False]  # a non-critical part never stops B
    assert net.days_to_nearest(plants)[ids["S"]] == pytest.approx(2)


def test_reach_never_counts_a_plant_as_stopping_itself_even_without_a_stopping_link() -> None:
    # Only non-critical parts: no link can stop its buyer. A plant's own bit, the seed of the propagation, was
    # left set when there was nothing to propagate; it is cleared as in every other network.
    links = [Link("S", "A", 2, critical=False), Link("A", "B", 1, critical=False)]
    ids = {k: i for i, k in enumerate("SAB")}
    net = _arrays(len(ids), [Link(ids[lk.supplier], ids[lk.buyer], lk.stock_days, lk.critical) for lk in links])
    plants = np.array([ids["A"], ids["B"]])
    assert not unpack(net.reach(plants), 2).any()
