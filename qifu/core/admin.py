"""Back office: the event log (read-only) and the working-day calendar (editable)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from . import events, workdays
from .admin_mixins import EventRecordingAdmin, ReadOnlyAdmin
from .models import CalendarDay, Event


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ("created_at", "code", "actor", "actor_label", "target_type", "target_id")
    list_filter = ("code", "target_type")
    search_fields = ("target_id", "code", "actor__username")
    date_hierarchy = "created_at"


@admin.register(CalendarDay)
class CalendarDayAdmin(EventRecordingAdmin, admin.ModelAdmin):
    """Holidays and adjusted working days: a saved row becomes manual and survives re-seeding.

    Deleting a row gives the day back to the chinesecalendar package (or to the Monday–Friday rule): to
    cancel a package holiday, mark it a working day instead.
    """

    list_display = ("date", "weekday", "kind", "name", "source", "updated_at")
    list_filter = ("is_workday", "source")
    search_fields = ("name",)
    date_hierarchy = "date"
    ordering = ("-date",)
    fields = ("date", "is_workday", "name", "source", "updated_at")

    def get_readonly_fields(self, request: Any, obj: CalendarDay | None = None) -> tuple[str, ...]:
        # Changing a primary key in the admin would save a copy under the new date.
        return ("date", "source", "updated_at") if obj is not None else ("source", "updated_at")

    @admin.display(description=_("weekday"), ordering="date")
    def weekday(self, obj: CalendarDay) -> str:
        return str(WEEKDAYS[obj.date.weekday()])

    @admin.display(description=_("kind"))
    def kind(self, obj: CalendarDay) -> str:
        weekend = obj.date.weekday() >= 5
        if obj.is_workday:
            return str(_("adjusted working day") if weekend else _("working day"))
        return str(_("rest day") if weekend else _("holiday"))

    def has_delete_permission(self, request: Any, obj: CalendarDay | None = None) -> bool:
        # A package row would come straight back; only manual rows can be reverted by deleting them.
        return super().has_delete_permission(request, obj) and (
            obj is None or obj.source == CalendarDay.Source.MANUAL
        )

    def save_model(self, request: Any, obj: CalendarDay, form: Any, change: bool) -> None:
        obj.source = CalendarDay.Source.MANUAL
        super().save_model(request, obj, form, change)

    def delete_model(self, request: Any, obj: CalendarDay) -> None:
        day = obj.date  # the primary key: Django sets it to None on delete
        with transaction.atomic():
            super().delete_model(request, obj)
            workdays.seed_calendar(dates=[day])

    def delete_queryset(self, request: Any, queryset: Any) -> None:
        # The bulk "delete selected" action bypasses delete_model: record each row here too.
        with transaction.atomic():
            rows = list(queryset)
            days = [row.date for row in rows]
            for row in rows:
                events.record("admin.deleted", actor=request.user, target=row, label=str(row))
            queryset.delete()
            workdays.seed_calendar(dates=days)
