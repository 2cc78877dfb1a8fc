"""Reads for work resumption, always from the user's scope: the dashboard's figures (the same ones for the
pages, the API and the briefing), the lists behind every figure, the non-reporters.

Figures for one day (counted over enterprises inside the jurisdiction):
- resumption rate (复工率) = enterprises whose current report says partly resumed, resumed or at full capacity
  ÷ enterprises in scope (an enterprise that did not report counts as not resumed);
- return-to-post rate (复岗率) = employees on duty ÷ employees expected, over the reports of the day;
- capacity recovery (达产率) = average capacity utilisation of the enterprises that reported.
Leadership and district scopes read the per-day rollup (``DailyFigure``); other scopes (a commissioner's
handful of enterprises) aggregate the reports directly. Both give the same numbers (tested).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils.translation import gettext_lazy as _

from qifu.core import access
from qifu.enterprises.models import CommissionerAssignment, Enterprise
from qifu.organisations.models import Industry, Region, User

from . import rollup
from .choices import RESUMED_STATUSES, ResumptionStatus
from .models import DailyFigure, StatusReport

FORMULAS = {
    "resumption_rate": _(
        "Resumption rate = enterprises partly resumed, resumed or at full capacity on the day ÷ enterprises in "
        "scope (those that did not report count as not resumed)"
    ),
    "return_rate": _("Return-to-post rate = employees on duty ÷ employees expected, over the day's reports"),
    "capacity_rate": _("Capacity recovery = average capacity utilisation of the enterprises that reported"),
    "report_rate": _("Reporting rate = enterprises that reported on the day ÷ enterprises in scope"),
}
TREND_DAYS = 90
WORST = 5
# What a figure drills down to: the enterprises behind it.
# What each drill-down lists ("not_resumed_any": not resumed as the resumption rate counts it, those that did
# not report included).
DRILL_LABELS = {
    "enterprises": _("All enterprises in scope"),
    "reported": _("Enterprises that reported"),
    "not_reported": _("Enterprises that did not report"),
    "resumed": _("Resumed (partly, fully or at full capacity)"),
    "not_resumed": _("Reported not resumed"),
    "not_resumed_any": _("Not resumed, including those that did not report"),
    "partly": _("Partly resumed"),
    "full": _("At full capacity"),
}
DRILL_KINDS = tuple(DRILL_LABELS)


def region_prefix(code: str) -> str:
    """510000 → 51, 510100 → 5101, 510112 → 510112 (the prefix of a region and everything inside it)."""
    code = (code or "").strip()
    if len(code) == 6 and code.endswith("0000"):
        return code[:2]
    if len(code) == 6 and code.endswith("00"):
        return code[:4]
    return code


def _prefix_q(field: str, prefixes: tuple[str, ...]) -> Q:
    """Codes under any of the prefixes, as index ranges (the access module's one rule, not LIKE)."""
    if "" in prefixes:
        return Q()
    q = Q(pk__in=[])
    for p in prefixes:
        q |= access.code_range(field, p)
    return q


@dataclass(frozen=True)
class Scope:
    """Whose figures: the user's figure scope (core.access.figure_scope), narrowed to a region if asked."""

    user: Any
    kind: str  # "all", "regions" or "enterprises"
    prefixes: tuple[str, ...] = ()
    region: str = ""  # a region code prefix chosen on the page

    def enterprises(self) -> QuerySet[Enterprise]:
        """The enterprises counted: in the user's scope and the jurisdiction (and the chosen region)."""
        qs = Enterprise.objects.restrict(self.user, access.VIEW).filter(is_external=False)
        if self.kind == "regions":
            qs = qs.filter(_prefix_q("region__code", self.prefixes))
        if self.region:
            qs = qs.filter(access.code_range("region__code", self.region))
        return qs

    def reports(self) -> QuerySet[StatusReport]:
        """The current reports counted, grouped by where the enterprise was when it reported."""
        qs = rollup.counted_reports()
        if self.kind == "enterprises":
            qs = qs.filter(enterprise__in=Enterprise.objects.restrict(self.user, access.VIEW).values("pk"))
        elif self.kind == "regions":
            qs = qs.filter(_prefix_q("region__code", self.prefixes))
        if self.region:
            qs = qs.filter(access.code_range("region__code", self.region))
        return qs

    def figures(self) -> QuerySet[DailyFigure] | None:
        """The rollup rows in scope, or None when the scope is not a set of regions (computed live)."""
        if self.kind == "enterprises":
            return None
        qs = DailyFigure.objects.restrict(self.user, access.VIEW)
        return qs.filter(access.code_range("region__code", self.region)) if self.region else qs


def scope_for(*, user: User, region: str = "") -> Scope:
    kind, prefixes = access.figure_scope(user)
    return Scope(user=user, kind=kind, prefixes=prefixes, region=region_prefix(region))


def _rate(num: int | None, den: int | None) -> float | None:
    return round((num or 0) / den, 4) if den else None


def figure(enterprises: int, sums: dict[str, int]) -> dict[str, Any]:
    """The counts and rates of one group from its enterprise count and its sums of reports."""
    s = {f: int(sums.get(f) or 0) for f in rollup.FIELDS}
    resumed_any = s["partly"] + s["resumed"] + s["full"]
    return {
        "enterprises": enterprises,
        **s,
        "resumed_any": resumed_any,
        "not_reported": max(enterprises - s["reported"], 0),
        "resumption_rate": _rate(resumed_any, enterprises),
        "full_rate": _rate(s["full"], enterprises),
        "report_rate": _rate(s["reported"], enterprises),
        "return_rate": _rate(s["employees_on_duty"], s["employees_expected"]),
        "capacity_rate": round(s["capacity_sum"] / s["reported"] / 100, 4) if s["reported"] else None,
    }


def _group_sums(scope: Scope, day: date) -> list[dict[str, Any]]:
    figures = scope.figures()
    if figures is not None:
        return list(figures.filter(date=day, reported__gt=0).values("region_id", "industry_id", *rollup.FIELDS))
    return list(
        scope.reports().filter(date=day).order_by().values("region_id", "industry_id").annotate(**rollup.SUMS)
    )


def _denominators(scope: Scope) -> list[dict[str, Any]]:
    return list(scope.enterprises().order_by().values("region_id", "industry_id").annotate(n=Count("id")))


def _add(into: dict[str, int], row: dict[str, Any]) -> None:
    for f in rollup.FIELDS:
        into[f] = into.get(f, 0) + int(row.get(f) or 0)


def day_figures(*, scope: Scope, day: date) -> dict[str, Any]:
    """The day's totals, and the same by district and by industry (worst first lists included)."""
    sums = _group_sums(scope, day)
    dens = _denominators(scope)
    total: dict[str, int] = {}
    by_region: dict[str, dict[str, int]] = defaultdict(dict)
    by_industry: dict[str, dict[str, int]] = defaultdict(dict)
    n_total = 0
    n_region: dict[str, int] = defaultdict(int)
    n_industry: dict[str, int] = defaultdict(int)
    for row in sums:
        _add(total, row)
        _add(by_region[row["region_id"]], row)
        _add(by_industry[row["industry_id"]], row)
    for row in dens:
        n_total += row["n"]
        n_region[row["region_id"]] += row["n"]
        n_industry[row["industry_id"]] += row["n"]
    region_names = dict(Region.objects.filter(pk__in=set(by_region) | set(n_region)).values_list("pk", "name"))
    industry_names = dict(
        Industry.objects.filter(pk__in=set(by_industry) | set(n_industry)).values_list("pk", "name"))

    def rows(groups: dict[str, dict[str, int]], counts: dict[str, int], names: dict[str, str]) -> list[dict]:
        out = [{"key": k, "label": names.get(k, k), **figure(counts.get(k, 0), groups.get(k, {}))}
               for k in sorted(set(groups) | set(counts))]
        return out

    districts = rows(by_region, n_region, region_names)
    industries = rows(by_industry, n_industry, industry_names)
    return {
        "date": day,
        "totals": figure(n_total, total),
        "by_district": districts,
        "by_industry": industries,
        "worst_districts": worst(districts),
        "worst_industries": worst([r for r in industries if r["enterprises"] >= 3] or industries),
    }


def worst(rows: list[dict[str, Any]], n: int = WORST) -> list[dict[str, Any]]:
    """The groups with the lowest resumption rate (those without enterprises left out)."""
    rated = [r for r in rows if r["resumption_rate"] is not None]
    return sorted(rated, key=lambda r: (r["resumption_rate"], -r["enterprises"], r["key"]))[:n]


def trend(*, scope: Scope, start: date, end: date) -> list[dict[str, Any]]:
    """The totals for every day from ``start`` to ``end`` (the enterprise count as it is now)."""
    figures = scope.figures()
    if figures is not None:
        rows = figures.filter(date__range=(start, end)).order_by().values("date").annotate(
            **{f: Sum(f) for f in rollup.FIELDS})
    else:
        rows = scope.reports().filter(date__range=(start, end)).order_by().values("date").annotate(**rollup.SUMS)
    by_day = {r["date"]: r for r in rows}
    n = scope.enterprises().count()
    out = []
    day = start
    while day <= end:
        out.append({"date": day, **figure(n, by_day.get(day, {}))})
        day += timedelta(days=1)
    return out


def _report_on(day: date, field: str) -> Subquery:
    return Subquery(
        StatusReport.objects.filter(enterprise=OuterRef("pk"), date=day, is_current=True).values(field)[:1]
    )


def with_report(qs: QuerySet[Enterprise], day: date) -> QuerySet[Enterprise]:
    """Enterprises with the fields of their current report on ``day`` (None when they did not report)."""
    return qs.select_related("region", "industry").annotate(
        day_status=_report_on(day, "status"),
        day_on_duty=_report_on(day, "employees_on_duty"),
        day_expected=_report_on(day, "employees_expected"),
        day_capacity=_report_on(day, "capacity"),
        day_obstacle=_report_on(day, "obstacle"),
    )


def drilldown(*, scope: Scope, day: date, kind: str = "enterprises", district: str = "",
              industry: str = "") -> QuerySet[Enterprise]:
    """The enterprises behind a figure: ``kind`` is one of DRILL_KINDS; ``district``/``industry`` the row."""
    if kind in ("enterprises", "not_reported", "not_resumed_any"):
        qs = scope.enterprises()
        if district:
            qs = qs.filter(access.code_range("region__code", district))
        if industry:
            qs = qs.filter(industry_id=industry)
        if kind == "not_reported":
            qs = qs.exclude(pk__in=rollup.counted_reports().filter(date=day).values("enterprise_id"))
        elif kind == "not_resumed_any":
            qs = qs.exclude(pk__in=rollup.counted_reports().filter(date=day, status__in=RESUMED_STATUSES)
                            .values("enterprise_id"))
    else:
        reports = scope.reports().filter(date=day)
        if district:
            reports = reports.filter(access.code_range("region__code", district))
        if industry:
            reports = reports.filter(industry_id=industry)
        statuses = {"resumed": RESUMED_STATUSES, "not_resumed": (ResumptionStatus.NOT_RESUMED,),
                    "partly": (ResumptionStatus.PARTLY,), "full": (ResumptionStatus.FULL,)}.get(kind)
        if statuses:
            reports = reports.filter(status__in=statuses)
        qs = scope.enterprises().filter(pk__in=reports.values("enterprise_id"))
    return with_report(qs, day).order_by("region_id", "name", "id")


def key_not_resumed(*, scope: Scope, day: date) -> QuerySet[Enterprise]:
    """Key enterprises in scope that have not resumed on ``day`` (including those that did not report)."""
    resumed = scope.reports().filter(date=day, status__in=RESUMED_STATUSES).values("enterprise_id")
    qs = scope.enterprises().filter(key_enterprise=True).exclude(pk__in=resumed)
    return with_report(qs, day).order_by("region_id", "name", "id")


def dashboard(*, user: User, day: date, region: str = "", trend_days: int = TREND_DAYS) -> dict[str, Any]:
    """Everything the dashboard shows (and the API answers): figures, trend, key enterprises, ledger KPIs."""
    from qifu.ledger import kpis
    from qifu.ledger import selectors as ledger_selectors

    from . import power

    scope = scope_for(user=user, region=region)
    figures = day_figures(scope=scope, day=day)
    flt = ledger_selectors.ProblemFilter(region=region)
    problems = ledger_selectors.problem_list(user=user, filters=flt)
    ledger, _rows, _as_of = kpis.for_scope(user=user, qs=problems, by=None, filtered=bool(region))
    return {
        **figures,
        "region": scope.region,
        "scope": scope.kind,
        "trend": trend(scope=scope, start=day - timedelta(days=trend_days - 1), end=day),
        "key_not_resumed": list(key_not_resumed(scope=scope, day=day)[:50]),
        "power": power.day_index(scope=scope, day=day),
        "ledger": {k: ledger[k] for k in ("backlog", "overdue", "warned_yellow", "warned_blue", "on_time_rate",
                                          "satisfaction_rate", "problems")},
    }


# --- reports and non-reporters ----------------------------------------------------------------------------


def report_list(*, user: User, day: date | None = None, enterprise_id: int | None = None,
                history: bool = False) -> QuerySet[StatusReport]:
    qs = StatusReport.objects.restrict(user, access.VIEW)
    if not history:
        qs = qs.filter(is_current=True)
    if day:
        qs = qs.filter(date=day)
    if enterprise_id:
        qs = qs.filter(enterprise_id=enterprise_id)
    return qs.select_related("enterprise", "reported_by", "problem").order_by("-date", "-reported_at", "-id")


def report_get(*, user: User, pk: int) -> StatusReport:
    return access.get_or_404(StatusReport.objects.select_related("enterprise", "reported_by"), user, pk=pk)


def non_reporters(*, user: User, day: date) -> QuerySet[Enterprise]:
    """Enterprises the user may report for that have no report on ``day`` (a commissioner: theirs)."""
    reported = StatusReport.objects.filter(date=day, is_current=True).values("enterprise_id")
    return (
        Enterprise.objects.restrict(user, access.CHANGE).filter(is_external=False).exclude(pk__in=reported)
        .select_related("region").order_by("name", "id")
    )


def non_reporters_by_commissioner(*, day: date) -> list[tuple[User, list[Enterprise]]]:
    """For the reminder job: each commissioner with their enterprises that have not reported on ``day``."""
    reported = StatusReport.objects.filter(date=day, is_current=True).values("enterprise_id")
    rows = (
        CommissionerAssignment.objects.filter(ended_at__isnull=True, enterprise__is_external=False,
                                              commissioner__is_active=True)
        .exclude(enterprise_id__in=reported)
        .select_related("commissioner", "enterprise").order_by("commissioner_id", "enterprise__name")
    )
    grouped: dict[int, tuple[User, list[Enterprise]]] = {}
    for a in rows:
        grouped.setdefault(a.commissioner_id, (a.commissioner, []))[1].append(a.enterprise)
    return list(grouped.values())
