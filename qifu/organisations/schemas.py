"""API schemas for reference data and the organisation: inputs (…In) and outputs (…Out) kept apart."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Schema
from pydantic import ConfigDict

from qifu.core import access

# --- outputs ---------------------------------------------------------------------------------


class RegionOut(Schema):
    code: str = Field(..., description="GB/T 2260 six-digit code")
    name: str
    full_name: str
    level: int = Field(..., description="1 province, 2 prefecture-level city, 3 district / county")
    parent_code: str | None = Field(None, description="Code of the enclosing region")

    @staticmethod
    def resolve_parent_code(obj: Any) -> str | None:
        return obj.parent_id


class RegionDetailOut(RegionOut):
    parents: list[RegionOut] = Field(..., description="The enclosing regions, outermost first")

    @staticmethod
    def resolve_parents(obj: Any) -> list[Any]:
        chain = []
        parent = obj.parent
        while parent is not None:
            chain.append(parent)
            parent = parent.parent
        return list(reversed(chain))


class IndustryOut(Schema):
    code: str = Field(..., description="GB/T 4754-2017 section letter or two-digit division code")
    name: str
    level: int = Field(..., description="1 section (门类), 2 division (大类)")
    parent_code: str | None = Field(None, description="The section of a division")

    @staticmethod
    def resolve_parent_code(obj: Any) -> str | None:
        return obj.parent_id


class IndustryDetailOut(IndustryOut):
    parent: IndustryOut | None = None
    children: list[IndustryOut] = Field(..., description="The divisions of a section (empty for a division)")

    @staticmethod
    def resolve_children(obj: Any) -> list[Any]:
        return list(obj.children.all())


class UnitRef(Schema):
    id: int
    name: str
    kind: str


class SectionOut(Schema):
    id: int
    name: str


class UnitOut(Schema):
    id: int
    name: str
    short_name: str
    code: str
    kind: str
    region_code: str
    region_name: str
    parent_id: int | None = None
    domain: str
    coordination_role: str = Field(
        ...,
        description="What the unit coordinates for its region: economic_department (the province's economic "
        "department, supply-chain coordination inside the province), cross_province_office, or empty",
    )
    is_active: bool

    @staticmethod
    def resolve_region_code(obj: Any) -> str:
        return obj.region_id

    @staticmethod
    def resolve_region_name(obj: Any) -> str:
        return obj.region.full_name


class MemberOut(Schema):
    id: int
    username: str
    full_name: str
    title: str
    phone: str
    section_id: int | None = None
    is_active: bool


class UnitDetailOut(UnitOut):
    sections: list[SectionOut]
    member_count: int = Field(
        ..., description="Active users of the unit (by their unit or a role held in it)"
    )
    members: list[MemberOut] = Field(..., description="The members the caller may see (may be empty)")

    @staticmethod
    def resolve_sections(obj: Any) -> list[Any]:
        return list(obj.sections.all())

    @staticmethod
    def resolve_members(obj: Any) -> list[Any]:
        # Set by the endpoint from the caller's user scope; never the unfiltered relation.
        return obj.visible_members


class RoleOut(Schema):
    role: str
    unit_id: int | None = None
    unit_name: str | None = None
    unit_kind: str | None = None

    @staticmethod
    def resolve_unit_name(obj: Any) -> str | None:
        return obj.unit.name if obj.unit_id else None

    @staticmethod
    def resolve_unit_kind(obj: Any) -> str | None:
        return obj.unit.kind if obj.unit_id else None


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    email: str
    phone: str
    title: str
    roles: list[RoleOut]
    unit: UnitRef | None = None
    section: SectionOut | None = None
    capabilities: list[str] = Field(
        ..., description="Permissions not tied to one object, e.g. enterprise.add"
    )

    @staticmethod
    def resolve_roles(obj: Any) -> list[Any]:
        return list(obj.role_grants.select_related("unit").order_by("role", "unit_id"))

    @staticmethod
    def resolve_capabilities(obj: Any) -> list[str]:
        return sorted(c for c in access.CAPABILITIES if access.can(obj, c))


class TokenOut(Schema):
    id: int
    name: str
    prefix: str = Field(..., description="The first characters of the token, to recognise it")
    created_at: datetime
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None


class TokenCreatedOut(TokenOut):
    token: str = Field(..., description="The bearer token itself; shown only this once")


# --- inputs ----------------------------------------------------------------------------------


class TokenIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(..., description="What the token is for", min_length=1, max_length=64)


class UnitCoordinationIn(Schema):
    model_config = ConfigDict(extra="forbid")

    coordination_role: str = Field(
        ..., description="economic_department, cross_province_office, or an empty string for none", max_length=32
    )
