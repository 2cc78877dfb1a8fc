"""Leaders' KPIs of the problem ledger, per responsible unit or tier, and each unit's digest.

Set-based: a handful of grouped aggregate queries over the caller's scope (start from
``Problem.objects.restrict(user)``), whatever its size. Handling time in working days is stored on each
problem when it is resolved (the calendar lives in Python), so its average and percentile are aggregates too.

Grouping: problem figures by the problem's *current* responsible unit (or tier); department-hop figures
(acknowledgement, returns) by the department of the hop, and under the "department" tier.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any, Literal

from django.db import connection
from django.db.models import (
    Aggregate,
    Avg,
    Case,
    Count,
    F,
    FloatField,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qifu.core.workdays import SHANGHAI
from qifu.organisations.models import Unit

from .choices import ACTIVE_ASSIGNMENT, OPEN_STATUSES, AssignmentStatus, Rating, Status, Tier
from .models import Assignment, KpiSnapshot, Problem, ProblemEvent

# "Timely" acknowledgement (及时签收): the department acknowledged the hop within ONE working day of its
# assignment, i.e. by the same time of day on the next working day (a hop assigned on a rest day: by 00:00 of
# the working day after the next working day, measured in whole calendar days from the assignment — a little
# generous by the time of day it arrived).
TIMELY_ACK_WORKING_DAYS = 1
MAX_ACK_GAP_DAYS = 12  # the longest calendar span of one working day (Spring Festival 2020: 11 days)
ESCALATION_EVENTS = ("escalated", "escalated_overdue")
RESOLVED_STATUSES = (Status.RESOLVED, Status.CLOSED)
DIGEST_ROWS = 20

FORMULAS = {
    "timely_ack_rate": _(
        "Timely acknowledgement rate = department assignments acknowledged within one working day of being "
        "assigned ÷ department assignments due to be acknowledged (acknowledged, or assigned more than one "
        "working day ago and not withdrawn)"
    ),
    "on_time_rate": _("On-time resolution rate = problems resolved by their deadline ÷ resolved or closed problems"),
    "return_rate": _("Return rate = department assignments sent back ÷ department assignments"),
    "redo_rate": _(
        "Redo rate = problems reopened after an unsatisfied rating (redone at least once) ÷ problems resolved "
        "at least once"
    ),
    "satisfaction_rate": _("Satisfaction rate = (satisfied + basically satisfied) ÷ rated problems"),
    "handling_days": _(
        "Handling time = working days from the report to the resolution of resolved or closed problems "
        "(average and 90th percentile)"
    ),
    "backlog": _("Backlog = open problems"),
    "escalations": _("Escalations = escalations recorded, by a commissioner or for being overdue"),
    "overdue": _("Overdue = open problems with a red warning"),
}

By = Literal["unit", "tier"] | None
_PROBLEM_KEY = {"unit": "responsible_unit_id", "tier": "tier"}
_EVENT_KEY = {"unit": "problem__responsible_unit_id", "tier": "problem__tier"}
_HOP_KEY = {"unit": "unit_id"}


def _rate(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def _grouped(qs: QuerySet, key: str | None, **aggregates: Any) -> dict[Any, dict[str, Any]]:
    """{group key: aggregates} in one query (the key None for the whole scope)."""
    qs = qs.order_by()
    if key is None:
        return {None: qs.aggregate(**aggregates)}
    return {row.pop("_key"): row for row in qs.values(_key=F(key)).annotate(**aggregates)}


def _resolved_q() -> Q:
    return Q(status__in=RESOLVED_STATUSES, resolved_at__isnull=False)


def _problem_figures(qs: QuerySet[Problem], key: str | None) -> dict[Any, dict[str, Any]]:
    resolved = _resolved_q()
    return _grouped(
        qs, key,
        problems=Count("id"),
        backlog=Count("id", filter=Q(status__in=OPEN_STATUSES)),
        overdue=Count("id", filter=Q(status__in=OPEN_STATUSES, warning="red")),
        warned_yellow=Count("id", filter=Q(status__in=OPEN_STATUSES, warning="yellow")),
        warned_blue=Count("id", filter=Q(status__in=OPEN_STATUSES, warning="blue")),
        resolved=Count("id", filter=resolved),
        on_time=Count("id", filter=resolved & Q(deadline__isnull=False, resolved_at__lte=F("deadline"))),
        redone=Count("id", filter=Q(redo_count__gt=0)),
        ever_resolved=Count("id", filter=Q(resolved_at__isnull=False) | Q(redo_count__gt=0)),
        rated=Count("id", filter=~Q(rating="")),
        satisfied=Count("id", filter=Q(rating__in=(Rating.SATISFIED, Rating.BASICALLY))),
    )


def _ack_gap_days(day: date, cal: Any) -> int:
    """Calendar days from an assignment on ``day`` to the end of its one-working-day acknowledgement window."""
    start = day if cal.is_workday(day) else cal.next_workday(day)
    end = cal.next_workday(start)
    return min(MAX_ACK_GAP_DAYS, (end - day).days)


def _due_cutoff(now: datetime, cal: Any) -> datetime:
    """Hops assigned at or before this moment have had their full window (by whole calendar days back)."""
    for back in range(1, MAX_ACK_GAP_DAYS + 2):
        candidate = now - timedelta(days=back)
        if cal.add_working_days(candidate, TIMELY_ACK_WORKING_DAYS, keep_time=True) <= now:
            return candidate
    return now - timedelta(days=MAX_ACK_GAP_DAYS + 1)


def _hop_figures(qs: QuerySet[Problem], key: str | None, cal: Any, now: datetime) -> dict[Any, dict[str, Any]]:
    hops = Assignment.objects.filter(problem__in=qs.order_by().values("pk"), tier=Tier.DEPARTMENT)
    figures = _grouped(
        hops, key,
        hops=Count("id"),
        returned=Count("id", filter=Q(status=AssignmentStatus.RETURNED)),
    )
    # Timely acknowledgements: the window depends only on the local day of the assignment, so group by
    # (key, day) with one count per possible window length and pick the right one per day in Python.
    due = Q(acknowledged_at__isnull=False) | (
        Q(assigned_at__lte=_due_cutoff(now, cal)) & ~Q(status=AssignmentStatus.WITHDRAWN)
    )
    within = {
        f"w{n}": Count("id", filter=Q(acknowledged_at__lte=F("assigned_at") + timedelta(days=n)))
        for n in range(1, MAX_ACK_GAP_DAYS + 1)
    }
    by_day = hops.order_by().values(
        **({"_key": F(key)} if key else {}), _day=TruncDate("assigned_at", tzinfo=SHANGHAI)
    ).annotate(due=Count("id", filter=due), **within)
    for row in by_day:
        fig = figures.setdefault(row.get("_key"), {"hops": 0, "returned": 0})
        fig["acks_due"] = fig.get("acks_due", 0) + row["due"]
        fig["acks_timely"] = fig.get("acks_timely", 0) + row[f"w{_ack_gap_days(row['_day'], cal)}"]
    return figures


class _Percentile(Aggregate):
    """PostgreSQL's ``percentile_disc(f) WITHIN GROUP (ORDER BY x)``: the first value whose cumulative share
    reaches ``f`` — the same value as sorting and taking element ⌈f·n⌉."""

    function = "percentile_disc"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression: Any, fraction: float) -> None:
        super().__init__(expression, fraction=float(fraction))


def _handling_days(qs: QuerySet[Problem], key: str | None, cal: Any) -> dict[Any, tuple[float, float]]:
    """{group: (average, 90th percentile)} working days from report to resolution, from the value stored
    on each problem when it was resolved: one grouped aggregate on PostgreSQL; elsewhere (SQLite, the
    embedded default) the values are read and the percentile taken in Python."""
    base = qs.order_by().filter(_resolved_q(), handling_days__isnull=False)
    if connection.vendor == "postgresql":
        found = _grouped(base, key, avg=Avg("handling_days"), p90=_Percentile("handling_days", 0.9))
        return {k: (round(v["avg"], 2), round(v["p90"], 2)) for k, v in found.items() if v["avg"] is not None}
    groups: dict[Any, list[float]] = defaultdict(list)
    rows = base.values_list(key, "handling_days") if key else base.values_list(Value(None, output_field=IntegerField()), "handling_days")
    for k, v in rows.iterator(chunk_size=20000):
        groups[k].append(v)
    out = {}
    for k, vs in groups.items():
        vs.sort()
        out[k] = (round(sum(vs) / len(vs), 2), round(vs[max(0, math.ceil(0.9 * len(vs)) - 1)], 2))
    return out


def _labels(by: By, keys: set[Any]) -> dict[Any, str]:
    if by == "unit":
        names = dict(Unit.objects.filter(pk__in=[k for k in keys if k]).values_list("pk", "name"))
        return {k: names.get(k, "") for k in keys}
    if by == "tier":
        return {k: str(Tier(k).label) if k in Tier.values else "" for k in keys}
    return {None: ""}


def kpis(*, qs: QuerySet[Problem], by: By = None, now: datetime | None = None) -> list[dict[str, Any]]:
    """KPIs per responsible unit (``by="unit"``), per tier, or for the whole scope (``by=None``): one dict
    per group with the counts, the rates (0–1, None without a denominator) and the handling times."""
    from qifu.core import workdays

    cal = workdays.calendar()
    now = now or timezone.now()
    pkey = _PROBLEM_KEY.get(by) if by else None
    problems = _problem_figures(qs, pkey)
    events = _grouped(
        ProblemEvent.objects.filter(problem__in=qs.order_by().values("pk"), code__in=ESCALATION_EVENTS),
        _EVENT_KEY.get(by) if by else None,
        n=Count("id"),
    )
    hops = _hop_figures(qs, _HOP_KEY.get(by) if by else None, cal, now) if by != "tier" else {
        Tier.DEPARTMENT.value: _hop_figures(qs, None, cal, now)[None]
    }
    handling = _handling_days(qs, pkey, cal)
    keys = set(problems) | set(hops) | {k for k, v in events.items() if v["n"]}
    if by is None:
        keys = {None}
    labels = _labels(by, keys)
    out = []
    for k in keys:
        p = problems.get(k) or {}
        h = hops.get(k) or {}
        avg, p90 = handling.get(k, (None, None))
        row = {
            "key": k,
            "label": labels.get(k, ""),
            "problems": p.get("problems") or 0,
            "backlog": p.get("backlog") or 0,
            "overdue": p.get("overdue") or 0,
            "warned_yellow": p.get("warned_yellow") or 0,
            "warned_blue": p.get("warned_blue") or 0,
            "escalations": (events.get(k) or {}).get("n") or 0,
            "resolved": p.get("resolved") or 0,
            "on_time": p.get("on_time") or 0,
            "rated": p.get("rated") or 0,
            "satisfied": p.get("satisfied") or 0,
            "redone": p.get("redone") or 0,
            "ever_resolved": p.get("ever_resolved") or 0,
            "hops": h.get("hops") or 0,
            "returned": h.get("returned") or 0,
            "acks_due": h.get("acks_due") or 0,
            "acks_timely": h.get("acks_timely") or 0,
            "handling_avg_days": avg,
            "handling_p90_days": p90,
        }
        row["on_time_rate"] = _rate(row["on_time"], row["resolved"])
        row["satisfaction_rate"] = _rate(row["satisfied"], row["rated"])
        row["redo_rate"] = _rate(row["redone"], row["ever_resolved"])
        row["return_rate"] = _rate(row["returned"], row["hops"])
        row["timely_ack_rate"] = _rate(row["acks_timely"], row["acks_due"])
        out.append(row)
    out.sort(key=lambda r: (r["label"] == "", str(r["label"]), str(r["key"])))
    return out


def overall(qs: QuerySet[Problem], *, now: datetime | None = None) -> dict[str, Any]:
    """The KPIs of the whole scope."""
    return kpis(qs=qs, by=None, now=now)[0]


def unit_open_problems(unit: Unit | int) -> QuerySet[Problem]:
    """The open problems a unit holds: as the responsible unit, or through an active department hop."""
    unit_id = unit if isinstance(unit, int) else unit.pk
    hops = Assignment.objects.filter(unit_id=unit_id, status__in=ACTIVE_ASSIGNMENT, tier=Tier.DEPARTMENT)
    return Problem.objects.filter(status__in=OPEN_STATUSES).filter(
        Q(responsible_unit_id=unit_id) | Q(pk__in=hops.values("problem_id"))
    )


def digest_for_unit(unit: Unit) -> dict[str, Any]:
    """A unit's digest: open problems, warned ones by colour, and up to 20 warned rows (red first)."""
    held = unit_open_problems(unit)
    counts = held.order_by().aggregate(
        open=Count("id"),
        red=Count("id", filter=Q(warning="red")),
        yellow=Count("id", filter=Q(warning="yellow")),
        blue=Count("id", filter=Q(warning="blue")),
    )
    rank = Case(When(warning="red", then=0), When(warning="yellow", then=1), default=2, output_field=IntegerField())
    rows = list(
        held.exclude(warning="").annotate(rank=rank).order_by("rank", "deadline", "id")
        .values("id", "number", "title", "tier", "status", "warning", "deadline")[:DIGEST_ROWS]
    )
    return {"unit_id": unit.pk, "unit": unit.name, **{k: v or 0 for k, v in counts.items()}, "overdue": counts["red"] or 0,
            "rows": rows}


# --- the snapshot (a rollup refreshed by a periodic job) ----------------------------------------------------

SNAPSHOT_MAX_AGE = timedelta(minutes=15)  # the job runs every 10 minutes
SNAPSHOT_GROUPINGS: tuple[By, ...] = (None, "unit", "tier")


def snapshot_refresh(*, now: datetime | None = None) -> dict[str, float]:
    """Recompute the whole ledger's KPIs (overall, per unit, per tier) into KpiSnapshot; seconds per grouping."""
    import json
    import time

    from django.core.serializers.json import DjangoJSONEncoder

    now = now or timezone.now()
    took: dict[str, float] = {}
    for by in SNAPSHOT_GROUPINGS:
        started = time.perf_counter()
        rows = json.loads(json.dumps(kpis(qs=Problem.objects.all(), by=by, now=now), cls=DjangoJSONEncoder))
        seconds = round(time.perf_counter() - started, 3)
        KpiSnapshot.objects.update_or_create(
            by=by or "", defaults={"rows": rows, "computed_at": now, "seconds": seconds})
        took[by or "overall"] = seconds
    return took


def for_scope(*, user: Any, qs: QuerySet[Problem], by: By, filtered: bool,
              now: datetime | None = None) -> tuple[dict[str, Any], list[dict[str, Any]], datetime | None]:
    """(overall, rows, as_of) of the KPIs a page shows: from the snapshot when the user sees the whole ledger
    unfiltered and the snapshot is fresh (as_of is its time), computed live otherwise (as_of None)."""
    from qifu.core import access

    now = now or timezone.now()
    if not filtered and access.sees_everything(user):
        wanted = {"", by or ""}
        snaps = {s.by: s for s in KpiSnapshot.objects.filter(by__in=wanted, computed_at__gte=now - SNAPSHOT_MAX_AGE)}
        if set(snaps) == wanted:
            rows = snaps[by or ""].rows
            labels = _labels(by, {r["key"] for r in rows})  # in the reader's language, current names
            rows = [{**r, "label": labels.get(r["key"], r["label"])} for r in rows]
            as_of = min(s.computed_at for s in snaps.values())
            return snaps[""].rows[0], rows, as_of
    if by is None:
        whole = overall(qs, now=now)
        return whole, [whole], None
    return overall(qs, now=now), kpis(qs=qs, by=by, now=now), None
