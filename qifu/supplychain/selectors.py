"""Reads of the supply-chain analysis, always from the user's scope: a plant's network and impact analysis,
the region-wide view, the raised problems. The algorithms are in ``graph`` (no Django); this module feeds
them from the database.

Each firm's status is its latest status report on or before the day analysed (the resumption app's reports:
current ones only); a firm without any report counts as not resumed. Partly resumed counts as resumed, as in
the resumption rate. The status of a supplier is read for the analysis even where the user may not open the
supplier's reports: the analysis shows the status, not the report.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from qifu.core import access
from qifu.enterprises.models import Enterprise
from qifu.ledger.choices import OPEN_STATUSES
from qifu.organisations.models import User
from qifu.resumption.choices import RESUMED_STATUSES
from qifu.resumption.models import StatusReport

from .choices import NO_REPORT, Level
from .graph import coordination, tts
from .models import SupplierProblem, SupplyLink

MAX_TIERS = 8
# How far back a status report still counts as the firm's latest status.
STATUS_LOOKBACK_DAYS = 120

METHOD = (
    _("A supplier blocks when its latest status report says not resumed (or it has never reported)."),
    _("Time-To-Survive (TTS) of a blocked supplier = the days the plant keeps producing without it: the buyer's "
      "stock of the part in days; if an alternative source delivers within that stock, the buyer never stops; "
      "a non-critical part never stops the buyer."),
    _("A blocked sub-supplier counts through its buyer's stock: its TTS is the sum of the stocks along the "
      "chain up to the plant, over the shortest chain."),
    _("Days to stop = the smallest TTS over all blocked suppliers at every tier. Suppliers are ranked by TTS "
      "(shortest first), then by their share of the plant's need, then by tier."),
    _("Coordination level from the region codes: same district → commissioner and district; another district "
      "of the city → the city's service task force; another city of the province → the provincial economic "
      "department; another province → cross-province coordination through the province."),
)


def _num(value: Any) -> float | None:
    return None if value is None else float(value)


def days_label(value: float) -> float | None:
    """Days as JSON: None for infinite (the plant cannot be stopped by the suppliers down)."""
    return None if value is None or math.isinf(value) else round(value, 1)


def latest_statuses(enterprise_ids: Iterable[int], day: date) -> dict[int, tuple[str, date]]:
    """{enterprise id: (status, date of the report)} of the latest current report on or before ``day``."""
    ids = list(set(enterprise_ids))
    result: dict[int, tuple[str, date]] = {}
    for start in range(0, len(ids), 500):
        rows = (StatusReport.objects.filter(enterprise_id__in=ids[start:start + 500], is_current=True,
                                            date__lte=day, date__gte=day - timedelta(days=STATUS_LOOKBACK_DAYS))
                .order_by("enterprise_id", "date").values_list("enterprise_id", "status", "date"))
        for eid, status, d in rows:
            result[eid] = (status, d)
    return result


def is_blocked(status: str | None) -> bool:
    return status not in RESUMED_STATUSES


def network_links(*, user: User, plant_id: int) -> list[SupplyLink]:
    """Every link upstream of the plant (all tiers) the user may see, tier by tier (cycles stop)."""
    qs = SupplyLink.objects.restrict(user, access.VIEW).select_related("supplier__region", "buyer")
    seen_buyers: set[int] = set()
    frontier = {plant_id}
    links: list[SupplyLink] = []
    for _tier in range(MAX_TIERS):
        frontier -= seen_buyers
        if not frontier:
            break
        seen_buyers |= frontier
        found = list(qs.filter(buyer_id__in=frontier))
        links.extend(found)
        frontier = {link.supplier_id for link in found}
    return links


def _graph_link(link: SupplyLink) -> tts.Link:
    return tts.Link(supplier=link.supplier_id, buyer=link.buyer_id, stock_days=float(link.stock_days),
                    critical=link.critical,
                    alternative_lead_days=_num(link.alternative_lead_days) if link.has_alternative else None,
                    key=link.pk)


def open_problems(plant_ids: Iterable[int] | None = None) -> dict[tuple[int, int], SupplierProblem]:
    """The latest raised problem per (plant, supplier) (any state; the analysis shows it)."""
    qs = SupplierProblem.objects.select_related("problem__responsible_unit", "target_unit").order_by("raised_at", "id")
    if plant_ids is not None:
        qs = qs.filter(plant_id__in=list(plant_ids))
    return {(sp.plant_id, sp.supplier_id): sp for sp in qs}


@dataclass
class SupplierRow:
    """One supplier of the plant's network as the page and the API show it."""

    enterprise: Enterprise
    tier: int
    status: str
    status_date: date | None
    blocked: bool
    tts: float
    rank: int | None
    level: str
    via: list[str]
    links: list[SupplyLink] = field(default_factory=list)  # its links in the network (as a supplier)
    raised: SupplierProblem | None = None

    @property
    def tts_days(self) -> float | None:
        return days_label(self.tts)

    @property
    def gap_days(self) -> float | None:
        gaps = [tts.gap(float(lk.stock_days), _num(lk.alternative_lead_days)) for lk in self.links
                if lk.has_alternative and lk.alternative_lead_days is not None]
        gaps = [g for g in gaps if g]
        return max(gaps) if gaps else None

    @property
    def level_label(self) -> str:
        return str(Level(self.level).label)

    @property
    def problem_open(self) -> bool:
        return self.raised is not None and self.raised.problem.status in OPEN_STATUSES


@dataclass
class Analysis:
    plant: Enterprise
    day: date
    plant_status: str
    days_to_stop: float
    bottleneck: Enterprise | None
    suppliers: list[SupplierRow]
    links: list[SupplyLink]

    @property
    def blocked(self) -> list[SupplierRow]:
        return [s for s in self.suppliers if s.blocked]

    @property
    def days_to_stop_label(self) -> float | None:
        return days_label(self.days_to_stop)


def plant_analysis(*, user: User, plant_id: int, day: date) -> Analysis:
    """The impact analysis of one plant the user may see, on ``day``."""
    plant = access.get_or_404(Enterprise.objects.select_related("region"), user, access.VIEW, pk=plant_id)
    links = network_links(user=user, plant_id=plant.pk)
    firms = {lk.supplier_id: lk.supplier for lk in links}
    statuses = latest_statuses([plant.pk, *firms], day)
    blocked = {eid for eid in firms if is_blocked(statuses.get(eid, (None,))[0])}
    direct_share = {lk.supplier_id: float(lk.share or 0) for lk in links if lk.buyer_id == plant.pk}
    result = tts.analyse(plant.pk, [_graph_link(lk) for lk in links], blocked, weight=direct_share)
    raised = open_problems([plant.pk])
    by_supplier: dict[int, list[SupplyLink]] = {}
    for lk in links:
        by_supplier.setdefault(lk.supplier_id, []).append(lk)
    names = {plant.pk: plant.name, **{eid: e.name for eid, e in firms.items()}}
    rows = []
    for eid, impact in result.suppliers.items():
        e = firms[eid]
        status, when = statuses.get(eid, (NO_REPORT, None))
        rows.append(SupplierRow(
            enterprise=e, tier=impact.tier, status=status, status_date=when, blocked=impact.blocked,
            tts=impact.tts, rank=impact.rank, level=coordination.level(plant.region_id, e.region_id),
            via=[names[v] for v in impact.via[1:]], links=by_supplier.get(eid, []), raised=raised.get((plant.pk, eid)),
        ))
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.tier, r.enterprise.name))
    plant_status = statuses.get(plant.pk, (NO_REPORT, None))[0]
    return Analysis(plant=plant, day=day, plant_status=plant_status, days_to_stop=result.days_to_stop,
                    bottleneck=firms.get(result.bottleneck) if result.bottleneck else None, suppliers=rows,
                    links=links)


def plants(*, user: User) -> QuerySet[Enterprise]:
    """The plants the user may see: enterprises in the jurisdiction that buy through supply links and supply
    nobody in the data (the top of a chain)."""
    return (
        Enterprise.objects.restrict(user, access.VIEW).filter(is_external=False)
        .filter(Exists(SupplyLink.objects.filter(buyer_id=OuterRef("pk"))))
        .exclude(Exists(SupplyLink.objects.filter(supplier_id=OuterRef("pk"))))
        .select_related("region").order_by("name", "id")
    )


def plant_summaries(*, user: User, day: date) -> list[dict[str, Any]]:
    """Every visible plant with its days-to-stop and blocked suppliers on ``day`` (soonest stop first)."""
    out = []
    for plant in plants(user=user):
        a = plant_analysis(user=user, plant_id=plant.pk, day=day)
        out.append({"plant": plant, "days_to_stop": a.days_to_stop, "bottleneck": a.bottleneck,
                    "blocked": len(a.blocked), "suppliers": len(a.suppliers), "status": a.plant_status})
    out.sort(key=lambda r: (r["days_to_stop"], r["plant"].name))
    return out


def region_overview(*, user: User, day: date, within_days: int = 7) -> dict[str, Any]:
    """The region-wide view: plants that stop within ``within_days``, the single suppliers that block the
    most plants (and the most employees at them), and the blocking suppliers nobody has raised a problem for."""
    summaries = plant_summaries(user=user, day=day)
    plant_ids = {r["plant"].pk for r in summaries}
    links = list(SupplyLink.objects.restrict(user, access.VIEW).select_related("supplier__region"))
    firms = {lk.supplier_id: lk.supplier for lk in links}
    statuses = latest_statuses(firms, day)
    graph_links = [_graph_link(lk) for lk in links]
    headcount = {r["plant"].pk: r["plant"].headcount for r in summaries}
    raised = {(p, s) for (p, s), sp in open_problems(plant_ids).items() if sp.problem.status in OPEN_STATUSES}
    blockers = []
    for eid, e in firms.items():
        if not is_blocked(statuses.get(eid, (None,))[0]):
            continue
        stops = {p: d for p, d in tts.downstream(eid, graph_links).items() if p in plant_ids}
        if not stops:
            continue
        without = sorted(p for p in stops if (p, eid) not in raised)
        blockers.append({"supplier": e, "status": statuses.get(eid, (NO_REPORT, None))[0], "plants": len(stops),
                         "employees": sum(headcount.get(p, 0) for p in stops), "soonest": min(stops.values()),
                         "without_problem": len(without)})
    blockers.sort(key=lambda b: (-b["plants"], -b["employees"], b["soonest"], b["supplier"].name))
    return {
        "day": day,
        "within_days": within_days,
        "plants": summaries,
        "stopping": [r for r in summaries if r["days_to_stop"] <= within_days],
        "blockers": blockers,
        "unraised": [b for b in blockers if b["without_problem"]],
    }


def problem_list(*, user: User) -> QuerySet[SupplierProblem]:
    return SupplierProblem.objects.restrict(user, access.VIEW).select_related(
        "plant", "supplier", "problem", "target_unit").order_by("-raised_at", "-id")
