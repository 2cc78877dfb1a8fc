"""Chartered point-to-point bus planning (点对点返岗), without Django: pure functions over numbers.

The problem, as stated in issue 8: the workers still away are grouped by origin (a county, with its centroid);
each bus of ``seats`` seats may carry at most ``floor(seats × max_share)`` workers (the 2020 rule: at most half
full); a bus picks up at one or more origins and drives to the site. Objectives, lexicographically:
1. the fewest buses;
2. then the shortest total distance (great-circle kilometres between centroids, pick-ups in route order, then
   to the site).

Method.
- Bus count: workers of one origin may ride different buses, so ``ceil(total / capacity)`` buses always
  suffice: every origin first fills whole direct buses (``n // capacity``), and the remainders (each below
  the capacity) are packed into ``ceil(sum(remainders) / capacity)`` buses, splitting an origin's remainder
  across two buses when needed. The count therefore always equals the lower bound ``ceil(total / capacity)``.
- Distance: the remainders are packed farthest-first (a bus starts at the farthest origin still waiting and
  takes the origin with the smallest detour next until it is full; the classic sweep/savings idea), then each
  bus's pick-up order is improved by 2-opt. When the remainders fit without splitting, OR-Tools' routing solver
  (capacitated open vehicle routing with exactly that many buses, guided local search under a time limit) is
  tried too, starting from that solution, and the shorter of the two is kept.
- Lower bound on distance: every bus drives at least as far as its farthest pick-up is from the site. Sort all
  workers by that distance, longest first; the k-th bus (by farthest pick-up) must reach a worker at least as
  far as worker ``k × capacity``, so ``sum_k d[k × capacity]`` bounds any plan from below. The plan reports
  its gap to both bounds in per cent.
"""

from .planner import Bus, Origin, Plan, PlanError, capacity_per_bus, haversine_km, plan_buses

__all__ = ["Bus", "Origin", "Plan", "PlanError", "capacity_per_bus", "haversine_km", "plan_buses"]
