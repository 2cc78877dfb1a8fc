"""Periodic jobs of work resumption: the reminders to commissioners whose enterprises have not reported by
the set hour, and the morning briefing. Each selects its candidates and calls the services (idempotent)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone, translation
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from . import services

# huey runs crontabs in UTC: Asia/Shanghai is UTC+8.
_DEADLINE_UTC_HOUR = (settings.QIFU_REPORT_DEADLINE_HOUR - 8) % 24


@db_periodic_task(crontab(hour=str(_DEADLINE_UTC_HOUR), minute="0"))
@lock_task("resumption-reminders")
def report_reminders() -> int:
    """Every day at the deadline hour (default 10:00 Asia/Shanghai): remind commissioners of non-reporters."""
    with translation.override(settings.LANGUAGE_CODE):
        return services.reminders_send(day=timezone.localdate())


@db_periodic_task(crontab(hour="23", minute="30"))  # 07:30 Asia/Shanghai
@lock_task("resumption-briefing")
def morning_briefing() -> int:
    """Every morning at 07:30 Asia/Shanghai: yesterday's briefing to leadership and command centers."""
    with translation.override(settings.LANGUAGE_CODE):
        return services.briefings_send(day=timezone.localdate() - timedelta(days=1))
