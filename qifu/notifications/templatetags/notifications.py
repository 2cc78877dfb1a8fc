"""The unread-notifications link in the top bar: ``{% load notifications %}{% notifications_link %}``."""

from __future__ import annotations

from typing import Any

from django import template

from qifu.notifications import selectors

register = template.Library()


@register.inclusion_tag("notifications/_nav_link.html", takes_context=True)
def notifications_link(context: Any) -> dict[str, Any]:
    """One COUNT query per page (nothing for anonymous visitors)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"unread_count": selectors.unread_count(user=user) if user is not None else 0}
