"""API schemas for notifications: outputs (…Out)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Schema


class NotificationOut(Schema):
    id: int
    code: str = Field(..., description="The message code, e.g. ledger.overdue")
    params: dict[str, Any] = Field(..., description="The message's parameters")
    title: str = Field(..., description="Rendered in the request's language")
    body: str = Field(..., description="Rendered in the request's language")
    link: str = Field(..., description="A path on this site (or a URL) the notice is about; may be empty")
    created_at: datetime
    read_at: datetime | None
    is_read: bool


class UnreadCountOut(Schema):
    count: int


class MarkedOut(Schema):
    marked: int = Field(..., description="How many notices were unread and are now read")
