"""API schemas of the supply chain: separate input and output shapes. Days are numbers; null means
infinite (no blocked supplier can stop the plant, or an alternative source covers the supplier)."""

import datetime as dt

from ninja import Field, Schema


class LinkIn(Schema):
    buyer_id: int
    supplier_id: int
    part: str
    stock_days: float = Field(ge=0, description="The buyer's stock of the part, in days")
    critical: bool = True
    has_alternative: bool = False
    alternative_lead_days: float | None = Field(None, ge=0)
    share: int | None = Field(None, ge=0, le=100, description="Share of the buyer's need, in percent")


class LinkPatchIn(Schema):
    version: int | None = None
    part: str
    stock_days: float = Field(ge=0)
    critical: bool = True
    has_alternative: bool = False
    alternative_lead_days: float | None = Field(None, ge=0)
    share: int | None = Field(None, ge=0, le=100)


class LinkOut(Schema):
    id: int
    buyer_id: int
    supplier_id: int
    part: str
    critical: bool
    stock_days: float
    has_alternative: bool
    alternative_lead_days: float | None
    share: int | None
    version: int


class RaiseIn(Schema):
    supplier_id: int
    date: dt.date | None = None


class RaisedOut(Schema):
    id: int
    plant_id: int
    supplier_id: int
    problem_id: int
    problem_number: str
    problem_status: str
    problem_tier: str
    responsible_unit: str | None
    level: str
    target_unit: str | None
    days_to_stop: float | None


class SupplierOut(Schema):
    id: int
    name: str
    credit_code: str
    region_code: str
    external: bool
    tier: int
    status: str
    status_date: dt.date | None
    blocked: bool
    tts_days: float | None = Field(description="Days the plant survives while this supplier is down (null: never stops)")
    gap_days: float | None = Field(description="Days without the part when the alternative arrives after the stock")
    rank: int | None
    level: str
    via: list[str]
    problem: RaisedOut | None
    health_event_since: dt.datetime | None = Field(
        description="An open health event (suspected case) at this supplier, reported then; null: none")


class AnalysisOut(Schema):
    plant_id: int
    plant_name: str
    date: dt.date
    plant_status: str
    days_to_stop: float | None
    bottleneck_id: int | None
    supplier_total: int = Field(description="Suppliers at every tier (the figures above are computed over all)")
    blocked_total: int = Field(description="Of them, not resumed")
    count: int = Field(description="Suppliers matching show and q (all pages)")
    page: int
    page_size: int
    suppliers: list[SupplierOut] = Field(description="This page of them, in the order asked (critical: blocked by "
                                                     "rank, then the fewest days the plant would survive without them)")
    method: list[str]


class PlantOut(Schema):
    plant_id: int
    plant_name: str
    region_code: str
    days_to_stop: float | None
    bottleneck_id: int | None
    blocked: int = Field(description="Blocked suppliers at any tier that can stop it on their own")
    suppliers: int = Field(description="Its direct suppliers")
    annual_output: float | None = Field(description="The plant's annual output in 10,000 yuan (null: unknown)")


class BlockerOut(Schema):
    supplier_id: int
    supplier_name: str
    region_code: str
    external: bool
    status: str
    plants: int = Field(description="Plants it alone stops if it stays down")
    output: float = Field(description="Annual output of those plants, 10,000 yuan (unknown outputs count 0)")
    unknown_output: int = Field(description="How many of those plants have no known output")
    employees: int
    soonest_days: float | None
    without_problem: int = Field(description="Of those plants, how many have no open problem raised for it")


class RegionOut(Schema):
    date: dt.date
    within_days: int
    rank: str = Field(description="plants: most plants first, then output; output: most output first")
    blocker_count: int
    unraised_count: int
    plants: list[PlantOut]
    stopping: list[PlantOut]
    blockers: list[BlockerOut]
    unraised: list[BlockerOut]
    method: list[str]
