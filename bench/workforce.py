"""Workforce-return benchmark (issue 8).

    python -m bench.workforce [--quick]

1. Bus planning: 20,000 workers waiting at 500 origin counties (real GB/T 2260 centroids, spread over the
   provinces that sent workers to Gulei) to a site at Gulei, 45-seat buses at most half full. Target ≤ 10 s and
   within 5% of the lower bound on the number of buses (``plan_gap_pct``; the distance gap is reported too).
   The same scale with --quick (the planner is fast).
2. Return figures for a city of 1,000,000 workers (--quick 100,000): enterprises in Chengdu's 20 districts, each
   with workers from several provinces arriving over 60 days, written as the per-enterprise and per-district
   tallies the services keep; the city's figures day by day by origin province (what the overview and the API
   answer) ≤ 200 ms, everything the city's figures page reads (those figures, its districts side by side and
   the chart data: ``figures_page_ms``), and one enterprise's figures.
The last line is JSON: ``scale.workers``, ``metrics.plan_s``, ``metrics.plan_gap_pct``, ``metrics.figures_ms``.
"""

from __future__ import annotations

import random
import time
from datetime import date, timedelta

from bench._harness import emit, median_ms, parse, throwaway_database

PROVINCES = ("51", "53", "32", "42", "36", "43", "44", "41", "34", "52", "50", "45")
START = date(2020, 2, 1)
DAYS = 60


def _plan(rng: random.Random) -> dict[str, float]:
    from qifu.organisations.models import Region
    from qifu.workforce.planning import Origin, plan_buses

    counties = list(Region.objects.filter(level=3, longitude__isnull=False, code__regex=r"^(" + "|".join(PROVINCES)
                                          + ")").order_by("code"))
    chosen = rng.sample(counties, 500)
    weights = [rng.lognormvariate(0, 1) for _ in chosen]
    total = sum(weights)
    counts = [max(1, int(20_000 * w / total)) for w in weights]
    counts[0] += 20_000 - sum(counts)
    origins = [Origin(r.code, n, r.longitude, r.latitude) for r, n in zip(chosen, counts, strict=True)]
    site = Region.objects.get(code="350623")
    started = time.perf_counter()
    plan = plan_buses(origins, (site.longitude, site.latitude), seats=45, time_limit_s=2.0)
    seconds = time.perf_counter() - started
    assert plan.workers == 20_000 and all(b.passengers <= plan.capacity for b in plan.buses)
    return {"plan_s": round(seconds, 3), "plan_gap_pct": round(plan.bus_gap_pct, 2), "buses": plan.bus_count,
            "lower_bound_buses": plan.lower_bound_buses, "plan_distance_gap_pct": round(plan.distance_gap_pct, 2),
            "origins": len(origins), "plan_workers": plan.workers}


def _city(rng: random.Random, workers: int) -> tuple[int, int]:
    from django.db import connection, transaction

    from qifu.enterprises.models import Enterprise
    from qifu.organisations.models import Region
    from qifu.workforce.models import ReturnTally

    districts = list(Region.objects.filter(parent_id="510100").values_list("code", flat=True))
    per_enterprise = 500
    n = workers // per_enterprise
    with transaction.atomic():
        Enterprise.objects.bulk_create([Enterprise(
            name=f"bench {i}", credit_code=f"91510100B{i:09d}", region_id=districts[i % len(districts)],
            industry_id="36") for i in range(n)], batch_size=2000)
        ids = list(Enterprise.objects.order_by("pk").values_list("pk", "region_id"))
        rows, district_sums = [], {}
        for pk, district in ids:
            provinces = rng.sample(PROVINCES, 6)
            for k, p in enumerate(provinces):
                people = per_enterprise // 6 + (per_enterprise % 6 if k == 0 else 0)
                code = p + "0000"
                rows.append((pk, district, code, None, people))
                district_sums[(district, code, None)] = district_sums.get((district, code, None), 0) + people
                arrived_days = sorted(rng.sample(range(DAYS), 15))
                left = int(people * rng.uniform(0.8, 1.0))
                for j, d in enumerate(arrived_days):
                    n_day = left if j == len(arrived_days) - 1 else rng.randint(0, left // 3)
                    left -= n_day
                    if n_day:
                        day = START + timedelta(days=d)
                        rows.append((pk, district, code, day, n_day))
                        key = (district, code, day)
                        district_sums[key] = district_sums.get(key, 0) + n_day
        rows += [(None, d, p, day, c) for (d, p, day), c in district_sums.items()]
        table = ReturnTally._meta.db_table
        columns = ["enterprise_id", "district_id", "province_id", "date", "count"]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES (%s, %s, %s, %s, %s)",  # noqa: S608
                                   [(a, b, c, d.isoformat() if d else None, e) for a, b, c, d, e in rows])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return len(rows), ids[len(ids) // 2][0]


def main() -> None:
    args = parse(__doc__ or "")
    workers = 100_000 if args.quick else 1_000_000
    rng = random.Random(8)
    with throwaway_database() as vendor:
        from qifu.organisations.models import User
        from qifu.workforce import selectors

        plan = _plan(rng)
        started = time.perf_counter()
        tally_rows, one = _city(rng, workers)
        generate_s = round(time.perf_counter() - started, 1)
        leader = User.objects.create_superuser("bench", password=None)
        city = selectors.figures(user=leader, region="510100")
        assert city.baseline == workers, city.baseline
        figures_ms = median_ms(lambda: selectors.figures(user=leader, region="510100"))
        city_region = selectors.region_for_figures(user=leader, code="510100")

        def page() -> None:
            f = selectors.figures(user=leader, region="510100")
            selectors.district_figures(user=leader, region=city_region)
            selectors.figures_chart(f)

        page_ms = median_ms(page)
        enterprise_ms = median_ms(lambda: selectors.figures(user=leader, enterprise_id=one))
    emit(
        "workforce",
        {"workers": workers, "plan_workers": plan.pop("plan_workers"), "origins": plan.pop("origins"),
         "tally_rows": tally_rows, "days": DAYS, "database": vendor, "generate_s": generate_s},
        {**plan, "figures_ms": figures_ms, "figures_page_ms": page_ms, "enterprise_figures_ms": enterprise_ms,
         "city_rate_last_day": city.latest["rate"]},
        {"plan_s": 10, "plan_gap_pct": 5, "figures_ms": 200},
        {"plan_s_vs_target": round(plan["plan_s"] / 10, 3), "figures_vs_target": round(figures_ms / 200, 3)},
    )


if __name__ == "__main__":
    main()
