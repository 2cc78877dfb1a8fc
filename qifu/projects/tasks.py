"""Jobs of the key-project app: the daily refresh of the equipment items' risk suggestions (dates pass: an item
not on site becomes overdue). Idempotent; the same function the services use."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from . import services


@db_periodic_task(crontab(hour="16", minute="30"))  # huey runs crontabs in UTC: 00:30 in Asia/Shanghai
@lock_task("projects-risk-suggestions")
def risk_suggestions_refresh() -> int:
    """Every night after midnight (Asia/Shanghai): recompute the suggestions of items not yet on site."""
    return services.suggestions_refresh(today=timezone.localdate())
