"""Admin changes are state changes too: record them in the event log like any service does."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from qifu.core import events


class EventRecordingAdmin:
    """Mixin for ModelAdmin: every save and delete writes an ``admin.*`` event in the same transaction."""

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)  # type: ignore[misc]
            events.record(
                "admin.changed" if change else "admin.created",
                actor=request.user,
                target=obj,
                fields=sorted(form.changed_data),
            )

    def delete_model(self, request: Any, obj: Any) -> None:
        with transaction.atomic():
            events.record("admin.deleted", actor=request.user, target=obj, label=str(obj))
            super().delete_model(request, obj)  # type: ignore[misc]


class ReadOnlyAdmin:
    """Mixin for ModelAdmin and inlines: the back office only reads these rows; changes go through services."""

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
