"""Reads for deadline extensions (延期): a problem's requests, and the requests waiting for the user's decision.
Who decides is ledger.rules.may_decide_extension; ``to_decide`` is the same rule as one query."""

from __future__ import annotations

from django.db.models import OuterRef, Q, QuerySet, Subquery

from qifu.core import access
from qifu.organisations.choices import Role
from qifu.organisations.models import User

from . import rules
from .choices import TRANSITIONS, ExtensionStatus, Tier
from .models import Assignment, DeadlineExtension, Problem


def may_decide_any(user: User) -> bool:
    """Whose work includes deciding extensions: the tiers above someone (for the list page and its link)."""
    return rules.is_admin(user) or access.has_role(user, Role.LEADERSHIP, Role.COMMAND_CENTER, Role.TASK_FORCE)


def problem_extensions(*, problem: Problem) -> list[DeadlineExtension]:
    """A problem's requests, newest first (the caller fetched the problem through the user's scope)."""
    return list(
        DeadlineExtension.objects.filter(problem=problem)
        .select_related("requested_by", "decided_by", "assignment__unit")
        .order_by("-requested_at", "-id")
    )


def decidable(*, user: User, problem: Problem, extensions: list[DeadlineExtension]) -> set[int]:
    """The pending requests among ``extensions`` that ``user`` may grant or refuse now."""
    return {
        e.pk for e in extensions
        if e.status == ExtensionStatus.PENDING
        and rules.possible("decide_extension", user, problem, e.assignment)
    }


def to_decide(*, user: User) -> QuerySet[DeadlineExtension]:
    """Pending requests the user may decide (待审批延期), oldest first: rules.may_decide_extension in SQL."""
    qs = DeadlineExtension.objects.restrict(user, access.VIEW).filter(
        status=ExtensionStatus.PENDING, problem__status__in=TRANSITIONS["decide_extension"]
    )
    if not (rules.is_admin(user) or access.has_role(user, Role.LEADERSHIP)):
        cond = access.NOTHING
        units = {g.unit_id for g in access.grants(user)
                 if g.role in (Role.COMMAND_CENTER, Role.TASK_FORCE, Role.LEADERSHIP) and g.unit_id}
        if units:
            dispatcher = Subquery(
                Assignment.objects.filter(problem_id=OuterRef("problem_id")).exclude(tier=Tier.DEPARTMENT)
                .order_by("-assigned_at", "-id").values("unit_id")[:1]
            )
            qs = qs.annotate(dispatcher_unit=dispatcher)
            cond |= Q(assignment__tier=Tier.DEPARTMENT, dispatcher_unit__in=units)
        at_commissioner = Q(problem__tier=Tier.COMMISSIONER) & (
            Q(assignment__isnull=True) | ~Q(assignment__tier=Tier.DEPARTMENT)
        )
        district = access.NOTHING
        for prefix in sorted(set(access.region_prefixes(user, Role.COMMAND_CENTER))):
            district |= Q(problem__enterprise__region__code__startswith=prefix)
        if district != access.NOTHING:
            cond |= at_commissioner & district
        if cond == access.NOTHING:
            return qs.none()
        qs = qs.filter(cond)
    return qs.select_related(
        "problem__enterprise__region", "problem__responsible_unit", "requested_by", "assignment__unit"
    ).order_by("requested_at", "id")
