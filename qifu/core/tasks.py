"""Periodic jobs of the shared kernel: the worker's heartbeat, read by /healthz."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from qifu.core import health


@db_periodic_task(crontab(minute="*"))
def worker_heartbeat() -> None:
    health.beat()
