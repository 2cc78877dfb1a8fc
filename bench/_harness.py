"""Shared set-up for benchmarks: a throwaway database on the configured engine, timers, the JSON line."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qifu.settings")


def parse(description: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="small scale, finishes in under a minute")
    return parser.parse_args()


@contextmanager
def throwaway_database() -> Iterator[str]:
    """Create and migrate a fresh database next to the configured one; drop it afterwards."""
    import django

    os.environ.setdefault("QIFU_VAR_DIR", tempfile.mkdtemp(prefix="qifu-bench-"))
    django.setup()
    from django.conf import settings
    from django.db import connection

    if connection.vendor == "sqlite":
        connection.settings_dict["TEST"]["NAME"] = os.path.join(settings.VAR_DIR, "bench.sqlite3")
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        yield connection.vendor
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def median_ms(fn: Callable[[], Any], repeat: int = 5) -> float:
    fn()  # warm caches
    samples = []
    for _ in range(repeat):
        seconds, _result = timed(fn)
        samples.append(seconds * 1000)
    return round(statistics.median(samples), 2)


def emit(name: str, scale: dict[str, Any], metrics: dict[str, Any], baseline: dict[str, Any], ratios: dict[str, Any]) -> None:
    print(json.dumps({"bench": name, "scale": scale, "metrics": metrics, "baseline": baseline, "ratios": ratios},
                     ensure_ascii=False))
