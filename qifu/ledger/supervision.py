"""Supervision (督办): the periodic sweep over open problems.

* Three-colour warnings (三色督办) in ``Problem.warning``, computed set-based: the open problems and their
  active hops at the current tier are read in two queries, the colours computed in Python (plain datetime
  comparisons, and the calendar's O(1) ``working_clock`` only where a calendar bound cannot decide), and the
  changes written grouped by colour: one UPDATE, one bulk INSERT of events and the notices per chunk.
  Precedence red > yellow > blue:

  - red: overdue — ``now`` is past the problem's own deadline or the deadline of an active hop at its tier;
  - yellow: no progress report for ``progress_period_days`` working days (counted from the latest of the last
    progress report, the report of the problem and the assignment/acknowledgement of the current hop); only
    while a progress report is possible (accepted, escalated, dispatched);
  - blue: due within one working day (working time left ≤ 1.0 working day; on the 24-hour crisis clock, the
    last quarter of ``crisis_hours``).

  A warning is not a change of the problem's content: it never bumps ``Problem.version`` (a supervisor's
  colour must not make a department's open form stale) nor ``updated_at``.
* Escalation of problems overdue by ``escalate_overdue_days`` working days, measured on the clock of the tier
  that holds it (the deadline of its active hops at that tier; the problem's own deadline at the commissioner
  tier), one tier up (choices.TIER_ABOVE), one transaction per problem.
* Closing resolved problems whose confirmation period (``confirmation_days``) expired.

Every step is idempotent: a second sweep at the same ``now`` changes, records and notifies nothing.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, FloatField, Func, Max, Min
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from qifu.core import access, notify
from qifu.core.errors import Conflict
from qifu.core.workdays import SHANGHAI
from qifu.organisations.choices import Role, UnitKind
from qifu.organisations.models import RoleGrant, Unit, User

from . import notices, services
from .choices import (
    ACTIVE_ASSIGNMENT,
    OPEN_STATUSES,
    TIER_ABOVE,
    TRANSITIONS,
    AssignmentStatus,
    Status,
    Tier,
)
from .models import Assignment, Problem, ProblemEvent

logger = logging.getLogger(__name__)

SYSTEM = "ledger.sweep"
CHUNK = 500  # problems per write transaction
MAX_ITEMS_PER_RUN = 500  # escalations and expiries per run (each is its own transaction); the rest next run
CRISIS_BLUE_FRACTION = 0.25  # crisis clock: blue in the last quarter of crisis_hours
STAFF_ROLES = (Role.COMMAND_CENTER, Role.TASK_FORCE, Role.DEPARTMENT, Role.LEADERSHIP)
PROGRESS_STATUSES = frozenset(TRANSITIONS["report_progress"])
ESCALATE_STATUSES = frozenset(TRANSITIONS["escalate_overdue"])
COLOURS = ("red", "yellow", "blue", "")
LOAD_CHUNK = 5000  # problems per pair of loading queries (a list of ids short enough for every database)
MANY = 3  # more problems than this turning one colour for one person in one chunk: one notice listing them
MANY_SHOWN = 10  # numbers listed in such a notice (the link opens the whole list)


@dataclass
class SweepResult:
    """What one sweep did."""

    checked: int = 0
    changed: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COLOURS, 0))  # "" = cleared
    escalated: int = 0
    expired: int = 0
    deferred: int = 0  # escalations/expiries left for the next run (over MAX_ITEMS_PER_RUN)
    notified: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "checked": self.checked, "changed": {k or "cleared": v for k, v in self.changed.items()},
            "escalated": self.escalated, "expired": self.expired, "deferred": self.deferred,
            "notified": self.notified, "seconds": round(self.seconds, 3),
        }


def _config() -> dict[str, Any]:
    return settings.QIFU_LEDGER


class Epoch(Func):
    """A timestamp as float seconds since 1970 (UTC): loading a million floats is several times cheaper than
    a million timezone-aware datetimes, and comparisons against the sweep's bounds are all the sweep needs."""

    output_field = FloatField()
    arity = 1

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:  # PostgreSQL and others
        return super().as_sql(compiler, connection, template="EXTRACT(EPOCH FROM %(expressions)s)::double precision", **extra)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # Exact to the microsecond (julianday() arithmetic is not): Django stores UTC text
        # "YYYY-MM-DD HH:MM:SS[.ffffff]"; whole seconds from strftime, the fraction from the text.
        # The expression appears twice: only for column expressions without parameters, as used here.
        return super().as_sql(
            compiler, connection,
            template="(CAST(strftime('%%%%s', substr(%(expressions)s, 1, 19)) AS REAL) + CAST(substr(%(expressions)s, 20) AS REAL))",
            **extra,
        )


class _Row(NamedTuple):
    id: int
    status: str
    tier: str
    deadline: float | None  # epoch seconds
    reported_at: float
    last_progress_at: float | None
    warning: str
    crisis: bool
    hop_deadline: float | None  # earliest deadline of the active hops at the problem's tier
    hop_started: float | None  # latest assignment or acknowledgement of those hops


def _candidate_ids(clock: _Clock, *, full: bool = True) -> set[int]:
    """The open problems whose colour may change or that may be due for escalation, by plain bounds, so that the
    many quiet ones never leave the database; Python then decides each exactly.

    Time only raises a colour (blue → yellow → red, then escalation); what lowers one is a write — a progress
    report, a new hop, an extension — and the services recolour the problem they change at once
    (``recolour_after_change``). So a regular run (``full=False``) asks, each a small indexed query: problems
    without a colour whose own or hop deadline falls before the blue horizon or whose reporting period ran out;
    blue ones now overdue or out of their period; yellow ones now overdue; red ones (escalation). A full run
    (hourly) adds every coloured problem."""
    horizon = _moment(max(clock.blue_until, clock.crisis_blue_until))
    now = clock.now
    yellow_bound = _moment(clock.yellow_bound)
    open_ = Problem.objects.filter(status__in=OPEN_STATUSES).order_by()
    # last_progress_at is never before reported_at: the period runs from the later of the two
    quiet = open_.alias(period_start=Coalesce("last_progress_at", "reported_at")).filter(
        status__in=PROGRESS_STATUSES, period_start__lte=yellow_bound)
    queries = [
        open_.filter(warning="", deadline__lte=horizon),
        quiet.filter(warning__in=("", "blue")),
        open_.filter(warning__in=("blue", "yellow"), deadline__lt=now),
        open_.filter(warning="red"),
    ]
    if full:
        queries.append(open_.exclude(warning=""))
    ids: set[int] = set()
    for qs in queries:
        ids.update(qs.values_list("pk", flat=True))
    # Hops due before the horizon (an index range), with their problem's colour: one join, decided here.
    now_ts = clock.ts
    for pid, warning, due in Assignment.objects.filter(
        status__in=ACTIVE_ASSIGNMENT, deadline__lte=horizon, problem__status__in=OPEN_STATUSES
    ).order_by().values_list("problem_id", "problem__warning", Epoch("deadline")):
        if warning == "" or (warning in ("blue", "yellow") and due < now_ts):
            ids.add(pid)
    return ids


def _load(problem_ids: Sequence[int] | None = None, clock: _Clock | None = None, *, full: bool = True) -> list[_Row]:
    """Open problems (just ``problem_ids``, or the sweep's candidates for ``clock``, or all) with their
    current-tier hop clocks: two queries per chunk of LOAD_CHUNK problems."""
    if problem_ids is None and clock is not None:
        problem_ids = sorted(_candidate_ids(clock, full=full))
    if problem_ids is None:
        return _load_chunk(None)
    ids = list(problem_ids)
    rows: list[_Row] = []
    for i in range(0, len(ids), LOAD_CHUNK):
        rows += _load_chunk(ids[i:i + LOAD_CHUNK])
    return rows


def _load_chunk(problem_ids: list[int] | None) -> list[_Row]:
    problems = Problem.objects.filter(status__in=OPEN_STATUSES).order_by()
    hops = Assignment.objects.filter(
        status__in=ACTIVE_ASSIGNMENT, problem__status__in=OPEN_STATUSES, tier=F("problem__tier")
    ).order_by()
    if problem_ids is not None:
        problems = problems.filter(pk__in=problem_ids)
        hops = hops.filter(problem_id__in=problem_ids)
    clocks: dict[int, tuple[float | None, float | None]] = {}
    for pid, dl, assigned, ack in (
        hops.values("problem_id")
        .annotate(dl=Epoch(Min("deadline")), at=Epoch(Max("assigned_at")), ack=Epoch(Max("acknowledged_at")))
        .values_list("problem_id", "dl", "at", "ack")
        .iterator(chunk_size=20000)
    ):
        clocks[pid] = (dl, ack if ack is not None and (assigned is None or ack > assigned) else assigned)
    none = (None, None)
    rows = []
    append = rows.append
    for pid, status, tier, deadline, reported_at, progress, warning, crisis in problems.values_list(
        "id", "status", "tier", Epoch("deadline"), Epoch("reported_at"), Epoch("last_progress_at"), "warning",
        "crisis_mode",
    ).iterator(chunk_size=20000):
        hop = clocks.get(pid, none)
        append(_Row(pid, status, tier, deadline, reported_at, progress, warning, crisis, hop[0], hop[1]))
    return rows


def _moment(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, SHANGHAI)


class _Clock:
    """The sweep's notion of time: ``now`` and the bounds derived from it once (as epoch seconds), so that
    most problems are decided by comparisons and only a few need the calendar's working clock."""

    def __init__(self, now: datetime, calendar: Any) -> None:
        cfg = _config()
        self.now, self.cal = now, calendar
        self.ts = now.timestamp()
        self.clock_now = calendar.working_clock(now)
        self.period = cfg["progress_period_days"]
        self.escalate_days = cfg["escalate_overdue_days"]
        # Working time never runs faster than calendar time: necessary conditions as plain bounds.
        self.yellow_bound = self.ts - self.period * 86400.0
        self.escalate_bound = self.ts - self.escalate_days * 86400.0
        # The last moment whose working clock is at most one working day ahead of now.
        self.blue_until = calendar.add_working_days(now, 1, keep_time=True).timestamp()
        self.crisis_blue_until = self.ts + cfg["crisis_hours"] * CRISIS_BLUE_FRACTION * 3600.0

    def working_days_since(self, ts: float) -> float:
        return self.clock_now - self.cal.working_clock(_moment(ts))

    @staticmethod
    def due(row: _Row) -> float | None:
        due, hop = row.deadline, row.hop_deadline
        return hop if hop is not None and (due is None or hop < due) else due

    @staticmethod
    def since(row: _Row) -> float:
        """When the reporting period started: last report, the report, the current hop's assignment."""
        since = row.reported_at
        if row.last_progress_at is not None and row.last_progress_at > since:
            since = row.last_progress_at
        if row.hop_started is not None and row.hop_started > since:
            since = row.hop_started
        return since

    def colour(self, row: _Row) -> str:
        due = self.due(row)
        if due is not None and due < self.ts:
            return "red"
        if row.status in PROGRESS_STATUSES:
            since = self.since(row)
            if since <= self.yellow_bound and self.working_days_since(since) >= self.period:
                return "yellow"
        if due is not None and due <= (self.crisis_blue_until if row.crisis else self.blue_until):
            return "blue"
        return ""

    def overdue_to_escalate(self, row: _Row) -> bool:
        """Overdue on the clock of the tier that holds it: its hops there, else the problem's own deadline."""
        if row.status not in ESCALATE_STATUSES or TIER_ABOVE.get(row.tier, row.tier) == row.tier:
            return False
        due = row.hop_deadline if row.hop_deadline is not None else row.deadline
        return (
            due is not None and due <= self.escalate_bound and self.working_days_since(due) >= self.escalate_days
        )


# --- escalation (a service of its own, for a system actor) -----------------------------------------


def _tier_deadline_now(problem: Problem) -> datetime | None:
    hop = Assignment.objects.filter(problem=problem, status__in=ACTIVE_ASSIGNMENT, tier=problem.tier).aggregate(
        dl=Min("deadline")
    )["dl"]
    return hop if hop is not None else problem.deadline


@transaction.atomic
def problem_escalate_overdue(
    *, problem_id: int, now: datetime, system: str = SYSTEM, from_tier: str | None = None, calendar: Any = None
) -> Problem | None:
    """Move a problem overdue by ``escalate_overdue_days`` working days one tier up (a job, no user).

    Idempotent: re-checked under the row lock, so a problem that meanwhile moved, closed or is no longer
    overdue (or was already escalated) is left alone and None returned.
    """
    from qifu.core import workdays

    problem = services._lock(problem_id, None, None)
    if problem.status not in ESCALATE_STATUSES or (from_tier is not None and problem.tier != from_tier):
        return None
    target = TIER_ABOVE.get(problem.tier, problem.tier)
    if target == problem.tier:
        return None
    due = _tier_deadline_now(problem)
    cal = calendar or workdays.calendar()
    overdue_days = cal.working_days_between(due, now) if due is not None else 0.0
    if due is None or overdue_days < _config()["escalate_overdue_days"]:
        return None
    if target == Tier.COMMAND_CENTER:
        if problem.enterprise is None:
            return None
        unit = services.command_center_for(problem.enterprise)
    else:
        unit = services.leadership_for(problem)
    before, previous_unit, previous_owner = (problem.status, problem.tier), problem.responsible_unit_id, problem.owner
    Assignment.objects.filter(problem=problem, status__in=ACTIVE_ASSIGNMENT).update(
        status=AssignmentStatus.WITHDRAWN, finished_at=now
    )
    hop = services._open_hop(problem, target, unit, actor=None, at=now)
    problem.status, problem.tier = Status.ESCALATED, target
    problem.responsible_unit, problem.responsible_section, problem.owner = unit, None, None
    services._save(problem, "status", "tier", "responsible_unit", "responsible_section", "owner")
    services._event(
        problem, "escalated_overdue", actor=None, system=system, before=before, at=now, unit=unit,
        from_unit=previous_unit, overdue_days=round(overdue_days, 2), assignment=hop.pk,
    )
    recipients = _staff({unit.pk}).get(unit.pk, [])
    if previous_owner is not None:
        recipients = [*recipients, previous_owner]
    notify.notify(
        recipients=recipients,
        code=notices.ESCALATED_OVERDUE,
        params={"number": problem.number, "title": problem.title, "days": round(overdue_days, 1),
                "unit": str(unit)},
        link=reverse("problem-detail", args=[problem.pk]),
        dedup_key=f"esc:{problem.pk}:{hop.pk}",
        unit_webhooks=[unit],
    )
    return problem


# --- recipients ---------------------------------------------------------------------------------


def _staff(unit_ids: Iterable[int]) -> dict[int, list[User]]:
    """unit id → its staff holding a tier role there (one query)."""
    ids = {u for u in unit_ids if u}
    found: dict[int, dict[int, User]] = defaultdict(dict)
    if ids:
        for grant in RoleGrant.objects.filter(unit_id__in=ids, role__in=STAFF_ROLES).select_related("user"):
            found[grant.unit_id].setdefault(grant.user_id, grant.user)
    return {unit: list(users.values()) for unit, users in found.items()}


@dataclass
class _Audience:
    users: list[User]
    units: list[int]


class _Recipients:
    """Who hears of a colour change: the holders (owner, staff of the responsible unit or of the active
    department hops) and their supervisor (the district command center for commissioner-tier problems, the
    dispatching unit for department hops, the leadership task force above a command center or task force)."""

    def __init__(self, problems: list[dict[str, Any]]) -> None:
        dept_ids = [p["id"] for p in problems if p["tier"] == Tier.DEPARTMENT]
        self.dept_units: dict[int, set[int]] = defaultdict(set)
        self.hop_owners: dict[int, set[int]] = defaultdict(set)
        self.dispatcher: dict[int, int] = {}
        if dept_ids:
            hops = Assignment.objects.filter(problem_id__in=dept_ids).exclude(
                status=AssignmentStatus.WITHDRAWN).order_by("assigned_at", "id")
            for pid, tier, unit_id, status, owner_id in hops.values_list(
                    "problem_id", "tier", "unit_id", "status", "owner_id"):
                if tier == Tier.DEPARTMENT:
                    if status in ACTIVE_ASSIGNMENT:
                        self.dept_units[pid].add(unit_id)
                        if owner_id:
                            self.hop_owners[pid].add(owner_id)
                else:
                    self.dispatcher[pid] = unit_id  # the latest tier hop dispatched it
        self.command_centers = dict(
            Unit.objects.filter(kind=UnitKind.COMMAND_CENTER, is_active=True).order_by("-id")
            .values_list("region_id", "id")
        )
        self.leaderships = list(
            Unit.objects.filter(kind=UnitKind.LEADERSHIP_TASK_FORCE, is_active=True)
            .order_by("sort_order", "id").values_list("id", "region_id")
        )
        self.supervisor_unit = {p["id"]: self._supervisor(p) for p in problems}
        holder_units = {p["responsible_unit_id"] for p in problems if p["tier"] not in (Tier.COMMISSIONER,
                                                                                          Tier.DEPARTMENT)}
        unit_ids = holder_units | set(self.supervisor_unit.values())
        for units in self.dept_units.values():
            unit_ids |= units
        self.staff = _staff(u for u in unit_ids if u)
        user_ids = {p["owner_id"] for p in problems if p["owner_id"]}
        for owners in self.hop_owners.values():
            user_ids |= owners
        self.users = {u.pk: u for u in User.objects.filter(pk__in=user_ids)} if user_ids else {}

    def _supervisor(self, p: dict[str, Any]) -> int | None:
        if p["tier"] == Tier.COMMISSIONER:
            return self.command_centers.get(p["region_id"])
        if p["tier"] == Tier.DEPARTMENT:
            return self.dispatcher.get(p["id"])
        if p["tier"] in (Tier.COMMAND_CENTER, Tier.TASK_FORCE):
            region = p["region_id"] or ""
            local = next((u for u, r in self.leaderships if region and r.startswith(region[:4])), None)
            return local or (self.leaderships[0][0] if self.leaderships else None)
        return None

    def audience(self, p: dict[str, Any]) -> _Audience:
        people: dict[int, User] = {}
        units: list[int] = []
        if p["owner_id"] in self.users:
            people[p["owner_id"]] = self.users[p["owner_id"]]
        if p["tier"] == Tier.DEPARTMENT:
            for uid in self.hop_owners.get(p["id"], ()):
                if uid in self.users:
                    people.setdefault(uid, self.users[uid])
            holder_units = sorted(self.dept_units.get(p["id"], ()))
        elif p["tier"] == Tier.COMMISSIONER:
            holder_units = []  # the commissioner (owner) holds it, not the whole bureau
        else:
            holder_units = [p["responsible_unit_id"]] if p["responsible_unit_id"] else []
        supervisor = self.supervisor_unit.get(p["id"])
        for unit in [*holder_units, *([supervisor] if supervisor else [])]:
            units.append(unit)
            for user in self.staff.get(unit, ()):
                people.setdefault(user.pk, user)
        return _Audience(list(people.values()), units)


# --- writing colour changes -------------------------------------------------------------------------


def _fmt(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _write_changes(changes: dict[tuple[str, str], list[int]], rows: dict[int, _Row], clock: _Clock,
                   result: SweepResult) -> None:
    """Per (old, new) colour pair and chunk: lock the rows still open with the old colour, UPDATE them,
    bulk-insert their events and notify — one transaction per chunk."""
    for (old, new), ids in changes.items():
        for i in range(0, len(ids), CHUNK):
            with transaction.atomic():
                locked = list(
                    Problem.objects.select_for_update().filter(pk__in=ids[i: i + CHUNK], warning=old)
                    .filter(status__in=OPEN_STATUSES).order_by().values_list("pk", flat=True)
                ) if new else list(
                    Problem.objects.select_for_update().filter(pk__in=ids[i: i + CHUNK], warning=old)
                    .order_by().values_list("pk", flat=True)
                )
                if not locked:
                    continue
                Problem.objects.filter(pk__in=locked).update(warning=new)
                ProblemEvent.objects.bulk_create(
                    [
                        ProblemEvent(problem_id=pk, code="warning", actor=None, actor_label=SYSTEM,
                                     data={"from": old, "to": new}, created_at=clock.now)
                        for pk in locked
                    ],
                    batch_size=CHUNK,
                )
                result.changed[new] += len(locked)
                if new:
                    result.notified += _notify_colour(locked, new, rows, clock)


def _notify_colour(ids: list[int], colour: str, rows: dict[int, _Row], clock: _Clock) -> int:
    """Tell the holders and supervisors of problems that turned ``colour``: a notice per problem, or one
    notice listing them for a person (or group webhook) with more than ``MANY`` of them in this chunk.
    All written with one ``notify_many`` (a fixed number of queries)."""
    problems = list(
        Problem.objects.filter(pk__in=ids).order_by().values(
            "id", "number", "title", "tier", "owner_id", "responsible_unit_id", "region_code")
    )
    for p in problems:
        p["region_id"] = p.pop("region_code")
    recipients = _Recipients(problems)
    by_user: dict[int, list[int]] = defaultdict(list)
    by_unit: dict[int, list[int]] = defaultdict(list)
    users: dict[int, User] = {}
    info: dict[int, dict[str, Any]] = {}
    for p in problems:
        audience = recipients.audience(p)
        info[p["id"]] = p
        for user in audience.users:
            users[user.pk] = user
            by_user[user.pk].append(p["id"])
        for unit in audience.units:
            by_unit[unit].append(p["id"])

    single_users: dict[int, list[User]] = defaultdict(list)
    single_units: dict[int, list[int]] = defaultdict(list)
    many_users: dict[tuple[int, ...], list[User]] = defaultdict(list)
    many_units: dict[tuple[int, ...], list[int]] = defaultdict(list)
    for uid, pids in by_user.items():
        if len(pids) > MANY:
            many_users[tuple(sorted(pids))].append(users[uid])
        else:
            for pid in pids:
                single_users[pid].append(users[uid])
    for unit, pids in by_unit.items():
        if len(pids) > MANY:
            many_units[tuple(sorted(pids))].append(unit)
        else:
            for pid in pids:
                single_units[pid].append(unit)

    messages = []
    for pid in sorted(set(single_users) | set(single_units)):
        p, row = info[pid], rows[pid]
        if colour == "yellow":
            since = clock.since(row)
            key = f"warn:{pid}:yellow:{_moment(since):%Y%m%d%H%M}"
            params = {"number": p["number"], "title": p["title"], "days": round(clock.working_days_since(since), 1)}
        else:
            due_ts = clock.due(row)
            due = _moment(due_ts) if due_ts is not None else None
            key = f"warn:{pid}:{colour}:{due:%Y%m%d}" if due else f"warn:{pid}:{colour}"
            params = {"number": p["number"], "title": p["title"], "deadline": _fmt(due)}
        messages.append({"recipients": single_users.get(pid, []), "code": notices.WARNING_CODES[colour],
                         "params": params, "link": reverse("problem-detail", args=[pid]), "dedup_key": key,
                         "unit_webhooks": single_units.get(pid, [])})
    groups = set(many_users) | set(many_units)
    for pids in sorted(groups):
        numbers = [info[pid]["number"] for pid in pids]
        shown = "、".join(numbers[:MANY_SHOWN]) + ("…" if len(numbers) > MANY_SHOWN else "")
        digest = hashlib.sha1(",".join(map(str, pids)).encode(), usedforsecurity=False).hexdigest()[:16]
        messages.append({"recipients": many_users.get(pids, []), "code": notices.WARNING_MANY_CODES[colour],
                         "params": {"count": len(pids), "numbers": shown},
                         "link": reverse("problem-list") + f"?status=open&warning={colour}",
                         "dedup_key": f"warnset:{colour}:{clock.now:%Y%m%d%H%M}:{digest}",
                         "unit_webhooks": many_units.get(pids, [])})
    return len(notify.notify_many(messages))


# --- the sweep ------------------------------------------------------------------------------------


def _expire_confirmations(now: datetime, clock: _Clock, result: SweepResult, budget: int) -> int:
    days = _config()["confirmation_days"]
    candidates = (
        Problem.objects.filter(status=Status.RESOLVED, resolved_at__lte=now - timedelta(days=days))
        .order_by("resolved_at").values_list("id", "resolved_at")
    )
    due = [pid for pid, at in candidates if clock.working_days_since(at.timestamp()) >= days]
    for pid in due[:budget]:
        try:
            services.problem_expire_confirmation(problem_id=pid, system=SYSTEM, now=now)
        except (Conflict, access.NotFound):
            continue  # confirmed, reopened or closed meanwhile
        result.expired += 1
    return max(0, len(due) - budget)


def sweep(now: datetime | None = None, *, full: bool = True) -> SweepResult:
    """One supervision pass: escalate the long overdue, set and clear colours, expire confirmations.
    ``full=False`` (the ten-minute runs) reads only the problems time can change (see ``_candidates``)."""
    from qifu.core import workdays

    started = time.perf_counter()
    now = now or timezone.now()
    clock = _Clock(now, workdays.calendar())
    result = SweepResult()

    rows = _load(clock=clock, full=full)
    # 1. Escalations first (rare, one transaction each), so their new hops are coloured in the same pass.
    to_escalate = [r for r in rows if clock.overdue_to_escalate(r)]
    result.deferred += max(0, len(to_escalate) - MAX_ITEMS_PER_RUN)
    moved = []
    for row in to_escalate[:MAX_ITEMS_PER_RUN]:
        try:
            if problem_escalate_overdue(problem_id=row.id, now=now, from_tier=row.tier, calendar=clock.cal):
                moved.append(row.id)
                result.escalated += 1
        except (ValidationError, access.NotFound) as exc:  # no command center / leadership configured
            logger.warning("ledger sweep: cannot escalate problem %s: %s", row.id, exc)
    by_id = {r.id: r for r in rows}
    if moved:
        for pid in moved:
            by_id.pop(pid, None)
        by_id.update({r.id: r for r in _load(moved)})

    # 2. Colours, computed in memory; only the changes are written.
    changes: dict[tuple[str, str], list[int]] = defaultdict(list)
    for row in by_id.values():
        colour = clock.colour(row)
        if colour != row.warning:
            changes[(row.warning, colour)].append(row.id)
    result.checked = len(by_id)
    # Closed and resolved problems keep no colour (services clear it on resolve; this catches the rest).
    for pid, warning in Problem.objects.exclude(status__in=OPEN_STATUSES).exclude(warning="").order_by() \
            .values_list("id", "warning"):
        changes[(warning, "")].append(pid)
    _write_changes(changes, by_id, clock, result)

    # 3. Confirmation periods that expired.
    result.deferred += _expire_confirmations(now, clock, result, MAX_ITEMS_PER_RUN)
    result.seconds = time.perf_counter() - started
    return result


# --- a write lowers a colour at once ----------------------------------------------------------------

RANK = {"": 0, "blue": 1, "yellow": 2, "red": 3}


def recolour_after_change(problem: Problem, *, now: datetime | None = None) -> str:
    """Called by the services after they change a problem: a progress report, a new hop or a longer deadline
    may lower its colour, which time alone never does, so it is lowered here in the same transaction (with its
    event; nobody is notified of a colour going down). Raising is left to the sweep, which notifies.
    Returns the problem's colour afterwards."""
    from qifu.core import workdays

    if not problem.warning:
        return ""
    if problem.status not in OPEN_STATUSES:
        colour = ""
    else:
        rows = _load([problem.pk])
        if not rows:
            return problem.warning
        colour = _Clock(now or timezone.now(), workdays.calendar()).colour(rows[0])
    if RANK[colour] < RANK[problem.warning]:
        Problem.objects.filter(pk=problem.pk).update(warning=colour)
        ProblemEvent.objects.create(problem=problem, code="warning", actor=None, actor_label=SYSTEM,
                                    data={"from": problem.warning, "to": colour},
                                    created_at=now or timezone.now())
        problem.warning = colour
    return problem.warning


# --- digests --------------------------------------------------------------------------------------


def digests_send(*, now: datetime | None = None) -> int:
    """Send each unit holding open problems (beyond the commissioner tier) its digest, once per unit and day.
    Returns the number of notices created."""
    from . import kpis

    now = now or timezone.now()
    held = set(
        Problem.objects.filter(status__in=OPEN_STATUSES).exclude(tier=Tier.COMMISSIONER)
        .exclude(responsible_unit__isnull=True).order_by().values_list("responsible_unit_id", flat=True).distinct()
    )
    held |= set(
        Assignment.objects.filter(status__in=ACTIVE_ASSIGNMENT, tier=Tier.DEPARTMENT,
                                  problem__status__in=OPEN_STATUSES)
        .order_by().values_list("unit_id", flat=True).distinct()
    )
    staff = _staff(held)
    day = timezone.localtime(now).date()
    sent = 0
    for unit in Unit.objects.filter(pk__in=held).order_by("pk"):
        digest = kpis.digest_for_unit(unit)
        if not digest["open"]:
            continue
        with transaction.atomic():
            sent += len(notify.notify(
                recipients=staff.get(unit.pk, []),
                code=notices.DIGEST,
                params={"unit": unit.name, "open": digest["open"], "red": digest["red"],
                        "yellow": digest["yellow"], "blue": digest["blue"]},
                link=reverse("problem-list") + "?status=open",
                dedup_key=f"digest:{unit.pk}:{day:%Y%m%d}",
                unit_webhooks=[unit],
            ))
    return sent
