"""Health of the database and the job queue, for GET /healthz."""

from __future__ import annotations

import time
from typing import Any

from django.db import connection
from huey.contrib.djhuey import HUEY

HEARTBEAT_KEY = "qifu:worker-heartbeat"
# The heartbeat runs every minute; older than this means the worker is not running.
HEARTBEAT_STALE_SECONDS = 180


def beat() -> None:
    HUEY.put(HEARTBEAT_KEY, time.time())


def check_database() -> dict[str, Any]:
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # report any failure as unhealthy
        return {"ok": False, "vendor": connection.vendor, "error": exc.__class__.__name__}
    return {"ok": True, "vendor": connection.vendor, "ms": round((time.perf_counter() - started) * 1000, 1)}


def check_queue() -> dict[str, Any]:
    try:
        pending = HUEY.pending_count()
        # peek, not get: reading must not consume the heartbeat
        last_beat = HUEY.get(HEARTBEAT_KEY, peek=True)
    except Exception as exc:  # storage unreachable
        return {"ok": False, "backend": HUEY.__class__.__name__, "error": exc.__class__.__name__}
    age = None if last_beat is None else round(time.time() - float(last_beat))
    return {
        "ok": True,
        "backend": HUEY.__class__.__name__,
        "pending": pending,
        "worker_seen_seconds_ago": age,
        "worker_running": age is not None and age <= HEARTBEAT_STALE_SECONDS,
    }


def status() -> tuple[bool, dict[str, Any]]:
    db = check_database()
    queue = check_queue()
    healthy = db["ok"] and queue["ok"]
    return healthy, {"status": "ok" if healthy else "unavailable", "database": db, "queue": queue}
