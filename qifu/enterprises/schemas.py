"""API schemas for enterprises: inputs (…In, …Patch) and outputs (…Out) kept apart.

Inputs only check shapes and types; the domain rules (credit code check character, known region
and industry, uniqueness, who may change what) live in the services, which answer with field errors.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from ninja import Field, Schema
from pydantic import ConfigDict, field_validator

# --- outputs ---------------------------------------------------------------------------------


class RegionRef(Schema):
    code: str
    full_name: str


class IndustryRef(Schema):
    code: str
    name: str


class UserRef(Schema):
    id: int
    name: str

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return obj.display_name


class CommissionerRef(UserRef):
    phone: str


class EnterpriseOut(Schema):
    id: int
    name: str
    credit_code: str
    region: RegionRef
    industry: IndustryRef
    above_scale: bool
    key_enterprise: bool
    is_external: bool
    headcount: int
    annual_output: float | None = Field(None, description="Annual output value (产值) in 10,000 yuan; null: unknown")
    version: int = Field(..., description="Send it back with PATCH; a stale version is refused with 409")
    commissioner: CommissionerRef | None = Field(None, description="The commissioner currently serving it")

    @staticmethod
    def resolve_commissioner(obj: Any) -> Any:
        return obj.commissioner


class ContactOut(Schema):
    id: int
    name: str
    position: str
    phone: str
    email: str
    is_primary: bool
    has_account: bool = Field(..., description="Whether the contact signs in as the enterprise's user")

    @staticmethod
    def resolve_has_account(obj: Any) -> bool:
        return obj.user_id is not None


class EnterpriseDetailOut(EnterpriseOut):
    address: str
    commissioner_since: datetime | None = None
    contacts: list[ContactOut]
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_commissioner_since(obj: Any) -> datetime | None:
        assignment = obj.active_assignment
        return assignment.started_at if assignment else None

    @staticmethod
    def resolve_contacts(obj: Any) -> list[Any]:
        return list(obj.contacts.all())


class AssignmentOut(Schema):
    id: int
    commissioner: CommissionerRef
    commissioner_unit: str | None = None
    started_at: datetime
    ended_at: datetime | None = None
    active: bool
    assigned_by: UserRef | None = None
    reason: str

    @staticmethod
    def resolve_commissioner_unit(obj: Any) -> str | None:
        unit = obj.commissioner.unit
        return unit.name if unit else None

    @staticmethod
    def resolve_active(obj: Any) -> bool:
        return obj.ended_at is None


class EventOut(Schema):
    id: int
    code: str = Field(..., description="What happened, e.g. enterprise.updated")
    actor: UserRef | None = None
    actor_label: str = Field(..., description="The job that acted, when no person did")
    data: dict[str, Any]
    created_at: datetime


# --- inputs ----------------------------------------------------------------------------------


class EnterpriseIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str
    credit_code: str = Field(..., description="Unified social credit code (GB 32100-2015), 18 characters")
    region: str = Field(..., description="GB/T 2260 code of a region, e.g. 510112")
    industry: str = Field(..., description="GB/T 4754-2017 division code, e.g. 36")
    above_scale: bool = False
    key_enterprise: bool = False
    address: str = ""
    headcount: int = 0
    annual_output: float | None = Field(None, ge=0, description="Annual output value in 10,000 yuan (万元)")
    is_external: bool = False


class EnterprisePatch(Schema):
    """Only the fields sent change; ``null`` also means unchanged."""

    model_config = ConfigDict(extra="forbid")

    version: int = Field(..., ge=1, description="The version the change is based on")
    name: str | None = None
    credit_code: str | None = None
    region: str | None = None
    industry: str | None = None
    above_scale: bool | None = None
    key_enterprise: bool | None = None
    address: str | None = None
    headcount: int | None = None
    annual_output: float | None = Field(None, ge=0)
    is_external: bool | None = None

    def changes(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True, exclude_none=True, exclude={"version"})


class CommissionerAssignIn(Schema):
    model_config = ConfigDict(extra="forbid")

    commissioner_id: int
    reason: str = Field("", max_length=255)


class ContactIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(..., max_length=64)
    position: str = Field("", max_length=64)
    phone: str = Field("", max_length=32)
    email: str = Field("", max_length=254)
    is_primary: bool = False

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        value = value.strip()
        if value:
            try:
                validate_email(value)
            except DjangoValidationError:
                raise ValueError("Enter a valid email address.") from None
        return value


class EnterpriseFilterIn(Schema):
    q: str = Field("", description="Part of the name, credit code or address")
    region: str = Field("", description="A region code: the region and everything inside it")
    industry: str = Field("", description="A section letter (e.g. C) or a division code (e.g. 36)")
    key_only: bool = Field(False, description="Only key enterprises")
    above_scale: bool | None = Field(
        None, description="Only enterprises above (true) or below (false) designated size"
    )
    without_commissioner: bool = Field(False, description="Only enterprises no commissioner serves")
    commissioner_id: int | None = Field(None, description="Only the enterprises this commissioner serves")
