"""Reads of the workforce return, every one starting from ``restrict(user, action)``: rosters, the personal
list (masked unless the reader is the enterprise itself or the health authority; unmasked reads are logged),
the return figures, plans and trips, health events and the warnings they raise downstream."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from qifu.core import access
from qifu.enterprises.models import Enterprise
from qifu.organisations.models import Region, User
from qifu.projects.models import KeyProject

from .choices import HealthStatus, WorkerState
from .models import (
    BusPlan,
    HealthEvent,
    LodgingRule,
    OriginGroup,
    ProjectMember,
    ReturnTally,
    Shuttle,
    Trip,
    Worker,
)
from .validators import mask_id, mask_phone

STATES = tuple(WorkerState.values)


def enterprise_get(*, user: User, pk: int) -> Enterprise:
    """An enterprise whose workforce pages the user may read: one they see, or one in the region of their
    health authority or transport department (404 otherwise)."""
    enterprise = Enterprise.objects.select_related("region").restrict(user, access.VIEW).filter(pk=pk).first()
    if enterprise is None:
        candidate = Enterprise.objects.select_related("region").filter(pk=pk).first()
        prefixes = [*access.authority_prefixes(user, "health"), *access.authority_prefixes(user, "transport")]
        if candidate is None or not any(candidate.region_id.startswith(p) for p in prefixes):
            raise access.NotFound
        enterprise = candidate
    return enterprise


def project_enterprise_ids(project: KeyProject) -> list[int]:
    """The enterprises whose rosters make up the key project's: its owner and the members recorded for it."""
    members = ProjectMember.objects.filter(project=project).values_list("enterprise_id", flat=True)
    return sorted({project.owner_id, *members})


def project_get(*, user: User, pk: int) -> KeyProject:
    """A key project the user sees (404 otherwise)."""
    return access.get_or_404(KeyProject.objects.select_related("owner", "region"), user, access.VIEW, pk=pk)


def projects(*, user: User) -> QuerySet[KeyProject]:
    """The key projects the user sees, for the workforce overview."""
    return KeyProject.objects.restrict(user, access.VIEW).select_related("owner", "region").order_by("code")


@dataclass
class ProjectWorkforce:
    project: KeyProject
    enterprises: list[Enterprise]
    totals: dict[str, int]
    by_province: list[dict[str, Any]]
    rule: LodgingRule | None
    shuttles: list[Shuttle]


def project_workforce(*, user: User, project: KeyProject) -> ProjectWorkforce:
    """A key project's roster summed over its enterprises (by state and origin province), with its lodging
    rule and shuttles. Aggregates only: personal lists stay on each enterprise's page."""
    ids = project_enterprise_ids(project)
    groups = OriginGroup.objects.filter(enterprise_id__in=ids)
    sums = groups.aggregate(expected=Sum("expected"), **{s: Sum(s) for s in STATES})
    totals = {k: v or 0 for k, v in sums.items()}
    provinces: dict[str, dict[str, int]] = defaultdict(lambda: {"expected": 0, "on_site": 0, "at_origin": 0})
    for row in groups.values("origin_id", "expected", "arrived", "observation", "at_work", "at_origin"):
        p = provinces[row["origin_id"][:2] + "0000"]
        p["expected"] += row["expected"]
        p["on_site"] += row["arrived"] + row["observation"] + row["at_work"]
        p["at_origin"] += row["at_origin"]
    names = dict(Region.objects.filter(code__in=list(provinces)).values_list("code", "name"))
    by_province = sorted(({"code": c, "name": names.get(c, c), **v} for c, v in provinces.items()),
                         key=lambda r: -r["expected"])
    rule = LodgingRule.objects.filter(project=project).select_related("problem").first()
    return ProjectWorkforce(project, list(Enterprise.objects.filter(pk__in=ids).order_by("name")), totals,
                            by_province, rule, list(Shuttle.objects.filter(project=project)))


def region_for_figures(*, user: User, code: str) -> Region:
    """A district or the city whose figures the user may open: one inside their regions for command centers
    and economic bureaus, any for leadership; others see their own enterprises' share of it (404 for an
    unknown code)."""
    region = Region.objects.filter(code=code, level__lte=3).first()
    if region is None:
        raise access.NotFound
    kind, prefixes = access.figure_scope(user)
    if kind == "regions" and not any(region.code_prefix.startswith(p) for p in prefixes):
        raise access.NotFound
    return region


def figure_regions(*, user: User) -> list[dict[str, Any]]:
    """The cities (with their districts) whose return figures the user can open: where tallies exist in the
    user's scope. A few thousand district rows at most, whatever the number of workers."""
    whole = access.figure_scope(user)[0] != "enterprises"
    codes = set(ReturnTally.objects.restrict(user, access.VIEW).filter(enterprise__isnull=whole)
                .values_list("district_id", flat=True).distinct())
    kind, prefixes = access.figure_scope(user)
    cities: dict[str, list[str]] = defaultdict(list)
    for code in sorted(codes):
        cities[code[:4] + "00"].append(code)
    names = dict(Region.objects.filter(code__in=[*cities, *codes]).values_list("code", "name"))
    result = []
    for city, districts in sorted(cities.items()):
        city_open = kind != "regions" or any(city.startswith(p) for p in prefixes)
        result.append({"code": city, "name": names.get(city, city), "open": city_open,
                       "districts": [{"code": d, "name": names.get(d, d)} for d in districts]})
    return result


def district_figures(*, user: User, region: Region) -> list[dict[str, Any]]:
    """Each district of a city (or the one district) in the user's scope: pre-holiday headcount, on site now
    and the rate, from the per-day tallies in one grouped query."""
    whole = access.figure_scope(user)[0] != "enterprises"
    rows = (ReturnTally.objects.restrict(user, access.VIEW).filter(enterprise__isnull=whole)
            .filter(access.code_range("district_id", region.code_prefix))
            .values("district_id").annotate(before=Sum("count", filter=Q(date__isnull=True)),
                                            on_site=Sum("count", filter=Q(date__isnull=False))).order_by())
    names = dict(Region.objects.filter(code__in=[r["district_id"] for r in rows]).values_list("code", "name"))
    result = [{"code": r["district_id"], "name": names.get(r["district_id"], r["district_id"]),
               "before": r["before"] or 0, "on_site": r["on_site"] or 0,
               "rate": round(100 * (r["on_site"] or 0) / r["before"], 1) if r["before"] else None} for r in rows]
    return sorted(result, key=lambda r: -r["before"])


def rosters(*, user: User) -> QuerySet[Enterprise]:
    """The enterprises in scope that keep a roster, with their totals."""
    groups = OriginGroup.objects.restrict(user, access.VIEW)
    return (Enterprise.objects.filter(pk__in=groups.values("enterprise_id")).restrict(user, access.VIEW)
            .annotate(expected=Sum("origin_groups__expected"), at_origin=Sum("origin_groups__at_origin"),
                      travelling=Sum("origin_groups__travelling"), arrived=Sum("origin_groups__arrived"),
                      observation=Sum("origin_groups__observation"), at_work=Sum("origin_groups__at_work"),
                      not_returning=Sum("origin_groups__not_returning"))
            .order_by("name"))


@dataclass
class Roster:
    enterprise: Enterprise
    groups: list[OriginGroup]
    totals: dict[str, int]
    by_province: list[dict[str, Any]]
    named: int = 0


def roster(*, user: User, enterprise: Enterprise) -> Roster:
    """An enterprise's aggregates by origin (county), with totals per state and per origin province."""
    groups = list(OriginGroup.objects.restrict(user, access.VIEW).filter(enterprise=enterprise)
                  .select_related("origin").order_by("-expected", "origin_id"))
    totals = {s: sum(getattr(g, s) for g in groups) for s in ("expected", *STATES)}
    provinces: dict[str, dict[str, Any]] = defaultdict(lambda: {"expected": 0, "on_site": 0, "at_origin": 0})
    for g in groups:
        p = provinces[g.origin_id[:2] + "0000"]
        p["expected"] += g.expected
        p["on_site"] += g.on_site
        p["at_origin"] += g.at_origin
    names = dict(Region.objects.filter(code__in=list(provinces)).values_list("code", "name"))
    by_province = sorted(({"code": c, "name": names.get(c, c), **v} for c, v in provinces.items()),
                         key=lambda r: -r["expected"])
    named = Worker.objects.restrict(user, access.VIEW).filter(enterprise=enterprise).count()
    return Roster(enterprise, groups, totals, by_province, named)


def personal_list(*, user: User, enterprise: Enterprise, state: str = "", limit: int | None = None,
                  what: str = "roster") -> tuple[list[dict[str, Any]], bool]:
    """The enterprise's named workers as rows, phones and ID numbers masked unless the reader may see them; an
    unmasked read is logged (who, when, what, how many). Returns (rows, unmasked)."""
    qs = Worker.objects.restrict(user, access.VIEW).filter(enterprise=enterprise).select_related("origin")
    if state:
        qs = qs.filter(state=state)
    workers = list(qs[:limit] if limit else qs)
    unmasked = access.may_unmask(user, enterprise)
    rows = [{
        "id": w.pk, "name": w.name, "phone": w.phone if unmasked else mask_phone(w.phone),
        "id_number": w.id_number if unmasked else mask_id(w.id_number), "origin": w.origin_id,
        "origin_name": w.origin.full_name or w.origin.name, "job": w.job, "state": w.state,
        "state_label": WorkerState(w.state).label, "trip_id": w.trip_id,
    } for w in workers]
    if unmasked and rows:
        from .services import personal_data_viewed

        personal_data_viewed(actor=user, enterprise=enterprise, what=what, count=len(rows))
    return rows, unmasked


def mask_health_event(user: User, event: HealthEvent, *, log: bool = True) -> dict[str, str]:
    """A health event's person data for ``user``: masked unless enterprise or health authority (then logged)."""
    unmasked = access.may_unmask(user, event.enterprise)
    if unmasked and log and (event.phone or event.id_number):
        from .services import personal_data_viewed

        personal_data_viewed(actor=user, enterprise=event.enterprise, what=f"health_event:{event.pk}", count=1)
    return {
        "phone": event.phone if unmasked else mask_phone(event.phone) if event.phone else "",
        "id_number": event.id_number if unmasked else mask_id(event.id_number) if event.id_number else "",
        "unmasked": "1" if unmasked else "",
    }


# --- return figures -------------------------------------------------------------------------------------------


@dataclass
class Figures:
    """Return figures of one scope: the pre-holiday headcount, and day by day the workers on site, in total and
    by origin province; ``rate`` is on site / pre-holiday headcount."""

    baseline: int = 0
    baseline_by_province: dict[str, int] = field(default_factory=dict)
    days: list[dict[str, Any]] = field(default_factory=list)
    provinces: list[tuple[str, str]] = field(default_factory=list)

    @property
    def latest(self) -> dict[str, Any]:
        return self.days[-1] if self.days else {"date": None, "on_site": 0, "rate": None, "by_province": {}}


def figures(*, user: User, enterprise_id: int | None = None, project_id: int | None = None, region: str = "",
            start: date | None = None, end: date | None = None) -> Figures:
    """Figures for an enterprise, a project, a district or city (region code) or everything in scope."""
    qs = ReturnTally.objects.restrict(user, access.VIEW)
    if enterprise_id is not None:
        enterprise = enterprise_get(user=user, pk=enterprise_id)
        qs = qs.filter(enterprise_id=enterprise.pk)
    elif project_id is not None:
        # a project's figures are aggregates (no personal data): whoever sees the key project sees them, its
        # transport department and work team included, whether or not they see each contractor
        project = project_get(user=user, pk=project_id)
        qs = ReturnTally.objects.filter(enterprise_id__in=project_enterprise_ids(project))
    else:
        # district rows for those who oversee regions; a commissioner's or department's own enterprises' rows
        whole = access.figure_scope(user)[0] != "enterprises"
        qs = qs.filter(enterprise__isnull=whole)
        if region:
            r = Region.objects.filter(code=region).first()
            qs = qs.filter(access.code_range("district_id", r.code_prefix)) if r else qs.none()
    rows = list(qs.values("province_id", "date").annotate(n=Sum("count")).order_by())
    result = Figures()
    arrivals: dict[date, dict[str, int]] = defaultdict(dict)
    for r in rows:
        if r["date"] is None:
            result.baseline_by_province[r["province_id"]] = r["n"]
        else:
            arrivals[r["date"]][r["province_id"]] = r["n"]
    result.baseline = sum(result.baseline_by_province.values())
    codes = sorted(set(result.baseline_by_province) | {p for d in arrivals.values() for p in d},
                   key=lambda c: -result.baseline_by_province.get(c, 0))
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    result.provinces = [(c, names.get(c, c)) for c in codes]
    if not arrivals:
        return result
    first, last = min(arrivals), max(arrivals)
    start, end = start or first, end or last
    running: dict[str, int] = defaultdict(int)
    day = first
    while day <= end:
        for p, n in arrivals.get(day, {}).items():
            running[p] += n
        if day >= start:
            on_site = sum(running.values())
            result.days.append({"date": day, "on_site": on_site, "by_province": dict(running),
                                "rate": round(100 * on_site / result.baseline, 1) if result.baseline else None})
        day += timedelta(days=1)
    return result


CHART_PROVINCES = 8


def figures_chart(f: Figures) -> dict[str, Any]:
    """The figures as the page's ECharts data: dates, workers on site, the return rate (%), and on site by
    origin province (the largest ``CHART_PROVINCES`` by pre-holiday headcount, the rest summed as "other")."""
    top = f.provinces[:CHART_PROVINCES]
    rest = [c for c, _n in f.provinces[CHART_PROVINCES:]]
    series = [{"code": c, "name": n, "data": [d["by_province"].get(c, 0) for d in f.days]} for c, n in top]
    if rest:
        series.append({"code": "other", "name": "", "data": [sum(d["by_province"].get(c, 0) for c in rest)
                                                             for d in f.days]})
    return {"baseline": f.baseline, "dates": [d["date"].isoformat() for d in f.days],
            "on_site": [d["on_site"] for d in f.days], "rate": [d["rate"] for d in f.days], "provinces": series}


def figures_rows(f: Figures, before_label: str) -> list[dict[str, Any]]:
    """The figures as export rows: the pre-holiday headcount first, then one row per day, a column per province."""
    rows = [{"date": before_label, "on_site": f.baseline, "rate": None,
             **{f"p{c}": f.baseline_by_province.get(c, 0) for c, _n in f.provinces}}]
    rows += [{"date": d["date"].isoformat(), "on_site": d["on_site"], "rate": d["rate"],
              **{f"p{c}": d["by_province"].get(c, 0) for c, _n in f.provinces}} for d in f.days]
    return rows


def region_names(codes: set[str] | list[str]) -> dict[str, str]:
    """Full names of region codes (pick-up points), one query."""
    return {c: full or name for c, full, name in
            Region.objects.filter(code__in=list(codes)).values_list("code", "full_name", "name")}


# --- plans, trips, health ---------------------------------------------------------------------------------------


def plans(*, user: User, enterprise_id: int | None = None) -> QuerySet[BusPlan]:
    qs = BusPlan.objects.restrict(user, access.VIEW).select_related("enterprise", "created_by", "decided_by")
    return qs.filter(enterprise_id=enterprise_id) if enterprise_id else qs


def plan_get(*, user: User, pk: int) -> BusPlan:
    return access.get_or_404(BusPlan.objects.select_related("enterprise", "created_by"), user, access.VIEW, pk=pk)


def trips(*, user: User, plan_id: int | None = None, enterprise_id: int | None = None) -> QuerySet[Trip]:
    qs = Trip.objects.restrict(user, access.VIEW).select_related("enterprise").annotate(named=Count("riders"))
    if plan_id:
        qs = qs.filter(plan_id=plan_id)
    if enterprise_id:
        qs = qs.filter(enterprise_id=enterprise_id)
    return qs.order_by("date", "plan_id", "number")


def health_events(*, user: User, enterprise_id: int | None = None, open_only: bool = False) -> QuerySet[HealthEvent]:
    qs = HealthEvent.objects.restrict(user, access.VIEW).select_related("enterprise")
    if enterprise_id:
        qs = qs.filter(enterprise_id=enterprise_id)
    if open_only:
        qs = qs.filter(status=HealthStatus.OPEN)
    return qs


def health_event_get(*, user: User, pk: int) -> HealthEvent:
    return access.get_or_404(HealthEvent.objects.select_related("enterprise", "reported_by"), user, access.VIEW,
                             pk=pk)


def health_warnings(*, user: User, enterprise_ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
    """Open health events touching each enterprise the user may see: its own (``kind`` "own") or a supplier's
    (``kind`` "supplier", with ``tier``: 1 for a direct supplier or a plant named on the event, 2 for a
    supplier's supplier, and so on through the supply chain, the fewest links counted). No personal data: the
    supplier's name and when it was reported. Enterprises the user may not see get nothing (deny by default).

    The events open at one time are few: the chain is read downstream from their enterprises (one query per
    tier, ``supplychain.selectors.downstream_tiers``), not upstream from every enterprise asked about."""
    wanted = set(enterprise_ids)
    if not wanted:
        return {}
    wanted = set(Enterprise.objects.restrict(user, access.VIEW).filter(pk__in=wanted).values_list("pk", flat=True))
    if not wanted:
        return {}
    from qifu.supplychain.selectors import downstream_tiers

    events = list(HealthEvent.objects.filter(status=HealthStatus.OPEN).select_related("enterprise")
                  .prefetch_related("customers").order_by("reported_at", "pk"))
    if not events:
        return {}
    tiers = downstream_tiers({e.enterprise_id for e in events}, within=wanted)
    warnings: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for e in events:
        info = {"event_id": e.pk, "enterprise": e.enterprise.name, "reported_at": e.reported_at}
        if e.enterprise_id in wanted:
            warnings[e.enterprise_id].append({**info, "kind": "own", "tier": 0})
        named = {c.pk for c in e.customers.all()} & wanted
        downstream = {pk: t[e.enterprise_id] for pk, t in tiers.items() if e.enterprise_id in t}
        for pk in sorted((named | set(downstream)) - {e.enterprise_id}):
            warnings[pk].append({**info, "kind": "supplier", "tier": 1 if pk in named else downstream[pk]})
    return {pk: sorted(ws, key=lambda w: (w["tier"], w["reported_at"], w["event_id"])) for pk, ws in warnings.items()}
