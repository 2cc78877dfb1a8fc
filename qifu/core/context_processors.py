"""Template context shared by every page: the signed-in user's roles and the navigation they may use."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from qifu.core import access


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "user_roles": access.roles(user),
        "is_official": access.is_official(user),
        "can_add_enterprise": access.can(user, "enterprise.add"),
        "can_import_enterprises": access.can(user, "enterprise.import"),
        "can_import_commissioners": access.can(user, "commissioner.import"),
        "is_administrator": access.has_role(user, "administrator"),
        "admin_warnings": _admin_warnings(user),
    }


def _admin_warnings(user: Any) -> list[str]:
    """Things only administrators can fix, shown on every page they open (e.g. a missing holiday year)."""
    if not access.has_role(user, "administrator"):
        return []
    from qifu.core import workdays

    return workdays.calendar_warnings()
