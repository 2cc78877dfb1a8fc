"""Where a problem has been: the derived flag ``Problem.routed_beyond_region``.

A district's command center sees the problems of its district (an indexed equality on the problem's copy of
its enterprise's region code) plus those ever routed to its unit. Almost all of the latter lie in its district
anyway; the few that do not (a city-level command center standing in for a district without one, an enterprise
that moved) carry this flag, so that the access rule can list them apart instead of OR-ing a subquery into
every page of a million-row ledger.
"""

from __future__ import annotations

from collections.abc import Iterable

from qifu.organisations.choices import code_prefix

from .models import Assignment, Problem

CHUNK = 5000


def beyond_region(problem_region: str, unit_region: str | None, unit_level: int | None) -> bool:
    """Whether a hop to a unit in ``unit_region`` leaves the problem's region."""
    prefix = code_prefix(unit_region, unit_level)
    return prefix is None or not (problem_region or "").startswith(prefix)


def refresh_beyond_region(problem_ids: Iterable[int] | None = None) -> int:
    """Recompute the flag from the hops (all problems when ``problem_ids`` is None); returns how many are set."""
    ids = None if problem_ids is None else sorted(set(problem_ids))
    hops = Assignment.objects.order_by()
    if ids is not None:
        hops = hops.filter(problem_id__in=ids)
    beyond = {
        pid for pid, code, unit_region, level in hops.values_list(
            "problem_id", "problem__region_code", "unit__region_id", "unit__region__level").iterator(chunk_size=CHUNK)
        if beyond_region(code, unit_region, level)
    }
    if ids is None:
        Problem.objects.filter(routed_beyond_region=True).update(routed_beyond_region=False)
    else:
        Problem.objects.filter(pk__in=ids, routed_beyond_region=True).exclude(pk__in=beyond).update(
            routed_beyond_region=False)
    flagged = sorted(beyond)
    for i in range(0, len(flagged), CHUNK):
        Problem.objects.filter(pk__in=flagged[i:i + CHUNK]).update(routed_beyond_region=True)
    return len(beyond)
