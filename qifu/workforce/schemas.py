"""API schemas of the workforce return: separate input and output shapes."""

import datetime as dt
from typing import Any

from ninja import Field, Schema

from qifu.core.schemas import ImportReportOut


class GroupIn(Schema):
    origin: str = Field(description="GB/T 2260 code of the origin county (or province)")
    expected: int = Field(ge=0, description="Workers from there before the holiday")
    at_origin: int = 0
    travelling: int = 0
    arrived: int = 0
    observation: int = 0
    at_work: int = 0
    not_returning: int = 0


class GroupMoveIn(Schema):
    origin: str
    from_state: str
    to_state: str
    count: int


class GroupOut(Schema):
    origin: str
    origin_name: str
    expected: int
    at_origin: int
    travelling: int
    arrived: int
    observation: int
    at_work: int
    not_returning: int


class RosterOut(Schema):
    enterprise_id: int
    enterprise_name: str
    totals: dict[str, int]
    by_province: list[dict[str, Any]]
    groups: list[GroupOut]
    named_workers: int


class WorkerOut(Schema):
    id: int
    name: str
    phone: str
    id_number: str
    origin: str
    origin_name: str
    job: str
    state: str
    trip_id: int | None


class WorkersOut(Schema):
    unmasked: bool = Field(description="True only for the enterprise itself and the health authority (logged)")
    items: list[WorkerOut]


class WorkerMoveIn(Schema):
    state: str


class DayOut(Schema):
    date: dt.date
    on_site: int
    rate: float | None
    by_province: dict[str, int]


class FiguresOut(Schema):
    baseline: int
    baseline_by_province: dict[str, int]
    provinces: list[list[str]]
    days: list[DayOut]


class PlanIn(Schema):
    date: dt.date
    seats: int = 45


class DecisionIn(Schema):
    approve: bool
    note: str = ""


class PlanOut(Schema):
    id: int
    enterprise_id: int
    date: dt.date
    seats: int
    status: str
    bus_count: int
    lower_bound_buses: int
    distance_km: float
    lower_bound_km: float
    method: str
    result: dict[str, Any]
    created_at: dt.datetime
    decided_at: dt.datetime | None
    note: str


class TripOut(Schema):
    id: int
    plan_id: int
    enterprise_id: int
    number: int
    date: dt.date
    seats: int
    passengers: int
    pickups: list[list[Any]]
    distance_km: float
    state: str
    departed_at: dt.datetime | None
    arrived_at: dt.datetime | None


class RequestIn(Schema):
    kind: str = Field(description="transport (a trip the enterprise cannot arrange) or lodging (lodging refused)")
    title: str
    description: str = ""
    origin: str = ""
    workers: int | None = None


class ProblemRefOut(Schema):
    problem_id: int
    number: str


class ShuttleIn(Schema):
    lodging: str
    departs: dt.time
    returns: dt.time | None = None
    seats: int


class RuleIn(Schema):
    rule: str
    shuttles: list[ShuttleIn] = []
    problem_id: int | None = Field(None, description="The ledger problem the rule settled (towns refusing lodging)")


class MembersIn(Schema):
    enterprise_ids: list[int] = Field(description="Enterprises besides the owner whose rosters make up the project's")


class ShuttleOut(Schema):
    lodging: str
    departs: dt.time
    returns: dt.time | None
    seats: int


class ProjectOut(Schema):
    id: int = Field(description="The key project (projects.KeyProject)")
    code: str
    name: str
    region_code: str
    owner_id: int
    lodging_rule: str
    rule_agreed_at: dt.datetime | None
    rule_problem_id: int | None
    enterprise_ids: list[int]
    shuttles: list[ShuttleOut]
    totals: dict[str, int]


class HealthEventIn(Schema):
    enterprise_id: int
    person_name: str
    description: str
    phone: str = ""
    id_number: str = ""
    customer_ids: list[int] = []


class StepIn(Schema):
    kind: str
    at: dt.datetime
    result: str = "pending"
    note: str = ""


class CloseIn(Schema):
    status: str = Field(description="cleared (negative) or confirmed")
    outcome: str


class StepOut(Schema):
    kind: str
    at: dt.datetime
    result: str
    note: str


class HealthEventOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str
    person_name: str
    phone: str
    id_number: str
    description: str
    status: str
    reported_at: dt.datetime
    closed_at: dt.datetime | None
    outcome: str
    notified: list[str]
    customer_ids: list[int]
    steps: list[StepOut]


class WarningOut(Schema):
    event_id: int
    enterprise: str = Field(description="The enterprise where the suspected case is (the enterprise or a supplier)")
    reported_at: dt.datetime
    kind: str = Field(description="own: at the enterprise itself; supplier: at one of its suppliers")
    tier: int = Field(description="0 for its own; 1 for a direct supplier, 2 for a supplier's supplier, …")


class WorkerImportReportOut(ImportReportOut):
    not_returning: int = Field(description="Workers still at origin left off the list: marked not returning")
    removed: int = Field(description="Workers already back left off the list: removed")
