"""Reads for the organisation, always through core.access."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from qifu.core import access
from qifu.enterprises.models import Enterprise

from .models import Region, Unit, User


def unit_list(*, user: User, kind: str = "", q: str = "") -> QuerySet[Unit]:
    qs = Unit.objects.restrict(user, access.VIEW).filter(is_active=True).select_related("region", "parent")
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(short_name__icontains=q) | Q(domain__icontains=q))
    return qs.annotate(member_count=Count("members", distinct=True)).order_by("kind", "sort_order", "code")


def unit_get(*, user: User, pk: int) -> Unit:
    qs = Unit.objects.select_related("region", "parent").prefetch_related("sections", "children")
    return access.get_or_404(qs, user, access.VIEW, pk=pk)


def unit_members(*, user: User, unit: Unit) -> QuerySet[User]:
    """Members of the unit that the viewer may see (none for enterprise contacts)."""
    return (
        User.objects.restrict(user, access.VIEW)
        .filter(Q(unit=unit) | Q(role_grants__unit=unit), is_active=True)
        .select_related("section")
        .prefetch_related("role_grants")
        .distinct()
        .order_by("section__name", "full_name", "username")
    )


def unit_enterprise_count(*, user: User, unit: Unit) -> int | None:
    """For a unit with a region scope (command center, bureau): the visible enterprises in its region."""
    if unit.kind not in ("command_center", "economic_bureau", "headquarters"):
        return None
    prefix = unit.region.code_prefix
    return Enterprise.objects.restrict(user, access.VIEW).filter(access.code_range("region_id", prefix)).count()


def region_children(*, parent: str | None) -> QuerySet[Region]:
    """Regions directly under ``parent`` (provinces when None); reference data, readable by all signed-in users."""
    qs = Region.objects.all()
    return qs.filter(parent_id=parent) if parent else qs.filter(parent__isnull=True)


def region_path(code: str) -> list[Region]:
    """The region and its ancestors, province first."""
    path: list[Region] = []
    region = Region.objects.select_related("parent__parent").filter(code=code).first()
    while region is not None:
        path.insert(0, region)
        region = region.parent
    return path


def profile(*, user: User) -> dict[str, Any]:
    return {
        "grants": list(user.role_grants.select_related("unit")),
        "tokens": list(user.api_tokens.filter(revoked_at__isnull=True)),
    }
