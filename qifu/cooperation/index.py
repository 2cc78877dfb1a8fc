"""The matching engine fed from the database: one ``MatchIndex`` per process over the open listings.

Correct as listings change, across web processes and the worker: every call first applies the listings changed
since the last sync (``updated_at``; open ones are (re)indexed, others removed), and the whole index is rebuilt
from the database every ``REBUILD_SECONDS`` to repair anything a clock skew could miss."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from qifu.cooperation.matching import Config, MatchIndex, Suggestion
from qifu.cooperation.matching import Listing as MListing

from .choices import OPEN
from .models import Listing

REBUILD_SECONDS = 600
_lock = threading.RLock()
_state: dict[str, Any] = {"index": None, "synced": None, "built": 0.0}


def to_engine(listing: Listing) -> MListing:
    """The engine's record of a listing (region as its code, quantity as float)."""
    return MListing(
        id=listing.pk, kind=listing.kind, title=listing.title, description=listing.description, spec=listing.spec,
        category=listing.category, quantity=float(listing.quantity) if listing.quantity is not None else None,
        unit=listing.unit, region=listing.region_id, valid_until=listing.valid_until,
        enterprise=str(listing.enterprise_id),
    )


FIELDS = ("id", "kind", "title", "description", "spec", "category", "quantity", "unit", "region_id", "valid_until",
          "enterprise_id", "status", "updated_at")


def _rebuild() -> None:
    index = MatchIndex(Config())
    newest: datetime | None = None
    for listing in Listing.objects.filter(status__in=OPEN).only(*FIELDS).iterator(chunk_size=2000):
        index.add(to_engine(listing))
        newest = max(newest, listing.updated_at) if newest else listing.updated_at
    _state.update(index=index, synced=newest or timezone.now(), built=time.monotonic())


def reset() -> None:
    """Forget the index (tests; after a bulk load): the next call rebuilds it."""
    with _lock:
        _state.update(index=None, synced=None, built=0.0)


def current() -> MatchIndex:
    """The index, in step with the database."""
    with _lock:
        if _state["index"] is None or time.monotonic() - _state["built"] > REBUILD_SECONDS:
            _rebuild()
            return _state["index"]
        since = _state["synced"]
        changed = Listing.objects.only(*FIELDS)
        if since is not None:
            changed = changed.filter(updated_at__gte=since - timedelta(seconds=1))
        index: MatchIndex = _state["index"]
        for listing in changed.iterator(chunk_size=2000):
            if listing.status in OPEN:
                index.add(to_engine(listing))
            else:
                index.remove(listing.pk)
            _state["synced"] = max(_state["synced"], listing.updated_at) if _state["synced"] else listing.updated_at
        return index


def apply(listing: Listing) -> None:
    """Bring one listing's entry up to date at once (called after its change commits)."""
    with _lock:
        if _state["index"] is None:
            return
        if listing.status in OPEN:
            _state["index"].add(to_engine(listing))
        else:
            _state["index"].remove(listing.pk)


def suggest(listing: Listing, k: int = 10) -> list[Suggestion]:
    """Ranked listings of the other side for ``listing`` (open ones only; never its own enterprise's)."""
    index = current()
    return index.suggest(to_engine(listing), k)
