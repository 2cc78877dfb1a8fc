"""The event log: one immutable row per state change, written by the service that made it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.Model):
    """Who changed what, when: a code with JSON parameters (never translated text)."""

    code = models.CharField(_("event"), max_length=64, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Jobs act as the system: actor is null and actor_label names the job.
    actor_label = models.CharField(max_length=64, blank=True)
    target_type = models.CharField(max_length=64)
    target_id = models.CharField(max_length=64)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id", "-created_at"], name="event_target_idx")]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self) -> str:
        return f"{self.code} {self.target_type}:{self.target_id}"


class CalendarDay(models.Model):
    """A day of China's official calendar that breaks the Mon–Fri rule (holiday or adjusted working day)."""

    class Source(models.TextChoices):
        PACKAGE = "chinesecalendar", _("chinesecalendar package")
        MANUAL = "manual", _("manual edit")

    date = models.DateField(_("date"), primary_key=True)
    is_workday = models.BooleanField(_("working day"))
    # The holiday's official Chinese name (春节, 国庆节, …) is data, not a UI string; an adjusted working
    # weekend (调休上班) carries the name of the holiday it makes up for.
    name = models.CharField(_("name"), max_length=100, blank=True)
    # A re-seed from the package never overwrites a manual row.
    source = models.CharField(_("source"), max_length=16, choices=Source.choices, default=Source.MANUAL)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.name}".strip()
