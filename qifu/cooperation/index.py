"""The matching engine fed from the database: a shared segment on disk plus a small per-process delta.

The job ``build_segment`` (hourly, and ``manage.py cooperation_index``) writes the listings open at a watermark
as a segment (``matching/segment.py``: flat arrays under ``COOPERATION_INDEX_DIR``, one directory per database)
and points ``CURRENT`` at it. Every web and worker process maps the current segment — one copy in the OS page
cache for all of them — and keeps in memory only the listings changed since the watermark: every call first
reads the listings whose ``updated_at`` is at or after the last one it saw (an indexed range, a handful of rows),
indexes the open ones in its delta and masks the rest in the segment. A new segment is picked up at the next
call. Without a segment (a fresh install, tests) the delta simply holds every open listing."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import threading
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from qifu.cooperation.matching import Listing as MListing
from qifu.cooperation.matching import Suggestion
from qifu.cooperation.matching.segment import FORMAT as SEGMENT_FORMAT
from qifu.cooperation.matching.segment import Segment, SharedIndex, write_segment

from .choices import OPEN
from .models import Listing

# A listing saved this long before the segment's snapshot but committed after it would be missed by both the
# segment and the delta; services commit within milliseconds, so a minute is a wide margin (and clock skew).
WATERMARK_MARGIN = timedelta(seconds=60)
KEEP_SEGMENTS = 2
_lock = threading.RLock()
_state: dict[str, Any] = {"index": None, "generation": None, "synced": None}


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


def segment_root() -> Path:
    """This database's segment directory (the database's name and host in the path: a test database or
    another installation never reads this one's segments)."""
    base = Path(getattr(settings, "COOPERATION_INDEX_DIR", None) or settings.VAR_DIR / "cooperation-index")
    db = connection.settings_dict
    key = hashlib.sha256(f"{connection.vendor}:{db.get('HOST')}:{db.get('PORT')}:{db['NAME']}".encode())
    return base / key.hexdigest()[:16]


def _current_generation() -> str | None:
    """The current segment's directory name; None without one, or when it was written in another format (by
    an older release: every listing is then served from the delta until the next job writes a new segment)."""
    try:
        name = (segment_root() / "CURRENT").read_text(encoding="utf-8").strip()
        meta = json.loads((segment_root() / name / "meta.json").read_text(encoding="utf-8")) if name else None
    except (FileNotFoundError, ValueError):
        return None
    if meta is not None and meta.get("format") != SEGMENT_FORMAT:
        _rewrite_once(name)
        return None
    return name if meta is not None else None


def _rewrite_once(stale: str) -> None:
    """Ask the worker, once per process and stale segment, to write a segment in this release's format."""
    if _state.get("rewrite_asked") == stale:
        return
    _state["rewrite_asked"] = stale
    from .tasks import write_matching_segment  # the tasks module imports this one

    write_matching_segment()


def build_segment() -> dict[str, Any]:
    """Write the open listings as a new segment and make it current; older ones beyond KEEP_SEGMENTS are
    deleted (processes that still map them keep reading them: an unlinked file lives while it is mapped)."""
    started = timezone.now()
    watermark = started - WATERMARK_MARGIN
    root = segment_root()
    root.mkdir(parents=True, exist_ok=True)
    name = started.strftime("%Y%m%dT%H%M%S%f")
    rows = Listing.objects.filter(status__in=OPEN).only(*FIELDS).order_by().iterator(chunk_size=5000)
    meta = write_segment((to_engine(x) for x in rows), root / name, watermark=watermark.isoformat(),
                         extra={"built_at": started.isoformat()})
    tmp = root / "CURRENT.tmp"
    tmp.write_text(name, encoding="utf-8")
    os.replace(tmp, root / "CURRENT")
    generations = sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.endswith(".tmp"))
    for old in generations[:-KEEP_SEGMENTS]:
        shutil.rmtree(root / old, ignore_errors=True)
    return {"segment": name, "listings": sum(s["count"] for s in meta["sides"].values()),
            "watermark": meta["watermark"]}


def reset() -> None:
    """Forget this process's index (tests; after a bulk load): the next call reopens the segment."""
    with _lock:
        _state.update(index=None, generation=None, synced=None)


def _open(generation: str | None) -> None:
    segment = Segment(segment_root() / generation) if generation else None
    synced = datetime.fromisoformat(segment.watermark) if segment is not None else None
    _state.update(index=SharedIndex(segment), generation=generation, synced=synced)


def current() -> SharedIndex:
    """The index, in step with the database: the current segment and the changes since its watermark."""
    with _lock:
        generation = _current_generation()
        if _state["index"] is None or generation != _state["generation"]:
            _open(generation)
        since: datetime | None = _state["synced"]
        index: SharedIndex = _state["index"]
        if since is None:
            changed = Listing.objects.filter(status__in=OPEN)
        else:
            changed = Listing.objects.filter(updated_at__gte=since - timedelta(seconds=1))
        for listing in changed.only(*FIELDS).order_by().iterator(chunk_size=2000):
            if listing.status in OPEN:
                index.add(to_engine(listing))
            else:
                index.remove(listing.pk)
            _state["synced"] = max(_state["synced"], listing.updated_at) if _state["synced"] else listing.updated_at
        if _state["synced"] is None:
            _state["synced"] = timezone.now() - WATERMARK_MARGIN
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
