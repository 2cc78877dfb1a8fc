"""Ranking quality on a labelled set: nDCG@10, recall@10 and MRR of the engine and of two baselines
(character-bigram Jaccard, plain BM25 over the same 1–2-grams with no other signal), plus how well demands
with no relevant supply are left without suggestions."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from . import text
from .engine import Config, MatchIndex, rank_all
from .listing import DEMAND, SUPPLY, Listing

K = 10


def ndcg(ranked: Sequence[Any], grades: Mapping[Any, int], k: int = K) -> float:
    dcg = sum((2 ** grades.get(r, 0) - 1) / math.log2(i + 2) for i, r in enumerate(ranked[:k]))
    ideal = sorted(grades.values(), reverse=True)[:k]
    idcg = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def recall(ranked: Sequence[Any], grades: Mapping[Any, int], k: int = K, min_grade: int = 2) -> float:
    """Share of the clearly relevant supplies (grade ≥ 2) in the top k."""
    wanted = {s for s, g in grades.items() if g >= min_grade} or set(grades)
    return len(wanted & set(ranked[:k])) / len(wanted) if wanted else 0.0


def mrr(ranked: Sequence[Any], grades: Mapping[Any, int], min_grade: int = 2) -> float:
    for i, r in enumerate(ranked):
        if grades.get(r, 0) >= min_grade:
            return 1 / (i + 1)
    return 0.0


def score(ranking: Mapping[Any, Sequence[Any]], qrels: Mapping[Any, Mapping[Any, int]]) -> dict[str, float]:
    """Means over demands with a relevant supply; ``no_match_empty`` is the share of demands without any that
    got no suggestion, ``precision_at1`` the share of top suggestions that are relevant at all."""
    with_rel = [d for d, g in qrels.items() if g]
    without = [d for d, g in qrels.items() if not g]
    firsts = [ranking.get(d, [None])[0] if ranking.get(d) else None for d in qrels]
    n_first = [f for f in firsts if f is not None]
    relevant_first = sum(1 for d in qrels if ranking.get(d) and qrels[d].get(ranking[d][0], 0) > 0)
    return {
        "ndcg_at10": round(sum(ndcg(ranking.get(d, []), qrels[d]) for d in with_rel) / max(len(with_rel), 1), 4),
        "recall_at10": round(sum(recall(ranking.get(d, []), qrels[d]) for d in with_rel) / max(len(with_rel), 1), 4),
        "mrr": round(sum(mrr(ranking.get(d, []), qrels[d]) for d in with_rel) / max(len(with_rel), 1), 4),
        "no_match_empty": round(sum(1 for d in without if not ranking.get(d)) / max(len(without), 1), 4),
        "precision_at1": round(relevant_first / max(len(n_first), 1), 4),
    }


def jaccard_baseline(listings: Sequence[Listing], k: int = K) -> dict[Any, list[Any]]:
    """Character-bigram Jaccard of the texts, supplies with any overlap ranked (no threshold, no other signal)."""
    supplies = [(s.id, text.bigrams(s.text)) for s in listings if s.kind == SUPPLY]
    out = {}
    for d in listings:
        if d.kind != DEMAND:
            continue
        q = text.bigrams(d.text)
        scored = [(len(q & g) / len(q | g), sid) for sid, g in supplies if q & g]
        scored.sort(key=lambda t: -t[0])
        out[d.id] = [sid for _s, sid in scored[:k]]
    return out


def bm25_baseline(listings: Sequence[Listing], k: int = K) -> dict[Any, list[Any]]:
    """Plain BM25 over the same grams: the engine's index with every other signal and threshold switched off."""
    index = MatchIndex(Config(exact_below=10**9), background=False)
    for listing in listings:
        if listing.kind == SUPPLY:
            index.add(listing)
    side = index.sides[SUPPLY]
    out = {}
    for d in listings:
        if d.kind != DEMAND:
            continue
        scores, _self = index._bm25(side, text.grams(d.text), skip_common=False)
        scores = np.where(side.alive[: side.count], scores, 0.0)
        top = [int(i) for i in np.argsort(-scores, kind="stable")[:k] if scores[i] > 0]
        out[d.id] = [side.listings[i].id for i in top]  # type: ignore[union-attr]
    return out


def engine_ranking(listings: Sequence[Listing], *, config: Config | None = None, vectors: Any = None,
                   mean_vector: Any = None) -> dict[Any, list[Any]]:
    result = rank_all(listings, config=config, vectors=vectors, mean_vector=mean_vector)
    return {d: [s.id for s in sug] for d, sug in result.items()}


def grade_counts(qrels: Mapping[Any, Mapping[Any, int]]) -> Counter[int]:
    return Counter(g for grades in qrels.values() for g in grades.values())
