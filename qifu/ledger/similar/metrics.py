"""Clustering quality against true groups: adjusted Rand index and pairwise precision/recall/F1 (pure Python)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import asdict, dataclass


def _pairs(count: int) -> int:
    return count * (count - 1) // 2


def adjusted_rand_index(truth: Sequence[Hashable], predicted: Sequence[Hashable]) -> float:
    """Hubert–Arabie ARI (what scikit-learn's ``adjusted_rand_score`` computes); 1.0 for identical partitions."""
    if len(truth) != len(predicted):
        raise ValueError("truth and predicted differ in length")
    n = len(truth)
    if n < 2:
        return 1.0
    both = sum(_pairs(c) for c in Counter(zip(truth, predicted, strict=True)).values())
    true_pairs = sum(_pairs(c) for c in Counter(truth).values())
    predicted_pairs = sum(_pairs(c) for c in Counter(predicted).values())
    expected = true_pairs * predicted_pairs / _pairs(n)
    maximum = (true_pairs + predicted_pairs) / 2
    if maximum == expected:  # both partitions all-singletons or one cluster: scikit-learn's convention
        return 1.0
    return (both - expected) / (maximum - expected)


@dataclass(frozen=True)
class PairScores:
    """Pairwise scores: a pair is predicted positive when both problems share a predicted cluster."""

    precision: float
    recall: float
    f1: float
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)


def pair_scores(truth: Sequence[Hashable], predicted: Sequence[Hashable]) -> PairScores:
    """Pairwise precision, recall and F1 (an empty side counts as perfect, as is usual)."""
    if len(truth) != len(predicted):
        raise ValueError("truth and predicted differ in length")
    correct = sum(_pairs(c) for c in Counter(zip(truth, predicted, strict=True)).values())
    true_pairs = sum(_pairs(c) for c in Counter(truth).values())
    predicted_pairs = sum(_pairs(c) for c in Counter(predicted).values())
    precision = correct / predicted_pairs if predicted_pairs else 1.0
    recall = correct / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PairScores(precision, recall, f1, true_pairs, predicted_pairs, correct)


def score(truth: Sequence[Hashable], predicted: Sequence[Hashable]) -> dict[str, float]:
    """ARI and pairwise P/R/F1 rounded for reports."""
    pairs = pair_scores(truth, predicted)
    return {
        "ari": round(adjusted_rand_index(truth, predicted), 4),
        "pair_precision": round(pairs.precision, 4),
        "pair_recall": round(pairs.recall, 4),
        "pair_f1": round(pairs.f1, 4),
    }
