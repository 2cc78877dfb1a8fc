"""API for the caller, reference data (regions, industries), units and API tokens.

Thin endpoints: parse, read through the caller's scope (core.access) or call one service, render.
"""

# No "from __future__ import annotations" here: ninja reads the parameter annotations at import time.
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.pagination import PageNumberPagination, paginate

from qifu.core import access

from . import selectors, services
from .models import ApiToken, Industry, Region, Unit, User
from .schemas import (
    IndustryDetailOut,
    IndustryOut,
    MeOut,
    RegionDetailOut,
    RegionOut,
    TokenCreatedOut,
    TokenIn,
    TokenOut,
    UnitCoordinationIn,
    UnitDetailOut,
    UnitOut,
)

router = Router(tags=["organisation"])

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


def auth_user(request: HttpRequest) -> User:
    """The user the request authenticated as (by bearer token or session)."""
    return request.auth  # type: ignore[attr-defined]


def region_prefix(code: str) -> str:
    """The code prefix shared by a region and everything inside it (510000 → 51, 510100 → 5101)."""
    code = code.strip()
    if len(code) == 6 and code.endswith("0000"):
        return code[:2]
    if len(code) == 6 and code.endswith("00"):
        return code[:4]
    return code


# --- the caller ------------------------------------------------------------------------------


@router.get("/me", response=MeOut, summary="The caller: roles, unit, section and capabilities")
def me(request: HttpRequest) -> Any:
    return auth_user(request)


# --- regions and industries ------------------------------------------------------------------


@router.get("/regions", response=list[RegionOut], tags=["reference data"], summary="List regions (GB/T 2260)")
@paginate(PageNumberPagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def region_list(
    request: HttpRequest,
    parent: str | None = Query(None, description="Only the regions directly inside this region code"),
    level: int | None = Query(None, ge=1, le=3, description="1 province, 2 city, 3 district / county"),
    q: str = Query("", description="Part of the name"),
) -> QuerySet[Region]:
    qs = access.scoped(Region, auth_user(request))
    if parent:
        qs = qs.filter(parent_id=parent.strip())
    if level is not None:
        qs = qs.filter(level=level)
    if q.strip():
        qs = qs.filter(Q(name__icontains=q.strip()) | Q(full_name__icontains=q.strip()))
    return qs.order_by("code")


@router.get(
    "/regions/{code}",
    response=RegionDetailOut,
    tags=["reference data"],
    summary="One region with its parents",
)
def region_detail(request: HttpRequest, code: str) -> Any:
    return access.get_or_404(Region.objects.select_related("parent__parent"), auth_user(request), code=code)


@router.get(
    "/industries",
    response=list[IndustryOut],
    tags=["reference data"],
    summary="List industries (GB/T 4754-2017)",
)
@paginate(PageNumberPagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def industry_list(
    request: HttpRequest,
    level: int | None = Query(None, ge=1, le=2, description="1 section (门类), 2 division (大类)"),
    parent: str | None = Query(None, description="Only the divisions of this section letter"),
) -> QuerySet[Industry]:
    qs = access.scoped(Industry, auth_user(request))
    if level is not None:
        qs = qs.filter(level=level)
    if parent:
        qs = qs.filter(parent_id=parent.strip().upper())
    return qs.order_by("code")


@router.get(
    "/industries/{code}",
    response=IndustryDetailOut,
    tags=["reference data"],
    summary="One industry with its section or divisions",
)
def industry_detail(request: HttpRequest, code: str) -> Any:
    qs = Industry.objects.select_related("parent").prefetch_related("children")
    return access.get_or_404(qs, auth_user(request), code=code.strip().upper())


# --- units -----------------------------------------------------------------------------------


@router.get("/units", response=list[UnitOut], summary="List active units")
@paginate(PageNumberPagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def unit_list(
    request: HttpRequest,
    kind: str = Query("", description="A unit kind, e.g. command_center"),
    region: str = Query("", description="A region code: units in it and everything inside it"),
    q: str = Query("", description="Part of the name, short name or domain"),
    coordination_role: str = Query("", description="A coordination role, e.g. economic_department"),
) -> QuerySet[Unit]:
    qs = selectors.unit_list(user=auth_user(request), kind=kind.strip(), q=q.strip())
    if coordination_role.strip():
        qs = qs.filter(coordination_role=coordination_role.strip())
    if region.strip():
        qs = qs.filter(region__code__startswith=region_prefix(region))
    return qs


@router.get("/units/{unit_id}", response=UnitDetailOut, summary="One unit with its sections and members")
def unit_detail(request: HttpRequest, unit_id: int) -> Any:
    user = auth_user(request)
    unit = selectors.unit_get(user=user, pk=unit_id)
    # Counted over everyone in the unit (by their unit or a role held there), visible or not.
    unit.member_count = (
        User.objects.filter(Q(unit=unit) | Q(role_grants__unit=unit), is_active=True).distinct().count()
    )
    # Only the members the caller may see as users: empty unless they may view this unit's people.
    unit.visible_members = list(selectors.unit_members(user=user, unit=unit))
    return unit


@router.patch(
    "/units/{unit_id}",
    response=UnitOut,
    summary="Set the unit's coordination role (administrators; one active unit per region and role)",
)
def unit_update(request: HttpRequest, unit_id: int, payload: UnitCoordinationIn) -> Any:
    services.unit_set_coordination_role(
        actor=auth_user(request), unit_id=unit_id, role=payload.coordination_role
    )
    return selectors.unit_get(user=auth_user(request), pk=unit_id)


# --- API tokens ------------------------------------------------------------------------------


@router.get(
    "/tokens", response=list[TokenOut], tags=["tokens"], summary="The caller's API tokens (never the token)"
)
def token_list(request: HttpRequest) -> Any:
    return access.scoped(ApiToken, auth_user(request)).order_by("-created_at", "-id")


@router.post(
    "/tokens",
    response={201: TokenCreatedOut},
    tags=["tokens"],
    summary="Issue an API token for the caller; the token is shown only in this response",
)
def token_create(request: HttpRequest, payload: TokenIn) -> Any:
    token, raw = services.token_create(actor=auth_user(request), name=payload.name)
    return Status(201, {**TokenOut.model_validate(token).model_dump(), "token": raw})


@router.delete(
    "/tokens/{token_id}", response=TokenOut, tags=["tokens"], summary="Revoke one of the caller's tokens"
)
def token_revoke(request: HttpRequest, token_id: int) -> Any:
    return services.token_revoke(actor=auth_user(request), token_id=token_id)
