"""API schemas of work resumption: separate input and output shapes."""

import datetime as dt
from typing import Any

from ninja import Field, Schema


class ReportIn(Schema):
    enterprise_id: int
    date: dt.date
    status: str = Field(description="not_resumed, partly, resumed or full")
    employees_expected: int = Field(ge=0)
    employees_on_duty: int = Field(ge=0)
    capacity: int = Field(ge=0, description="Capacity utilisation in percent, 0–150")
    obstacle: str = ""
    problem_id: int | None = None
    remarks: str = ""


class ReportOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str
    date: dt.date
    status: str
    employees_expected: int
    employees_on_duty: int
    capacity: int
    obstacle: str
    problem_id: int | None
    remarks: str
    region_code: str
    industry_code: str
    channel: str
    reported_by_id: int | None
    reported_at: dt.datetime
    is_current: bool
    superseded_at: dt.datetime | None

    @staticmethod
    def resolve_enterprise_name(obj: object) -> str:
        return obj.enterprise.name  # type: ignore[attr-defined]

    @staticmethod
    def resolve_region_code(obj: object) -> str:
        return obj.region_id  # type: ignore[attr-defined]

    @staticmethod
    def resolve_industry_code(obj: object) -> str:
        return obj.industry_id  # type: ignore[attr-defined]


class ReportFilterIn(Schema):
    date: dt.date | None = None
    enterprise_id: int | None = None
    history: bool = Field(False, description="Include reports replaced by a later one the same day")


class FigureOut(Schema):
    enterprises: int
    reported: int
    not_reported: int
    not_resumed: int
    partly: int
    resumed: int
    full: int
    resumed_any: int
    employees_expected: int
    employees_on_duty: int
    capacity_sum: int
    resumption_rate: float | None
    return_rate: float | None
    capacity_rate: float | None
    report_rate: float | None
    full_rate: float | None


class GroupOut(FigureOut):
    key: str
    label: str


class DayOut(FigureOut):
    date: dt.date


class EnterpriseDayOut(Schema):
    """An enterprise with its current report on the day (read from ``selectors.with_report``)."""

    id: int
    name: str
    credit_code: str
    region_code: str
    industry_code: str
    key_enterprise: bool
    status: str | None
    employees_on_duty: int | None
    employees_expected: int | None
    capacity: int | None

    @staticmethod
    def resolve_region_code(obj: Any) -> str:
        return obj["region_code"] if isinstance(obj, dict) else obj.region_id

    @staticmethod
    def resolve_industry_code(obj: Any) -> str:
        return obj["industry_code"] if isinstance(obj, dict) else obj.industry_id

    @staticmethod
    def resolve_status(obj: Any) -> str | None:
        return obj["status"] if isinstance(obj, dict) else obj.day_status

    @staticmethod
    def resolve_employees_on_duty(obj: Any) -> int | None:
        return obj["employees_on_duty"] if isinstance(obj, dict) else obj.day_on_duty

    @staticmethod
    def resolve_employees_expected(obj: Any) -> int | None:
        return obj["employees_expected"] if isinstance(obj, dict) else obj.day_expected

    @staticmethod
    def resolve_capacity(obj: Any) -> int | None:
        return obj["capacity"] if isinstance(obj, dict) else obj.day_capacity


class PowerOut(Schema):
    measured: int
    resumed_by_power: int
    power_index: float | None
    power_capacity: float | None
    disagreements: int
    share: float


class FiguresOut(Schema):
    date: dt.date
    region: str
    scope: str
    totals: FigureOut
    by_district: list[GroupOut]
    by_industry: list[GroupOut]
    worst_districts: list[GroupOut]
    worst_industries: list[GroupOut]
    key_not_resumed: list[EnterpriseDayOut]
    power: PowerOut
    ledger: dict[str, float | int | None]
    formulas: dict[str, str]


class DisagreementOut(Schema):
    enterprise_id: int
    enterprise_name: str
    kwh: float
    baseline: float | None
    power_capacity: float | None
    resumed_by_power: bool | None
    status: str | None
    capacity: int | None
