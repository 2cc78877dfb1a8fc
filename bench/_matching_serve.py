"""The serving half of bench.matching, in a fresh process as a web process would be: map a written segment,
answer new listings, add and remove them; prints one JSON line of metrics (see bench/matching.py).

    python -m bench._matching_serve SEGMENT_DIR N QUERIES EXACT_QUERIES
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path


def memory() -> dict[str, float]:
    """This process's resident memory in MB: private (RssAnon), file-backed (RssFile), peak (VmHWM)."""
    values = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _sep, rest = line.partition(":")
        if key in ("RssAnon", "RssFile", "VmHWM"):
            values[key] = int(rest.split()[0]) / 1024
    return values


def main() -> None:
    folder, n, queries_n, exact_n = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    from bench.matching import synthesise
    from qifu.cooperation.matching.engine import _background
    from qifu.cooperation.matching.segment import Segment, SharedIndex

    fresh = synthesise(queries_n + 20, seed=99, start=n, enterprises=n // 8 + 1)
    warm, fresh = fresh[:20], fresh[20:]
    _background()  # the labelled set's frequencies: loaded by every process whatever the index
    before = memory()
    index = SharedIndex(Segment(folder))
    for q in warm:
        index.suggest(q, 10)
    times = []
    for q in fresh:
        t0 = time.perf_counter()
        index.suggest(q, 10)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    recalls = []
    for q in fresh[:exact_n]:
        approx = [s.id for s in index.suggest(q, 10)]
        exact = [s.id for s in index.suggest(q, 10, exact=True)]
        if exact:
            recalls.append(len(set(approx) & set(exact)) / len(exact))
    updates, removes = [], []
    for q in fresh:
        t0 = time.perf_counter()
        index.add(q)
        updates.append((time.perf_counter() - t0) * 1000)
    for q in fresh:  # the new listings are found through the delta
        assert q.id in index
    for q in fresh[: len(fresh) // 2]:
        t0 = time.perf_counter()
        index.remove(q.id)
        removes.append((time.perf_counter() - t0) * 1000)
    segment_rows = synthesise(50, start=0, enterprises=n // 8 + 1)
    for x in segment_rows:  # edits of listings in the segment: masked there, indexed in the delta
        index.add(x)
    after = memory()
    updates.sort()
    print(json.dumps({
        "top10_p95_ms": round(times[int(0.95 * (len(times) - 1))], 2),
        "top10_median_ms": round(statistics.median(times), 2),
        "ann_recall_at10": round(sum(recalls) / max(len(recalls), 1), 4),
        "update_ms": round(statistics.median(updates), 3),
        "update_p95_ms": round(updates[int(0.95 * (len(updates) - 1))], 3),
        "remove_ms": round(statistics.median(removes), 3),
        "index_mb": round(after["RssAnon"] - before["RssAnon"], 1),
        "index_private_arrays_mb": round(index.memory_bytes() / 2**20, 1),
        "segment_mb": round(index.mapped_bytes() / 2**20, 1),
        "mapped_resident_mb": round(after["RssFile"] - before["RssFile"], 1),
        "rss_mb": round(after["VmHWM"], 1),
        "index_listings": len(index),
    }))


if __name__ == "__main__":
    main()
