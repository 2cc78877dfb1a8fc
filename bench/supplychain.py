"""Benchmark of the supply-chain analysis at national scale: days-to-stop of every plant, and its update
after one firm's status change, against a plain per-plant search with networkx.

    python -m bench.supplychain [--quick] [--firms N] [--links M] [--db-firms N] [--db-links M] [--no-db]

The national-scale part runs in memory (the analysis runs on arrays): N firms (default 100,000;
--quick 10,000) in 5 tiers (plants, then 4 tiers of suppliers: each plant's network is 3 to 5 tiers deep) and
M supply links (default 1,000,000; --quick 100,000) from each tier to the one above, both ends drawn with
heavy-tailed (Pareto) weights so a few suppliers serve thousands of buyers, plus 0.5% links between random firms
(cycles in the data). Each link has 0–15 days of stock, 85% are critical, 20% have an alternative source with a
1–20 day lead time; 5% of firms are not resumed.

scale     firms, links, plants, blocked, tiers, generate_s (in memory); db_firms, db_links, db_plants, database,
          db_load_s (the region view's database)
metrics   recompute_all_s   graph.network.Network.recompute: days-to-stop of every firm (median of 3)
          update_ms         Network.set_blocked for one firm, median over --updates random flips (stop/resume)
          update_p95_ms, update_max_ms
          nx_plant_ms       one plant's days-to-stop by a networkx Dijkstra upstream from the plant (mean of a
                            sample; a breadth-first search alone cannot add up stock days)
          nx_recompute_all_s  nx_plant_ms × plants (extrapolated from the sample)
          nx_update_ms      networkx: the plants downstream of the changed firm (nx.descendants) each searched
                            again (median over a sample of firms; per-plant time from the sample above)
          region_view_ms    selectors.region_overview (the region-wide page and API) on a throwaway database
                            holding --db-firms enterprises (default 20,000; --quick 5,000) and --db-links links
                            (default 200,000; --quick 50,000) from the same generator, two status reports per
                            firm (the latest decides): links and latest statuses read in a few queries, the
                            array engine for everything else; median of 3, leadership scope (every plant)
          region_queries    SQL queries one region view makes
          per_plant_view_s  the same plants' days-to-stop by selectors.plant_analysis one plant at a time (the
                            per-plant walk the region view replaces), extrapolated from a sample of plants
baseline  the issue's targets
ratios    vs_networkx       nx_recompute_all_s / recompute_all_s; update_vs_networkx likewise
          region_vs_per_plant  per_plant_view_s * 1000 / region_view_ms
Every sampled plant's networkx answer is checked against the array result, and every plant's days-to-stop in
the database-backed region view against the in-memory network.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import time
from datetime import date, datetime, timedelta
from typing import Any

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
    parser.add_argument("--db-firms", type=int, default=None, help="firms in the database for the region view")
    parser.add_argument("--db-links", type=int, default=None)
    parser.add_argument("--no-db", action="store_true", help="skip the database-backed region view")
    return parser.parse_args()


DAY = date(2020, 2, 24)


def region_view(n: int, m: int, plant_sample: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """Load a generated network into a throwaway database and time the region-wide view on it."""
    from bench._harness import median_ms, throwaway_database

    with throwaway_database() as vendor:
        from django.db import connection, reset_queries, transaction
        from django.test.utils import CaptureQueriesContext

        from qifu.core import bulk
        from qifu.enterprises.models import Enterprise
        from qifu.organisations.choices import Role, UnitKind
        from qifu.organisations.models import Industry, Region, RoleGrant, Unit, User
        from qifu.resumption.models import StatusReport
        from qifu.supplychain import selectors
        from qifu.supplychain.models import SupplyLink

        started = time.perf_counter()
        data = generate(n, m, seed=2021)
        rng = random.Random(7)  # noqa: S311
        counties = list(Region.objects.filter(code__startswith="51", level=3).values_list("code", flat=True))
        industries = list(Industry.objects.filter(parent_id="C").values_list("code", flat=True))
        now = datetime.now().astimezone()
        with transaction.atomic():
            unit = Unit.objects.create(name="领导专班", code="lead-bench", kind=UnitKind.LEADERSHIP_TASK_FORCE,
                                       region_id="510000")
            leader = User.objects.create(username="bench-leader")
            RoleGrant.objects.create(user=leader, role=Role.LEADERSHIP, unit=unit)
            homes = [(rng.choice(counties), rng.choice(industries)) for _ in range(n)]
            bulk.insert(Enterprise,
                    ["name", "credit_code", "region_id", "industry_id", "above_scale", "key_enterprise", "address",
                     "headcount", "annual_output", "is_external", "version", "created_at", "updated_at"],
                    [(f"企业{i}", f"91510000{i:010d}", r, ind, True, False, "", 50 + i % 900,
                      None if i % 10 == 0 else (50 + i % 900) * 80, False, 1, now, now)
                     for i, (r, ind) in enumerate(homes)])
            ids = np.array(Enterprise.objects.order_by("pk").values_list("pk", flat=True), dtype=np.int64)
            s, b = ids[data["supplier"]], ids[data["buyer"]]
            stock = np.where(np.isfinite(data["survival"]), data["survival"], 5.0)
            pairs = {}
            for k in range(len(s)):  # one link per (buyer, supplier, part): keep the first of duplicates
                pairs.setdefault((int(b[k]), int(s[k])), k)
            rows = []
            for (buyer, supplier), k in pairs.items():
                covered = not np.isfinite(data["survival"][k])
                rows.append((buyer, supplier, "part", not covered, float(stock[k]), False, None, None, 1, now, now))
            bulk.insert(SupplyLink,
                    ["buyer_id", "supplier_id", "part", "critical", "stock_days", "has_alternative",
                     "alternative_lead_days", "share", "version", "created_at", "updated_at"], rows)
            reports = []
            for i, eid in enumerate(ids.tolist()):
                region, industry = homes[i]
                latest = "not_resumed" if data["blocked"][i] else "resumed"
                for day, status in ((DAY - timedelta(days=12), "not_resumed" if i % 3 else "resumed"),
                                    (DAY - timedelta(days=i % 5), latest)):
                    stamp = datetime.combine(day, datetime.min.time()).astimezone()
                    reports.append((eid, day, status, 100, 50, 50, "", "", region,
                                    industry, "import", None, stamp, True))
            bulk.insert(StatusReport,
                    ["enterprise_id", "date", "status", "employees_expected", "employees_on_duty", "capacity",
                     "obstacle", "remarks", "region_id", "industry_id", "channel", "reported_by_id", "reported_at",
                     "is_current"], reports)
        if vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        load_s = round(time.perf_counter() - started, 1)

        # The answer the database-backed view must give: the in-memory network on the same links.
        index = {int(e): i for i, e in enumerate(ids)}
        kept = list(pairs.values())
        survival = np.where(np.isfinite(data["survival"]), stock, np.inf)[kept]
        net = Network(n, data["supplier"][kept], data["buyer"][kept], survival)
        expected = net.recompute(data["blocked"])
        view = selectors.region_overview(user=leader, day=DAY)
        for r in view["plants"]:
            want = expected[index[r["plant"].pk]]
            assert (math.isinf(want) and math.isinf(r["days_to_stop"])) or abs(want - r["days_to_stop"]) < 1e-3
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            selectors.region_overview(user=leader, day=DAY)
        region_ms = median_ms(lambda: selectors.region_overview(user=leader, day=DAY), repeat=3)
        sample = random.Random(3).sample(view["plants"], min(plant_sample, len(view["plants"])))
        per_plant = []
        for r in sample:
            t = time.perf_counter()
            a = selectors.plant_analysis(user=leader, plant_id=r["plant"].pk, day=DAY)
            per_plant.append(time.perf_counter() - t)
            assert (math.isinf(a.days_to_stop) and math.isinf(r["days_to_stop"])) or abs(
                a.days_to_stop - r["days_to_stop"]) < 1e-3
        per_plant_s = statistics.mean(per_plant) * len(view["plants"]) if per_plant else 0.0
    return ({"db_firms": n, "db_links": len(rows), "db_plants": len(view["plants"]), "database": vendor,
             "db_load_s": load_s},
            {"region_view_ms": region_ms, "region_queries": len(queries), "per_plant_view_s": round(per_plant_s, 2),
             "per_plant_sampled": len(sample)})


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
    db_scale: dict[str, Any] = {}
    db_metrics: dict[str, Any] = {}
    if not args.no_db:
        db_scale, db_metrics = region_view(args.db_firms or (5_000 if args.quick else 20_000),
                                           args.db_links or (50_000 if args.quick else 200_000),
                                           plant_sample=3 if args.quick else 5)
    ratios: dict[str, Any] = {"vs_networkx": round(nx_all_s / recompute_s, 1),
                              "update_vs_networkx": round(nx_update_ms / update_ms, 1) if update_ms else None}
    if db_metrics.get("region_view_ms"):
        ratios["region_vs_per_plant"] = round(db_metrics["per_plant_view_s"] * 1000 / db_metrics["region_view_ms"], 1)
    emit(
        "supplychain",
        {"firms": n, "links": int(len(data["supplier"])), "plants": int(len(plants)), "blocked": int(blocked.sum()),
         "tiers": len(TIER_SHARES), "generate_s": generate_s, **db_scale},
        {"recompute_all_s": round(recompute_s, 3), "update_ms": round(update_ms, 3),
         "update_p95_ms": round(flips[int(len(flips) * 0.95) - 1], 3), "update_max_ms": round(flips[-1], 3),
         "nx_plant_ms": round(nx_plant_s * 1000, 1), "nx_recompute_all_s": round(nx_all_s, 1),
         "nx_update_ms": round(nx_update_ms, 1), "nx_plants_sampled": len(sample), **db_metrics},
        {"recompute_all_s": 2, "update_ms": 20, "vs_networkx": 10},
        ratios,
    )


if __name__ == "__main__":
    main()
