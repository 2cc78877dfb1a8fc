"""Benchmark of the problem ledger at province scale: the ledger API page against its bare SQL, KPIs, the
supervision sweep, the Excel export and (from bench.similar) the common-problem suggestions.

    python -m bench.ledger [--quick] [--problems N] [--skip-export]

Builds, in a throwaway database: the demo's organisation (units, users, 3,588 enterprises; not its ledger),
M = max(1,000, N/10) synthetic enterprises with valid credit codes, N problems over Chengdu's districts in every
state and tier, ~1.5 hops and ~5 events per problem (PostgreSQL: COPY; SQLite: executemany). Closed problems
span Feb 3 – Apr 30 2020; open ones are recent (mean age 3 days, at most 12) as in a ledger that works.

scale     problems, enterprises, events, assignments, database, generate_s (time to build the data)
metrics   page_p95_ms       GET /api/v1/problems (50 rows, page 1–5 of 10 filter sets) through Django's test
                            Client, p95 of 50 requests per user; page_p95_ms_by_user for leadership and a
                            district command center; page_p95_ms is the worse of the two
          sql_p95_ms        the SQL the ORM generates for the same pages (50 rows and one more to tell whether
                            a next page exists; counts are their own endpoint, see counts_ms), run through a raw
                            cursor, p95 (same worst-user rule)
          kpi_ms            a leader's KPI page (per unit, whole ledger): qifu.ledger.kpis.for_scope reading the
                            snapshot the periodic job refreshes (kpi_refresh_s: one refresh, all groupings);
                            kpi_live_ms: kpis.overall computed on the spot for leadership (the whole ledger) and
                            a district's command center (what filtered and narrower views cost)
          counts_ms         the ledger's counts per status and warning (/api/v1/problems/counts) over each
                            user's whole scope, median of 3 (the page itself no longer counts)
          sweep_s           qifu.ledger.supervision.sweep(full=False) ten minutes after a first sweep coloured
                            the generated data: the regular run, which reads the open problems time can change
                            (sweep_full_s: the hourly run that re-reads every coloured one); `sweep` is what it did and
                            `first_sweep` what the first, mass-change run did (its `seconds` included); runs
                            at the same moment follow until the escalations it deferred are done (settle_runs)
          export_peak_mb    qifu.ledger.io.export_problems of all problems to a temp file, tracemalloc peak
          export_s          its duration
          cluster_ari, cluster_pair_f1   quality of the suggestions on the labelled set (qifu.ledger.similar,
                            the method bench.similar reports; null when missing)
baseline  the issue's targets (PostgreSQL, 1M problems)
ratios    page_vs_sql       page_p95_ms / sql_p95_ms
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import tempfile
import time
import tracemalloc
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from typing import Any

from bench._harness import emit, median_ms, throwaway_database

CHUNK = 50_000
# The data span Feb 3 – Apr 30 2020; the sweep runs at the end of that window.
END = datetime.fromisoformat("2020-04-30T18:00:00+08:00")
OPEN_MEAN_AGE_DAYS = 3.0
OPEN_MAX_AGE_DAYS = 12.0
SETTLE_MAX_RUNS = 10
FILTERS: tuple[dict[str, str], ...] = (
    {},
    {"status": "open"},
    {"region": "510112"},
    {"warning": "red"},
    {"category": "staffing", "status": "open"},
    {"tier": "department", "status": "dispatched", "sort": "deadline"},
    {"status": "open", "sort": "deadline"},
    {"reported_from": "2020-03-01", "reported_to": "2020-03-31"},
    {"nature": "common"},
    {"region": "510100", "status": "closed"},
)
PAGES = 5


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="20,000 problems")
    parser.add_argument("--problems", type=int, default=None, help="number of problems (default 1,000,000)")
    parser.add_argument("--skip-export", action="store_true",
                        help="leave out the Excel export (about 1 ms a row: a quarter of an hour at 1M)")
    return parser.parse_args()


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return round(ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)], 2)


# --- writing rows fast ------------------------------------------------------------------------


class Writer:
    """Insert plain rows into a model's table: COPY on PostgreSQL, executemany elsewhere."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection

    def columns(self, model: Any) -> list[str]:
        return [f.column for f in model._meta.concrete_fields if not f.generated]

    def defaults(self, model: Any) -> dict[str, Any]:
        from django.utils import timezone

        out: dict[str, Any] = {}
        for f in model._meta.concrete_fields:
            if f.generated:
                continue
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                out[f.column] = timezone.now()
            elif f.has_default():
                value = f.get_default()
                out[f.column] = json.dumps(value) if isinstance(value, dict) else value
            elif f.null:
                out[f.column] = None
            else:
                out[f.column] = ""
        return out

    def write(self, model: Any, rows: Iterable[dict[str, Any]], *, with_pk: bool = True) -> int:
        columns, defaults = self.columns(model), self.defaults(model)
        if not with_pk:
            columns.remove(model._meta.pk.column)
        table = model._meta.db_table
        n = 0
        with self.connection.cursor() as cursor:
            if self.connection.vendor == "postgresql":
                names = ", ".join(f'"{c}"' for c in columns)
                with cursor.cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row([row.get(c, defaults[c]) for c in columns])
                        n += 1
                pk = model._meta.pk.column
                # table and column names come from the model's meta, not from input
                setval = f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{pk}'), "  # noqa: S608
                setval += f"(SELECT COALESCE(MAX(\"{pk}\"), 1) FROM \"{table}\"))"  # noqa: S608
                cursor.execute(setval)
            else:
                ops = self.connection.ops
                names = ", ".join(f'"{c}"' for c in columns)
                marks = ", ".join("%s" for _ in columns)
                sql = f'INSERT INTO "{table}" ({names}) VALUES ({marks})'  # noqa: S608 - names from the model's meta
                batch: list[list[Any]] = []
                for row in rows:
                    values = []
                    for c in columns:
                        v = row.get(c, defaults[c])
                        if isinstance(v, datetime):
                            v = ops.adapt_datetimefield_value(v)
                        values.append(v)
                    batch.append(values)
                    if len(batch) >= CHUNK:
                        cursor.executemany(sql, batch)
                        n += len(batch)
                        batch = []
                if batch:
                    cursor.executemany(sql, batch)
                    n += len(batch)
        return n


# --- the data -----------------------------------------------------------------------------------

STATUS_WEIGHTS = {"closed": 60, "resolved": 8, "dispatched": 15, "escalated": 6, "accepted": 8, "reported": 3}
EVENT_PATH = {  # the events of a problem in each state (at most; ~5 on average)
    "reported": ("reported",),
    "accepted": ("reported", "accepted", "progress"),
    "escalated": ("reported", "accepted", "escalated", "progress"),
    "dispatched": ("reported", "accepted", "escalated", "dispatched", "acknowledged", "progress"),
    "resolved": ("reported", "accepted", "escalated", "dispatched", "acknowledged", "resolved"),
    "closed": ("reported", "accepted", "resolved", "confirmed", "checked", "closed"),
}
TO_STATUS = {"reported": "reported", "accepted": "accepted", "escalated": "escalated", "dispatched": "dispatched",
             "resolved": "resolved", "closed": "closed"}


def build(n_problems: int, writer: Writer) -> dict[str, int]:
    from stdnum.cn import uscc

    from qifu.core import workdays
    from qifu.demo import scenario
    from qifu.demo.ledger import CATEGORY_TASK_FORCES, DEPARTMENTS, TEXTS
    from qifu.enterprises.models import Enterprise
    from qifu.ledger.models import Assignment, Problem, ProblemCategory, ProblemEvent
    from qifu.ledger.routing import beyond_region
    from qifu.organisations.choices import UnitKind
    from qifu.organisations.models import Region, Unit

    parts = scenario.PARTS
    organisation = ("load_units", "load_enterprises", "load_users", "load_contacts", "load_assignments")
    scenario.PARTS = [p for p in parts if p.__name__ in organisation]  # the organisation only
    try:
        scenario.load()
    finally:
        scenario.PARTS = parts
    units = dict(Unit.objects.values_list("code", "pk"))
    for code, tf in CATEGORY_TASK_FORCES.items():
        ProblemCategory.objects.filter(code=code, task_force__isnull=True).update(task_force_id=units[tf])
    categories = dict(ProblemCategory.objects.values_list("code", "pk"))
    districts = list(Region.objects.filter(parent_id="510100").exclude(name="市辖区").values_list("code", flat=True))
    cc_by_region = dict(Unit.objects.filter(kind=UnitKind.COMMAND_CENTER, region_id__in=districts)
                        .values_list("region_id", "pk"))
    unit_regions = {pk: (region, level) for pk, region, level in
                    Unit.objects.values_list("pk", "region_id", "region__level")}
    rng = random.Random(2020)
    cal = workdays.calendar()

    n_enterprises = max(1000, n_problems // 10)
    industries = list(scenario.INDUSTRY_WEIGHTS)

    def enterprises() -> Iterator[dict[str, Any]]:
        for i in range(n_enterprises):
            region = districts[i % len(districts)]
            body = f"91{region}B{10_000_000 + i:08d}"
            yield {"name": f"基准测试企业{i:07d}有限公司", "credit_code": body + uscc.calc_check_digit(body),
                   "region_id": region, "industry_id": industries[i % len(industries)], "above_scale": True,
                   "key_enterprise": i % 10 == 0, "address": f"测试路{i % 999 + 1}号", "headcount": 20 + i % 500,
                   "is_external": False}

    writer.write(Enterprise, enterprises(), with_pk=False)
    enterprise_rows = list(Enterprise.objects.filter(name__startswith="基准测试企业").values_list("pk", "region_id"))

    start = datetime(2020, 2, 3, 9, 0, tzinfo=scenario.SHANGHAI)
    statuses, status_w = list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values())
    cats = list(categories)
    dept_units = {cat: [units[u] for u, _s in opts if u in units] or [units["cd-jxj"]] for cat, opts in DEPARTMENTS.items()}
    tiers_open = {"reported": "commissioner", "accepted": "commissioner", "escalated": None, "dispatched": "department",
                  "resolved": "department", "closed": None}
    first_problem = (Problem.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    first_event = (ProblemEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    first_hop = (Assignment.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    hops: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    counts = {"events": 0, "assignments": 0}

    def problems() -> Iterator[dict[str, Any]]:
        for i in range(n_problems):
            pid = first_problem + i
            ent, region = enterprise_rows[rng.randrange(len(enterprise_rows))]
            status = rng.choices(statuses, status_w)[0]
            cat = rng.choice(cats)
            common = cat in CATEGORY_TASK_FORCES and rng.random() < 0.15
            tier = tiers_open[status] or ("task_force" if common else rng.choice(
                ("command_center", "command_center", "department", "commissioner", "leadership")))
            is_open = status in ("reported", "accepted", "escalated", "dispatched")
            if is_open:  # open problems are recent: a ledger that works keeps few old ones open
                reported = END - timedelta(days=min(OPEN_MAX_AGE_DAYS, rng.expovariate(1 / OPEN_MEAN_AGE_DAYS)))
            elif status == "resolved":  # waiting for the enterprise's confirmation
                reported = END - timedelta(days=rng.uniform(2, 25))
            else:
                reported = start + timedelta(minutes=rng.randrange(0, 80 * 24 * 60))
            cc = cc_by_region[region]
            holder = units[CATEGORY_TASK_FORCES[cat]] if tier == "task_force" else (
                units["lead-1"] if tier == "leadership" else cc)
            dept = rng.choice(dept_units[cat])
            responsible = dept if tier == "department" else holder if tier != "commissioner" else units[
                "lqy-jxj"]
            title, description = rng.choice(TEXTS[cat])
            warning = ""  # the first sweep colours them
            if status == "resolved":
                resolved = END - timedelta(hours=rng.uniform(1, 60))
            elif status == "closed":
                resolved = reported + timedelta(days=rng.uniform(0.5, 12))
            else:
                resolved = None
            routed = [holder] + ([dept] if tier == "department" else []) if tier != "commissioner" else []
            beyond = any(beyond_region(region, *unit_regions[u]) for u in routed)
            if tier not in ("commissioner",):
                active = is_open
                hops.append({"id": first_hop + counts["assignments"], "problem_id": pid,
                             "tier": "command_center" if tier == "department" else tier,
                             "unit_id": holder, "assigned_at": reported + timedelta(hours=2),
                             "deadline": reported + timedelta(days=7),
                             "status": "acknowledged" if active and tier != "department" else "resolved",
                             "return_kind": "", "return_reason": "", "instructions": ""})
                counts["assignments"] += 1
                if tier == "department":
                    hops.append({"id": first_hop + counts["assignments"], "problem_id": pid, "tier": "department",
                                 "unit_id": dept, "assigned_at": reported + timedelta(hours=5),
                                 "deadline": reported + timedelta(days=10),
                                 "status": "acknowledged" if active else "resolved",
                                 "return_kind": "", "return_reason": "", "instructions": ""})
                    counts["assignments"] += 1
            at = reported
            prev = ""
            for code in EVENT_PATH[status]:
                to = TO_STATUS.get(code, "")
                events.append({"id": first_event + counts["events"], "problem_id": pid, "code": code,
                               "from_status": prev if to else "", "to_status": to,
                               "from_tier": "", "to_tier": "", "reason": "", "actor_label": "",
                               "data": "{}", "created_at": at})
                counts["events"] += 1
                prev = to or prev
                at += timedelta(hours=rng.randint(1, 40))
            yield {
                "id": pid, "number": f"BN{region[4:]}-2020-{i + 1:07d}", "enterprise_id": ent, "region_code": region,
                "routed_beyond_region": beyond,
                "channel": rng.choice(("commissioner", "self_report", "hotline")), "title": title,
                "description": description, "category_id": categories[cat],
                "nature": "common" if common else "individual", "priority": "normal", "crisis_mode": False,
                "status": status, "tier": tier, "responsible_unit_id": responsible, "reported_at": reported,
                "deadline": reported + timedelta(days=21),
                "last_progress_at": min(reported + timedelta(days=2), END) if status != "reported" else None,
                "warning": warning, "resolved_at": resolved, "resolved_tier": tier if resolved else "",
                "resolved_unit_id": responsible if resolved else None,
                "handling_days": round(cal.working_days_between(reported, resolved), 3) if resolved else None,
                "resolution_type": "solved" if resolved else "", "resolution": "已解决。" if resolved else "",
                "rating": rng.choice(("satisfied", "satisfied", "basically")) if status == "closed" else "",
                "confirmed_at": resolved + timedelta(days=1) if status == "closed" else None,
                "checked_at": resolved + timedelta(days=1) if status == "closed" else None,
                "closed_at": resolved + timedelta(days=1) if status == "closed" else None,
                "close_reason": "confirmed" if status == "closed" else "", "redo_count": 0, "version": 3,
                "created_at": reported, "updated_at": reported,
            }

    def chunks() -> Iterator[None]:
        done = 0
        gen = problems()
        while done < n_problems:
            batch = [row for _i, row in zip(range(CHUNK), gen, strict=False)]
            writer.write(Problem, batch)
            writer.write(Assignment, hops)
            writer.write(ProblemEvent, events)
            hops.clear()
            events.clear()
            done += len(batch)
            yield None

    for _ in chunks():
        pass
    if writer.connection.vendor == "postgresql":
        with writer.connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {"enterprises": Enterprise.objects.count(), "events": counts["events"],
            "assignments": counts["assignments"]}


# --- measures ---------------------------------------------------------------------------------


def measure_pages(user: Any, by_filter: dict[str, float] | None = None) -> tuple[float, float, str]:
    """p95 of the API page and of its bare SQL for one user; returns the SQL of the heaviest filter too."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from qifu.ledger import selectors

    client = Client()
    client.force_login(user)
    page_ms: list[float] = []
    sql_ms: list[float] = []
    sqls: list[list[str]] = []
    client.get("/api/v1/problems", {"page": 1})  # warm up
    for filters in FILTERS:
        for page in range(1, PAGES + 1):
            started = time.perf_counter()
            response = client.get("/api/v1/problems", {**filters, "page": page})
            page_ms.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.content[:300]
            f = selectors.ProblemFilter(**{k: (datetime.fromisoformat(v).date() if k.startswith("reported_") else v)
                                            for k, v in filters.items()})
            qs = selectors.problem_list(user=user, filters=f)
            with CaptureQueriesContext(connection) as captured:  # what the page runs: 51 rows, no count
                list(qs[(page - 1) * 50: page * 50 + 1])
            sqls.append([q["sql"] for q in captured.captured_queries])
    with connection.cursor() as cursor:
        for statements in sqls:
            started = time.perf_counter()
            for sql in statements:
                cursor.execute(sql)
                cursor.fetchall()
            sql_ms.append((time.perf_counter() - started) * 1000)
    if by_filter is not None:  # the slowest page of each filter set
        for i, filters in enumerate(FILTERS):
            key = "&".join(f"{k}={v}" for k, v in filters.items()) or "(none)"
            by_filter[key] = round(max(sql_ms[i * PAGES:(i + 1) * PAGES]), 1)
    return p95(page_ms), p95(sql_ms), sqls[FILTERS.index({"status": "open", "sort": "deadline"}) * PAGES][-1]


def optional(name: str, attr: str) -> Any:
    try:
        module = __import__(name, fromlist=[attr])
        return getattr(module, attr)
    except (ImportError, AttributeError):
        return None


def main() -> None:
    args = _args()
    n = args.problems or (20_000 if args.quick else 1_000_000)
    with throwaway_database() as vendor:
        from django.db import connection, transaction

        from qifu.ledger import selectors
        from qifu.ledger.models import Problem
        from qifu.organisations.models import User

        started = time.perf_counter()
        with transaction.atomic():
            built = build(n, Writer(connection))
        generate_s = time.perf_counter() - started

        # The first sweep colours the generated problems (a mass change: every warning is new).
        sweep = optional("qifu.ledger.supervision", "sweep")
        first_sweep: dict[str, Any] | None = None
        settle_runs = 0
        if sweep is not None:
            first_sweep = sweep(now=END).as_dict()
            settle_runs = 1
            # Escalations and expiries are capped per run (each is its own transaction): run again until the
            # backlog the generated data left is worked off, as the periodic job would.
            backlog = first_sweep["deferred"]
            while backlog and settle_runs < SETTLE_MAX_RUNS:
                backlog = sweep(now=END).as_dict()["deferred"]
                settle_runs += 1
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")

        by_user: dict[str, dict[str, float]] = {}
        plans: dict[str, str] = {}
        sql_by_filter: dict[str, float] = {}
        for label, username in (("leadership", "leader"), ("command_center", "lqy_cc")):
            page, sql, heaviest = measure_pages(User.objects.get(username=username),
                                                sql_by_filter if label == "leadership" else None)
            by_user[label] = {"page_p95_ms": page, "sql_p95_ms": sql}
            plans[label] = heaviest
        page_p95 = max(v["page_p95_ms"] for v in by_user.values())
        sql_p95 = max(v["sql_p95_ms"] for v in by_user.values())

        kpi_ms = sweep_s = export_peak_mb = export_s = None
        kpi_live_ms: dict[str, float] = {}
        kpi_refresh_s = None
        overall = optional("qifu.ledger.kpis", "overall")
        if overall is not None:  # computed on the spot: the whole ledger, and one district's command center
            for label, username in (("leadership", "leader"), ("command_center", "lqy_cc")):
                user = User.objects.get(username=username)
                kpi_live_ms[label] = median_ms(
                    lambda user=user: overall(selectors.problem_list(user=user)), repeat=3)
        refresh = optional("qifu.ledger.kpis", "snapshot_refresh")
        for_scope = optional("qifu.ledger.kpis", "for_scope")
        if refresh is not None and for_scope is not None:  # what a leader's KPI page costs: the snapshot
            t = time.perf_counter()
            refresh()
            kpi_refresh_s = round(time.perf_counter() - t, 2)
            leader = User.objects.get(username="leader")
            kpi_ms = median_ms(lambda: for_scope(user=leader, qs=selectors.problem_list(user=leader), by="unit",
                                                 filtered=False), repeat=5)
        elif overall is not None:
            kpi_ms = kpi_live_ms["leadership"]
        export = None if args.skip_export else optional("qifu.ledger.io", "export_problems")
        if export is not None:
            with tempfile.NamedTemporaryFile(suffix=".xlsx") as out:
                tracemalloc.start()
                t = time.perf_counter()
                export(Problem.objects.all(), out=out)
                export_s = round(time.perf_counter() - t, 2)
                export_peak_mb = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
                tracemalloc.stop()
        steady_sweep: dict[str, Any] | None = None
        sweep_full_s = None
        if sweep is not None:  # the periodic run ten minutes later: what time can change is read, few change
            t = time.perf_counter()
            steady_sweep = sweep(now=END + timedelta(minutes=10), full=False).as_dict()
            sweep_s = round(time.perf_counter() - t, 2)
            t = time.perf_counter()  # the hourly full run: every coloured problem re-read as well
            sweep(now=END + timedelta(minutes=20), full=True)
            sweep_full_s = round(time.perf_counter() - t, 2)
        counts_ms: dict[str, float] = {}
        for label, username in (("leadership", "leader"), ("command_center", "lqy_cc")):
            user = User.objects.get(username=username)
            counts_ms[label] = median_ms(lambda user=user: selectors.problem_counts(
                qs=selectors.problem_list(user=user)), repeat=3)

        if os.environ.get("BENCH_EXPLAIN") and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for label, sql in plans.items():
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                    print(f"--- {label}: {sql}\n" + "\n".join(r[0] for r in cursor.fetchall()))

    cluster_ari = cluster_f1 = None
    try:
        import bench.similar  # noqa: F401  - the figures are those bench.similar reports
        from qifu.ledger.similar import cluster, labelled_set, score
        from qifu.ledger.similar.engine import resolve_method

        problems, truth = labelled_set()
        quality = score(truth, cluster(problems, method=resolve_method("auto")))
        cluster_ari, cluster_f1 = quality["ari"], quality["pair_f1"]
    except ImportError:
        pass

    emit(
        "ledger",
        scale={"problems": n, "enterprises": built["enterprises"], "events": built["events"],
               "assignments": built["assignments"], "database": vendor, "generate_s": round(generate_s, 1)},
        metrics={"page_p95_ms": page_p95, "sql_p95_ms": sql_p95, "page_p95_ms_by_user": by_user,
                 "sql_ms_by_filter_leadership": sql_by_filter,
                 "kpi_ms": kpi_ms, "kpi_live_ms": kpi_live_ms, "kpi_refresh_s": kpi_refresh_s,
                 "counts_ms": counts_ms, "sweep_s": sweep_s,
                 "sweep": steady_sweep, "sweep_full_s": sweep_full_s, "first_sweep": first_sweep, "settle_runs": settle_runs, "export_peak_mb": export_peak_mb, "export_s": export_s,
                 "cluster_ari": cluster_ari, "cluster_pair_f1": cluster_f1},
        baseline={"page_p95_ms": 30, "page_vs_sql": 3, "kpi_ms": 300, "sweep_s": 2, "export_peak_mb": 300},
        ratios={"page_vs_sql": round(page_p95 / sql_p95, 2) if sql_p95 else None},
    )


if __name__ == "__main__":
    main()
