"""The health-event warning shown wherever an enterprise's status or supply chain is shown."""

from __future__ import annotations

from typing import Any

from django import template

from qifu.workforce.selectors import health_warnings

register = template.Library()


@register.inclusion_tag("workforce/_warnings.html")
def health_warning(enterprise: Any) -> dict[str, Any]:
    """Open health events at the enterprise or at one of its suppliers (no personal data)."""
    return {"warnings": health_warnings([enterprise.pk]).get(enterprise.pk, [])}
