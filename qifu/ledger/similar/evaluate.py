"""Measuring methods on a labelled set: threshold sweeps and held-out (split-by-group) validation.

Thresholds chosen on the very set they are scored on flatter the method, so every variant is also scored by
repeated two-fold validation over *groups*: the true groups (and the singletons) are split at random into two
halves, the threshold (and, where a variant says so, the lexical weight) is tuned on one half — whose texts are
also the background for document frequencies, the e5 centring mean and the local-scaling neighbours — and the
other half is clustered and scored with it; then the halves swap. The mean over all folds is the held-out figure;
"oracle" is the mean ARI had the threshold been tuned on the held-out half itself (the gap is the cost of not
knowing the best threshold in advance). A half holds about 11 groups, an easier task than all 22 together, so
held-out figures are not comparable with full-set ones, only with each other.
"""

from __future__ import annotations

import random
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from . import engine, semantic
from .clustering import agglomerate
from .metrics import score

THRESHOLD_GRID = tuple(round(-0.3 + 0.01 * step, 2) for step in range(126))  # -0.30 … 0.95


@dataclass(frozen=True)
class Variant:
    """One configuration to compare."""

    name: str
    method: str  # lexical | semantic | hybrid
    sizes: tuple[int, ...] | None = None  # None: the method's default n-gram sizes
    linkage: str = engine.LINKAGE
    centre: bool = True
    lexical_weights: tuple[float, ...] = (engine.HYBRID_LEXICAL_WEIGHT,)
    local_k: int = engine.LOCAL_SCALING_K  # 0: no local scaling
    industry_bonus: float = 0.0


def default_variant(method: str) -> Variant:
    """The configuration ``cluster(method=…)`` runs with its defaults."""
    return Variant(f"{method} (default)", method)


VARIANTS = (
    default_variant("lexical"),
    Variant("lexical char1-3", "lexical", sizes=(1, 2, 3)),
    Variant("lexical char2-3", "lexical", sizes=(2, 3)),
    Variant("lexical char1-3 complete linkage", "lexical", sizes=(1, 2, 3), linkage="complete"),
    Variant("lexical char1-3 single linkage", "lexical", sizes=(1, 2, 3), linkage="single"),
    Variant("semantic raw cosine", "semantic", centre=False),
    default_variant("semantic"),
    Variant("semantic complete linkage", "semantic", linkage="complete"),
    Variant("semantic CSLS k=5", "semantic", local_k=5),
    Variant("semantic CSLS k=10", "semantic", local_k=10),
    Variant("semantic CSLS k=20", "semantic", local_k=20),
    Variant("hybrid w=0.2", "hybrid", lexical_weights=(0.2,)),
    default_variant("hybrid"),
    Variant("hybrid w=0.4", "hybrid", lexical_weights=(0.4,)),
    Variant("hybrid w tuned per fold", "hybrid", lexical_weights=(0.1, 0.2, 0.3, 0.4, 0.5)),
    Variant("hybrid lexical char1-2", "hybrid", sizes=(1, 2)),
    Variant("hybrid complete linkage", "hybrid", linkage="complete"),
    Variant("hybrid +same-industry bonus", "hybrid", industry_bonus=0.05),
    Variant("hybrid CSLS k=10", "hybrid", local_k=10),
    Variant("hybrid CSLS k=20", "hybrid", local_k=20),
)


@dataclass
class Corpus:
    """The labelled texts, their truth, industries, and (when the model is there) their embeddings."""

    texts: list[str]
    truth: list[str]
    industries: list[str]
    vectors: np.ndarray | None = None
    _backgrounds: dict[tuple[int, ...], engine.Background] = field(default_factory=dict)

    @classmethod
    def load(cls, problems: Sequence[engine.Problem], truth: Sequence[str], *, embed: bool) -> Corpus:
        texts = [problem.text for problem in problems]
        vectors = semantic.embed(texts) if embed else None
        return cls(texts, list(truth), [problem.industry for problem in problems], vectors)

    def background(self, reference: Sequence[int]) -> engine.Background:
        key = tuple(reference)
        if key not in self._backgrounds:
            vectors = None if self.vectors is None else self.vectors[list(reference)]
            self._backgrounds[key] = engine.Background(tuple(self.texts[i] for i in reference), vectors)
        return self._backgrounds[key]

    def similarity(self, variant: Variant, subset: Sequence[int], reference: Sequence[int],
                   lexical_weight: float) -> np.ndarray:
        """The engine's own similarity for ``subset`` with ``reference`` as the background."""
        vectors = None if self.vectors is None or variant.method == "lexical" else self.vectors[list(subset)]
        matrix = engine.similarity_matrix([self.texts[i] for i in subset], variant.method, vectors=vectors,
                                          background=self.background(reference), lexical_weight=lexical_weight,
                                          local_k=variant.local_k, sizes=variant.sizes, centre=variant.centre)
        if variant.industry_bonus:
            industries = np.asarray([self.industries[i] for i in subset])
            matrix = matrix + variant.industry_bonus * (industries[:, None] == industries[None, :])
        return matrix

    def best(self, variant: Variant, subset: Sequence[int], reference: Sequence[int]
             ) -> tuple[float, float, dict[str, float]]:
        """(lexical weight, threshold, scores) maximising ARI on ``subset``."""
        truth = [self.truth[i] for i in subset]
        found: tuple[float, float, dict[str, float]] | None = None
        for weight in variant.lexical_weights:
            matrix = self.similarity(variant, subset, reference, weight)
            for threshold in THRESHOLD_GRID:
                result = score(truth, agglomerate(matrix, threshold, method=variant.linkage))
                if found is None or result["ari"] > found[2]["ari"]:
                    found = (weight, threshold, result)
        assert found is not None
        return found

    def at(self, variant: Variant, subset: Sequence[int], reference: Sequence[int], weight: float,
           threshold: float) -> dict[str, float]:
        matrix = self.similarity(variant, subset, reference, weight)
        return score([self.truth[i] for i in subset], agglomerate(matrix, threshold, method=variant.linkage))


def group_halves(truth: Sequence[str], seed: int) -> tuple[list[int], list[int]]:
    """Split problem indices into two halves by true group; singletons (groups of one) are split too."""
    by_group: dict[str, list[int]] = {}
    for index, label in enumerate(truth):
        by_group.setdefault(label, []).append(index)
    rng = random.Random(seed)  # noqa: S311 - a reproducible split, not a secret
    shared = sorted(label for label, members in by_group.items() if len(members) > 1)
    lonely = sorted(label for label, members in by_group.items() if len(members) == 1)
    rng.shuffle(shared)
    rng.shuffle(lonely)
    first = set(shared[: len(shared) // 2] + lonely[: len(lonely) // 2])
    half_a = [i for i, label in enumerate(truth) if label in first]
    half_b = [i for i, label in enumerate(truth) if label not in first]
    return half_a, half_b


def held_out(corpus: Corpus, variant: Variant, *, repeats: int = 10, seed: int = 2020) -> dict[str, float]:
    """Mean held-out scores over ``repeats`` random group splits, both directions."""
    results: list[dict[str, float]] = []
    oracle: list[float] = []
    thresholds: list[float] = []
    for repeat in range(repeats):
        half_a, half_b = group_halves(corpus.truth, seed + repeat)
        for tune, test in ((half_a, half_b), (half_b, half_a)):
            weight, threshold, _tuned = corpus.best(variant, tune, tune)
            thresholds.append(threshold)
            results.append(corpus.at(variant, test, tune, weight, threshold))
            oracle.append(corpus.best(variant, test, tune)[2]["ari"])
    summary = {key: round(statistics.fmean(r[key] for r in results), 4) for key in results[0]}
    summary["ari_sd"] = round(statistics.pstdev(r["ari"] for r in results), 4)
    summary["oracle_ari"] = round(statistics.fmean(oracle), 4)
    summary["threshold_median"] = round(statistics.median(thresholds), 3)
    return summary


def compare(corpus: Corpus, variants: Sequence[Variant] = VARIANTS, *, repeats: int = 10) -> list[dict[str, object]]:
    """For each variant: the full-set optimum (optimistic) and the held-out figures."""
    everything = list(range(len(corpus.texts)))
    rows: list[dict[str, object]] = []
    for variant in variants:
        if variant.method != "lexical" and corpus.vectors is None:
            continue
        weight, threshold, full = corpus.best(variant, everything, everything)
        rows.append({"variant": variant.name, "method": variant.method, "full_threshold": threshold,
                     "full_weight": weight, "full": full, "held_out": held_out(corpus, variant, repeats=repeats)})
    return rows


def table(rows: Sequence[dict[str, object]]) -> str:
    """A fixed-width table for docstrings and terminals."""
    lines = [f"{'variant':34s} {'thr':>6s} {'ARI':>6s} {'F1':>6s} | {'held-out ARI':>12s} {'±sd':>5s} "
             f"{'P':>6s} {'R':>6s} {'F1':>6s} {'thr~':>6s} {'oracle':>6s}"]
    for row in rows:
        full, held = row["full"], row["held_out"]
        assert isinstance(full, dict) and isinstance(held, dict)
        lines.append(f"{row['variant']!s:34s} {row['full_threshold']:6.2f} {full['ari']:6.3f} {full['pair_f1']:6.3f} | "
                     f"{held['ari']:12.3f} {held['ari_sd']:5.3f} {held['pair_precision']:6.3f} "
                     f"{held['pair_recall']:6.3f} {held['pair_f1']:6.3f} {held['threshold_median']:6.2f} {held['oracle_ari']:6.3f}")
    return "\n".join(lines)
