"""Days and statuses of the supply-chain analysis in templates."""

from __future__ import annotations

import math
from typing import Any

from django import template
from django.utils.translation import gettext as _

from qifu.resumption.choices import ResumptionStatus

register = template.Library()


@register.filter
def days(value: Any) -> str:
    """7.0 → "7", 2.5 → "2.5", infinite or None → "∞" (no blocked supplier can stop it)."""
    if value is None or (isinstance(value, float) and math.isinf(value)):
        return "∞"
    number = round(float(value), 1)
    return str(int(number)) if number.is_integer() else str(number)


@register.filter
def chain_status(code: str | None) -> str:
    if code in ResumptionStatus.values:
        return str(ResumptionStatus(code).label)
    return _("No report")
