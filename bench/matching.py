"""Benchmark of the cooperation matching engine: quality on the labelled set, speed at a province's scale.

    python -m bench.matching [--quick]

Needs no database (the engine has no Django inside). Quality: nDCG@10, recall@10 (grade ≥ 2) and MRR over the
labelled set's demands that have a relevant supply (qifu/cooperation/matching/data/labelled_listings.jsonl), with
the two baselines measured in the same run: character-bigram Jaccard and plain BM25 over the same 1–2-grams.

Scale: N listings (1,000,000; 100,000 with --quick), half supplies and half demands, synthesised from the
labelled set's texts: each gets a random opener and closer, a model number drawn from 20,000, a brand/place word
drawn from the region names, a random county of China, quantity and validity, so the vocabulary and posting lists
grow like a real market's rather than repeating a few hundred texts.

metrics   top10_p95_ms / top10_median_ms   suggest() for a new listing (the top 10 of the other side), over
                                          300 random new listings (100 --quick)
          ann_recall_at10                 overlap of those top 10 with exact scoring (every listing sharing a term
                                          with the query, scored over every term), over 30 listings (10 --quick)
          update_ms / update_p95_ms       index.add of a new listing (median, p95) and remove_ms
          index_mb                        the index's arrays and postings (numpy + array buffers); rss_mb the
                                          process's peak resident memory (includes the listings' Python objects)
          build_s                         building the index of N listings
          ndcg_at10, recall_at10, mrr     the engine on the labelled set; no_match_empty the share of unmet
                                          demands left without suggestion
baseline  ndcg_at10_bm25, ndcg_at10_jaccard (and their recall and MRR)
ratios    ndcg_vs_bm25, ndcg_vs_jaccard, p95_vs_target (20 ms), update_vs_target (5 ms)
"""

from __future__ import annotations

import random
import resource
import statistics
import time
from datetime import date, timedelta

from bench._harness import emit, parse

OPENERS = ("", "", "长期", "现货", "急", "本公司", "厂家直供", "批量", "诚信")
CLOSERS = ("", "", "欢迎洽谈", "可开发票", "价格面议", "量大从优", "可送货上门", "支持验厂")


def synthesise(count: int, seed: int = 11) -> list:
    from qifu.cooperation.matching import Listing, labelled_set, places

    rng = random.Random(seed)
    templates, _q = labelled_set()
    table = places._table()
    counties = [code for code, row in table.items() if row[2] == 3 and row[4] is not None]
    words = sorted({row[0][:2] for row in table.values()})
    out = []
    for i in range(count):
        t = templates[rng.randrange(len(templates))]
        kind = "supply" if i % 2 == 0 else "demand"
        model = f"{rng.choice('ABCDEFGHJKLMNPQRSTUVWXYZ')}{rng.randrange(20000)}"
        brand = rng.choice(words)
        title = f"{rng.choice(OPENERS)}{t.title} {brand}"
        out.append(Listing(
            id=i, kind=kind, title=title, description=f"{t.description}型号{model}。{rng.choice(CLOSERS)}",
            spec=t.spec, category=t.category, quantity=(t.quantity or 1) * rng.choice((0.2, 0.5, 1, 2, 5)),
            unit=t.unit, region=rng.choice(counties), valid_until=date(2020, 3, 1) + timedelta(days=rng.randrange(90)),
            enterprise=f"E{rng.randrange(count // 8 + 1)}"))
    return out


def main() -> None:
    args = parse("Matching engine: quality and speed at scale")
    from qifu.cooperation.matching import MatchIndex, evaluate, labelled_set

    listings, qrels = labelled_set()
    quality = evaluate.score(evaluate.engine_ranking(listings), qrels)
    bm25 = evaluate.score(evaluate.bm25_baseline(listings), qrels)
    jaccard = evaluate.score(evaluate.jaccard_baseline(listings), qrels)

    n = 100_000 if args.quick else 1_000_000
    queries_n, exact_n = (100, 10) if args.quick else (300, 30)
    started = time.perf_counter()
    data = synthesise(n + queries_n)
    synth_s = time.perf_counter() - started
    base, fresh = data[:n], data[n:]
    index = MatchIndex()
    started = time.perf_counter()
    for x in base:
        index.add(x)
    build_s = time.perf_counter() - started

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
    for q in fresh:
        t0 = time.perf_counter()
        index.remove(q.id)
        removes.append((time.perf_counter() - t0) * 1000)
    updates.sort()
    p95 = times[int(0.95 * (len(times) - 1))]
    metrics = {
        "top10_p95_ms": round(p95, 2), "top10_median_ms": round(statistics.median(times), 2),
        "ann_recall_at10": round(sum(recalls) / max(len(recalls), 1), 4),
        "update_ms": round(statistics.median(updates), 3), "update_p95_ms": round(updates[int(0.95 * (len(updates) - 1))], 3),
        "remove_ms": round(statistics.median(removes), 3),
        "index_mb": round(index.memory_bytes() / 2**20, 1),
        "rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "build_s": round(build_s, 1), "synthesise_s": round(synth_s, 1),
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
    print(f"{n} listings built in {build_s:.1f} s; suggest p95 {p95:.1f} ms; exact recall {metrics['ann_recall_at10']}")
    emit("matching", {"listings": n, "queries": queries_n, "exact_queries": exact_n,
                      "labelled_demands": len(qrels), "labelled_supplies": sum(1 for x in listings if x.kind == "supply")},
         metrics, baseline, ratios)


if __name__ == "__main__":
    main()
