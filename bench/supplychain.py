"""Benchmark of the supply-chain analysis at national scale: days-to-stop of every plant, and its update
after one firm's status change, against a plain per-plant search with networkx.

    python -m bench.supplychain [--quick] [--firms N] [--links M]

Builds in memory (the analysis runs on arrays; the database is not involved): N firms (default 100,000;
--quick 10,000) in 5 tiers (plants, then 4 tiers of suppliers: each plant's network is 3 to 5 tiers deep) and
M supply links (default 1,000,000; --quick 100,000) from each tier to the one above, both ends drawn with
heavy-tailed (Pareto) weights so a few suppliers serve thousands of buyers, plus 0.5% links between random firms
(cycles in the data). Each link has 0–15 days of stock, 85% are critical, 20% have an alternative source with a
1–20 day lead time; 5% of firms are not resumed.

scale     firms, links, plants, blocked, tiers, database ("none": in memory), generate_s
metrics   recompute_all_s   graph.network.Network.recompute: days-to-stop of every firm (median of 3)
          update_ms         Network.set_blocked for one firm, median over --updates random flips (stop/resume)
          update_p95_ms, update_max_ms
          nx_plant_ms       one plant's days-to-stop by a networkx Dijkstra upstream from the plant (mean of a
                            sample; a breadth-first search alone cannot add up stock days)
          nx_recompute_all_s  nx_plant_ms × plants (extrapolated from the sample)
          nx_update_ms      networkx: the plants downstream of the changed firm (nx.descendants) each searched
                            again (median over a sample of firms; per-plant time from the sample above)
baseline  the issue's targets
ratios    vs_networkx       nx_recompute_all_s / recompute_all_s; update_vs_networkx likewise
Every sampled plant's networkx answer is checked against the array result.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import time

import numpy as np

from bench._harness import emit
from qifu.supplychain.graph.network import Network

TIER_SHARES = (0.02, 0.08, 0.20, 0.30, 0.40)


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="10,000 firms, 100,000 links")
    parser.add_argument("--firms", type=int, default=None)
    parser.add_argument("--links", type=int, default=None)
    parser.add_argument("--updates", type=int, default=200)
    parser.add_argument("--nx-plants", type=int, default=None, help="plants searched with networkx (sample)")
    return parser.parse_args()


def generate(n: int, m: int, seed: int = 2020) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    sizes = [max(1, int(n * s)) for s in TIER_SHARES]
    sizes[-1] = n - sum(sizes[:-1])
    starts = np.cumsum([0, *sizes])
    popularity = rng.pareto(1.2, n) + 1.0  # heavy-tailed: a few firms buy or sell a lot
    sup, buy = [], []
    back = int(m * 0.005)
    per_tier = np.array(sizes[1:], dtype=float)
    counts = np.floor((m - back) * per_tier / per_tier.sum()).astype(int)
    counts[-1] = m - back - counts[:-1].sum()
    for k, count in enumerate(counts):  # links from tier k+1 (suppliers) to tier k (buyers)
        lo_b, hi_b, lo_s, hi_s = starts[k], starts[k + 1], starts[k + 1], starts[k + 2]
        pb = popularity[lo_b:hi_b] / popularity[lo_b:hi_b].sum()
        ps = popularity[lo_s:hi_s] / popularity[lo_s:hi_s].sum()
        buy.append(lo_b + rng.choice(hi_b - lo_b, size=count, p=pb))
        sup.append(lo_s + rng.choice(hi_s - lo_s, size=count, p=ps))
    sup.append(rng.integers(0, n, back))
    buy.append(rng.integers(0, n, back))
    s, b = np.concatenate(sup), np.concatenate(buy)
    keep = s != b
    s, b = s[keep], b[keep]
    stock = rng.integers(0, 16, len(s)).astype(float)
    critical = rng.random(len(s)) < 0.85
    alternative = rng.random(len(s)) < 0.20
    lead = rng.integers(1, 21, len(s)).astype(float)
    survival = np.where(~critical | (alternative & (lead <= stock)), np.inf, stock)  # tts.survival, vectorised
    return {"supplier": s, "buyer": b, "survival": survival, "plants": np.arange(starts[1]),
            "blocked": rng.random(n) < 0.05}


def main() -> None:
    args = _args()
    n = args.firms or (10_000 if args.quick else 100_000)
    m = args.links or (100_000 if args.quick else 1_000_000)
    nx_plants = args.nx_plants or (10 if args.quick else 12)
    started = time.perf_counter()
    data = generate(n, m)
    net = Network(n, data["supplier"], data["buyer"], data["survival"])
    generate_s = round(time.perf_counter() - started, 2)
    plants, blocked = data["plants"], data["blocked"]

    samples = []
    for _ in range(3):
        t = time.perf_counter()
        days = net.recompute(blocked)
        samples.append(time.perf_counter() - t)
    recompute_s = statistics.median(samples)
    days = days.copy()

    rng = random.Random(5)
    flips = []
    for _ in range(args.updates):
        firm = rng.randrange(n)
        t = time.perf_counter()
        net.set_blocked(firm, not bool(net.blocked[firm]))
        flips.append((time.perf_counter() - t) * 1000)
        net.set_blocked(firm, not bool(net.blocked[firm]))  # back, so every flip starts from the same state
    assert np.allclose(net.days_to_stop, days, equal_nan=True) or np.array_equal(
        np.isinf(net.days_to_stop), np.isinf(days))
    flips.sort()

    import networkx as nx

    finite = np.isfinite(data["survival"])
    graph = nx.DiGraph()
    graph.add_nodes_from(range(n))
    for u, v, w in zip(data["supplier"][finite].tolist(), data["buyer"][finite].tolist(),
                       data["survival"][finite].tolist(), strict=True):
        if not graph.has_edge(u, v) or graph[u][v]["w"] > w:
            graph.add_edge(u, v, w=w)
    upstream = graph.reverse(copy=False)
    blocked_set = set(np.flatnonzero(blocked).tolist())

    def nx_plant(plant: int) -> float:
        lengths = nx.single_source_dijkstra_path_length(upstream, plant, weight="w")
        found = [d for node, d in lengths.items() if node in blocked_set and node != plant]
        return min(found) if found else math.inf

    sample = rng.sample(plants.tolist(), min(nx_plants, len(plants)))
    per_plant = []
    for plant in sample:
        t = time.perf_counter()
        expected = nx_plant(plant)
        per_plant.append(time.perf_counter() - t)
        got = days[plant]
        assert (math.isinf(expected) and math.isinf(got)) or abs(expected - got) < 1e-3, (plant, expected, got)
    nx_plant_s = statistics.mean(per_plant)
    nx_all_s = nx_plant_s * len(plants)
    plant_set = set(plants.tolist())
    nx_updates = []
    for firm in rng.sample(range(n), 10):
        t = time.perf_counter()
        affected = [p for p in nx.descendants(graph, firm) if p in plant_set]
        nx_updates.append((time.perf_counter() - t) + len(affected) * nx_plant_s)
    nx_update_ms = statistics.median(nx_updates) * 1000

    update_ms = statistics.median(flips)
    emit(
        "supplychain",
        {"firms": n, "links": int(len(data["supplier"])), "plants": int(len(plants)), "blocked": int(blocked.sum()),
         "tiers": len(TIER_SHARES), "database": "none", "generate_s": generate_s},
        {"recompute_all_s": round(recompute_s, 3), "update_ms": round(update_ms, 3),
         "update_p95_ms": round(flips[int(len(flips) * 0.95) - 1], 3), "update_max_ms": round(flips[-1], 3),
         "nx_plant_ms": round(nx_plant_s * 1000, 1), "nx_recompute_all_s": round(nx_all_s, 1),
         "nx_update_ms": round(nx_update_ms, 1), "nx_plants_sampled": len(sample)},
        {"recompute_all_s": 2, "update_ms": 20, "vs_networkx": 10},
        {"vs_networkx": round(nx_all_s / recompute_s, 1),
         "update_vs_networkx": round(nx_update_ms / update_ms, 1) if update_ms else None},
    )


if __name__ == "__main__":
    main()
