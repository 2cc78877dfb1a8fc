"""Reads for the problem ledger, always from the user's scope (core.access)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from qifu.core import access
from qifu.organisations.models import User

from . import rules
from .choices import ACTIVE_ASSIGNMENT, OPEN_STATUSES, TRANSITIONS
from .models import Assignment, Problem, ProblemCategory, ProblemEvent, ProgressReport

SORTS = {
    "reported": ("-reported_at", "-id"),
    "deadline": ("deadline", "id"),
    "number": ("number",),
    "updated": ("-updated_at", "-id"),
}


@dataclass(frozen=True)
class ProblemFilter:
    q: str = ""
    region: str = ""  # a region code: the enterprise's region and everything inside it
    unit_id: int | None = None  # the responsible unit now
    tier: str = ""
    status: str = ""  # a status, or "open"
    category: str = ""  # category code
    nature: str = ""
    warning: str = ""
    reported_from: date | None = None
    reported_to: date | None = None
    deadline_before: date | None = None
    enterprise_id: int | None = None
    sort: str = "reported"


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def problem_list(*, user: User, filters: ProblemFilter | None = None) -> QuerySet[Problem]:
    """The problems the user may see, filtered and sorted, with what a ledger row shows loaded."""
    f = filters or ProblemFilter()
    qs = Problem.objects.restrict(user, access.VIEW)
    if f.q:
        qs = qs.filter(Q(number__icontains=f.q) | Q(title__icontains=f.q) | Q(description__icontains=f.q)
                       | Q(enterprise__name__icontains=f.q))
    if f.region:
        code = f.region.strip()
        prefix = code[:2] if code.endswith("0000") else code[:4] if code.endswith("00") else code
        qs = qs.filter(access.code_range("region_code", prefix))
    if f.unit_id:
        qs = qs.filter(responsible_unit_id=f.unit_id)
    if f.tier:
        qs = qs.filter(tier=f.tier)
    if f.status == "open":
        qs = qs.filter(open_flag=True)
    elif f.status:
        qs = qs.filter(status=f.status)
    if f.category:
        # By id, not through a join on the code: the planner can then walk an index on (…, category, time)
        # in order instead of joining every matching row before sorting.
        category_id = ProblemCategory.objects.filter(code=f.category).values_list("pk", flat=True).first()
        qs = qs.filter(category_id=category_id) if category_id is not None else qs.none()
    if f.nature:
        qs = qs.filter(nature=f.nature)
    if f.warning:
        qs = qs.filter(warning=f.warning)
    # Ranges on the stored instant (local day boundaries), not __date, so the indexes serve them.
    if f.reported_from:
        qs = qs.filter(reported_at__gte=_day_start(f.reported_from))
    if f.reported_to:
        qs = qs.filter(reported_at__lt=_day_start(f.reported_to + timedelta(days=1)))
    if f.deadline_before:
        qs = qs.filter(deadline__lt=_day_start(f.deadline_before + timedelta(days=1)))
    if f.enterprise_id:
        qs = qs.filter(enterprise_id=f.enterprise_id)
    return qs.select_related(
        "enterprise__region", "category", "responsible_unit", "responsible_section"
    ).order_by(*SORTS.get(f.sort, SORTS["reported"]))


def problem_counts(*, qs: QuerySet[Problem]) -> dict[str, int]:
    """Counts per status and warning for the filtered list (one query)."""
    row = qs.order_by().aggregate(
        total=Count("id"),
        open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
        resolved=Count("id", filter=Q(status="resolved")),
        closed=Count("id", filter=Q(status="closed")),
        blue=Count("id", filter=Q(warning="blue")),
        yellow=Count("id", filter=Q(warning="yellow")),
        red=Count("id", filter=Q(warning="red")),
    )
    return {k: v or 0 for k, v in row.items()}


def problem_get(*, user: User, pk: int) -> Problem:
    qs = Problem.objects.select_related(
        "enterprise__region", "category", "responsible_unit", "responsible_section", "owner", "first_receiver",
        "reported_by", "resolved_unit",
    )
    return access.get_or_404(qs, user, access.VIEW, pk=pk)


def problem_timeline(*, problem: Problem) -> QuerySet[ProblemEvent]:
    """The problem's events, oldest first (the caller fetched the problem through the user's scope)."""
    return ProblemEvent.objects.filter(problem=problem).select_related("actor").order_by("created_at", "id")


def problem_assignments(*, problem: Problem) -> QuerySet[Assignment]:
    return Assignment.objects.filter(problem=problem).select_related("unit", "section", "owner").order_by(
        "assigned_at", "id")


def problem_progress(*, problem: Problem) -> QuerySet[ProgressReport]:
    return ProgressReport.objects.filter(problem=problem).select_related("author").order_by("-created_at")


def possible_actions(*, user: User, problem: Problem) -> list[str]:
    """The transitions this user may take now (for buttons and the API)."""
    hops = [a for a in problem.assignments.all() if a.status in ACTIVE_ASSIGNMENT]
    actions = []
    for action in TRANSITIONS:
        if action in ("acknowledge", "return", "resolve", "report_progress", "request_extension"):
            if any(rules.possible(action, user, problem, hop) for hop in hops) or rules.possible(action, user, problem):
                actions.append(action)
        elif rules.possible(action, user, problem):
            actions.append(action)
    return actions


def categories() -> QuerySet[ProblemCategory]:
    return ProblemCategory.objects.filter(is_active=True).order_by("sort_order", "code")


def my_assignment(*, user: User, problem: Problem) -> Assignment | None:
    return next((a for a in problem.assignments.all() if rules.holds_assignment(user, a)), None)


def context_for_detail(*, user: User, problem: Problem) -> dict[str, Any]:
    return {
        "problem": problem,
        "assignments": list(problem_assignments(problem=problem)),
        "timeline": list(problem_timeline(problem=problem)),
        "progress": list(problem_progress(problem=problem)),
        "actions": possible_actions(user=user, problem=problem),
        "my_assignment": my_assignment(user=user, problem=problem),
        "attachments": list(problem.attachments.select_related("uploaded_by")),
    }


def home_counts(*, user: User) -> dict[str, Any]:
    """For the home page: open and red problems in the user's scope, and those waiting on the user's units."""
    visible = Problem.objects.restrict(user, access.VIEW).filter(status__in=OPEN_STATUSES)
    units = access.unit_ids(user)
    mine = Q(owner=user) | Q(first_receiver=user)
    if units:
        mine |= Q(responsible_unit_id__in=units) | Q(
            pk__in=Assignment.objects.filter(unit_id__in=units, status__in=ACTIVE_ASSIGNMENT).values("problem_id")
        )
    row = visible.order_by().aggregate(
        open=Count("id"), red=Count("id", filter=Q(warning="red")), mine=Count("id", filter=mine)
    )
    return {k: v or 0 for k, v in row.items()}
