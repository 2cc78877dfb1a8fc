"""Reads for enterprises, always starting from the user's scope (core.access)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from qifu.core import access, events
from qifu.organisations.choices import Role
from qifu.organisations.models import User

from .models import CommissionerAssignment, Enterprise


@dataclass(frozen=True)
class EnterpriseFilter:
    q: str = ""
    region: str = ""  # a region code: the region and everything inside it
    industry: str = ""  # a section letter or a division code
    key_only: bool = False
    above_scale: bool | None = None
    without_commissioner: bool = False
    commissioner_id: int | None = None


def _served() -> QuerySet[CommissionerAssignment]:
    """Ids of enterprises that have an active commissioner (a subquery)."""
    return CommissionerAssignment.objects.filter(ended_at__isnull=True).values("enterprise_id")


def _current_assignments() -> Prefetch:
    return Prefetch(
        "commissioner_assignments",
        queryset=CommissionerAssignment.objects.filter(ended_at__isnull=True).select_related("commissioner"),
        to_attr="current_assignments",
    )


def enterprise_list(*, user: User, filters: EnterpriseFilter | None = None) -> QuerySet[Enterprise]:
    """The enterprises the user may see, filtered, with region, industry and commissioner loaded."""
    f = filters or EnterpriseFilter()
    qs = Enterprise.objects.restrict(user, access.VIEW)
    if f.q:
        qs = qs.filter(Q(name__icontains=f.q) | Q(credit_code__icontains=f.q.upper()) | Q(address__icontains=f.q))
    if f.region:
        code = f.region.strip()
        prefix = code[:2] if code.endswith("0000") else code[:4] if code.endswith("00") else code
        qs = qs.filter(access.code_range("region_id", prefix))
    if f.industry:
        ind = f.industry.strip().upper()
        qs = qs.filter(industry__parent_id=ind) if ind.isalpha() else qs.filter(industry_id=ind)
    if f.key_only:
        qs = qs.filter(key_enterprise=True)
    if f.above_scale is not None:
        qs = qs.filter(above_scale=f.above_scale)
    if f.without_commissioner:
        qs = qs.exclude(pk__in=_served())
    if f.commissioner_id:
        qs = qs.filter(
            commissioner_assignments__commissioner_id=f.commissioner_id, commissioner_assignments__ended_at__isnull=True
        )
    return qs.select_related("region", "industry").prefetch_related(_current_assignments()).order_by("name", "id")


def enterprise_get(*, user: User, pk: int) -> Enterprise:
    """One enterprise the user may see (404 otherwise), with its contacts and commissioner."""
    qs = Enterprise.objects.select_related("region__parent__parent", "industry__parent").prefetch_related(
        _current_assignments(), "contacts"
    )
    return access.get_or_404(qs, user, access.VIEW, pk=pk)


def assignment_history(*, user: User, enterprise: Enterprise) -> QuerySet[CommissionerAssignment]:
    return (
        CommissionerAssignment.objects.restrict(user, access.VIEW)
        .filter(enterprise=enterprise)
        .select_related("commissioner__unit", "assigned_by")
        .order_by("-started_at", "-id")
    )


def enterprise_timeline(*, user: User, enterprise: Enterprise, limit: int = 50) -> list[Any]:
    """The enterprise's events; the caller has already fetched it through the user's scope."""
    return list(events.timeline(enterprise, limit))


def commissioner_candidates(*, user: User, enterprise: Enterprise) -> QuerySet[User]:
    """Active commissioners, those of the enterprise's district first."""
    return (
        User.objects.filter(is_active=True, role_grants__role=Role.COMMISSIONER)
        .select_related("unit")
        .annotate(
            serving=Count("commissioner_assignments", filter=Q(commissioner_assignments__ended_at__isnull=True))
        )
        .distinct()
        .order_by("unit__region_id", "full_name", "username")
    )


def home_overview(*, user: User) -> dict[str, Any]:
    """Figures for the home page of each role."""
    roles = access.roles(user)
    visible = Enterprise.objects.restrict(user, access.VIEW)
    totals = visible.aggregate(
        total=Count("id"),
        key=Count("id", filter=Q(key_enterprise=True)),
        above_scale=Count("id", filter=Q(above_scale=True)),
    )
    without = visible.exclude(pk__in=_served()).count()
    mine = None
    if Role.COMMISSIONER in roles:
        mine = list(
            enterprise_list(user=user, filters=EnterpriseFilter(commissioner_id=user.pk))[:20]
        )
    own = None
    if Role.ENTERPRISE_CONTACT in roles:
        own = list(Enterprise.objects.filter(contacts__user=user).select_related("region", "industry")
                   .prefetch_related(_current_assignments()))
    return {
        "roles": roles,
        "totals": totals,
        "without_commissioner": without,
        "my_enterprises": mine,
        "own_enterprises": own,
        "units": list(user.role_grants.select_related("unit").filter(unit__isnull=False)),
    }
