"""The health-event warning shown wherever an enterprise's status or supply chain is shown."""

from __future__ import annotations

from typing import Any

from django import template

from qifu.workforce.selectors import health_warnings

register = template.Library()


@register.inclusion_tag("workforce/_warnings.html", takes_context=True)
def health_warning(context: template.Context, enterprise: Any) -> dict[str, Any]:
    """Open health events at the enterprise or at one of its suppliers at any tier (no personal data), for the
    signed-in user: nothing about an enterprise they may not see."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None:
        return {"warnings": []}
    return {"warnings": health_warnings(user=user, enterprise_ids=[enterprise.pk]).get(enterprise.pk, [])}
