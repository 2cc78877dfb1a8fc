"""Benchmark of the resumption dashboard at province scale: the figures of one day, a 90-day trend and the
whole area's briefing, read from the per-day rollup, against aggregating the raw reports.

    python -m bench.dashboard [--quick] [--enterprises N] [--days D]

Builds, in a throwaway database: N enterprises (default 100,000; --quick 5,000) spread over Sichuan's counties
and the manufacturing divisions, one status report per enterprise and day for D days (default 90; --quick 30)
on a rising resumption curve, and the rollup summed as the rows are made (``core.bulk.insert``: COPY on PostgreSQL,
executemany on SQLite); then checks that the rollup equals ``rollup.rebuild`` for the last day.

scale     enterprises, days, reports, rollup_rows, database, generate_s
metrics   day_ms        selectors.day_figures for the last day, leadership scope (rollup), median of 5
          trend_ms      selectors.trend over the D days, leadership scope (rollup), median of 5
          briefing_s    briefing.build + to_docx + to_xlsx for the whole area
          dashboard_ms  selectors.dashboard: everything the page shows (figures, trend, key enterprises, power
                        index, ledger KPIs), median of 3
          live_day_ms   the same day's figures aggregated from the raw reports (what the rollup saves)
          rebuild_day_s rollup.rebuild of one day
baseline  the issue's targets (PostgreSQL, 100,000 enterprises × 90 days)
ratios    day_vs_live   day_ms / live_day_ms
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import date, datetime, timedelta
from typing import Any

from bench._harness import emit, median_ms, throwaway_database

START = date(2020, 2, 1)


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="5,000 enterprises × 30 days")
    parser.add_argument("--enterprises", type=int, default=None)
    parser.add_argument("--days", type=int, default=None)
    return parser.parse_args()


def build(n: int, days: int) -> tuple[Any, dict[str, Any]]:
    from django.db import connection, transaction

    from qifu.core import bulk
    from qifu.enterprises.models import Enterprise
    from qifu.organisations.choices import Role, UnitKind
    from qifu.organisations.models import Industry, Region, RoleGrant, Unit, User
    from qifu.resumption.models import DailyFigure, StatusReport

    rng = random.Random(4)  # noqa: S311
    started = time.perf_counter()
    counties = list(Region.objects.filter(code__startswith="51", level=3).values_list("code", flat=True))
    industries = list(Industry.objects.filter(parent_id="C").values_list("code", flat=True))
    with transaction.atomic():
        unit = Unit.objects.create(name="领导专班", code="lead-bench", kind=UnitKind.LEADERSHIP_TASK_FORCE,
                                   region_id="510000")
        leader = User.objects.create(username="bench-leader")
        RoleGrant.objects.create(user=leader, role=Role.LEADERSHIP, unit=unit)
        now = datetime.now().astimezone()
        homes = [(rng.choice(counties), rng.choice(industries)) for _ in range(n)]
        bulk.insert(Enterprise,
                ["name", "credit_code", "region_id", "industry_id", "above_scale", "key_enterprise", "address",
                 "headcount", "is_external", "version", "created_at", "updated_at"],
                [(f"企业{i}", f"91510000{i:010d}", r, ind, True, i % 50 == 0, "", 100, False, 1, now, now)
                 for i, (r, ind) in enumerate(homes)])
        ids = list(Enterprise.objects.order_by("pk").values_list("pk", flat=True))
        pace = {c: rng.uniform(-5, 8) for c in counties}
        sums: dict[tuple[int, str, str], list[int]] = {}
        slot = {"not_resumed": 1, "partly": 2, "resumed": 3, "full": 4}
        reports = 0
        for d in range(days):
            day = START + timedelta(days=d)
            stamp = datetime.combine(day, datetime.min.time()).astimezone()
            rows = []
            for eid, (region, industry) in zip(ids, homes, strict=True):
                x = d - pace[region] - (eid % 40)
                status = "not_resumed" if x < 0 else "partly" if x < 10 else "resumed" if x < 30 else "full"
                on_duty, capacity = {"not_resumed": (2, 0), "partly": (50, 40), "resumed": (85, 80),
                                     "full": (98, 100)}[status]
                rows.append((eid, day, status, 100, on_duty, capacity, "", "", region, industry, "import", None,
                             stamp, True))
                acc = sums.setdefault((d, region, industry), [0] * 8)
                acc[0] += 1
                acc[slot[status]] += 1
                acc[5] += 100
                acc[6] += on_duty
                acc[7] += capacity
            bulk.insert(StatusReport,
                    ["enterprise_id", "date", "status", "employees_expected", "employees_on_duty", "capacity",
                     "obstacle", "remarks", "region_id", "industry_id", "channel", "reported_by_id", "reported_at",
                     "is_current"], rows)
            reports += len(rows)
        bulk.insert(DailyFigure,
                ["date", "region_id", "industry_id", "reported", "not_resumed", "partly", "resumed", "full",
                 "employees_expected", "employees_on_duty", "capacity_sum"],
                [(START + timedelta(days=d), r, i, *acc) for (d, r, i), acc in sums.items()])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return leader, {"enterprises": n, "days": days, "reports": reports, "rollup_rows": len(sums),
                    "database": connection.vendor, "generate_s": round(time.perf_counter() - started, 1)}


def main() -> None:
    args = _args()
    n = args.enterprises or (5_000 if args.quick else 100_000)
    days = args.days or (30 if args.quick else 90)
    with throwaway_database():
        from django.db import transaction

        from qifu.resumption import briefing, rollup, selectors
        from qifu.resumption.models import DailyFigure

        leader, scale = build(n, days)
        last = START + timedelta(days=days - 1)
        scope = selectors.scope_for(user=leader)
        live = selectors.Scope(user=leader, kind="enterprises")
        day_ms = median_ms(lambda: selectors.day_figures(scope=scope, day=last))
        trend_ms = median_ms(lambda: selectors.trend(scope=scope, start=START, end=last))
        live_ms = median_ms(lambda: selectors.day_figures(scope=live, day=last), repeat=3)
        # the whole page's data: figures, 90-day trend, key enterprises, power index, ledger KPIs
        dashboard_ms = median_ms(lambda: selectors.dashboard(user=leader, day=last), repeat=3)
        assert selectors.day_figures(scope=scope, day=last) == selectors.day_figures(scope=live, day=last)
        started = time.perf_counter()
        b = briefing.build(user=leader, day=last)
        briefing.to_docx(b)
        briefing.to_xlsx(b)
        briefing_s = round(time.perf_counter() - started, 2)
        stored = sorted(DailyFigure.objects.filter(date=last).values_list("region_id", "industry_id", *rollup.FIELDS))
        started = time.perf_counter()
        with transaction.atomic():
            rollup.rebuild([last])
        rebuild_s = round(time.perf_counter() - started, 2)
        assert stored == sorted(DailyFigure.objects.filter(date=last).values_list("region_id", "industry_id",
                                                                                 *rollup.FIELDS))
    emit(
        "dashboard", scale,
        {"day_ms": day_ms, "trend_ms": trend_ms, "briefing_s": briefing_s, "dashboard_ms": dashboard_ms,
         "live_day_ms": live_ms,
         "rebuild_day_s": rebuild_s},
        {"day_ms": 100, "trend_ms": 300, "briefing_s": 5},
        {"day_vs_live": round(day_ms / live_ms, 3) if live_ms else None},
    )


if __name__ == "__main__":
    main()
