"""One plant's impact analysis: Time-To-Survive (TTS) per blocked supplier and the plant's days-to-stop.

The model (after Simchi-Levi's risk exposure model, where TTS is how long a node can keep matching demand
once a supplier is lost):

- A supply link carries the buyer's stock of that part in days, whether the part is critical, and whether an
  alternative source exists with its lead time in days.
- The buyer survives the loss of a link for ``stock_days``. If an alternative source delivers within that
  stock (lead time ≤ stock days) the buyer never stops: the link's survival is infinite. A non-critical part
  never stops the buyer either. Otherwise the buyer stops after ``stock_days`` (and, with a slow alternative,
  restarts after the lead time: the gap is reported).
- A blocked sub-supplier counts through its buyer's stock: when S (tier 2) stops, its buyer B (tier 1) runs
  on its stock of S's part, then B stops; the plant then runs on its stock of B's part. So the TTS of the
  plant for S is the sum of the links' survival along the path S → … → plant, minimised over all paths.
- The plant's days-to-stop is the minimum TTS over its blocked suppliers at every tier (infinite when every
  blocked supplier is covered). Cycles in the data are harmless: it is a shortest-path search (Dijkstra) that
  settles each firm once.
"""

from __future__ import annotations

import heapq
import math
from collections import deque
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

INF = math.inf


class Link(NamedTuple):
    """A supply link as the algorithm sees it: ``supplier`` delivers a part to ``buyer``. A named tuple (immutable,
    as the frozen dataclass it was) because a large plant's network builds one per link: hundreds of thousands."""

    supplier: Hashable
    buyer: Hashable
    stock_days: float
    critical: bool = True
    alternative_lead_days: float | None = None  # None: no alternative source
    key: Hashable = None  # the caller's id of the link (returned in paths)


def survival(stock_days: float, critical: bool = True, alternative_lead_days: float | None = None) -> float:
    """How many days the buyer keeps producing without this link's supplier (infinite: never stops)."""
    if not critical:
        return INF
    stock = max(float(stock_days), 0.0)
    if alternative_lead_days is not None and float(alternative_lead_days) <= stock:
        return INF
    return stock


def gap(stock_days: float, alternative_lead_days: float | None) -> float | None:
    """Days without the part when the alternative arrives after the stock is gone (None: no alternative)."""
    if alternative_lead_days is None:
        return None
    return max(float(alternative_lead_days) - max(float(stock_days), 0.0), 0.0)


@dataclass
class SupplierImpact:
    """What one supplier (at any tier) means for the plant."""

    supplier: Hashable
    tier: int  # fewest links between the supplier and the plant (1 = direct supplier)
    blocked: bool
    tts: float  # days the plant survives if this supplier stays down (INF: covered)
    path: list[Hashable] = field(default_factory=list)  # link keys from the supplier up to the plant
    via: list[Hashable] = field(default_factory=list)  # the firms from the supplier up to the plant
    rank: int | None = None  # 1 = must resume first (blocked suppliers only)


@dataclass
class PlantAnalysis:
    plant: Hashable
    days_to_stop: float  # INF when no blocked supplier can stop the plant
    bottleneck: Hashable | None  # the blocked supplier that stops it first
    suppliers: dict[Hashable, SupplierImpact]

    @property
    def blocked(self) -> list[SupplierImpact]:
        """The blocked suppliers, most urgent first."""
        return sorted((s for s in self.suppliers.values() if s.blocked), key=lambda s: s.rank or 0)


def analyse(plant: Hashable, links: Iterable[Link], blocked: set[Hashable],
            weight: dict[Hashable, float] | None = None) -> PlantAnalysis:
    """The impact analysis of ``plant`` given all known ``links`` and the set of ``blocked`` firms.

    Ranking of the blocked suppliers: shortest TTS first; ties by the share of the plant's need they weigh
    (``weight``, larger first), then by tier (nearer first)."""
    upstream: dict[Hashable, list[tuple[Link, float]]] = {}
    for link in links:
        upstream.setdefault(link.buyer, []).append((link, survival(link.stock_days, link.critical,
                                                                     link.alternative_lead_days)))
    # Tiers: fewest links (breadth-first upstream), whatever the weights.
    tier: dict[Hashable, int] = {plant: 0}
    queue = deque([plant])
    while queue:
        node = queue.popleft()
        for link, _w in upstream.get(node, ()):
            if link.supplier not in tier:
                tier[link.supplier] = tier[node] + 1
                queue.append(link.supplier)
    # TTS: Dijkstra upstream from the plant over the links' survival (INF links are not followed).
    dist: dict[Hashable, float] = {plant: 0.0}
    towards: dict[Hashable, Link] = {}  # supplier → the link it delivers through on its shortest path
    done: set[Hashable] = set()
    heap: list[tuple[float, int, Hashable]] = [(0.0, 0, plant)]
    counter = 1
    while heap:
        d, _n, node = heapq.heappop(heap)
        if node in done:
            continue
        done.add(node)
        for link, w in upstream.get(node, ()):
            if w == INF or link.supplier in done:
                continue
            nd = d + w
            if nd < dist.get(link.supplier, INF):
                dist[link.supplier] = nd
                towards[link.supplier] = link
                heapq.heappush(heap, (nd, counter, link.supplier))
                counter += 1
    suppliers: dict[Hashable, SupplierImpact] = {}
    for node, t in tier.items():
        if node == plant:
            continue
        path: list[Hashable] = []
        via = [node]
        cur = node
        while cur in towards and cur != plant:
            link = towards[cur]
            path.append(link.key)
            cur = link.buyer
            via.append(cur)
        suppliers[node] = SupplierImpact(supplier=node, tier=t, blocked=node in blocked, tts=dist.get(node, INF),
                                         path=path if node in dist else [], via=via if node in dist else [node])
    weight = weight or {}
    ranked = sorted((s for s in suppliers.values() if s.blocked),
                    key=lambda s: (s.tts, -weight.get(s.supplier, 0.0), s.tier, str(s.supplier)))
    for i, s in enumerate(ranked, start=1):
        s.rank = i
    first = ranked[0] if ranked and ranked[0].tts < INF else None
    return PlantAnalysis(plant=plant, days_to_stop=first.tts if first else INF,
                         bottleneck=first.supplier if first else None, suppliers=suppliers)


def downstream(firm: Hashable, links: Iterable[Link]) -> dict[Hashable, float]:
    """Every firm that stops if ``firm`` stays down, with the days until it stops (finite TTS only)."""
    out: dict[Hashable, list[tuple[Hashable, float]]] = {}
    for link in links:
        w = survival(link.stock_days, link.critical, link.alternative_lead_days)
        if w < INF:
            out.setdefault(link.supplier, []).append((link.buyer, w))
    dist: dict[Hashable, float] = {firm: 0.0}
    heap: list[tuple[float, int, Hashable]] = [(0.0, 0, firm)]
    counter = 1
    done: set[Hashable] = set()
    while heap:
        d, _n, node = heapq.heappop(heap)
        if node in done:
            continue
        done.add(node)
        for buyer, w in out.get(node, ()):
            if d + w < dist.get(buyer, INF):
                dist[buyer] = d + w
                heapq.heappush(heap, (d + w, counter, buyer))
                counter += 1
    dist.pop(firm)
    return dist
