"""API schemas of the cooperation platform: separate input and output shapes."""

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema


class ListingIn(Schema):
    enterprise_id: int
    kind: str = Field(description="supply or demand")
    title: str
    category: str = Field(description="Product category, Chinese text (e.g. 防疫物资/口罩)")
    region: str = Field(description="GB/T 2260 six-digit code")
    valid_until: dt.date
    contact_name: str
    contact_phone: str
    description: str = ""
    spec: str = Field("", description="Specification or part number")
    industry: str = Field("", description="GB/T 4754 division code (optional)")
    quantity: Decimal | None = None
    unit: str = ""
    price_terms: str = ""
    publish: bool = Field(False, description="Publish at once (otherwise a draft)")


class ListingPatchIn(Schema):
    version: int = Field(description="The version you read; a stale one gets 409")
    kind: str | None = None
    title: str | None = None
    category: str | None = None
    region: str | None = None
    valid_until: dt.date | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    description: str | None = None
    spec: str | None = None
    industry: str | None = None
    quantity: Decimal | None = None
    unit: str | None = None
    price_terms: str | None = None


class ListingOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str
    kind: str
    status: str
    title: str
    description: str
    spec: str
    category: str
    industry_code: str | None
    quantity: Decimal | None
    unit: str
    price_terms: str
    region_code: str
    region_name: str
    valid_until: dt.date
    published_at: dt.datetime | None
    version: int
    contact_name: str | None = Field(None, description="Only once both sides agreed (or for the own side)")
    contact_phone: str | None = None
    photos: list[int] = []
    photo_items: list["PhotoOut"] = Field([], description="Each photo with its size and where to read it and its "
                                          "thumbnail (both through the access check)")
    highlight: dict[str, str] | None = Field(None, description="Title and snippet with <mark> around hits")


class PhotoOut(Schema):
    id: int
    name: str
    width: int
    height: int
    url: str
    thumbnail_url: str | None


ListingOut.model_rebuild()


class ActionIn(Schema):
    note: str = ""


class MatchOut(Schema):
    id: int
    demand_id: int
    supply_id: int
    demand_title: str
    supply_title: str
    demand_enterprise: str
    supply_enterprise: str
    score: float
    strong: bool
    source: str
    status: str
    interest_kind: str
    reasons: list[dict[str, Any]]
    reason_texts: list[str]
    demand_contact: dict[str, str] | None = None
    supply_contact: dict[str, str] | None = None
    deal: dict[str, Any] | None = None


class DealIn(Schema):
    quantity: Decimal = Field(ge=0)
    value: Decimal = Field(ge=0, description="Yuan")
    note: str = ""


class BrokerIn(Schema):
    demand_id: int
    supply_id: int
