"""Writes for the problem ledger: one service per transition. Each locks the problem, checks the status
against the transition table and the actor against ledger.rules, refuses stale versions, writes, and appends
an immutable ProblemEvent in the same transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from qifu.core import access
from qifu.core.errors import Conflict
from qifu.enterprises.models import CommissionerAssignment, Enterprise
from qifu.organisations.choices import Role, UnitKind
from qifu.organisations.models import Section, Unit, User

from . import deadlines, rules
from . import notices as notices_codes
from .choices import (
    ACTIVE_ASSIGNMENT,
    TRANSITIONS,
    AssignmentStatus,
    Channel,
    CloseReason,
    ExtensionStatus,
    Nature,
    Priority,
    Rating,
    ResolutionType,
    ReturnKind,
    Status,
    Tier,
)
from .models import (
    Assignment,
    Attachment,
    DeadlineExtension,
    LedgerSequence,
    Problem,
    ProblemCategory,
    ProblemEvent,
    ProgressReport,
)

# --- helpers -------------------------------------------------------------------------------------


def _now() -> datetime:
    return timezone.now()


def _event(
    problem: Problem,
    code: str,
    *,
    actor: User | None,
    before: tuple[str, str] | None = None,
    reason: str = "",
    system: str = "",
    at: datetime | None = None,
    **data: Any,
) -> ProblemEvent:
    from_status, from_tier = before or ("", "")
    return ProblemEvent.objects.create(
        problem=problem,
        code=code,
        actor=actor if actor is not None and actor.pk else None,
        actor_label=system,
        from_status=from_status,
        to_status=problem.status if before else "",
        from_tier=from_tier,
        to_tier=problem.tier if before else "",
        reason=reason,
        data={k: (v.pk if hasattr(v, "pk") else v) for k, v in data.items()},
        created_at=at or _now(),
    )


def _lock(problem_id: int, actor: User | None, expected_version: int | None) -> Problem:
    qs = Problem.objects.select_for_update(of=("self",)).select_related("enterprise", "category")
    if actor is None:  # a job
        problem = qs.filter(pk=problem_id).first()
        if problem is None:
            raise access.NotFound
    else:
        problem = access.get_or_404(qs, actor, access.VIEW, pk=problem_id)
    if expected_version is not None and problem.version != expected_version:
        raise Conflict(
            _("Someone else changed problem %(number)s meanwhile; reload it and try again.")
            % {"number": problem.number},
            current_version=problem.version,
        )
    return problem


def _check(action: str, actor: User | None, problem: Problem, assignment: Assignment | None = None) -> None:
    if problem.status not in TRANSITIONS[action]:
        raise Conflict(
            _("This step is not possible while the problem is “%(status)s”.")
            % {"status": problem.get_status_display()},
            current_version=problem.version,
        )
    if actor is not None and not rules.allowed(action, actor, problem, assignment):
        raise PermissionDenied(_("Your role does not allow this step on this problem."))


def _save(problem: Problem, *fields: str) -> None:
    from .supervision import recolour_after_change

    problem.version += 1
    problem.save(update_fields=[*fields, "version", "updated_at"])
    recolour_after_change(problem)


def _require_text(field: str, value: str, label: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: [_("%(label)s is required.") % {"label": label}]})
    return value


def _ledger_prefix(enterprise: Enterprise | None) -> str:
    """LQY for an enterprise of the district whose command center's code is lqy-cc; the region code otherwise."""
    if enterprise is None:
        return "GX"  # 共性: a common problem
    unit = Unit.objects.filter(kind=UnitKind.COMMAND_CENTER, region_id=enterprise.region_id).order_by("id").first()
    if unit is not None:
        return unit.code.split("-")[0].upper()[:8]
    return enterprise.region_id


def next_number(enterprise: Enterprise | None, at: datetime) -> str:
    """A dense, stable ledger number per prefix and year: LQY-2020-000123."""
    prefix, year = _ledger_prefix(enterprise), timezone.localtime(at).year
    seq, _created = LedgerSequence.objects.select_for_update().get_or_create(prefix=prefix, year=year)
    LedgerSequence.objects.filter(pk=seq.pk).update(last=F("last") + 1)
    seq.refresh_from_db(fields=["last"])
    return f"{prefix}-{year}-{seq.last:06d}"


def problems_follow_region(enterprise_ids: Sequence[int]) -> None:
    """Keep the ledger's copy of the region in step with enterprises that moved (called by the enterprise
    services in their transaction; not a state change of the problems, so no event and no version bump)."""
    from .routing import refresh_beyond_region

    moved = Problem.objects.filter(enterprise_id__in=list(enterprise_ids))
    moved.update(
        region_code=Subquery(Enterprise.objects.filter(pk=OuterRef("enterprise_id")).values("region_id")[:1])
    )
    refresh_beyond_region(moved.values_list("pk", flat=True))


def _active_commissioner(enterprise: Enterprise) -> User | None:
    a = CommissionerAssignment.objects.filter(enterprise=enterprise, ended_at__isnull=True).select_related(
        "commissioner"
    ).first()
    return a.commissioner if a else None


def command_center_for(enterprise: Enterprise) -> Unit:
    unit = Unit.objects.filter(kind=UnitKind.COMMAND_CENTER, region_id=enterprise.region_id, is_active=True).first()
    if unit is None:
        raise ValidationError(
            _("No command center is set up for %(region)s; ask the administrator.") % {"region": enterprise.region}
        )
    return unit


def task_force_for(problem: Problem) -> Unit:
    unit = problem.category.task_force
    if unit is None or not unit.is_active:
        raise ValidationError(
            _("No service task force covers the category “%(category)s”; ask the administrator.")
            % {"category": problem.category}
        )
    return unit


def leadership_for(problem: Problem) -> Unit:
    """The leadership task force of the enterprise's city (the first by order); any one as a fallback."""
    qs = Unit.objects.filter(kind=UnitKind.LEADERSHIP_TASK_FORCE, is_active=True).order_by("sort_order", "id")
    if problem.enterprise_id:
        local = qs.filter(region__code__startswith=problem.enterprise.region_id[:4]).first()
        if local is not None:
            return local
    unit = qs.first()
    if unit is None:
        raise ValidationError(_("No leadership task force is set up; ask the administrator."))
    return unit


def _open_hop(problem: Problem, tier: str, unit: Unit, *, actor: User | None, at: datetime, **extra: Any) -> Assignment:
    return Assignment.objects.create(
        problem=problem,
        tier=tier,
        unit=unit,
        assigned_by=actor if actor is not None and actor.pk else None,
        assigned_at=at,
        deadline=deadlines.hop_deadline(tier, at, crisis=problem.crisis_mode),
        **extra,
    )


def _close_hops(problem: Problem, *, status: str, at: datetime, exclude_departments: bool = False) -> None:
    qs = Assignment.objects.filter(problem=problem, status__in=ACTIVE_ASSIGNMENT)
    if exclude_departments:
        qs = qs.exclude(tier=Tier.DEPARTMENT)
    qs.update(status=status, finished_at=at)


def _current_tier_hop(problem: Problem) -> Assignment | None:
    """The hop at the tier unit that holds the problem (command center, task force, leadership)."""
    return (
        Assignment.objects.filter(problem=problem)
        .exclude(tier=Tier.DEPARTMENT)
        .exclude(status=AssignmentStatus.WITHDRAWN)
        .order_by("-assigned_at", "-id")
        .first()
    )


def _unit_staff(unit_ids: Sequence[int | None]) -> list[User]:
    """Active people holding a role in these units (who must act on what reaches the unit)."""
    ids = [u for u in unit_ids if u]
    if not ids:
        return []
    return list(User.objects.filter(is_active=True, role_grants__unit_id__in=ids).distinct())


def _tell(problem: Problem, code: str, *, recipients: Sequence[User], units: Sequence[Unit] = (),
          **params: Any) -> None:
    """Notify (in-app, email, the units' group webhooks) in this transaction; sent after commit."""
    from qifu.core import notify

    notify.notify(
        recipients=recipients,
        code=code,
        params={"number": problem.number, "title": problem.title,
                "enterprise": problem.enterprise.name if problem.enterprise_id else "", **params},
        link=f"/problems/{problem.pk}/",
        unit_webhooks=units,
    )


def _contacts(problem: Problem) -> list[User]:
    if problem.enterprise_id is None:
        return []
    return [c.user for c in problem.enterprise.contacts.select_related("user") if c.user and c.user.is_active]


# --- reporting -----------------------------------------------------------------------------------


@dataclass
class ProblemInput:
    enterprise_id: int
    title: str
    description: str = ""
    category_id: int | None = None
    nature: str = Nature.INDIVIDUAL
    priority: str = Priority.NORMAL
    channel: str = Channel.SELF_REPORT
    crisis_mode: bool = False


@transaction.atomic
def problem_report(*, actor: User, data: ProblemInput) -> Problem:
    """Record a problem. Reported by the enterprise's commissioner, it is accepted at once (首接负责)."""
    enterprise = access.get_or_404(Enterprise, actor, access.VIEW, pk=data.enterprise_id)
    commissioner = _active_commissioner(enterprise)
    is_own_commissioner = commissioner is not None and commissioner.pk == actor.pk
    if not rules.may_report(actor, enterprise):
        raise PermissionDenied(_("Only the enterprise, its commissioner or its command center may report its problems."))
    errors: dict[str, list[str]] = {}
    title = (data.title or "").strip()
    if not title:
        errors["title"] = [_("The title is required.")]
    elif len(title) > 200:
        errors["title"] = [_("The title is longer than 200 characters.")]
    category = ProblemCategory.objects.filter(pk=data.category_id, is_active=True).first() if data.category_id else None
    if category is None:
        errors["category"] = [_("Choose a category.")]
    for field, value, choices in (
        ("nature", data.nature, Nature.values),
        ("priority", data.priority, Priority.values),
        ("channel", data.channel, Channel.values),
    ):
        if value not in choices:
            errors[field] = [_("Not a valid choice.")]
    if errors:
        raise ValidationError(errors)
    at = _now()
    crisis = bool(data.crisis_mode or data.priority == Priority.URGENT and data.crisis_mode)
    problem = Problem.objects.create(
        number=next_number(enterprise, at),
        enterprise=enterprise,
        reported_by=actor,
        channel=data.channel,
        title=title,
        description=(data.description or "").strip(),
        category=category,
        nature=data.nature,
        priority=data.priority,
        crisis_mode=crisis,
        status=Status.REPORTED,
        tier=Tier.COMMISSIONER,
        responsible_unit=commissioner.unit if commissioner else None,
        owner=commissioner,
        reported_at=at,
        deadline=deadlines.problem_deadline(at, crisis=crisis),
    )
    _event(problem, "reported", actor=actor, before=("", ""), at=at, channel=data.channel)
    if is_own_commissioner:
        before = (problem.status, problem.tier)
        problem.status = Status.ACCEPTED
        problem.first_receiver = actor
        _save(problem, "status", "first_receiver")
        _event(problem, "accepted", actor=actor, before=before, at=at)
    return problem


# Why a problem may skip the tiers below its first hop: the basis (what computed the level) and its levels.
ROUTE_BASES: dict[str, tuple[str, ...]] = {
    "supply_chain": ("district", "city", "province", "cross_province"),
}
# The tier a first hop opens at, by the kind of unit it goes to.
ROUTE_TIERS: dict[str, str] = {
    UnitKind.COMMAND_CENTER: Tier.COMMAND_CENTER,
    UnitKind.HEADQUARTERS: Tier.COMMAND_CENTER,
    UnitKind.SERVICE_TASK_FORCE: Tier.TASK_FORCE,
    UnitKind.LEADERSHIP_TASK_FORCE: Tier.LEADERSHIP,
    UnitKind.DEPARTMENT: Tier.DEPARTMENT,
    UnitKind.ECONOMIC_BUREAU: Tier.DEPARTMENT,
}


@dataclass
class InitialRoute:
    """Where a problem goes first when the level that must coordinate it is known as it is raised, and why:
    ``basis`` and ``level`` are codes (ROUTE_BASES), stored on the event."""

    unit_id: int
    basis: str
    level: str


@transaction.atomic
def problem_report_routed(*, actor: User, data: ProblemInput, route: InitialRoute) -> Problem:
    """Record a problem and send its first hop straight to the unit of a level computed elsewhere (a supply-chain
    blocker in another city or province goes to the province, not through the city's tiers): reported (and
    accepted when the enterprise's commissioner raises it), then routed — escalated to a command center, task
    force or leadership unit, or dispatched to a department — with a ``routed`` event that says why."""
    enterprise = access.get_or_404(Enterprise, actor, access.VIEW, pk=data.enterprise_id)
    if not rules.may_report_routed(actor, enterprise):
        raise PermissionDenied(_("Only the enterprise's commissioner, its command center or an administrator may "
                                 "send a problem straight to a coordination level."))
    if route.level not in ROUTE_BASES.get(route.basis, ()):
        raise ValidationError({"route": [_("Not a valid coordination level.")]})
    unit = Unit.objects.filter(pk=route.unit_id, is_active=True).first()
    tier = ROUTE_TIERS.get(unit.kind) if unit is not None else None
    if unit is None or tier is None:
        raise ValidationError({"route": [_("The coordinating unit is not an active unit that takes problems.")]})
    problem = problem_report(actor=actor, data=data)
    before, at = (problem.status, problem.tier), _now()
    _open_hop(problem, tier, unit, actor=actor, at=at)
    problem.status = Status.DISPATCHED if tier == Tier.DEPARTMENT else Status.ESCALATED
    problem.tier = tier
    problem.responsible_unit, problem.responsible_section, problem.owner = unit, None, None
    _save(problem, "status", "tier", "responsible_unit", "responsible_section", "owner")
    _event(problem, "routed", actor=actor, before=before, at=at, unit=unit, basis=route.basis, level=route.level)
    _tell(problem, notices_codes.ARRIVED, recipients=_unit_staff([unit.pk]), units=[unit], unit=unit.name)
    return problem


@transaction.atomic
def problem_accept(*, actor: User, problem_id: int, version: int | None = None) -> Problem:
    """The commissioner takes the problem on; whoever first receives it stays responsible (首接负责)."""
    problem = _lock(problem_id, actor, version)
    _check("accept", actor, problem)
    before = (problem.status, problem.tier)
    problem.status = Status.ACCEPTED
    problem.first_receiver = actor
    problem.owner = actor
    problem.responsible_unit = actor.unit
    _save(problem, "status", "first_receiver", "owner", "responsible_unit")
    _event(problem, "accepted", actor=actor, before=before)
    return problem


def handling_days(reported_at: datetime, resolved_at: datetime) -> float:
    """Working days from a report to its resolution (stored on the problem for the KPIs)."""
    from qifu.core import workdays

    return round(workdays.calendar().working_days_between(reported_at, resolved_at), 3)


def _mark_resolved(problem: Problem, *, actor: User | None, resolution_type: str, resolution: str,
                   unit: Unit | None, at: datetime) -> None:
    if resolution_type not in ResolutionType.values:
        raise ValidationError({"resolution_type": [_("Choose how it was resolved.")]})
    problem.status = Status.RESOLVED
    problem.resolved_at = at
    problem.handling_days = handling_days(problem.reported_at, at)
    problem.resolved_tier = problem.tier
    problem.resolved_unit = unit
    problem.resolution_type = resolution_type
    problem.resolution = resolution
    problem.rating = ""
    problem.confirmed_at = None
    problem.checked_at = None
    problem.warning = ""


@transaction.atomic
def problem_resolve_on_site(
    *, actor: User, problem_id: int, resolution_type: str, resolution: str, version: int | None = None
) -> Problem:
    """The commissioner solved it on site (现场解决)."""
    problem = _lock(problem_id, actor, version)
    _check("resolve_on_site", actor, problem)
    resolution = _require_text("resolution", resolution, _("The resolution"))
    before, at = (problem.status, problem.tier), _now()
    _mark_resolved(problem, actor=actor, resolution_type=resolution_type, resolution=resolution,
                   unit=actor.unit, at=at)
    _save(problem, "status", "resolved_at", "handling_days", "resolved_tier", "resolved_unit", "resolution_type", "resolution",
          "rating", "confirmed_at", "checked_at", "warning")
    _event(problem, "resolved", actor=actor, before=before, at=at, resolution_type=resolution_type)
    _tell(problem, notices_codes.RESOLVED, recipients=_contacts(problem), resolution=resolution)
    return problem


@transaction.atomic
def problem_escalate(*, actor: User, problem_id: int, reason: str, version: int | None = None) -> Problem:
    """Beyond the commissioner: an individual problem to the district command center, a common one to the
    service task force of its domain."""
    problem = _lock(problem_id, actor, version)
    _check("escalate", actor, problem)
    reason = _require_text("reason", reason, _("The reason"))
    if problem.nature == Nature.COMMON:
        tier, unit = Tier.TASK_FORCE, task_force_for(problem)
    else:
        tier, unit = Tier.COMMAND_CENTER, command_center_for(problem.enterprise)
    before, at = (problem.status, problem.tier), _now()
    _open_hop(problem, tier, unit, actor=actor, at=at)
    problem.status, problem.tier = Status.ESCALATED, tier
    problem.responsible_unit, problem.responsible_section, problem.owner = unit, None, None
    _save(problem, "status", "tier", "responsible_unit", "responsible_section", "owner")
    _event(problem, "escalated", actor=actor, before=before, reason=reason, at=at, unit=unit)
    _tell(problem, notices_codes.ARRIVED, recipients=_unit_staff([unit.pk]), units=[unit], unit=unit.name)
    return problem


@dataclass
class DispatchTarget:
    unit_id: int
    section_id: int | None = None
    owner_id: int | None = None
    leader_id: int | None = None
    deadline_days: int | None = None


@transaction.atomic
def problem_dispatch(
    *,
    actor: User,
    problem_id: int,
    targets: Sequence[DispatchTarget],
    instructions: str = "",
    version: int | None = None,
) -> Problem:
    """The command center, task force or leadership task force assigns the problem to one or more departments
    (also used to reassign after a department sent it back: 改派)."""
    problem = _lock(problem_id, actor, version)
    _check("dispatch", actor, problem)
    if not targets:
        raise ValidationError({"targets": [_("Choose at least one responsible unit.")]})
    units = {u.pk: u for u in Unit.objects.filter(pk__in=[t.unit_id for t in targets], is_active=True)}
    errors: list[str] = []
    for t in targets:
        unit = units.get(t.unit_id)
        if unit is None or unit.kind not in (UnitKind.DEPARTMENT, UnitKind.ECONOMIC_BUREAU):
            errors.append(_("Unit %(id)s is not an active department.") % {"id": t.unit_id})
        elif t.section_id and not Section.objects.filter(pk=t.section_id, unit_id=t.unit_id).exists():
            errors.append(_("The section does not belong to %(unit)s.") % {"unit": unit})
    if len({t.unit_id for t in targets}) != len(targets):
        errors.append(_("Each unit may be chosen once."))
    active = Assignment.objects.filter(problem=problem, tier=Tier.DEPARTMENT, status__in=ACTIVE_ASSIGNMENT)
    already = set(active.values_list("unit_id", flat=True)) & {t.unit_id for t in targets}
    if already:
        errors.append(_("Already with: %(units)s") % {"units": ", ".join(str(units[u]) for u in already)})
    if errors:
        raise ValidationError({"targets": errors})
    before, at = (problem.status, problem.tier), _now()
    first: Assignment | None = None
    for t in targets:
        hop = Assignment.objects.create(
            problem=problem,
            tier=Tier.DEPARTMENT,
            unit=units[t.unit_id],
            section_id=t.section_id,
            owner_id=t.owner_id,
            leader_id=t.leader_id,
            assigned_by=actor,
            assigned_at=at,
            deadline=deadlines.hop_deadline(Tier.DEPARTMENT, at, crisis=problem.crisis_mode, days=t.deadline_days),
            instructions=instructions.strip(),
        )
        first = first or hop
    assert first is not None
    problem.status, problem.tier = Status.DISPATCHED, Tier.DEPARTMENT
    problem.responsible_unit, problem.responsible_section = first.unit, first.section
    problem.owner_id = first.owner_id
    _save(problem, "status", "tier", "responsible_unit", "responsible_section", "owner")
    _event(problem, "dispatched", actor=actor, before=before, at=at, units=[t.unit_id for t in targets])
    for t in targets:
        _tell(problem, notices_codes.ARRIVED, recipients=_unit_staff([t.unit_id]), units=[units[t.unit_id]],
              unit=units[t.unit_id].name)
    return problem


def _my_active_assignment(problem: Problem, actor: User) -> Assignment | None:
    """The actor's department's active hop on this problem, if any."""
    hops = Assignment.objects.select_for_update().filter(
        problem=problem, status__in=ACTIVE_ASSIGNMENT, tier=Tier.DEPARTMENT
    )
    return next((a for a in hops if rules.holds_assignment(actor, a)), None)


def _lock_assignment(assignment_id: int, actor: User) -> tuple[Problem, Assignment]:
    hop = Assignment.objects.filter(pk=assignment_id).values_list("problem_id", flat=True).first()
    if hop is None:
        raise access.NotFound
    problem = _lock(hop, actor, None)
    assignment = Assignment.objects.select_for_update().get(pk=assignment_id)
    return problem, assignment


@transaction.atomic
def assignment_acknowledge(*, actor: User, assignment_id: int) -> Assignment:
    """A department acknowledges receipt (签收)."""
    problem, assignment = _lock_assignment(assignment_id, actor)
    _check("acknowledge", actor, problem, assignment)
    if assignment.status != AssignmentStatus.PENDING:
        raise Conflict(_("Already acknowledged."), current_version=problem.version)
    at = _now()
    assignment.status, assignment.acknowledged_at = AssignmentStatus.ACKNOWLEDGED, at
    assignment.owner = assignment.owner or actor
    assignment.save(update_fields=["status", "acknowledged_at", "owner"])
    _save(problem)
    _event(problem, "acknowledged", actor=actor, at=at, assignment=assignment.pk, unit=assignment.unit_id)
    return assignment


@transaction.atomic
def problem_report_progress(
    *, actor: User, problem_id: int, progress: str, next_step: str = "", blocker: str = "",
    assignment_id: int | None = None,
) -> ProgressReport:
    """A structured progress report (定期报送); restarts the reporting period (a yellow warning goes)."""
    problem = _lock(problem_id, actor, None)
    assignment = (
        Assignment.objects.filter(pk=assignment_id, problem=problem).first()
        if assignment_id else _my_active_assignment(problem, actor)
    )
    _check("report_progress", actor, problem, assignment)
    progress = _require_text("progress", progress, _("The progress"))
    at = _now()
    report = ProgressReport.objects.create(
        problem=problem, assignment=assignment, author=actor, progress=progress,
        next_step=next_step.strip(), blocker=blocker.strip(), created_at=at,
    )
    problem.last_progress_at = at
    _save(problem, "last_progress_at")  # lowers a yellow warning (supervision.recolour_after_change)
    _event(problem, "progress", actor=actor, at=at, report=report.pk, has_blocker=bool(report.blocker))
    return report


@transaction.atomic
def problem_resolve(
    *,
    actor: User,
    problem_id: int,
    resolution_type: str,
    resolution: str,
    assignment_id: int | None = None,
    version: int | None = None,
) -> Problem:
    """A department resolves its part (the problem is resolved when every active department has), or the
    unit holding an escalated problem resolves it itself."""
    problem = _lock(problem_id, actor, version)
    assignment = (
        Assignment.objects.select_for_update().filter(pk=assignment_id, problem=problem).first()
        if assignment_id else None
    )
    if assignment is None and problem.status == Status.DISPATCHED:
        assignment = _my_active_assignment(problem, actor)
    _check("resolve", actor, problem, assignment)
    resolution = _require_text("resolution", resolution, _("The resolution"))
    if resolution_type not in ResolutionType.values:
        raise ValidationError({"resolution_type": [_("Choose how it was resolved.")]})
    before, at = (problem.status, problem.tier), _now()
    if assignment is not None:
        assignment.status, assignment.finished_at = AssignmentStatus.RESOLVED, at
        assignment.save(update_fields=["status", "finished_at"])
        remaining = Assignment.objects.filter(problem=problem, tier=Tier.DEPARTMENT, status__in=ACTIVE_ASSIGNMENT)
        if remaining.exists():
            _save(problem)
            _event(problem, "part_resolved", actor=actor, at=at, assignment=assignment.pk, unit=assignment.unit_id,
                   resolution_type=resolution_type, resolution=resolution)
            return problem
        unit = assignment.unit
    else:
        unit = problem.responsible_unit
    _close_hops(problem, status=AssignmentStatus.RESOLVED, at=at)
    _mark_resolved(problem, actor=actor, resolution_type=resolution_type, resolution=resolution, unit=unit, at=at)
    _save(problem, "status", "resolved_at", "handling_days", "resolved_tier", "resolved_unit", "resolution_type", "resolution",
          "rating", "confirmed_at", "checked_at", "warning")
    _event(problem, "resolved", actor=actor, before=before, at=at, resolution_type=resolution_type,
           unit=unit.pk if unit else None)
    if problem.enterprise_id is None:
        _resolve_children(problem, actor=actor, at=at)
    else:
        _tell(problem, notices_codes.RESOLVED, recipients=_contacts(problem), resolution=resolution)
    return problem


@transaction.atomic
def assignment_return(*, actor: User, assignment_id: int, kind: str, reason: str) -> Problem:
    """A department sends the problem back: wrongly dispatched (退单, the dispatcher reassigns it) or beyond its
    power (up to the leadership task force, which assigns again)."""
    problem, assignment = _lock_assignment(assignment_id, actor)
    _check("return", actor, problem, assignment)
    if kind not in ReturnKind.values:
        raise ValidationError({"kind": [_("Choose why it goes back.")]})
    reason = _require_text("reason", reason, _("The reason"))
    before, at = (problem.status, problem.tier), _now()
    assignment.status, assignment.finished_at = AssignmentStatus.RETURNED, at
    assignment.return_kind, assignment.return_reason = kind, reason
    assignment.save(update_fields=["status", "finished_at", "return_kind", "return_reason"])
    others = Assignment.objects.filter(problem=problem, tier=Tier.DEPARTMENT, status__in=ACTIVE_ASSIGNMENT)
    if kind == ReturnKind.BEYOND_POWER:
        others.update(status=AssignmentStatus.WITHDRAWN, finished_at=at)
        _close_hops(problem, status=AssignmentStatus.RETURNED, at=at, exclude_departments=True)
        unit = leadership_for(problem)
        _open_hop(problem, Tier.LEADERSHIP, unit, actor=actor, at=at)
        problem.status, problem.tier = Status.ESCALATED, Tier.LEADERSHIP
        problem.responsible_unit, problem.responsible_section, problem.owner = unit, None, None
    elif not others.exists():
        hop = _current_tier_hop(problem)
        problem.status = Status.ESCALATED
        problem.tier = hop.tier if hop else Tier.COMMAND_CENTER
        problem.responsible_unit = hop.unit if hop else command_center_for(problem.enterprise)
        problem.responsible_section, problem.owner = None, None
    _save(problem, "status", "tier", "responsible_unit", "responsible_section", "owner")
    _event(problem, "returned", actor=actor, before=before, reason=reason, at=at, kind=kind,
           assignment=assignment.pk, unit=assignment.unit_id)
    if problem.status == Status.ESCALATED and problem.responsible_unit is not None:
        holder = problem.responsible_unit
        _tell(problem, notices_codes.RETURNED, recipients=_unit_staff([holder.pk]), units=[holder], reason=reason)
    return problem


# --- confirmation and closing ------------------------------------------------------------------


def _close_if_done(problem: Problem, *, actor: User | None, at: datetime) -> bool:
    if problem.confirmed_at and problem.checked_at:
        before = (problem.status, problem.tier)
        problem.status, problem.closed_at, problem.close_reason = Status.CLOSED, at, CloseReason.CONFIRMED
        _event(problem, "closed", actor=actor, before=before, at=at, close_reason=CloseReason.CONFIRMED)
        return True
    return False


@transaction.atomic
def problem_confirm(
    *, actor: User, problem_id: int, rating: str, comment: str = "", version: int | None = None
) -> Problem:
    """The enterprise confirms and rates the resolution; 不满意 reopens it at the tier that resolved it (重办)."""
    problem = _lock(problem_id, actor, version)
    _check("confirm", actor, problem)
    if rating not in Rating.values:
        raise ValidationError({"rating": [_("Choose a rating.")]})
    before, at = (problem.status, problem.tier), _now()
    problem.rating, problem.rating_comment = rating, comment.strip()
    if rating == Rating.UNSATISFIED:
        _reopen(problem, actor=actor, at=at)
        _save(problem, "rating", "rating_comment", "status", "tier", "responsible_unit", "owner", "redo_count",
              "resolved_at", "handling_days", "confirmed_at", "checked_at")
        _event(problem, "reopened", actor=actor, before=before, reason=comment.strip(), at=at, rating=rating)
        people = _unit_staff([problem.responsible_unit_id]) + ([problem.owner] if problem.owner else [])
        _tell(problem, notices_codes.REOPENED, recipients=people, reason=comment.strip() or "—")
        return problem
    problem.confirmed_at = at
    _event(problem, "confirmed", actor=actor, at=at, rating=rating)
    _close_if_done(problem, actor=actor, at=at)
    _save(problem, "rating", "rating_comment", "confirmed_at", "status", "closed_at", "close_reason")
    return problem


def _reopen(problem: Problem, *, actor: User | None, at: datetime) -> None:
    """重办: back to the tier that resolved it, with fresh hops (the old ones stay in the history)."""
    problem.redo_count += 1
    problem.resolved_at = problem.confirmed_at = problem.checked_at = problem.handling_days = None
    tier, unit = problem.resolved_tier, problem.resolved_unit
    if tier == Tier.COMMISSIONER or unit is None:
        problem.status, problem.tier = Status.ACCEPTED, Tier.COMMISSIONER
        problem.owner = problem.first_receiver
        problem.responsible_unit = problem.first_receiver.unit if problem.first_receiver else None
    elif tier == Tier.DEPARTMENT:
        resolved_by = Assignment.objects.filter(
            problem=problem, tier=Tier.DEPARTMENT, status=AssignmentStatus.RESOLVED
        ).order_by("-finished_at")
        units = list(dict.fromkeys(a.unit_id for a in resolved_by[:5])) or [unit.pk]
        for unit_id in units:
            Assignment.objects.create(
                problem=problem, tier=Tier.DEPARTMENT, unit_id=unit_id, assigned_by=actor if actor and actor.pk else None,
                assigned_at=at, deadline=deadlines.hop_deadline(Tier.DEPARTMENT, at, crisis=problem.crisis_mode),
                instructions="redo",
            )
        problem.status, problem.tier, problem.responsible_unit_id, problem.owner = (
            Status.DISPATCHED, Tier.DEPARTMENT, units[0], None)
    else:
        _open_hop(problem, tier, unit, actor=actor, at=at)
        problem.status, problem.tier, problem.responsible_unit, problem.owner = Status.ESCALATED, tier, unit, None


@transaction.atomic
def problem_check(*, actor: User, problem_id: int, note: str = "", version: int | None = None) -> Problem:
    """The commissioner checks the resolution with the enterprise; with its confirmation the problem closes."""
    problem = _lock(problem_id, actor, version)
    _check("check", actor, problem)
    at = _now()
    problem.checked_at = at
    _event(problem, "checked", actor=actor, at=at, reason=note.strip())
    _close_if_done(problem, actor=actor, at=at)
    _save(problem, "checked_at", "status", "closed_at", "close_reason")
    return problem


@transaction.atomic
def problem_expire_confirmation(
    *, problem_id: int, system: str = "ledger.sweep", now: datetime | None = None
) -> Problem:
    """The confirmation period expired without an answer: closed, recorded as such (a job, no user)."""
    problem = _lock(problem_id, None, None)
    _check("expire_confirmation", None, problem)
    before, at = (problem.status, problem.tier), now or _now()
    problem.status, problem.closed_at, problem.close_reason = Status.CLOSED, at, CloseReason.EXPIRED
    _save(problem, "status", "closed_at", "close_reason")
    _event(problem, "closed", actor=None, system=system, before=before, at=at, close_reason=CloseReason.EXPIRED)
    return problem


@transaction.atomic
def problem_chase(*, actor: User, problem_id: int, message: str) -> Problem:
    """A supervisor chases (催办) the unit that holds the problem."""
    problem = _lock(problem_id, actor, None)
    _check("chase", actor, problem)
    message = _require_text("message", message, _("The message"))
    _save(problem)
    _event(problem, "chased", actor=actor, reason=message, unit=problem.responsible_unit_id)
    holders = [a.unit_id for a in Assignment.objects.filter(problem=problem, status__in=ACTIVE_ASSIGNMENT)]
    people = _unit_staff([problem.responsible_unit_id, *holders]) + ([problem.owner] if problem.owner else [])
    _tell(problem, notices_codes.CHASED, recipients=people, reason=message)
    return problem


# --- deadline extensions -------------------------------------------------------------------------


@transaction.atomic
def extension_request(
    *, actor: User, problem_id: int, new_deadline: datetime, reason: str
) -> DeadlineExtension:
    """Whoever holds the problem asks for more time, with a reason; the tier above decides."""
    problem = _lock(problem_id, actor, None)
    assignment = _my_active_assignment(problem, actor)
    _check("request_extension", actor, problem, assignment)
    if assignment is None and problem.tier not in (Tier.COMMISSIONER, Tier.DEPARTMENT):
        # A command center, task force or leadership unit holding it asks for its own hop's clock; the
        # enterprise's end-to-end clock is not theirs to move.
        hop = _current_tier_hop(problem)
        if hop is not None and hop.status in ACTIVE_ASSIGNMENT and hop.unit_id == problem.responsible_unit_id:
            assignment = hop
    reason = _require_text("reason", reason, _("The reason"))
    current = assignment.deadline if assignment is not None else problem.deadline
    if timezone.is_naive(new_deadline):
        raise ValidationError({"new_deadline": [_("Give the time zone of the new deadline.")]})
    if current is not None and new_deadline <= current:
        raise ValidationError({"new_deadline": [_("The new deadline must be later than the current one.")]})
    if DeadlineExtension.objects.filter(problem=problem, status=ExtensionStatus.PENDING).exists():
        raise Conflict(_("An extension request is already waiting for a decision."), current_version=problem.version)
    at = _now()
    ext = DeadlineExtension.objects.create(
        problem=problem, assignment=assignment, requested_by=actor, requested_at=at, reason=reason,
        new_deadline=new_deadline,
    )
    _save(problem)
    _event(problem, "extension_requested", actor=actor, reason=reason, at=at, extension=ext.pk,
           new_deadline=new_deadline.isoformat())
    deciders = _extension_deciders(problem, assignment)
    _tell(problem, notices_codes.EXTENSION_REQUESTED, recipients=_unit_staff([u.pk for u in deciders]),
          units=deciders, deadline=_local(new_deadline), reason=reason)
    return ext


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _extension_deciders(problem: Problem, assignment: Assignment | None) -> list[Unit]:
    """The tier above (rules.may_decide_extension): the dispatching unit for a department's hop, the district's
    command center at the commissioner's tier, the leadership task force above the rest."""
    try:
        if assignment is not None and assignment.tier == Tier.DEPARTMENT:
            dispatcher = rules.dispatcher_unit_id(problem)
            return list(Unit.objects.filter(pk=dispatcher)) if dispatcher else []
        if problem.tier == Tier.COMMISSIONER and problem.enterprise_id:
            return [command_center_for(problem.enterprise)]
        return [leadership_for(problem)]
    except ValidationError:  # no such unit set up: the request still stands, the pages list it
        return []


@transaction.atomic
def extension_decide(*, actor: User, extension_id: int, grant: bool, note: str = "") -> DeadlineExtension:
    """The tier above grants or refuses; a granted extension moves the hop's deadline (or, at the commissioner's
    tier, the problem's), never the enterprise's reporting time the handling time is measured from."""
    problem_id = DeadlineExtension.objects.filter(pk=extension_id).values_list("problem_id", flat=True).first()
    if problem_id is None:
        raise access.NotFound
    problem = _lock(problem_id, actor, None)
    ext = DeadlineExtension.objects.select_for_update().get(pk=extension_id)
    _check("decide_extension", actor, problem, ext.assignment)
    if ext.status != ExtensionStatus.PENDING:
        raise Conflict(_("This request was already decided."), current_version=problem.version)
    at = _now()
    ext.status = ExtensionStatus.GRANTED if grant else ExtensionStatus.REFUSED
    ext.decided_by, ext.decided_at, ext.decision_note = actor, at, note.strip()
    ext.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    fields: list[str] = []
    if grant:
        if ext.assignment_id:
            Assignment.objects.filter(pk=ext.assignment_id).update(deadline=ext.new_deadline)
        else:
            problem.deadline = ext.new_deadline
            fields.append("deadline")
    _save(problem, *fields)  # a later deadline may lower the colour (supervision.recolour_after_change)
    _event(problem, "extension_decided", actor=actor, reason=note.strip(), at=at, extension=ext.pk, granted=grant)
    _tell(problem, notices_codes.EXTENSION_GRANTED if grant else notices_codes.EXTENSION_REFUSED,
          recipients=[ext.requested_by], deadline=_local(ext.new_deadline), note=note.strip())
    return ext


# --- common problems -----------------------------------------------------------------------------


@transaction.atomic
def problems_merge(
    *, actor: User, problem_ids: Sequence[int], title: str, category_id: int, description: str = ""
) -> Problem:
    """A task force groups the same problem of many enterprises into one common problem, worked once; each
    enterprise's own problem waits (merged) and is resolved with it."""
    if not access.has_role(actor, Role.TASK_FORCE, Role.LEADERSHIP, Role.ADMINISTRATOR):
        raise PermissionDenied(_("Only task forces and leadership merge problems."))
    ids = sorted(set(problem_ids))
    if len(ids) < 2:
        raise ValidationError({"problem_ids": [_("Choose at least two problems to merge.")]})
    title = _require_text("title", title, _("The title"))
    category = ProblemCategory.objects.filter(pk=category_id, is_active=True).first()
    if category is None:
        raise ValidationError({"category": [_("Choose a category.")]})
    children = list(
        Problem.objects.restrict(actor).select_for_update(of=("self",)).filter(pk__in=ids).order_by("pk")
    )
    if len(children) != len(ids):
        raise access.NotFound
    not_open = [c.number for c in children if c.status not in TRANSITIONS["merge"] or c.parent_id]
    if not_open:
        raise Conflict(_("These problems cannot be merged now: %(numbers)s") % {"numbers": ", ".join(not_open)})
    at = _now()
    unit = category.task_force
    if unit is None:
        raise ValidationError({"category": [_("No service task force covers this category.")]})
    parent = Problem.objects.create(
        number=next_number(None, at), enterprise=None, reported_by=actor, channel=Channel.COMMISSIONER,
        title=title, description=description.strip(), category=category, nature=Nature.COMMON,
        priority=max((c.priority for c in children), key=[Priority.NORMAL, Priority.HIGH, Priority.URGENT].index),
        crisis_mode=any(c.crisis_mode for c in children), status=Status.ESCALATED, tier=Tier.TASK_FORCE,
        responsible_unit=unit, reported_at=min(c.reported_at for c in children),
        deadline=min((c.deadline for c in children if c.deadline), default=None),
    )
    _open_hop(parent, Tier.TASK_FORCE, unit, actor=actor, at=at)
    _event(parent, "reported", actor=actor, before=("", ""), at=at, merged=[c.pk for c in children])
    for child in children:
        before = (child.status, child.tier)
        _close_hops(child, status=AssignmentStatus.WITHDRAWN, at=at)
        child.status, child.parent = Status.MERGED, parent
        _save(child, "status", "parent")
        _event(child, "merged", actor=actor, before=before, at=at, parent=parent.pk, parent_number=parent.number)
    return parent


@transaction.atomic
def problems_merge_into(*, actor: User, parent_id: int, problem_ids: Sequence[int]) -> Problem:
    """A task force adds more enterprises' problems to a common problem that is still being worked; they wait
    (merged) and are resolved with it, like the ones it was created from."""
    if not access.has_role(actor, Role.TASK_FORCE, Role.LEADERSHIP, Role.ADMINISTRATOR):
        raise PermissionDenied(_("Only task forces and leadership merge problems."))
    ids = sorted(set(problem_ids) - {parent_id})
    if not ids:
        raise ValidationError({"problem_ids": [_("Choose at least one problem to add.")]})
    parent = _lock(parent_id, actor, None)
    if parent.enterprise_id is not None or parent.nature != Nature.COMMON:
        raise ValidationError({"parent": [_("Problems can only be added to a common problem.")]})
    if not parent.is_open:
        raise Conflict(
            _("Common problem %(number)s is no longer open; merge into a new one instead.")
            % {"number": parent.number},
            current_version=parent.version,
        )
    children = list(
        Problem.objects.restrict(actor).select_for_update(of=("self",)).filter(pk__in=ids).order_by("pk")
    )
    if len(children) != len(ids):
        raise access.NotFound
    not_open = [c.number for c in children
                if c.status not in TRANSITIONS["merge"] or c.parent_id or c.enterprise_id is None]
    if not_open:
        raise Conflict(_("These problems cannot be merged now: %(numbers)s") % {"numbers": ", ".join(not_open)})
    at = _now()
    fields: list[str] = []
    deadlines_of_children = [c.deadline for c in children if c.deadline]
    if deadlines_of_children and (parent.deadline is None or min(deadlines_of_children) < parent.deadline):
        parent.deadline = min(deadlines_of_children)
        fields.append("deadline")
    if any(c.crisis_mode for c in children) and not parent.crisis_mode:
        parent.crisis_mode = True
        fields.append("crisis_mode")
    order = [Priority.NORMAL, Priority.HIGH, Priority.URGENT]
    highest = max((c.priority for c in children), key=order.index)
    if order.index(highest) > order.index(parent.priority):
        parent.priority = highest
        fields.append("priority")
    _save(parent, *fields)
    _event(parent, "merged_in", actor=actor, at=at, merged=[c.pk for c in children])
    for child in children:
        before = (child.status, child.tier)
        _close_hops(child, status=AssignmentStatus.WITHDRAWN, at=at)
        child.status, child.parent = Status.MERGED, parent
        _save(child, "status", "parent")
        _event(child, "merged", actor=actor, before=before, at=at, parent=parent.pk, parent_number=parent.number)
    return parent


def _resolve_children(parent: Problem, *, actor: User | None, at: datetime) -> None:
    """The common problem is resolved: every enterprise's own problem is resolved with it, to confirm."""
    for child in Problem.objects.select_for_update(of=("self",)).filter(parent=parent, status=Status.MERGED):
        before = (child.status, child.tier)
        child.tier = parent.tier
        _mark_resolved(child, actor=actor, resolution_type=parent.resolution_type, resolution=parent.resolution,
                       unit=parent.resolved_unit, at=at)
        _save(child, "status", "tier", "resolved_at", "handling_days", "resolved_tier", "resolved_unit", "resolution_type",
              "resolution", "rating", "confirmed_at", "checked_at", "warning")
        _event(child, "resolved", actor=actor, before=before, at=at, parent=parent.pk,
               resolution_type=parent.resolution_type)


# --- attachments -------------------------------------------------------------------------------

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
ATTACHMENT_TYPES = (".jpg", ".jpeg", ".png", ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".txt")


@transaction.atomic
def attachment_add(*, actor: User, problem_id: int, file: Any) -> Attachment:
    """Attach a photo, letter or approval to a problem: the enterprise, its commissioner and whoever holds it."""
    problem = _lock(problem_id, actor, None)
    involved = (
        rules.is_admin(actor)
        or rules.is_enterprise_contact(actor, problem)
        or rules.is_enterprise_commissioner(actor, problem)
        or rules.holds_responsible_unit(actor, problem)
        or _my_active_assignment(problem, actor) is not None
    )
    if not involved:
        raise PermissionDenied(_("Only those working on this problem may attach files."))
    name = (getattr(file, "name", "") or "").rsplit("/", 1)[-1][:200]
    if not name.lower().endswith(ATTACHMENT_TYPES):
        raise ValidationError({"file": [_("Attach a photo, PDF, Word, Excel or text file.")]})
    if (getattr(file, "size", 0) or 0) > MAX_ATTACHMENT_BYTES:
        raise ValidationError({"file": [_("The file is larger than 20 MB.")]})
    attachment = Attachment.objects.create(problem=problem, file=file, name=name, uploaded_by=actor)
    _save(problem)
    _event(problem, "attached", actor=actor, attachment=attachment.pk, name=name)
    return attachment
