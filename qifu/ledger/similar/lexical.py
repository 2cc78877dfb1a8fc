"""Lexical similarity: character n-gram TF-IDF vectors and their cosine (numpy + scipy.sparse)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from .text import char_ngrams

DEFAULT_SIZES = (1, 2, 3)


@dataclass
class LexicalModel:
    """TF-IDF over character n-grams.

    Document frequencies count the input *and* a background corpus (by default the shipped labelled set), so a
    small input — two problems — gets sensible weights and the similarity of two texts barely depends on which
    other problems happen to be clustered with them.
    """

    sizes: tuple[int, ...] = DEFAULT_SIZES
    background: Sequence[str] = ()
    _background_df: Counter[str] = field(default_factory=Counter, init=False, repr=False)

    def __post_init__(self) -> None:
        for text in self.background:
            self._background_df.update(set(char_ngrams(text, self.sizes)))

    def vectors(self, texts: Sequence[str], extra: Sequence[str] = ()) -> tuple[sp.csr_matrix, list[str]]:
        """L2-normalised sublinear TF-IDF rows (one per text, then one per ``extra`` text) and the vocabulary.

        Document frequencies count ``texts`` and the background; ``extra`` rows are weighted with them without
        changing them, so the rows of ``texts`` are the same whatever ``extra`` holds.
        """
        docs = [Counter(char_ngrams(text, self.sizes)) for text in texts]
        df: Counter[str] = Counter(self._background_df)
        for doc in docs:
            df.update(doc.keys())
        total = len(docs) + len(self.background)
        docs += [Counter(char_ngrams(text, self.sizes)) for text in extra]
        vocabulary: dict[str, int] = {}
        data: list[float] = []
        indices: list[int] = []
        indptr = [0]
        for doc in docs:
            for gram in sorted(doc):  # sorted: the same column order on every run
                column = vocabulary.setdefault(gram, len(vocabulary))
                idf = math.log((1 + total) / (1 + df[gram])) + 1.0
                data.append((1.0 + math.log(doc[gram])) * idf)
                indices.append(column)
            indptr.append(len(data))
        matrix = sp.csr_matrix((np.asarray(data, dtype=np.float64), indices, indptr),
                               shape=(len(docs), len(vocabulary)))
        norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        matrix = sp.csr_matrix(sp.diags(1.0 / norms) @ matrix)
        words = [""] * len(vocabulary)
        for gram, column in vocabulary.items():
            words[column] = gram
        return matrix, words

    def similarity(self, texts: Sequence[str]) -> np.ndarray:
        """Cosine similarity matrix (n × n, dense, in [0, 1])."""
        if not texts:
            return np.zeros((0, 0))
        matrix, _words = self.vectors(texts)
        return np.asarray((matrix @ matrix.T).todense())

    def cross_similarity(self, texts: Sequence[str], others: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(texts × texts, texts × others) cosines, weighted as if clustering ``texts`` (others share the idf)."""
        if not texts:
            return np.zeros((0, 0)), np.zeros((0, len(others)))
        matrix, _words = self.vectors(texts, others)
        head, tail = matrix[: len(texts)], matrix[len(texts):]
        return np.asarray((head @ head.T).todense()), np.asarray((head @ tail.T).todense())

    def idf(self, grams: Iterable[str], texts: Sequence[str]) -> dict[str, float]:
        """The idf the model would give each n-gram when clustering ``texts`` (for explaining groups)."""
        df: Counter[str] = Counter(self._background_df)
        for text in texts:
            df.update(set(char_ngrams(text, self.sizes)))
        total = len(texts) + len(self.background)
        return {gram: math.log((1 + total) / (1 + df[gram])) + 1.0 for gram in grams}
