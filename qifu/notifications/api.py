"""API for the caller's notifications: list, unread count, mark read.

Thin endpoints: parse, read through the caller's scope (each person sees only their own) or call one
service, render. Another person's notice answers 404, like one that does not exist.
"""

# No "from __future__ import annotations" here: ninja reads the parameter annotations at import time.
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import PageNumberPagination, paginate

from qifu.organisations.api import MAX_PAGE_SIZE, PAGE_SIZE, auth_user

from . import selectors, services
from .models import Notification
from .schemas import MarkedOut, NotificationOut, UnreadCountOut

router = Router(tags=["notifications"])


@router.get("", response=list[NotificationOut], summary="The caller's notifications, newest first")
@paginate(PageNumberPagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def notification_list(
    request: HttpRequest,
    unread: bool | None = Query(None, description="true: only unread; false: only read; absent: all"),
) -> QuerySet[Notification]:
    return selectors.notification_list(user=auth_user(request), unread=unread)


@router.get("/unread-count", response=UnreadCountOut, summary="How many of the caller's notifications are unread")
def unread_count(request: HttpRequest) -> Any:
    return {"count": selectors.unread_count(user=auth_user(request))}


@router.post("/read-all", response=MarkedOut, summary="Mark all the caller's notifications read")
def notification_read_all(request: HttpRequest) -> Any:
    return {"marked": services.notifications_mark_all_read(actor=auth_user(request))}


@router.post("/{notification_id}/read", response=NotificationOut, summary="Mark one of the caller's notifications read")
def notification_read(request: HttpRequest, notification_id: int) -> Any:
    return services.notification_mark_read(actor=auth_user(request), notification_id=notification_id)
