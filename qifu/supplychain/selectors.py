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
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

import numpy as np
from django.db import connection
from django.db.models import Exists, FloatField, Model, OuterRef, QuerySet, Subquery
from django.db.models.base import ModelState
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from qifu.core import access
from qifu.enterprises.models import Enterprise
from qifu.ledger.choices import OPEN_STATUSES
from qifu.organisations.models import Region, User
from qifu.resumption.choices import RESUMED_STATUSES
from qifu.resumption.models import StatusReport

from .choices import NO_REPORT, Level
from .graph import coordination, tts
from .graph.network import Network, unpack
from .models import SupplierProblem, SupplyLink

INF = math.inf
M = TypeVar("M", bound=Model)
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
    for start in range(0, len(ids), STATUS_CHUNK):
        rows = (StatusReport.objects.filter(enterprise_id__in=ids[start:start + STATUS_CHUNK], is_current=True,
                                            date__lte=day, date__gte=day - timedelta(days=STATUS_LOOKBACK_DAYS))
                .order_by("enterprise_id", "date").values_list("enterprise_id", "status", "date"))
        for eid, status, d in rows:
            result[eid] = (status, d)
    return result


def open_health_events(enterprise_ids: Iterable[int]) -> dict[int, datetime]:
    """{enterprise id: when its earliest open health event (suspected case) was reported} for these firms, at any
    tier of a network (the status pages warn every firm downstream: workforce.selectors.health_warnings)."""
    from qifu.workforce.choices import HealthStatus
    from qifu.workforce.models import HealthEvent

    ids = list(set(enterprise_ids))
    found: dict[int, datetime] = {}
    for start in range(0, len(ids), STATUS_CHUNK):
        rows = (HealthEvent.objects.filter(status=HealthStatus.OPEN, enterprise_id__in=ids[start:start + STATUS_CHUNK])
                .order_by("enterprise_id", "reported_at").values_list("enterprise_id", "reported_at"))
        for eid, at in rows:
            found.setdefault(eid, at)
    return found


def downstream_tiers(supplier_ids: Iterable[int], *, within: Iterable[int] | None = None) -> dict[int, dict[int, int]]:
    """{firm of ``within`` (None: any firm): {supplier: tier}} for the firms each of ``supplier_ids`` delivers to
    at any tier:
    1 for its direct buyers, 2 for their buyers, and so on (the fewest links, at most MAX_TIERS; cycles stop).

    Read downstream from the suppliers, one query per tier over the links out of the firms reached in the
    tier before: the work is the suppliers' downstream cone (the few firms with an open health event reach a
    small part of the network), not the network, and not the upstream of a plant of ten thousand suppliers.
    Every link counts, whoever may see it: the caller decides which firms of ``within`` the user may see."""
    wanted = None if within is None else set(within)
    found: dict[int, dict[int, int]] = {}
    reached: dict[int, set[int]] = {s: {s} for s in set(supplier_ids)}  # firm → the suppliers that reached it
    frontier = {s: {s} for s in reached}  # firm → the suppliers that reached it in the tier before
    for tier in range(1, MAX_TIERS + 1):
        if not frontier or wanted == set():
            break
        firms = sorted(frontier)
        following: dict[int, set[int]] = {}
        for start in range(0, len(firms), STATUS_CHUNK):
            pairs = (SupplyLink.objects.filter(supplier_id__in=firms[start:start + STATUS_CHUNK]).order_by()
                     .values_list("supplier_id", "buyer_id").distinct())
            for supplier, buyer in pairs:
                new = frontier[supplier] - reached.setdefault(buyer, set())
                if not new:
                    continue
                reached[buyer] |= new
                following.setdefault(buyer, set()).update(new)
                if wanted is None or buyer in wanted:
                    for source in new:
                        found.setdefault(buyer, {})[source] = tier
        frontier = following
    return found


def is_blocked(status: str | None) -> bool:
    return status not in RESUMED_STATUSES


LINK_FIELDS = ("id", "buyer_id", "supplier_id", "part", "critical", "stock_days", "has_alternative",
               "alternative_lead_days", "share", "version")


def network_links(*, user: User, plant_id: int) -> list[SupplyLink]:
    """Every link upstream of the plant (all tiers) the user may see, tier by tier (cycles stop).

    A plant's network can hold a hundred thousand links over tens of thousands of firms: the links are read as
    values (one query per tier) and made into links directly, without the per-field work of the model's
    constructor, and each link's ``supplier`` (with its region) and ``buyer`` are set from one read of the
    network's firms — joining the firms into every link row built four model instances per link, most of a
    large plant's page time. The links' timestamps, which nothing here shows, are left unread (deferred)."""
    qs = SupplyLink.objects.restrict(user, access.VIEW).values_list(*LINK_FIELDS)
    db = qs.db
    seen_buyers: set[int] = set()
    frontier = {plant_id}
    links: list[SupplyLink] = []
    for _tier in range(MAX_TIERS):
        frontier -= seen_buyers
        if not frontier:
            break
        seen_buyers |= frontier
        found = _links_from_values(qs.filter(buyer_id__in=frontier), db)
        links.extend(found)
        frontier = {link.supplier_id for link in found}
    firms = network_firms({plant_id} | {lk.supplier_id for lk in links})
    for lk in links:
        cache = lk._state.fields_cache
        cache["supplier"] = firms[lk.supplier_id]
        cache["buyer"] = firms[lk.buyer_id]
    return links


def _links_from_values(rows: Iterable[tuple[Any, ...]], db: str) -> list[SupplyLink]:
    return _saved(SupplyLink, LINK_FIELDS, rows, db)


def _saved(model: type[M], fields: tuple[str, ...], rows: Iterable[tuple[Any, ...]], db: str) -> list[M]:
    """Saved instances from rows of ``fields`` (attnames; values already converted by the ORM), as
    ``Model.from_db`` gives them with the other fields deferred, without running the constructor per field
    (no signal is connected to the construction of a supply link or an enterprise)."""
    new = object.__new__
    found = []
    for row in rows:
        obj = new(model)
        state = ModelState()
        state.db, state.adding = db, False
        obj.__dict__.update(zip(fields, row, strict=True))
        obj._state = state
        found.append(obj)
    return found


FIRM_FIELDS = tuple(f.attname for f in Enterprise._meta.concrete_fields if f.attname not in ("created_at", "updated_at"))


def network_firms(enterprise_ids: Iterable[int]) -> dict[int, Enterprise]:
    """{id: enterprise with its region} for these firms, one query per 5,000 (whatever the user may open:
    a network shows its firms), made like the links (tens of thousands in a large network; their timestamps
    deferred), with the few regions read once."""
    ids = sorted(set(enterprise_ids))
    found: dict[int, Enterprise] = {}
    qs = Enterprise.objects.order_by().values_list(*FIRM_FIELDS)
    for start in range(0, len(ids), STATUS_CHUNK):
        found.update((e.pk, e) for e in _saved(Enterprise, FIRM_FIELDS, qs.filter(pk__in=ids[start:start + STATUS_CHUNK]),
                                               qs.db))
    regions = Region.objects.in_bulk({e.region_id for e in found.values()})
    for e in found.values():
        e._state.fields_cache["region"] = regions[e.region_id]
    return found


def editable_buyers(*, user: User, plant_id: int, links: list[SupplyLink]) -> set[int]:
    """Of a plant and its network, the firms whose supplier list the user may change (access.SUPPLIERS: who may
    change the firm, and the plant's commissioner anywhere upstream of it), in one query."""
    ids = {plant_id} | {lk.buyer_id for lk in links} | {lk.supplier_id for lk in links}
    return set(Enterprise.objects.restrict(user, access.SUPPLIERS).filter(pk__in=ids).values_list("pk", flat=True))


def _graph_link(link: SupplyLink) -> tts.Link:
    lead = link.alternative_lead_days
    return tts.Link(link.supplier_id, link.buyer_id, float(link.stock_days), link.critical,
                    float(lead) if link.has_alternative and lead is not None else None, link.id)


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
    health_since: datetime | None = None  # an open health event (suspected case) there, reported then

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


# The orders of a plant's supplier list; "critical" first: what the plant's people must look at before the rest.
SUPPLIER_ORDERS = ("critical", "tier", "name")
SUPPLIER_SHOWS = ("all", "blocked", "resumed")


def _critical_key(row: SupplierRow) -> tuple[Any, ...]:
    """Most critical first: the blocked suppliers in their rank (fewest days the plant survives, then share, then
    tier), then the resumed ones by the days the plant would survive if they stopped (a single source with little
    stock first; one covered by an alternative or by stock on every chain last), then tier and name."""
    return (not row.blocked, row.rank or 0, row.tts, row.tier, row.enterprise.name, row.enterprise.pk)


def supplier_rows(analysis: Analysis, *, order: str = "critical", show: str = "all",
                  query: str = "") -> list[SupplierRow]:
    """The plant's suppliers (every tier) filtered by status (``show``) and a name or credit-code fragment, in
    ``order``; the analysis' own figures stay computed over all of them."""
    rows = analysis.suppliers
    if show == "blocked":
        rows = [r for r in rows if r.blocked]
    elif show == "resumed":
        rows = [r for r in rows if not r.blocked]
    query = query.strip().casefold()
    if query:
        rows = [r for r in rows if query in r.enterprise.name.casefold() or query in r.enterprise.credit_code.casefold()]
    if order == "tier":
        return sorted(rows, key=lambda r: (r.tier, r.enterprise.name, r.enterprise.pk))
    if order == "name":
        return sorted(rows, key=lambda r: (r.enterprise.name, r.enterprise.pk))
    return sorted(rows, key=_critical_key)


GRAPH_SUPPLIERS = 300  # suppliers drawn in a plant's graph: past a few hundred nodes nobody reads it


def graph_suppliers(analysis: Analysis, limit: int | None = None) -> list[SupplierRow]:
    """The suppliers a plant's graph draws: all of them up to ``limit``; past it the most critical (the list's
    first page order) with, for each, the firms between it and the plant one tier at a time, so every node drawn
    connects to the plant, until ``limit`` (GRAPH_SUPPLIERS) is reached."""
    limit = GRAPH_SUPPLIERS if limit is None else limit
    if len(analysis.suppliers) <= limit:
        return analysis.suppliers
    by_id = {r.enterprise.pk: r for r in analysis.suppliers}
    tier = {analysis.plant.pk: 0, **{eid: r.tier for eid, r in by_id.items()}}
    towards: dict[int, int] = {}  # a supplier → one buyer a tier nearer the plant
    for lk in analysis.links:
        if lk.supplier_id not in towards and tier.get(lk.buyer_id) == tier.get(lk.supplier_id, 0) - 1:
            towards[lk.supplier_id] = lk.buyer_id
    chosen: dict[int, None] = {}
    for row in sorted(analysis.suppliers, key=_critical_key):
        chain, eid = [], row.enterprise.pk
        while eid in by_id and eid not in chosen:
            chain.append(eid)
            eid = towards.get(eid, analysis.plant.pk)
        if len(chosen) + len(chain) > limit:
            break
        chosen.update(dict.fromkeys(chain))
    return [by_id[eid] for eid in chosen]


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
    health = open_health_events(firms)
    rows = []
    for eid, impact in result.suppliers.items():
        e = firms[eid]
        status, when = statuses.get(eid, (NO_REPORT, None))
        rows.append(SupplierRow(
            enterprise=e, tier=impact.tier, status=status, status_date=when, blocked=impact.blocked,
            tts=impact.tts, rank=impact.rank, level=coordination.level(plant.region_id, e.region_id),
            via=[names[v] for v in impact.via[1:]], links=by_supplier.get(eid, []), raised=raised.get((plant.pk, eid)),
            health_since=health.get(eid),
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


RANKINGS = ("plants", "output")
REGION_ROWS = 100  # blockers listed on the page and in the API (the counts cover all of them)
STATUS_CHUNK = 5000


def status_table(enterprise_ids: Iterable[int], day: date) -> dict[int, str]:
    """{enterprise id: status of its latest current report on or before ``day``} (absent: none in the look-back
    window), one query per 5,000 firms: each firm's latest report is one probe of the (enterprise, date) index."""
    ids = sorted(set(enterprise_ids))
    latest = Subquery(StatusReport.objects.filter(
        enterprise_id=OuterRef("pk"), is_current=True, date__lte=day,
        date__gte=day - timedelta(days=STATUS_LOOKBACK_DAYS)).order_by("-date").values("status")[:1])
    result: dict[int, str] = {}
    for start in range(0, len(ids), STATUS_CHUNK):
        chunk = ids[start:start + STATUS_CHUNK]
        if chunk[-1] - chunk[0] < 2 * len(chunk):
            # Dense ids (a region's network is most of its firms): a range, not thousands of parameters, each
            # prepared one by one by the ORM; the few firms in the range outside the network are dropped.
            qs = Enterprise.objects.filter(pk__gte=chunk[0], pk__lte=chunk[-1])
        else:
            qs = Enterprise.objects.filter(pk__in=chunk)
        rows = qs.order_by().annotate(latest=latest).filter(latest__isnull=False).values_list("pk", "latest")
        result.update(rows)
    wanted = set(ids)
    return {eid: status for eid, status in result.items() if eid in wanted}


def _link_arrays(user: User) -> dict[str, np.ndarray]:
    """The visible links as arrays (one query): firm ids, and each link's supplier and buyer as indexes into
    them with its survival in days (tts.survival, vectorised)."""
    as_float = FloatField()
    qs = SupplyLink.objects.restrict(user, access.VIEW).order_by().values_list(
        "supplier_id", "buyer_id", Cast("stock_days", as_float), "critical", "has_alternative",
        Cast("alternative_lead_days", as_float))
    # Read on the raw cursor, numbers cast to floats in SQL: Django's per-value converters (decimals, booleans)
    # and building a Decimal per value cost more than the rest of the view at a region's hundreds of thousands
    # of links; the rows go into one float array in one call (NULL becomes NaN).
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    m = len(rows)
    table = np.array(rows, dtype=np.float64).reshape(m, 6)
    supplier = table[:, 0].astype(np.int64)
    buyer = table[:, 1].astype(np.int64)
    stock = table[:, 2]
    critical = table[:, 3] != 0
    lead = np.where((table[:, 4] != 0) & ~np.isnan(table[:, 5]), table[:, 5], np.inf)
    firms, index = np.unique(np.concatenate([supplier, buyer]), return_inverse=True)
    stock = np.maximum(stock, 0.0)
    survival = np.where(~critical | (lead <= stock), np.inf, stock)
    return {"firms": firms, "supplier": index[:m], "buyer": index[m:], "survival": survival}


def region_overview(*, user: User, day: date, within_days: int = 7, rank: str = "plants",
                    rows: int = REGION_ROWS) -> dict[str, Any]:
    """The region-wide view on ``day``: every visible plant's days to stop and the supplier that stops it
    first, the plants stopping within ``within_days``, the single suppliers that would stop the most plants
    (or the most output) if they stay down, and those among them nobody has raised a problem for.

    Computed at once for the whole region by the array engine (graph.network): the visible links and each
    firm's latest status in a few queries, one multi-source Dijkstra for every firm's days to stop, the plants
    each blocked supplier can stop as bit sets propagated along the links, and the soonest stop per supplier
    by one Dijkstra from the plants backwards — no per-plant walk."""
    rank = rank if rank in RANKINGS else RANKINGS[0]
    plant_rows = list(plants(user=user))
    empty = {"day": day, "within_days": within_days, "rank": rank, "plants": [], "stopping": [], "blockers": [],
             "unraised": [], "blocker_count": 0, "unraised_count": 0, "unknown_output_plants": 0,
             "firms": 0, "links": 0}
    arrays = _link_arrays(user)
    firms = arrays["firms"]
    if not plant_rows or len(firms) == 0:
        return {**empty, "plants": [_plant_row(p, INF, None, 0, 0) for p in plant_rows]}
    n = len(firms)
    net = Network(n, arrays["supplier"], arrays["buyer"], arrays["survival"])
    statuses = status_table(firms.tolist(), day)
    blocked = np.fromiter((is_blocked(statuses.get(int(f))) for f in firms), dtype=bool, count=n)
    days = net.recompute(blocked)

    plant_index = np.searchsorted(firms, [p.pk for p in plant_rows])
    p_idx = plant_index.astype(np.int64)
    plant_days = np.round(days[p_idx], 6)  # less the EPSILON of zero-stock links (graph.network)
    sources = net.bottlenecks(p_idx)
    pairs = np.unique(arrays["buyer"] * n + arrays["supplier"])  # one per (buyer, supplier), whatever the parts
    direct = np.bincount(pairs // n, minlength=n)[p_idx]
    bl = np.flatnonzero(blocked)
    stops = unpack(net.reach(p_idx)[bl], len(p_idx))  # blocked firm × plant: it alone stops that plant
    can_stop = stops.sum(axis=0)
    output = np.array([float(p.annual_output) if p.annual_output is not None else 0.0 for p in plant_rows])
    unknown = np.array([p.annual_output is None for p in plant_rows])
    headcount = np.array([p.headcount for p in plant_rows], dtype=np.float64)
    plants_blocked = stops.sum(axis=1)
    output_blocked = stops @ output
    unknown_blocked = stops @ unknown.astype(np.int64)
    employees_blocked = stops @ headcount
    soonest = net.days_to_nearest(p_idx)[bl]
    # Open problems already raised for a (plant, blocked supplier) pair: those plants are not "unraised".
    column = {p.pk: j for j, p in enumerate(plant_rows)}
    row_of = {int(firms[i]): k for k, i in enumerate(bl)}
    raised = np.zeros(len(bl), dtype=np.int64)
    for plant_id, supplier_id in (SupplierProblem.objects.filter(plant_id__in=list(column),
                                                                 problem__status__in=OPEN_STATUSES)
                                  .order_by().values_list("plant_id", "supplier_id").distinct()):
        k = row_of.get(supplier_id)
        if k is not None and stops[k, column[plant_id]]:
            raised[k] += 1
    without = plants_blocked - raised

    candidates = np.flatnonzero(plants_blocked > 0)
    if rank == "output":
        order = np.lexsort((firms[bl][candidates], soonest[candidates], -employees_blocked[candidates],
                            -plants_blocked[candidates], -output_blocked[candidates]))
    else:
        order = np.lexsort((firms[bl][candidates], soonest[candidates], -employees_blocked[candidates],
                            -output_blocked[candidates], -plants_blocked[candidates]))
    ranked = candidates[order]
    unraised_ranked = ranked[without[ranked] > 0]
    shown = np.unique(np.concatenate([ranked[:rows], unraised_ranked[:rows]]))
    wanted = {int(firms[bl[k]]) for k in shown} | {int(firms[s]) for s in sources if s >= 0}
    names = Enterprise.objects.select_related("region").in_bulk(list(wanted))

    def blocker(k: int) -> dict[str, Any]:
        eid = int(firms[bl[k]])
        return {"supplier": names[eid], "status": statuses.get(eid, NO_REPORT), "plants": int(plants_blocked[k]),
                "output": float(output_blocked[k]), "unknown_output": int(unknown_blocked[k]),
                "employees": int(employees_blocked[k]), "soonest": float(soonest[k]),
                "without_problem": int(without[k])}

    summaries = [_plant_row(p, float(plant_days[j]), names.get(int(firms[sources[j]])) if sources[j] >= 0 else None,
                            int(can_stop[j]), int(direct[j])) for j, p in enumerate(plant_rows)]
    summaries.sort(key=lambda r: (r["days_to_stop"], r["plant"].name, r["plant"].pk))
    return {
        **empty,
        "plants": summaries,
        "stopping": [r for r in summaries if r["days_to_stop"] <= within_days],
        "blockers": [blocker(int(k)) for k in ranked[:rows]],
        "unraised": [blocker(int(k)) for k in unraised_ranked[:rows]],
        "blocker_count": len(ranked),
        "unraised_count": len(unraised_ranked),
        "unknown_output_plants": int(unknown.sum()),
        "firms": n,
        "links": len(arrays["supplier"]),
    }


def _plant_row(plant: Enterprise, days_to_stop: float, bottleneck: Enterprise | None, blocked: int,
               suppliers: int) -> dict[str, Any]:
    return {"plant": plant, "days_to_stop": days_to_stop, "bottleneck": bottleneck, "blocked": blocked,
            "suppliers": suppliers, "output": plant.annual_output}


def plant_summaries(*, user: User, day: date) -> list[dict[str, Any]]:
    """Every visible plant with its days to stop on ``day``, soonest first (from the region-wide computation)."""
    return region_overview(user=user, day=day)["plants"]


def problem_list(*, user: User) -> QuerySet[SupplierProblem]:
    return SupplierProblem.objects.restrict(user, access.VIEW).select_related(
        "plant", "supplier", "problem", "target_unit").order_by("-raised_at", "-id")
