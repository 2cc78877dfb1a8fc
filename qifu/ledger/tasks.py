"""Periodic jobs of the problem ledger: the supervision sweep and the units' daily digests. Each selects its
candidates and calls the same services as the pages, one transaction per item (see supervision.py)."""

from __future__ import annotations

from typing import Any

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from . import notices as _notices  # noqa: F401  (registers the ledger's message codes)
from . import supervision


@db_periodic_task(crontab(minute="*/10"))
@lock_task("ledger-supervision-sweep")
def supervision_sweep() -> dict[str, Any]:
    """Every 10 minutes: three-colour warnings, overdue escalation, expired confirmations."""
    return supervision.sweep().as_dict()


@db_periodic_task(crontab(hour="0", minute="0"))  # huey runs crontabs in UTC: 08:00 in Asia/Shanghai
@lock_task("ledger-unit-digests")
def unit_digests() -> int:
    """Every day at 08:00 Asia/Shanghai: each unit's digest of its open, warned and overdue
    problems (at most one per unit and day)."""
    return supervision.digests_send()
