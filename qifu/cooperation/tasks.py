"""Periodic jobs of the cooperation platform: expire listings whose validity ended (idempotent, through the
service, one transaction per listing); write the shared matching segment every hour."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from . import index, services


@db_periodic_task(crontab(hour="16", minute="5"))  # 00:05 Asia/Shanghai
@lock_task("cooperation-expiry")
def expire_listings() -> int:
    """Every night just after midnight Asia/Shanghai: listings valid until yesterday become expired."""
    return services.listings_expire(today=timezone.localdate())


@db_periodic_task(crontab(minute="23"))
@lock_task("cooperation-segment")
def write_matching_segment() -> dict[str, object]:
    """Every hour: the open listings as a new shared segment, so each process's delta stays small."""
    return index.build_segment()
