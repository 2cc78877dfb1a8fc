"""The automatic risk suggestion and the slack of an equipment item against the milestone it gates.
Pure functions of dates and status (no Django models), so the services, the daily refresh and the tests
share them."""

from __future__ import annotations

from datetime import date

from .choices import ARRIVED, NOT_SHIPPED, Origin, Risk

MAJOR_SLACK_DAYS = -30  # expected more than a month after the milestone it gates
TIGHT_SLACK_DAYS = 14  # an imported item not yet shipped with less than two weeks' margin


def expected_arrival(*, planned: date | None, contract: date | None, actual: date | None) -> date | None:
    """When the item is (or was) expected on site: the actual arrival, else the planned, else the contract date."""
    return actual or planned or contract


def slack_days(expected: date | None, milestone: date | None) -> int | None:
    """Days between the expected arrival and the gated milestone; negative: it arrives too late."""
    if expected is None or milestone is None:
        return None
    return (milestone - expected).days


def suggest(*, status: str, origin: str, planned: date | None, contract: date | None, actual: date | None,
            milestone: date | None, today: date) -> str:
    """Normal, delay or major risk from the dates and status; the work team confirms or overrides it."""
    if status in ARRIVED or actual is not None:
        return Risk.NORMAL
    expected = expected_arrival(planned=planned, contract=contract, actual=None)
    slack = slack_days(expected, milestone)
    if slack is not None and slack < MAJOR_SLACK_DAYS:
        return Risk.MAJOR
    if slack is not None and slack < 0:
        return Risk.DELAY
    if expected is not None and expected < today:
        return Risk.DELAY  # overdue and not on site
    if origin == Origin.IMPORTED and status in NOT_SHIPPED and slack is not None and slack < TIGHT_SLACK_DAYS:
        return Risk.DELAY
    return Risk.NORMAL
