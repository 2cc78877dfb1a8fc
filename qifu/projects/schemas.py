"""API input and output schemas of the key-project app."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Schema


class MilestoneOut(Schema):
    id: int
    name: str
    planned_date: date
    actual_date: date | None


class ProjectOut(Schema):
    id: int
    code: str
    name: str
    owner_id: int
    region_code: str
    investment: Decimal
    stage: str
    work_team_id: int
    transport_unit_id: int | None
    description: str
    version: int


class TeamMemberOut(Schema):
    id: int
    username: str
    name: str
    title: str


class ProjectDetailOut(ProjectOut):
    milestones: list[MilestoneOut]
    team: list[TeamMemberOut]


class ProjectPatchIn(Schema):
    """Only the fields sent are changed; owner, region and units only by the project's registrars."""

    name: str | None = None
    owner_id: int | None = None
    region_code: str | None = None
    investment: Decimal | None = None
    stage: str | None = None
    work_team_id: int | None = None
    transport_unit_id: int | None = None
    description: str | None = None
    version: int | None = None


class TeamMemberIn(Schema):
    username: str


class ProjectIn(Schema):
    code: str
    name: str
    owner_id: int
    region_code: str
    investment: Decimal
    work_team_id: int | None = None
    work_team_name: str = ""
    stage: str = "construction"
    transport_unit_id: int | None = None
    description: str = ""


class MilestoneIn(Schema):
    name: str
    planned_date: date
    actual_date: date | None = None
    id: int | None = None


class ItemOut(Schema):
    id: int
    number: str
    name: str
    specification: str
    quantity: int
    supplier: str
    origin: str
    region_code: str | None
    country: str
    contract_value: Decimal | None
    contract_delivery: date | None
    planned_arrival: date | None
    actual_arrival: date | None
    transport_mode: str
    route: str
    status: str
    foreign_technicians: bool
    outside_technicians: bool
    risk: str
    risk_reason: str
    suggested_risk: str
    difficulty: str
    measures: str
    milestone_id: int | None
    responsible_unit_id: int | None
    previous_supplier: str
    supplier_replaced_at: datetime | None
    version: int
    updated_at: datetime

    @staticmethod
    def resolve_region_code(obj: Any) -> str | None:
        return obj.get("region_code") if isinstance(obj, dict) else obj.region_id


class EventOut(Schema):
    code: str
    at: datetime
    actor: str
    data: dict[str, Any]


class ItemDetailOut(ItemOut):
    history: list[EventOut]


class ItemIn(Schema):
    """Fields of an item; on PATCH only those sent change. Choices as codes or labels; milestone and unit by
    id or name; region as a GB/T 2260 code; country as ISO 3166."""

    number: str | None = None
    name: str | None = None
    specification: str | None = None
    quantity: int | None = None
    supplier: str | None = None
    origin: str | None = None
    region: str | None = None
    country: str | None = None
    contract_value: Decimal | None = None
    contract_delivery: date | None = None
    planned_arrival: date | None = None
    actual_arrival: date | None = None
    transport_mode: str | None = None
    route: str | None = None
    status: str | None = None
    foreign_technicians: bool | None = None
    outside_technicians: bool | None = None
    risk: str | None = None
    risk_reason: str | None = None
    difficulty: str | None = None
    measures: str | None = None
    milestone: str | None = None
    responsible_unit: str | None = None
    version: int | None = None


class ItemFilterIn(Schema):
    q: str = ""
    status: str = ""
    risk: str = ""
    origin: str = ""
    country: str = ""
    pending: bool = False


class ArrivedIn(Schema):
    on: date | None = None


class RiskIn(Schema):
    risk: str
    reason: str = ""


class ReplaceIn(Schema):
    supplier: str
    reason: str
    origin: str | None = None
    country: str | None = None
    region: str | None = None
    planned_arrival: date | None = None
    route: str | None = None


class CountryNoteIn(Schema):
    country: str
    situation: str


class CountryNoteOut(Schema):
    country: str
    situation: str
    updated_at: datetime


class RiskViewOut(Schema):
    total: int
    by_origin: list[dict[str, Any]]
    by_status: list[dict[str, Any]]
    risk_totals: dict[str, int]
    arrived: int
    late_count: int
    late: list[dict[str, Any]]
    countries: list[dict[str, Any]]
    pending_count: int
    replacement_count: int


class LogisticsIn(Schema):
    kind: str
    title: str
    description: str = ""
    location: str = ""
    needed_at: datetime | None = None
    item_ids: list[int] = []


class LogisticsOut(Schema):
    id: int
    project_id: int
    kind: str
    problem_id: int
    problem_number: str
    problem_status: str
    location: str
    needed_at: datetime | None
    item_ids: list[int]


class PassIn(Schema):
    project_id: int
    enterprise_id: int
    plate: str
    vehicle_type: str
    driver_name: str
    route: str
    purpose: str
    valid_from: date
    valid_until: date
    driver_phone: str = ""


class PassOut(Schema):
    id: int
    number: str
    project_id: int
    enterprise_id: int
    authority_id: int
    plate: str
    vehicle_type: str
    driver_name: str
    driver_phone: str
    route: str
    purpose: str
    valid_from: date
    valid_until: date
    status: str
    reason: str
    applied_at: datetime
    decided_at: datetime | None
    revoked_at: datetime | None
    qr_content: str | None = None


class DecisionIn(Schema):
    approve: bool
    reason: str = ""


class ReasonIn(Schema):
    reason: str
