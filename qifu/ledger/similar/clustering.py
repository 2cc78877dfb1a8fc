"""Agglomerative clustering of a similarity matrix with a similarity threshold (numpy + scipy)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform

LINKAGES = ("average", "complete", "single")


def canonical(labels: Sequence[int]) -> list[int]:
    """Renumber clusters 0, 1, 2… in order of first appearance, so equal partitions print equal labels."""
    seen: dict[int, int] = {}
    return [seen.setdefault(int(label), len(seen)) for label in labels]


def agglomerate(similarity: np.ndarray, threshold: float, *, method: str = "average") -> list[int]:
    """Cut the ``method``-linkage tree where the linkage similarity drops below ``threshold``.

    With average linkage two clusters merge only while the mean similarity over all their cross pairs is at least
    ``threshold``; a problem similar to nothing stays alone. ``single`` is connected components of the graph
    "similarity ≥ threshold".
    """
    if method not in LINKAGES:
        raise ValueError(f"unknown linkage {method!r}; expected one of {LINKAGES}")
    n = similarity.shape[0]
    if n == 0:
        return []
    if n == 1:
        return [0]
    distance = 1.0 - np.asarray(similarity, dtype=np.float64)
    distance = np.clip((distance + distance.T) / 2.0, 0.0, None)
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform(distance, checks=False), method=method)
    # fcluster keeps merges at height <= t; a hair of slack keeps a threshold that equals a similarity inclusive.
    labels = fcluster(tree, t=1.0 - threshold + 1e-12, criterion="distance")
    return canonical(labels)
