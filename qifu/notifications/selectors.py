"""Reads for notifications, always through the reader's scope (each person sees their own)."""

from __future__ import annotations

from django.db.models import QuerySet

from qifu.core import access
from qifu.organisations.models import User

from .models import Notification


def notification_list(*, user: User, unread: bool | None = None) -> QuerySet[Notification]:
    """The user's notices, newest first; only unread (True) or only read (False) ones if asked."""
    qs = Notification.objects.restrict(user, access.VIEW)
    if unread is not None:
        qs = qs.filter(read_at__isnull=unread)
    return qs.order_by("-created_at", "-id")


def unread_count(*, user: User) -> int:
    """How many unread notices the user has: one COUNT query (a partial index serves it)."""
    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.restrict(user, access.VIEW).filter(read_at__isnull=True).count()
