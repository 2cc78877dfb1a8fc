"""Labels for resumption codes in templates."""

from __future__ import annotations

from django import template

from qifu.resumption.choices import Obstacle, ResumptionStatus

register = template.Library()


@register.filter
def status_label(code: str | None) -> str:
    return str(ResumptionStatus(code).label) if code in ResumptionStatus.values else ""


@register.filter
def obstacle_label(code: str | None) -> str:
    return str(Obstacle(code).label) if code and code in Obstacle.values else ""
