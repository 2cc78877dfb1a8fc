"""Helpers every service writes its events through, and reads them back for timelines."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models, transaction

from .models import Event


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    return value


def target_key(obj: models.Model) -> tuple[str, str]:
    return obj._meta.label_lower, str(obj.pk)


def build(code: str, *, actor: Any, target: models.Model, system: str = "", **data: Any) -> Event:
    """An unsaved event (for ``record_many``); ``system`` names the job when there is no acting user."""
    target_type, target_id = target_key(target)
    return Event(
        code=code,
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        actor_label=system,
        target_type=target_type,
        target_id=target_id,
        data=_jsonable(data),
    )


def _require_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("events must be recorded inside the service's transaction.atomic")


def record(code: str, *, actor: Any, target: models.Model, system: str = "", **data: Any) -> Event:
    """Append an event; must run inside the service's transaction."""
    _require_transaction()
    event = build(code, actor=actor, target=target, system=system, **data)
    event.save()
    return event


def record_many(events: list[Event], batch_size: int = 1000) -> None:
    """Append many built events at once (bulk services such as imports)."""
    _require_transaction()
    Event.objects.bulk_create(events, batch_size=batch_size)


def diff(instance: models.Model, new_values: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """{field: {"old": …, "new": …}} for the fields whose value changes."""
    changes: dict[str, dict[str, Any]] = {}
    for field, new in new_values.items():
        old = getattr(instance, field)
        if isinstance(old, models.Model):
            old = old.pk
        cmp_new = new.pk if isinstance(new, models.Model) else new
        if old != cmp_new:
            changes[field] = {"old": _jsonable(old), "new": _jsonable(cmp_new)}
    return changes


def timeline(obj: models.Model, limit: int = 100) -> models.QuerySet[Event]:
    target_type, target_id = target_key(obj)
    return (
        Event.objects.filter(target_type=target_type, target_id=target_id)
        .select_related("actor")
        .order_by("-created_at", "-id")[:limit]
    )
