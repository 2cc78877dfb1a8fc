"""Jobs of the problem ledger: the supervision sweep, the units' and commissioners' daily digests, the text
embeddings of the common-problem suggestions. Each selects its candidates and calls the same services as the pages,
one transaction per item (see supervision.py)."""

from __future__ import annotations

from typing import Any

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from . import notices as _notices  # noqa: F401  (registers the ledger's message codes)
from . import supervision


@db_periodic_task(crontab(minute="*/10"))
@lock_task("ledger-supervision-sweep")
def supervision_sweep() -> dict[str, Any]:
    """Every 10 minutes: three-colour warnings, overdue escalation, expired confirmations. The first run of
    each hour re-reads every coloured problem (full); the others only what time can change."""
    from django.utils import timezone

    return supervision.sweep(full=timezone.now().minute < 10).as_dict()


@db_periodic_task(crontab(minute="5-59/10"))
@lock_task("ledger-kpi-snapshot")
def kpi_snapshot() -> dict[str, float]:
    """Every 10 minutes (after the sweep): the whole ledger's KPIs for leaders' pages (kpis.snapshot_refresh)."""
    from . import kpis

    return kpis.snapshot_refresh()


@db_periodic_task(crontab(hour="0", minute="0"))  # huey runs crontabs in UTC: 08:00 in Asia/Shanghai
@lock_task("ledger-unit-digests")
def unit_digests() -> int:
    """Every day at 08:00 Asia/Shanghai: each unit's digest of its open, warned and overdue
    problems (at most one per unit and day)."""
    return supervision.digests_send()


@db_task()
def similar_embed(texts: list[str]) -> int:
    """Embed problem texts for the common-problem suggestions (queued by a page that found too many missing)."""
    from . import merging

    try:
        return merging.embed_and_store(texts)
    finally:
        merging.release_warming()


@db_periodic_task(crontab(minute="*/10"))
@lock_task("ledger-similar-warm")
def similar_warm() -> int:
    """Every 10 minutes: embed the texts of open problems that have no stored vector yet, so the suggestions
    page rarely has to wait or fall back to the lexical method."""
    from . import merging

    return merging.embed_and_store(merging.open_problem_texts())


@db_periodic_task(crontab(hour="0", minute="5"))  # 08:05 Asia/Shanghai
@lock_task("ledger-commissioner-digests")
def commissioner_digests() -> int:
    """Every day at 08:05 Asia/Shanghai: each commissioner's digest of their enterprises' open problems (at most
    one per commissioner and day)."""
    from . import digests

    return digests.commissioner_digests_send()
