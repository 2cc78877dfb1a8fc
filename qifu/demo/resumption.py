"""The demo's daily resumption reports and power readings, Feb 1 – Apr 30 2020 (deterministic, idempotent).

Every enterprise gets a path: not resumed → partly resumed → resumed → at full capacity, with the day of each
step drawn from its district's and industry's pace (food, medicine and utilities first; Longquanyi's car
industry pushed by the FAW Toyota supply chain), so the city's resumption rate rises from under 30% on
Feb 1 to over 95% by Apr 30. Sichuan FAW Toyota and its 40 suppliers follow the seed: the 20 Longquanyi
suppliers resume first, the other Chengdu ones next, those outside Chengdu last. About 2% of reports are
missing (enterprises that did not report that day). Power readings agree with the reports except for a few
enterprises whose meters say otherwise. Rows go in with one bulk statement per table (COPY on PostgreSQL).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from qifu.core import bulk
from qifu.core.workdays import SHANGHAI
from qifu.resumption import rollup
from qifu.resumption.models import DailyFigure, PowerAccount, PowerReading, StatusReport

from . import scenario as sc

FIRST_DAY = date(2020, 2, 1)
LAST_DAY = date(2020, 4, 30)
DAYS = [FIRST_DAY + timedelta(days=i) for i in range((LAST_DAY - FIRST_DAY).days + 1)]
EARLY_INDUSTRIES = {"13", "14", "15", "27", "44", "45", "46"}  # food, drinks, medicine, power, gas, water
MISSING_SHARE = 0.02
POWER_MISMATCH_SHARE = 0.02
# District pace: days added to every enterprise's steps (Longquanyi first: the FAW Toyota chain).
DISTRICT_DELAY = {"510112": -6, "510116": -2, "510115": 0, "510121": 3, "510129": 6, "510131": 5, "510181": 7,
                  "510182": 4, "510183": 8, "510184": 6, "510185": 5}
SUPPLIER_STEPS = {"lqy": (9, 16), "chengdu": (13, 24), "outside": (17, 34)}  # partly-resumed day range from Feb 1


@dataclass
class Path:
    partly: int  # day index of each step (len(DAYS) or more: never within the period)
    resumed: int
    full: int


def _path(rng: random.Random, spec: sc.EnterpriseSpec) -> Path:
    if spec.name == sc.FAW_TOYOTA["name"]:
        return Path(partly=16, resumed=23, full=45)  # Feb 17 partly, Feb 24 resumed, mid-March at capacity
    if spec.supplies:
        where = "lqy" if spec.region == sc.LONGQUANYI else "chengdu" if spec.region.startswith("5101") else "outside"
        lo, hi = SUPPLIER_STEPS[where]
        partly = rng.randint(lo, hi)
        return Path(partly, partly + rng.randint(3, 10), partly + rng.randint(15, 40))
    if rng.random() < 0.17 or spec.industry in EARLY_INDUSTRIES and rng.random() < 0.6:
        partly = 0  # never stopped (essential supplies) or already back on Feb 1
    else:
        partly = max(1, int(rng.lognormvariate(2.7, 0.55)) + DISTRICT_DELAY.get(spec.region, 2))
    if rng.random() < 0.012:
        partly = len(DAYS) + 10  # still not resumed at the end of April
    resumed = partly + rng.randint(2, 18)
    full = resumed + rng.randint(7, 45) if rng.random() < 0.8 else len(DAYS) + 10
    return Path(partly, resumed, full)


def _day_values(rng: random.Random, path: Path, i: int, headcount: int) -> tuple[str, int, int, str]:
    """(status, employees on duty, capacity %, obstacle) on day ``i``."""
    if i < path.partly:
        return "not_resumed", int(headcount * rng.uniform(0, 0.05)), 0, rng.choice(
            ("workers", "protective_supplies", "materials", "logistics", "workers"))
    if i < path.resumed:
        share = 0.25 + 0.45 * (i - path.partly) / max(1, path.resumed - path.partly)
        return "partly", int(headcount * share * rng.uniform(0.9, 1.05)), int(share * 100 * rng.uniform(0.8, 1.0)), \
            rng.choice(("workers", "materials", "logistics", "orders", ""))
    if i < path.full:
        share = 0.7 + 0.25 * (i - path.resumed) / max(1, path.full - path.resumed)
        return "resumed", int(headcount * min(share * rng.uniform(0.95, 1.05), 1)), int(share * 100 * rng.uniform(
            0.85, 1.0)), rng.choice(("", "", "orders", "materials"))
    return "full", int(headcount * rng.uniform(0.95, 1.0)), rng.randint(95, 110), ""


def load_resumption(ctx: sc.Context) -> None:
    """Daily reports for every demo enterprise, power accounts and readings, then the rollup (once)."""
    ids = ctx.enterprises
    if StatusReport.objects.filter(enterprise_id__in=list(ids.values())[:50], date=FIRST_DAY).exists():
        ctx.say("  resumption reports: already loaded")
        return
    rng = sc.rng_for("resumption")
    day_values = list(DAYS)
    stamps = [[datetime.combine(d, time(8, m), tzinfo=SHANGHAI) for m in range(0, 60, 7)] for d in DAYS]
    power_now = datetime.combine(LAST_DAY + timedelta(days=1), time(6), tzinfo=SHANGHAI)
    reports: list[tuple[Any, ...]] = []
    readings: list[tuple[Any, ...]] = []
    accounts: list[PowerAccount] = []
    # The rollup, summed as the rows are made (the same sums rollup.rebuild would compute, faster).
    sums: dict[tuple[int, str, str], list[int]] = {}
    slot = {"not_resumed": 1, "partly": 2, "resumed": 3, "full": 4}
    for spec in ctx.plan.enterprises:
        eid = ids[spec.credit_code]
        reporter = ctx.users.get(spec.commissioner) if spec.commissioner else None
        path = _path(rng, spec)
        chain = bool(spec.supplies) or spec.name == sc.FAW_TOYOTA["name"]  # the FAW Toyota chain reports daily
        headcount = max(spec.headcount, 5)
        baseline = Decimal(int(headcount * rng.uniform(20, 60)))
        odd = None if spec.is_external or rng.random() > POWER_MISMATCH_SHARE else rng.choice(("idle", "busy"))
        if not spec.is_external:
            accounts.append(PowerAccount(enterprise_id=eid, number=f"028{eid:08d}", baseline_kwh=baseline))
        for i, day in enumerate(day_values):
            status, on_duty, capacity, obstacle = _day_values(rng, path, i, headcount)
            if rng.random() >= MISSING_SHARE or chain:
                reports.append((eid, day, status, headcount, on_duty, capacity, obstacle, "",
                                spec.region, spec.industry, "web" if reporter else "import", reporter,
                                rng.choice(stamps[i]), True))
                if not spec.is_external:
                    acc = sums.setdefault((i, spec.region, spec.industry), [0] * 8)
                    acc[0] += 1
                    acc[slot[status]] += 1
                    acc[5] += headcount
                    acc[6] += on_duty
                    acc[7] += capacity
            if spec.is_external:
                continue
            # Closed plants draw standby power; working ones clearly more than the 30% threshold, so that
            # report and meter agree except for the few odd ones below.
            load = 0.05 if status == "not_resumed" else max(0.4, 0.08 + 0.95 * capacity / 100)
            if odd == "idle" and status != "not_resumed":
                load = rng.uniform(0.05, 0.2)  # reports say working, the meter says idle
            elif odd == "busy" and status == "not_resumed":
                load = rng.uniform(0.5, 0.8)  # reports say closed, the meter says running
            readings.append((eid, f"028{eid:08d}", day, round(float(baseline) * load * rng.uniform(0.9, 1.1), 1),
                             power_now))
    bulk.insert(StatusReport,
            ["enterprise_id", "date", "status", "employees_expected", "employees_on_duty", "capacity", "obstacle",
             "remarks", "region_id", "industry_id", "channel", "reported_by_id", "reported_at", "is_current"], reports)
    PowerAccount.objects.bulk_create(accounts, batch_size=sc.BATCH, ignore_conflicts=True)
    bulk.insert(PowerReading, ["enterprise_id", "meter", "date", "kwh", "imported_at"], readings)
    DailyFigure.objects.filter(date__range=(FIRST_DAY, LAST_DAY)).delete()
    bulk.insert(DailyFigure, ["date", "region_id", "industry_id", *rollup.FIELDS],
            [(day_values[i], region, industry, *acc) for (i, region, industry), acc in sums.items()])
    ctx.created["status_reports"] += len(reports)
    ctx.created["power_readings"] += len(readings)
    ctx.say(f"  resumption: {len(reports)} reports, {len(readings)} power readings")
