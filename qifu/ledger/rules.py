"""Who may make which transition on a problem. Pure role-and-relation checks, used by the services
(which also check the status against choices.TRANSITIONS) and by the pages to show only possible actions."""

from __future__ import annotations

from typing import Any

from qifu.core import access
from qifu.organisations.choices import Role

from .choices import ACTIVE_ASSIGNMENT, TRANSITIONS, Tier
from .models import Assignment, Problem


def _unit_ids(user: Any, *roles: str) -> set[int]:
    return {g.unit_id for g in access.grants(user) if g.role in roles and g.unit_id}


def is_admin(user: Any) -> bool:
    return access.has_role(user, Role.ADMINISTRATOR)


def is_enterprise_commissioner(user: Any, problem: Problem) -> bool:
    """The enterprise's active commissioner, or the commissioner who first received the problem (首接负责)."""
    if not access.has_role(user, Role.COMMISSIONER):
        return False
    if problem.first_receiver_id == user.pk:
        return True
    if problem.enterprise_id is None:
        return False
    from qifu.enterprises.models import CommissionerAssignment

    return CommissionerAssignment.objects.filter(
        enterprise_id=problem.enterprise_id, commissioner=user, ended_at__isnull=True
    ).exists()


def is_enterprise_contact(user: Any, problem: Problem) -> bool:
    if problem.enterprise_id is None or not access.has_role(user, Role.ENTERPRISE_CONTACT):
        return False
    from qifu.enterprises.models import EnterpriseContact

    return EnterpriseContact.objects.filter(enterprise_id=problem.enterprise_id, user=user).exists()


def holds_responsible_unit(user: Any, problem: Problem) -> bool:
    """Staff of the command center, task force or leadership task force where the problem now sits."""
    if problem.responsible_unit_id is None:
        return False
    return problem.responsible_unit_id in _unit_ids(user, Role.COMMAND_CENTER, Role.TASK_FORCE, Role.LEADERSHIP)


def holds_assignment(user: Any, assignment: Assignment | None) -> bool:
    """Department staff of the unit an active assignment points at."""
    if assignment is None or assignment.status not in ACTIVE_ASSIGNMENT:
        return False
    return assignment.unit_id in _unit_ids(user, Role.DEPARTMENT)


def is_supervisor(user: Any, problem: Problem) -> bool:
    """Those who chase (催办): leadership, the district's command center, the unit that dispatched it."""
    if access.has_role(user, Role.LEADERSHIP, Role.ADMINISTRATOR):
        return True
    if problem.enterprise_id and access.region_in_scope(user, problem.enterprise.region_id, Role.COMMAND_CENTER):
        return True
    return holds_responsible_unit(user, problem)


def dispatcher_unit_id(problem: Problem) -> int | None:
    """The command center, task force or leadership task force that assigned the departments."""
    return (
        Assignment.objects.filter(problem=problem)
        .exclude(tier=Tier.DEPARTMENT)
        .order_by("-assigned_at", "-id")
        .values_list("unit_id", flat=True)
        .first()
    )


def may_decide_extension(user: Any, problem: Problem, assignment: Assignment | None) -> bool:
    """The tier above grants extensions: the dispatching unit for a department's hop, leadership above that."""
    if is_admin(user) or access.has_role(user, Role.LEADERSHIP):
        return True
    if assignment is not None and assignment.tier == Tier.DEPARTMENT:
        dispatcher = dispatcher_unit_id(problem)
        return dispatcher is not None and dispatcher in _unit_ids(
            user, Role.COMMAND_CENTER, Role.TASK_FORCE, Role.LEADERSHIP
        )
    if problem.tier == Tier.COMMISSIONER and problem.enterprise_id:
        return access.region_in_scope(user, problem.enterprise.region_id, Role.COMMAND_CENTER)
    return False


def may_merge(user: Any) -> bool:
    """Service task forces and leadership group many enterprises' problems into common problems."""
    return is_admin(user) or access.has_role(user, Role.TASK_FORCE, Role.LEADERSHIP)


def may_report(user: Any, enterprise: Any) -> bool:
    """The enterprise itself, its commissioner, its district's command center, or an administrator."""
    from qifu.enterprises.models import CommissionerAssignment, EnterpriseContact

    if is_admin(user) or access.region_in_scope(user, enterprise.region_id, Role.COMMAND_CENTER):
        return True
    if access.has_role(user, Role.COMMISSIONER) and CommissionerAssignment.objects.filter(
        enterprise=enterprise, commissioner=user, ended_at__isnull=True
    ).exists():
        return True
    return access.has_role(user, Role.ENTERPRISE_CONTACT) and EnterpriseContact.objects.filter(
        enterprise=enterprise, user=user
    ).exists()


def may_report_routed(user: Any, enterprise: Any) -> bool:
    """Sending a new problem straight to a coordination level (services.problem_report_routed) is for those who
    answer for the enterprise to the government — administrators, its district's command center, its active
    commissioner — not for the enterprise itself, whose problems start with its commissioner."""
    from qifu.enterprises.models import CommissionerAssignment

    if is_admin(user) or access.region_in_scope(user, enterprise.region_id, Role.COMMAND_CENTER):
        return True
    return access.has_role(user, Role.COMMISSIONER) and CommissionerAssignment.objects.filter(
        enterprise=enterprise, commissioner=user, ended_at__isnull=True
    ).exists()


def may_file_return(user: Any, unit: Any) -> bool:
    """A unit's return sheet (定期报送) is for its own staff, and administrators."""
    return is_admin(user) or unit.pk in access.unit_ids(user)


def allowed(action: str, user: Any, problem: Problem, assignment: Assignment | None = None) -> bool:
    """May ``user`` take ``action`` on ``problem`` (ignoring its status; see ``possible``)?"""
    if action not in TRANSITIONS:
        return False
    if action in ("expire_confirmation", "escalate_overdue"):
        return False  # jobs only
    if is_admin(user) and action not in ("confirm",):
        return True
    if action in ("accept", "resolve_on_site", "escalate", "check"):
        return is_enterprise_commissioner(user, problem)
    if action == "confirm":
        return is_enterprise_contact(user, problem)
    if action == "dispatch":
        return holds_responsible_unit(user, problem)
    if action in ("acknowledge", "return"):
        return holds_assignment(user, assignment)
    if action == "resolve":
        return holds_assignment(user, assignment) if assignment is not None else holds_responsible_unit(user, problem)
    if action in ("report_progress", "request_extension"):
        return (
            holds_assignment(user, assignment)
            or holds_responsible_unit(user, problem)
            or (problem.tier == Tier.COMMISSIONER and is_enterprise_commissioner(user, problem))
        )
    if action == "chase":
        return is_supervisor(user, problem)
    if action == "decide_extension":
        return may_decide_extension(user, problem, assignment)
    if action == "merge":
        return may_merge(user)
    return False


def possible(action: str, user: Any, problem: Problem, assignment: Assignment | None = None) -> bool:
    """Allowed for this user AND legal from the problem's current status."""
    return problem.status in TRANSITIONS.get(action, ()) and allowed(action, user, problem, assignment)
