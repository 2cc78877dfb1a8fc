"""Benchmark of the cooperation matching engine: quality on the labelled set, speed at a province's scale.

    python -m bench.matching [--quick]

Needs no database (the engine has no Django inside). Quality: nDCG@10, recall@10 (grade ≥ 2) and MRR over the
labelled set's demands that have a relevant supply (qifu/cooperation/matching/data/labelled_listings.jsonl), with
the two baselines measured in the same run: character-bigram Jaccard and plain BM25 over the same 1–2-grams.

Scale: N listings (1,000,000; 100,000 with --quick), half supplies and half demands, synthesised from the
labelled set's texts: each gets a random opener and closer, a model number drawn from 20,000, a brand/place word
drawn from the region names, a random county of China, quantity and validity, so the vocabulary and posting lists
grow like a real market's rather than repeating a few hundred texts. They are written as a shared segment
(``matching/segment.py``, what the app's hourly job writes), then a fresh process (``bench._matching_serve``), as
a web process would, maps the segment and answers new listings through ``SharedIndex`` (segment + delta).

metrics   top10_p95_ms / top10_median_ms   suggest() for a new listing (the top 10 of the other side), over
                                          300 random new listings (100 --quick), after 20 warm-up queries
          ann_recall_at10                 overlap of those top 10 with exact scoring (every listing sharing a term
                                          with the query, scored over every term), over 30 listings (10 --quick)
          update_ms / update_p95_ms       SharedIndex.add of a new listing (into the delta; median, p95), and
                                          remove_ms (delta removal and the segment row masked)
          index_mb                        PRIVATE resident memory the index costs each serving process: growth of
                                          its RssAnon (/proc/self/status) from opening the segment, querying and
                                          updating — what every extra web/worker process pays
          segment_mb                      the segment's files on disk, mapped read-only and SHARED by all processes
                                          through the page cache (paid once per machine); mapped_resident_mb the
                                          part of it resident in the serving process after the run (RssFile growth)
          rss_mb                          the serving process's peak resident memory (VmHWM, shared pages included)
          build_s                         writing the segment of N listings; build_rss_mb the writer's peak
          ndcg_at10, recall_at10, mrr     the engine on the labelled set; no_match_empty the share of unmet
                                          demands left without suggestion
baseline  ndcg_at10_bm25, ndcg_at10_jaccard (and their recall and MRR)
ratios    ndcg_vs_bm25, ndcg_vs_jaccard, p95_vs_target (20 ms), update_vs_target (5 ms)
"""

from __future__ import annotations

import gc
import json
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from bench._harness import emit, parse

OPENERS = ("", "", "长期", "现货", "急", "本公司", "厂家直供", "批量", "诚信")
CLOSERS = ("", "", "欢迎洽谈", "可开发票", "价格面议", "量大从优", "可送货上门", "支持验厂")


def synthesise(count: int, seed: int = 11, start: int = 0, enterprises: int | None = None) -> list:
    """``count`` listings with ids from ``start`` (even ids supplies, odd ids demands)."""
    from qifu.cooperation.matching import Listing, labelled_set, places

    rng = random.Random(seed)
    templates, _q = labelled_set()
    table = places._table()
    counties = [code for code, row in table.items() if row[2] == 3 and row[4] is not None]
    words = sorted({row[0][:2] for row in table.values()})
    enterprises = enterprises or count // 8 + 1
    out = []
    for i in range(start, start + count):
        t = templates[rng.randrange(len(templates))]
        kind = "supply" if i % 2 == 0 else "demand"
        model = f"{rng.choice('ABCDEFGHJKLMNPQRSTUVWXYZ')}{rng.randrange(20000)}"
        brand = rng.choice(words)
        title = f"{rng.choice(OPENERS)}{t.title} {brand}"
        out.append(Listing(
            id=i, kind=kind, title=title, description=f"{t.description}型号{model}。{rng.choice(CLOSERS)}",
            spec=t.spec, category=t.category, quantity=(t.quantity or 1) * rng.choice((0.2, 0.5, 1, 2, 5)),
            unit=t.unit, region=rng.choice(counties), valid_until=date(2020, 3, 1) + timedelta(days=rng.randrange(90)),
            enterprise=f"E{rng.randrange(enterprises)}"))
    return out


def main() -> None:
    args = parse("Matching engine: quality and speed at scale")
    from qifu.cooperation.matching import evaluate, labelled_set
    from qifu.cooperation.matching.segment import write_segment

    listings, qrels = labelled_set()
    quality = evaluate.score(evaluate.engine_ranking(listings), qrels)
    bm25 = evaluate.score(evaluate.bm25_baseline(listings), qrels)
    jaccard = evaluate.score(evaluate.jaccard_baseline(listings), qrels)

    n = 100_000 if args.quick else 1_000_000
    queries_n, exact_n = (100, 10) if args.quick else (300, 30)
    started = time.perf_counter()
    base = synthesise(n)
    synth_s = time.perf_counter() - started
    folder = Path(tempfile.mkdtemp(prefix="qifu-bench-segment-")) / "segment"
    try:
        started = time.perf_counter()
        write_segment(iter(base), folder, watermark="bench")
        build_s = time.perf_counter() - started
        build_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        del base
        gc.collect()
        out = subprocess.run([sys.executable, "-m", "bench._matching_serve", str(folder), str(n), str(queries_n),  # noqa: S603
                              str(exact_n)], check=True, capture_output=True, text=True)
        serve = json.loads(out.stdout.strip().splitlines()[-1])
    finally:
        shutil.rmtree(folder.parent, ignore_errors=True)
    p95 = serve["top10_p95_ms"]
    metrics = {
        **serve, "build_s": round(build_s, 1), "build_rss_mb": round(build_rss, 1), "synthesise_s": round(synth_s, 1),
        "ndcg_at10": quality["ndcg_at10"], "recall_at10": quality["recall_at10"], "mrr": quality["mrr"],
        "no_match_empty": quality["no_match_empty"], "precision_at1": quality["precision_at1"],
    }
    baseline = {"ndcg_at10_bm25": bm25["ndcg_at10"], "recall_at10_bm25": bm25["recall_at10"], "mrr_bm25": bm25["mrr"],
                "ndcg_at10_jaccard": jaccard["ndcg_at10"], "recall_at10_jaccard": jaccard["recall_at10"],
                "mrr_jaccard": jaccard["mrr"]}
    ratios = {"ndcg_vs_bm25": round(quality["ndcg_at10"] / bm25["ndcg_at10"], 3),
              "ndcg_vs_jaccard": round(quality["ndcg_at10"] / jaccard["ndcg_at10"], 3),
              "p95_vs_target": round(p95 / 20, 3), "update_vs_target": round(metrics["update_ms"] / 5, 3)}
    print(f"labelled set: engine {quality}, bm25 {bm25}, jaccard {jaccard}")
    print(f"{n} listings written as a segment in {build_s:.1f} s ({serve['segment_mb']} MB shared); a serving "
          f"process: suggest p95 {p95:.1f} ms, exact recall {serve['ann_recall_at10']}, "
          f"private index memory {serve['index_mb']} MB")
    emit("matching", {"listings": n, "queries": queries_n, "exact_queries": exact_n,
                      "labelled_demands": len(qrels), "labelled_supplies": sum(1 for x in listings if x.kind == "supply")},
         metrics, baseline, ratios)


if __name__ == "__main__":
    main()
