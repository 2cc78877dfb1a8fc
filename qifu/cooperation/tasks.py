"""Periodic job of the cooperation platform: expire listings whose validity ended (idempotent, through the
service, one transaction per listing)."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from . import services


@db_periodic_task(crontab(hour="16", minute="5"))  # 00:05 Asia/Shanghai
@lock_task("cooperation-expiry")
def expire_listings() -> int:
    """Every night just after midnight Asia/Shanghai: listings valid until yesterday become expired."""
    return services.listings_expire(today=timezone.localdate())
