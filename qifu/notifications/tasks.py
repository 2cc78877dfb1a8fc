"""Background jobs of notifications: send new deliveries, and retry the due ones every minute."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import services


@db_task()
def send_deliveries(delivery_ids: list[int]) -> dict[str, int]:
    """Send deliveries just created (scheduled on commit by ``qifu.core.notify.notify``)."""
    return services.deliveries_send(delivery_ids=delivery_ids)


@db_periodic_task(crontab(minute="*"))
def retry_due_deliveries() -> dict[str, int]:
    """Every minute: attempt the deliveries whose (re)try is due; each is sent at most once."""
    return services.deliveries_retry_due()
