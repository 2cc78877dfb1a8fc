"""Deadlines of problems and hops: working days on the official calendar, or calendar hours in crisis mode."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings


def _config() -> dict[str, Any]:
    return settings.QIFU_LEDGER


def _calendar() -> Any:
    from qifu.core import workdays

    return workdays.calendar()


def after_working_days(start: datetime, days: int) -> datetime:
    return _calendar().add_working_days(start, days)


def problem_deadline(start: datetime, *, crisis: bool) -> datetime:
    """The enterprise's end-to-end clock."""
    if crisis:
        return start + timedelta(hours=_config()["crisis_hours"])
    return after_working_days(start, _config()["problem_deadline_days"])


def hop_deadline(tier: str, start: datetime, *, crisis: bool, days: int | None = None) -> datetime:
    """A hop's own clock at ``tier`` (configurable per tier; ``days`` overrides)."""
    if crisis:
        return start + timedelta(hours=_config()["crisis_hours"])
    return after_working_days(start, days if days is not None else _config()["tier_deadline_days"][tier])


def working_days_between(start: datetime, end: datetime) -> float:
    return _calendar().working_days_between(start, end)
