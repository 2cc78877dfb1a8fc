"""The chartered-bus planner; see the package docstring for the stated problem, method and bounds."""

from __future__ import annotations

import itertools
import math
import time
from dataclasses import dataclass, field

import numpy as np

EARTH_RADIUS_KM = 6371.0
HALF_FULL = 0.5  # the 2020 rule: chartered buses at most half full
EXACT_ORDER_MAX = 6  # pick-up orders tried exhaustively up to this many stops per bus
ORTOOLS_MAX_NODES = 150  # larger remainders are left to the packing heuristic (it meets the bus bound anyway)


class PlanError(ValueError):
    """The input cannot be planned (no seats, negative counts, missing coordinates)."""


@dataclass(frozen=True)
class Origin:
    """Workers waiting at one origin (a county code with its centroid)."""

    code: str
    workers: int
    longitude: float
    latitude: float


@dataclass
class Bus:
    """One bus: its pick-ups in route order as (origin code, workers), and its length to the site in km."""

    pickups: list[tuple[str, int]]
    distance_km: float

    @property
    def passengers(self) -> int:
        return sum(n for _c, n in self.pickups)

    @property
    def route(self) -> list[str]:
        return [c for c, _n in self.pickups]


@dataclass
class Plan:
    """A plan with its bounds: ``bus_gap_pct`` and ``distance_gap_pct`` are per cent above the lower bounds."""

    seats: int
    capacity: int
    buses: list[Bus] = field(default_factory=list)
    lower_bound_buses: int = 0
    lower_bound_km: float = 0.0
    method: str = ""
    seconds: float = 0.0

    @property
    def bus_count(self) -> int:
        return len(self.buses)

    @property
    def workers(self) -> int:
        return sum(b.passengers for b in self.buses)

    @property
    def distance_km(self) -> float:
        return sum(b.distance_km for b in self.buses)

    @property
    def bus_gap_pct(self) -> float:
        if not self.lower_bound_buses:
            return 0.0
        return 100.0 * (self.bus_count - self.lower_bound_buses) / self.lower_bound_buses

    @property
    def distance_gap_pct(self) -> float:
        if self.lower_bound_km <= 0:
            return 0.0
        return 100.0 * (self.distance_km - self.lower_bound_km) / self.lower_bound_km

    def as_dict(self) -> dict[str, object]:
        return {
            "seats": self.seats, "capacity": self.capacity, "bus_count": self.bus_count, "workers": self.workers,
            "lower_bound_buses": self.lower_bound_buses, "bus_gap_pct": round(self.bus_gap_pct, 2),
            "distance_km": round(self.distance_km, 1), "lower_bound_km": round(self.lower_bound_km, 1),
            "distance_gap_pct": round(self.distance_gap_pct, 2), "method": self.method,
            "seconds": round(self.seconds, 3),
            "buses": [{"pickups": [[c, n] for c, n in b.pickups], "distance_km": round(b.distance_km, 1)}
                      for b in self.buses],
        }


def capacity_per_bus(seats: int, max_share: float = HALF_FULL) -> int:
    """Workers one bus may carry: at most ``max_share`` of its seats (at least one)."""
    if seats < 2:
        raise PlanError("A bus needs at least 2 seats.")
    return max(1, math.floor(seats * max_share + 1e-9))


def haversine_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def _distances(lon: np.ndarray, lat: np.ndarray, lon0: float, lat0: float) -> np.ndarray:
    la, lo = np.radians(lat), np.radians(lon)
    a = np.sin((np.radians(lat0) - la) / 2) ** 2 + np.cos(la) * math.cos(math.radians(lat0)) * np.sin(
        (math.radians(lon0) - lo) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))


class _Geometry:
    """Origins' centroids, their distance to the site and (lazily) between each other."""

    def __init__(self, origins: list[Origin], site: tuple[float, float]) -> None:
        self.lon = np.array([o.longitude for o in origins], dtype=float)
        self.lat = np.array([o.latitude for o in origins], dtype=float)
        self.to_site = _distances(self.lon, self.lat, site[0], site[1])
        self._rows: dict[int, np.ndarray] = {}

    def row(self, i: int) -> np.ndarray:
        if i not in self._rows:
            self._rows[i] = _distances(self.lon, self.lat, float(self.lon[i]), float(self.lat[i]))
        return self._rows[i]

    def route_km(self, stops: list[int]) -> float:
        total = 0.0
        for a, b in itertools.pairwise(stops):
            total += float(self.row(a)[b])
        return total + float(self.to_site[stops[-1]]) if stops else 0.0

    def best_order(self, stops: list[int]) -> list[int]:
        """The shortest pick-up order (exhaustive for few stops, else farthest first then 2-opt)."""
        unique = list(dict.fromkeys(stops))
        if len(unique) <= 1:
            return unique
        if len(unique) <= EXACT_ORDER_MAX:
            return list(min(itertools.permutations(unique), key=lambda p: self.route_km(list(p))))
        order = sorted(unique, key=lambda i: -float(self.to_site[i]))
        improved = True
        while improved:
            improved = False
            for i in range(len(order) - 1):
                for j in range(i + 1, len(order)):
                    candidate = order[:i] + order[i:j + 1][::-1] + order[j + 1:]
                    if self.route_km(candidate) < self.route_km(order) - 1e-9:
                        order, improved = candidate, True
        return order


def _pack_remainders(geo: _Geometry, remainders: dict[int, int], capacity: int) -> list[list[tuple[int, int]]]:
    """Farthest-first packing with smallest detour, splitting a remainder when a bus is full."""
    left = np.zeros(len(geo.to_site), dtype=np.int64)
    for i, r in remainders.items():
        left[i] = r
    buses: list[list[tuple[int, int]]] = []
    while left.sum() > 0:
        waiting = np.flatnonzero(left > 0)
        first = int(waiting[np.argmax(geo.to_site[waiting])])
        take = int(min(left[first], capacity))
        left[first] -= take
        bus = [(first, take)]
        space = capacity - take
        last = first
        while space > 0 and left.sum() > 0:
            waiting = np.flatnonzero(left > 0)
            detour = geo.row(last)[waiting] + geo.to_site[waiting] - geo.to_site[last]
            nxt = int(waiting[np.argmin(detour)])
            take = int(min(left[nxt], space))
            left[nxt] -= take
            space -= take
            bus.append((nxt, take))
            last = nxt
        buses.append(bus)
    return buses


def _ortools_routes(geo: _Geometry, remainders: dict[int, int], capacity: int, vehicles: int,
                    initial: list[list[int]], time_limit_s: float) -> list[list[int]] | None:
    """Capacitated open routing of the remainders (no splitting) with OR-Tools; None when not found in time."""
    try:
        from ortools.constraint_solver import pywrapcp, routing_enums_pb2
    except ImportError:  # pragma: no cover - ortools is a declared dependency
        return None
    nodes = sorted(remainders)
    index_of = {o: k + 1 for k, o in enumerate(nodes)}
    size = len(nodes) + 1
    scale = 100  # costs in units of 10 m
    matrix = [[0] * size for _ in range(size)]
    for a, oa in enumerate(nodes, start=1):
        row = geo.row(oa)
        matrix[a][0] = int(round(float(geo.to_site[oa]) * scale))  # last pick-up → site
        for b, ob in enumerate(nodes, start=1):
            matrix[a][b] = int(round(float(row[ob]) * scale))
    manager = pywrapcp.RoutingIndexManager(size, vehicles, 0)
    routing = pywrapcp.RoutingModel(manager)
    transit = routing.RegisterTransitCallback(
        lambda i, j: matrix[manager.IndexToNode(i)][manager.IndexToNode(j)])
    routing.SetArcCostEvaluatorOfAllVehicles(transit)
    demand = routing.RegisterUnaryTransitCallback(
        lambda i: remainders[nodes[manager.IndexToNode(i) - 1]] if manager.IndexToNode(i) else 0)
    routing.AddDimensionWithVehicleCapacity(demand, 0, [capacity] * vehicles, True, "load")
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    params.time_limit.FromMilliseconds(max(100, int(time_limit_s * 1000)))
    solution = None
    if initial and len(initial) <= vehicles:
        start = routing.ReadAssignmentFromRoutes([[index_of[o] for o in r] for r in initial], True)
        if start is not None:
            solution = routing.SolveFromAssignmentWithParameters(start, params)
    if solution is None:
        solution = routing.SolveWithParameters(params)
    if solution is None:
        return None
    routes = []
    for v in range(vehicles):
        index = routing.Start(v)
        route = []
        while not routing.IsEnd(index):
            node = manager.IndexToNode(index)
            if node:
                route.append(nodes[node - 1])
            index = solution.Value(routing.NextVar(index))
        if route:
            routes.append(route)
    return routes


def distance_lower_bound(geo: _Geometry, workers: np.ndarray, capacity: int) -> float:
    """Sum over k of the distance of the (k·capacity)-th farthest worker: no plan is shorter."""
    order = np.argsort(-geo.to_site)
    dist = geo.to_site[order]
    counts = workers[order]
    ends = np.cumsum(counts)
    total_workers = int(ends[-1]) if len(ends) else 0
    positions = np.arange(0, total_workers, capacity)  # the first worker of each bus-load, farthest first
    which = np.searchsorted(ends, positions, side="right")
    return float(dist[which].sum())


def plan_buses(origins: list[Origin], site: tuple[float, float], *, seats: int, max_share: float = HALF_FULL,
               time_limit_s: float = 2.0) -> Plan:
    """Plan chartered buses from ``origins`` to ``site`` (longitude, latitude); see the package docstring."""
    started = time.monotonic()
    capacity = capacity_per_bus(seats, max_share)
    for o in origins:
        if o.workers < 0:
            raise PlanError(f"Negative number of workers at {o.code}.")
        if o.longitude is None or o.latitude is None:
            raise PlanError(f"No coordinates for {o.code}.")
    merged: dict[str, Origin] = {}
    for o in origins:
        if o.workers:
            prev = merged.get(o.code)
            merged[o.code] = Origin(o.code, o.workers + (prev.workers if prev else 0), o.longitude, o.latitude)
    items = sorted(merged.values(), key=lambda o: o.code)
    plan = Plan(seats=seats, capacity=capacity)
    if not items:
        plan.method = "nothing to plan"
        return plan
    geo = _Geometry(items, site)
    workers = np.array([o.workers for o in items], dtype=np.int64)
    total = int(workers.sum())
    plan.lower_bound_buses = -(-total // capacity)
    plan.lower_bound_km = distance_lower_bound(geo, workers, capacity)
    for i, o in enumerate(items):
        for _ in range(o.workers // capacity):
            plan.buses.append(Bus([(o.code, capacity)], float(geo.to_site[i])))
    remainders = {i: o.workers % capacity for i, o in enumerate(items) if o.workers % capacity}
    packed = _pack_remainders(geo, remainders, capacity)
    heuristic: list[list[tuple[int, int]]] = []
    for bus in packed:
        loads: dict[int, int] = {}
        for i, n in bus:
            loads[i] = loads.get(i, 0) + n
        heuristic.append([(i, loads[i]) for i in geo.best_order(list(loads))])
    method = "direct full buses + farthest-first packing with splitting + exact/2-opt pick-up order"
    chosen = heuristic
    splits = sum(len(b) for b in heuristic) > len(remainders)
    if remainders and not splits and len(remainders) <= ORTOOLS_MAX_NODES and time_limit_s > 0:
        routes = _ortools_routes(geo, remainders, capacity, len(heuristic), [[i for i, _n in b] for b in heuristic],
                                 time_limit_s)
        if routes is not None:
            candidate = [[(i, remainders[i]) for i in geo.best_order(r)] for r in routes]
            if sum(geo.route_km([i for i, _n in b]) for b in candidate) < sum(
                    geo.route_km([i for i, _n in b]) for b in heuristic) - 1e-6:
                chosen = candidate
            method += "; OR-Tools routing (guided local search) on the remainders"
    for bus in chosen:
        plan.buses.append(Bus([(items[i].code, n) for i, n in bus], geo.route_km([i for i, _n in bus])))
    plan.method = method
    plan.seconds = time.monotonic() - started
    return plan
