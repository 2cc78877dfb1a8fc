"""The matching engine: an incremental index of listings and a scorer that ranks the other side's listings.

Interface (what the app and the CLI use; a better scorer replaces this module behind the same calls)::

    index = MatchIndex(config)                 # empty
    index.add(listing, vector=None)            # or update: same id replaces; O(terms) — a few hundred µs
    index.remove(listing_id)
    index.suggest(listing, k=10)               # → [Suggestion], best first, only those worth suggesting

Retrieval. Each side (supplies, demands) has an inverted index over character 1–2-grams (postings are
append-only arrays sorted by document number; a removed listing is masked and its document frequencies taken
back, and the arrays are compacted when a fifth is dead), so the index is correct after every add, edit and
removal. Document frequencies start from the labelled set's, so that a young index with a handful of listings
still weighs 口罩 below KN95. A query accumulates TF-IDF dot products over its terms' postings with numpy; at
scale (``exact_below`` listings or more), terms in more than ``max_df_share`` of the listings (口, 供应, 公司…) are
left out of candidate generation. The ``prefilter`` best by that partial text are scored on everything else
(category, distance, quantity, dates: among hundreds of near-identical offers these decide), the ``candidates``
best of those get their dot product completed over the skipped terms by binary search in the postings, so their
score is exact, and the top k of them are returned. ``exact=True`` scores every listing sharing a term (the
benchmark's reference for recall). The BM25 scorer (``_bm25``) remains for the plain-BM25 baseline.

Score of a pair (demand d, supply s), each part in [0, 1]:

    text      TF-IDF cosine (sublinear tf; each listing's norm stored when indexed), fused with the centred e5
              cosine when both vectors are known: (1 − w) · lexical + w · semantic
    category  agreement of the category texts (same last segment 1, else bigram Dice)
    distance  1 / (1 + km / distance_scale_km) between region centroids (0.5 when a region is unknown)
    quantity  the share of the demand the supply covers (0.5 when units are not comparable)
    date      1 when the supply lasts as long as the demand, falling to 0 over ``date_grace_days``

    score = text^text_power · (base + w_cat · category + w_geo · distance + w_qty · quantity + w_date · date)

Never suggested: the same enterprise, a listing lapsed before ``as_of``, a supply that lapses more than
``date_grace_days`` before the demand does, a text part under ``min_text`` or a score under ``min_score``.
"""

from __future__ import annotations

import hashlib
import math
import zlib
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from typing import Any

import numpy as np

from . import places, text
from .listing import DEMAND, SUPPLY, Listing


@dataclass(frozen=True)
class Config:
    """Weights and thresholds (tuned on the labelled set; see the package docstring for the measurements)."""

    k1: float = 1.2
    b: float = 0.75
    semantic_weight: float = 0.5  # only with vectors (--method hybrid)
    semantic_floor: float = 0.05  # centred e5 cosines below this count as unrelated
    text_power: float = 1.0
    base: float = 0.45
    w_category: float = 0.25
    w_distance: float = 0.15
    w_quantity: float = 0.1
    w_date: float = 0.05
    distance_scale_km: float = 300.0
    date_grace_days: int = 30
    min_text: float = 0.1
    min_score: float = 0.05
    strong_score: float = 0.2  # suggestions at or above this are "strong": both sides are told
    candidates: int = 100  # completed in full (text over every term)
    prefilter: int = 2000  # best by the rarer terms' text, then scored on everything else
    max_df_share: float = 0.05  # at scale, skip terms in more than this share of listings for retrieval
    exact_below: int = 20_000  # below this many listings, always score every posting (no term is skipped)
    as_of: date | None = None


@dataclass(frozen=True)
class Suggestion:
    """One suggested listing and why: each part of the score and the phrases both texts share."""

    id: Any
    score: float
    text: float
    lexical: float
    semantic: float | None
    category: float
    distance_km: float | None
    coverage: float | None
    date: float
    shared: tuple[str, ...] = ()

    @property
    def strong(self) -> bool:
        return self.score >= Config().strong_score

    def reasons(self) -> list[tuple[str, dict[str, Any]]]:
        """Reasons as (code, parameters), for the app to translate; most telling first."""
        out: list[tuple[str, dict[str, Any]]] = []
        if self.shared:
            out.append(("shared_terms", {"terms": "、".join(self.shared)}))
        if self.semantic is not None and self.semantic >= 0.3:
            out.append(("similar_meaning", {"percent": round(self.semantic * 100)}))
        if self.category >= 0.999:
            out.append(("same_category", {}))
        elif self.category > 0.2:
            out.append(("related_category", {"percent": round(self.category * 100)}))
        if self.distance_km is not None:
            out.append(("distance", {"km": round(self.distance_km)}))
        if self.coverage is not None:
            out.append(("coverage", {"percent": round(self.coverage * 100)}))
        if self.date < 1.0:
            out.append(("ends_earlier", {}))
        return out

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "score": round(self.score, 4), "text": round(self.text, 4),
                "lexical": round(self.lexical, 4),
                "semantic": None if self.semantic is None else round(self.semantic, 4),
                "category": round(self.category, 4),
                "distance_km": None if self.distance_km is None else round(self.distance_km, 1),
                "coverage": None if self.coverage is None else round(self.coverage, 4),
                "date": round(self.date, 4), "shared": list(self.shared),
                "reasons": [{"code": c, **p} for c, p in self.reasons()]}


class _Postings:
    """Postings of one side: term → (document numbers, term frequencies, sublinear weights 1 + ln tf),
    append-only arrays; the weights are what the TF-IDF dot products add up (no logarithm at query time)."""

    def __init__(self, background: Counter[str] | None = None, background_docs: int = 0,
                 background_len: float = 0.0) -> None:
        # document frequencies of a background corpus (the labelled set), so that a young index with a handful
        # of listings still weighs 口罩 below KN95; negligible once there are thousands of listings
        self.background = background or Counter()
        self.background_docs = background_docs
        self.background_len = background_len
        self.vocab: dict[str, int] = {}
        self.ids: list[array] = []
        self.tfs: list[array] = []
        self.weights: list[array] = []
        self.df: list[int] = []
        self.total_len = 0.0
        self.alive_docs = 0
        # another part of the same index (a shared segment and this in-process delta): its document
        # frequencies count too, so both parts score with the same idf and their scores can be merged
        self.peer: Any = None

    def df_of(self, gram: str) -> int:
        t = self.vocab.get(gram)
        return self.df[t] if t is not None else 0

    def term(self, gram: str, create: bool) -> int | None:
        t = self.vocab.get(gram)
        if t is None and create:
            t = self.vocab[gram] = len(self.ids)
            self.ids.append(array("i"))
            self.tfs.append(array("f"))
            self.weights.append(array("f"))
            self.df.append(0)
        return t

    def add(self, doc: int, grams: Counter[str]) -> None:
        for gram, tf in grams.items():
            t = self.term(gram, True)
            assert t is not None
            self.ids[t].append(doc)
            self.tfs[t].append(tf)
            self.weights[t].append(1 + math.log(tf))
            self.df[t] += 1
        self.total_len += sum(grams.values())
        self.alive_docs += 1

    def forget(self, grams: Counter[str]) -> None:
        """Take back a removed document's frequencies (its postings stay, masked, until compaction)."""
        for gram in grams:
            t = self.vocab.get(gram)
            if t is not None:
                self.df[t] -= 1
        self.total_len -= sum(grams.values())
        self.alive_docs -= 1

    def idf_of(self, gram: str, t: int | None) -> float:
        n = self.alive_docs + self.background_docs
        df = (self.df[t] if t is not None else 0) + self.background.get(gram, 0)
        if self.peer is not None:
            n += self.peer.alive_docs
            df += self.peer.df_of(gram)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def average_length(self) -> float:
        return (self.total_len + self.background_len) / max(self.alive_docs + self.background_docs, 1)

    def memory_bytes(self) -> int:
        return sum(a.itemsize * len(a) for a in self.ids) + sum(a.itemsize * len(a) for a in self.tfs) \
            + sum(a.itemsize * len(a) for a in self.weights) \
            + 8 * len(self.df) + 100 * len(self.vocab)


class _Side:
    """Everything the engine keeps about the listings of one kind, in columns indexed by document number."""

    def __init__(self, dim: int, background: tuple[Counter[str], int, float] | None = None) -> None:
        self.postings = _Postings(*(background or (None, 0, 0.0)))
        self.capacity = 0
        self.count = 0
        self.dim = dim
        self.doc_of: dict[Any, int] = {}
        self.listings: list[Listing | None] = []
        self._grow(1024)

    def _grow(self, size: int) -> None:
        def grown(a: np.ndarray | None, fill: float, shape: tuple[int, ...] = (), dtype: Any = np.float32) -> np.ndarray:
            new = np.full((size, *shape), fill, dtype=dtype)
            if a is not None:
                new[: len(a)] = a
            return new

        old = self.capacity > 0
        self.alive = grown(self.alive if old else None, False, dtype=bool)
        self.doc_len = grown(self.doc_len if old else None, 0.0)
        self.norm = grown(self.norm if old else None, 1.0)
        self.lon = grown(self.lon if old else None, np.nan)
        self.lat = grown(self.lat if old else None, np.nan)
        self.qty = grown(self.qty if old else None, np.nan, dtype=np.float64)
        self.dimension = grown(self.dimension if old else None, -1, dtype=np.int32)
        self.until = grown(self.until if old else None, -1, dtype=np.int32)
        self.cat_id = grown(self.cat_id if old else None, -1, dtype=np.int32)
        self.ent_id = grown(self.ent_id if old else None, -1, dtype=np.int64)
        self.has_vec = grown(self.has_vec if old else None, False, dtype=bool)
        self.vectors = grown(self.vectors if old else None, 0.0, (self.dim,), np.float16)
        self.capacity = size


def _dimension_id(name: str) -> int:
    """A quantity's dimension (mass, count, volume…) as a number stable across processes (segments on disk)."""
    return zlib.crc32(name.encode()) & 0x7FFFFFFF


def enterprise_key(name: str) -> int:
    """An enterprise as a 63-bit number stable across processes (a segment's column; -1 is "none")."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "little") & (2**63 - 1)


@dataclass
class MatchIndex:
    """Supplies and demands, each side indexed for the other's queries (see the module docstring)."""

    config: Config = field(default_factory=Config)
    dim: int = 384
    mean_vector: np.ndarray | None = None  # e5 vectors are centred on this before the cosine
    background: bool = True  # document frequencies start from the labelled set's (see _Postings)

    def __post_init__(self) -> None:
        self._background = _background() if self.background else None
        self.sides = {SUPPLY: _Side(self.dim, self._background), DEMAND: _Side(self.dim, self._background)}
        self._scores: dict[int, np.ndarray] = {}
        self._categories: dict[str, int] = {}
        self._category_names: list[str] = []
        self._category_rows: dict[str, np.ndarray] = {}
        self.peers: dict[str, Any] = {}  # kind → the other part's postings (see _Postings.peer)

    def __len__(self) -> int:
        return sum(s.postings.alive_docs for s in self.sides.values())

    def __contains__(self, listing_id: Any) -> bool:
        return any(listing_id in s.doc_of for s in self.sides.values())

    # --- changes -------------------------------------------------------------------------------
    def add(self, listing: Listing, vector: np.ndarray | None = None) -> None:
        """Add a listing, or replace the listing with the same id (an edit)."""
        self.remove(listing.id)
        side = self.sides[listing.kind]
        if side.count == side.capacity:
            side._grow(side.capacity * 2)
        doc = side.count
        side.count += 1
        grams = text.grams(listing.text)
        side.postings.add(doc, grams)
        side.doc_of[listing.id] = doc
        side.listings.append(listing)
        side.alive[doc] = True
        side.doc_len[doc] = sum(grams.values())
        p = side.postings
        side.norm[doc] = math.sqrt(sum(((1 + math.log(tf)) * p.idf_of(g, p.vocab.get(g))) ** 2
                                       for g, tf in grams.items())) or 1.0
        point = places.centroid(places.resolve(listing.region) or "") if listing.region else None
        if point is not None:
            side.lon[doc], side.lat[doc] = point
        base = listing.base_quantity
        if base is not None:
            side.dimension[doc], side.qty[doc] = _dimension_id(base[0]), base[1]
        if listing.valid_until is not None:
            side.until[doc] = listing.valid_until.toordinal()
        side.cat_id[doc] = self._categories.setdefault(listing.category, len(self._categories))
        if listing.enterprise:
            side.ent_id[doc] = enterprise_key(listing.enterprise)
        if vector is not None:
            side.vectors[doc] = self._centre(vector)
            side.has_vec[doc] = True

    def remove(self, listing_id: Any) -> bool:
        """Forget a listing (closed, expired, withdrawn); True if it was indexed."""
        for side in self.sides.values():
            doc = side.doc_of.pop(listing_id, None)
            if doc is None:
                continue
            listing = side.listings[doc]
            assert listing is not None
            side.postings.forget(text.grams(listing.text))
            side.alive[doc] = False
            side.has_vec[doc] = False
            side.listings[doc] = None
            side.ent_id[doc] = -1
            if side.count > 1000 and side.postings.alive_docs < 0.8 * side.count:
                self._compact(side)
            return True
        return False

    def _compact(self, side: _Side) -> None:
        live = [(side.listings[d], side.vectors[d] if side.has_vec[d] else None) for d in range(side.count)
                if side.alive[d]]
        kind = next(k for k, s in self.sides.items() if s is side)
        self.sides[kind] = _Side(self.dim, self._background)
        self.sides[kind].postings.peer = self.peers.get(kind)
        for listing, vec in live:
            assert listing is not None
            self._add_centred(listing, vec)

    def _add_centred(self, listing: Listing, centred: np.ndarray | None) -> None:
        self.add(listing)
        if centred is not None:
            side = self.sides[listing.kind]
            doc = side.doc_of[listing.id]
            side.vectors[doc] = centred
            side.has_vec[doc] = True

    def _centre(self, vector: np.ndarray) -> np.ndarray:
        v = np.asarray(vector, dtype=np.float64).ravel()
        if self.mean_vector is not None:
            v = v - self.mean_vector
        norm = np.linalg.norm(v)
        return (v / norm if norm else v).astype(np.float16)

    # --- queries -------------------------------------------------------------------------------
    def _bm25(self, side: _Side, grams: Counter[str], skip_common: bool) -> tuple[np.ndarray, float]:
        """Scores of every document of ``side`` for the query grams, and the query's self-score."""
        p, cfg = side.postings, self.config
        n = side.count
        scores = self._scores.get(id(side))
        if scores is None or len(scores) < n:
            scores = self._scores[id(side)] = np.zeros(side.capacity, dtype=np.float32)
        scores[:n] = 0.0
        avg = max(p.average_length(), 1.0)
        q_len = sum(grams.values())
        self_score = 0.0
        limit = cfg.max_df_share * p.alive_docs if skip_common and p.alive_docs >= cfg.exact_below else None
        for gram, qtf in grams.items():
            t = p.vocab.get(gram)
            idf = p.idf_of(gram, t)
            self_score += idf * min(qtf, 3) * (cfg.k1 + 1) / (min(qtf, 3) + cfg.k1 * (1 - cfg.b + cfg.b * q_len / avg))
            if t is None or p.df[t] <= 0 or (limit is not None and p.df[t] > limit):
                continue
            ids = np.frombuffer(p.ids[t], dtype=np.int32)
            tf = np.frombuffer(p.tfs[t], dtype=np.float32)
            norm = cfg.k1 * (1 - cfg.b + cfg.b * side.doc_len[ids] / avg)
            scores[ids] += (idf * min(qtf, 3)) * tf * (cfg.k1 + 1) / (tf + norm)
        return scores[:n], self_score * 1.0

    def _weights(self, side: _Side, grams: Counter[str]) -> dict[str, float]:
        p = side.postings
        return {g: (1 + math.log(tf)) * p.idf_of(g, p.vocab.get(g)) for g, tf in grams.items()}

    def _terms(self, side: _Side, qw: dict[str, float], skip_common: bool) -> tuple[list, list]:
        """The query's indexed terms as (gram, weight, term number): those used for candidates, those skipped."""
        p, cfg = side.postings, self.config
        limit = cfg.max_df_share * p.alive_docs if skip_common and p.alive_docs >= cfg.exact_below else None
        used, skipped = [], []
        for gram, w in qw.items():
            t = p.vocab.get(gram)
            if t is None or p.df[t] <= 0:
                continue
            (skipped if limit is not None and p.df[t] > limit else used).append((gram, w, t))
        return used, skipped

    def _dot(self, side: _Side, terms: list) -> np.ndarray:
        """Σ over ``terms`` of query weight × document weight, for every document (postings × numpy); at scale,
        the terms in more than ``max_df_share`` of the listings are left out of ``terms`` (candidate generation)."""
        p, n = side.postings, side.count
        acc = self._scores.get(id(side))
        if acc is None or len(acc) < n:
            acc = self._scores[id(side)] = np.zeros(side.capacity, dtype=np.float32)
        acc[:n] = 0.0
        for gram, w, t in terms:
            ids = np.frombuffer(p.ids[t], dtype=np.int32)
            weights = np.frombuffer(p.weights[t], dtype=np.float32)
            # add.at: numpy ≥ 2 runs it as one pass, about twice as fast as acc[ids] += … (gather, add, scatter)
            np.add.at(acc, ids, weights * np.float32(w * p.idf_of(gram, t)))
        return acc[:n]

    def suggest(self, listing: Listing, k: int = 10, *, vector: np.ndarray | None = None, exact: bool = False,
                as_of: date | None = None) -> list[Suggestion]:
        """The other side's listings worth suggesting for ``listing``, best first (at most ``k``).

        Text part: TF-IDF cosine (sublinear tf; each listing's norm stored when it was indexed). Candidates are
        the ``candidates`` best by the cosine over the query's rarer terms; their cosine is then completed over
        every term. ``exact=True`` scores every listing sharing a term with the query over every term."""
        other = self.sides[SUPPLY if listing.kind == DEMAND else DEMAND]
        if other.count == 0:
            return []
        grams = text.grams(listing.text)
        qw = self._weights(other, grams)
        return self.suggest_on(other, listing, qw, k, vector=vector, exact=exact, as_of=as_of)

    def suggest_on(self, other: Any, listing: Listing, qw: dict[str, float], k: int, *,
                   vector: np.ndarray | None = None, exact: bool = False,
                   as_of: date | None = None) -> list[Suggestion]:
        """``suggest`` over one part of the other side (this index's own, or a shared segment's columns)
        with the query's term weights ``qw`` (so that the parts' scores are comparable)."""
        if other.count == 0:
            return []
        cfg = self.config
        qn = math.sqrt(sum(v * v for v in qw.values())) or 1.0
        used, skipped = self._terms(other, qw, skip_common=not exact)
        dots = self._dot(other, used)
        # only the listings sharing a term are touched (usually far fewer than all): one pass over the scores,
        # then the live ones' cosine on that subset, not divisions and masks over the whole side
        touched = np.flatnonzero(dots > 0)  # every term weight is > 0 (idf > 0, 1 + ln tf ≥ 1)
        touched = touched[other.alive[touched]]
        partial = dots[touched] / other.norm[touched]
        if exact:
            cand = touched
            lexical = partial / qn
        else:
            # the best by the text's rarer terms, then by the whole score on that partial text (distance,
            # quantity, dates and category decide among many near-identical offers), then the text completed
            best = _top(partial, cfg.prefilter)
            cand = touched[best]
            pre = self._parts(listing, other, cand, partial[best] / qn, None, as_of or cfg.as_of)
            keep = _top(np.where(pre["ok_pre"], pre["score"], -1.0), cfg.candidates)
            cand = np.sort(cand[keep])  # sorted: the binary searches in _complete walk forwards
            lexical = self._complete(other, skipped, dots[cand], cand) / (qn * other.norm[cand])
        return self._rank(listing, other, cand, np.minimum(lexical, 1.0), vector, k, as_of or cfg.as_of)

    def _complete(self, side: _Side, skipped: list, partial: np.ndarray, cand: np.ndarray) -> np.ndarray:
        """Add the skipped common terms' share to the candidates' dot products: each posting list is sorted by
        document number, so a binary search finds the candidates in it (the same sum ``exact`` computes)."""
        p = side.postings
        total = partial.astype(np.float64)
        if not skipped:
            return total
        cand = cand.astype(np.int32)  # the postings' type: searchsorted would otherwise copy each long list
        scale = np.array([w * p.idf_of(gram, t) for gram, w, t in skipped])
        lookup = getattr(p, "lookup", None)
        if lookup is not None:  # a segment: every (term, candidate) pair searched at once
            return total + scale @ lookup(np.array([t for _g, _w, t in skipped], dtype=np.int64), cand)
        for (_gram, _w, t), c in zip(skipped, scale.tolist(), strict=True):
            ids = np.frombuffer(p.ids[t], dtype=np.int32)
            pos = np.searchsorted(ids, cand)
            pos[pos >= len(ids)] = 0
            hit = ids[pos] == cand
            if hit.any():
                total[hit] += c * np.frombuffer(p.weights[t], dtype=np.float32)[pos[hit]]
        return total

    def _parts(self, q: Listing, side: _Side, cand: np.ndarray, lexical: np.ndarray, vector: np.ndarray | None,
               as_of: date | None) -> dict[str, np.ndarray]:
        """Every part of the score of each candidate, vectorised; ``ok`` marks those worth suggesting and
        ``ok_pre`` those not excluded by anything but the text thresholds."""
        cfg = self.config
        semantic = np.full(len(cand), np.nan)
        if vector is not None:
            qv = self._centre(vector).astype(np.float32)
            has = side.has_vec[cand]
            if has.any():
                semantic[has] = side.vectors[cand[has]].astype(np.float32) @ qv
        sem_part = np.clip((semantic - cfg.semantic_floor) / (1 - cfg.semantic_floor), 0, 1)
        text_part = np.where(np.isnan(semantic), lexical,
                             (1 - cfg.semantic_weight) * lexical + cfg.semantic_weight * np.nan_to_num(sem_part))
        point = places.centroid(places.resolve(q.region) or "") if q.region else None
        if point is None:
            km = np.full(len(cand), np.nan)
        else:
            lon1, lat1 = np.radians(point[0]), np.radians(point[1])
            lon2, lat2 = np.radians(side.lon[cand].astype(np.float64)), np.radians(side.lat[cand].astype(np.float64))
            h = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
            km = 2 * 6371.0 * np.arcsin(np.sqrt(np.clip(h, 0, 1)))
        geo = np.where(np.isnan(km), 0.5, 1 / (1 + np.nan_to_num(km) / cfg.distance_scale_km))
        base = q.base_quantity
        coverage = np.full(len(cand), np.nan)
        if base is not None and base[1] > 0:
            same = side.dimension[cand] == _dimension_id(base[0])
            if q.kind == DEMAND:
                coverage[same] = np.clip(side.qty[cand][same] / base[1], 0, 1)
            else:
                coverage[same] = np.clip(base[1] / np.maximum(side.qty[cand][same], 1e-9), 0, 1)
        qty = np.where(np.isnan(coverage), 0.5, coverage)
        until = side.until[cand].astype(np.int64)
        q_until = q.valid_until.toordinal() if q.valid_until else -1
        ok = side.alive[cand].copy()
        if q_until >= 0:
            gap = np.where(until >= 0, (q_until - until) if q.kind == DEMAND else (until - q_until), 0)
            ok &= gap <= cfg.date_grace_days
            date_part = np.clip(1 - np.maximum(gap, 0) / cfg.date_grace_days, 0, 1)
        else:
            date_part = np.ones(len(cand))
        if as_of is not None:
            ok &= (until < 0) | (until >= as_of.toordinal())
        if q.enterprise:
            ok &= side.ent_id[cand] != enterprise_key(q.enterprise)
        cat_ids = side.cat_id[cand]
        known = cat_ids >= 0
        category = np.full(len(cand), 0.5)
        category[known] = self._category_row(q.category, cat_ids[known])[cat_ids[known]]
        score = text_part ** cfg.text_power * (cfg.base + cfg.w_category * category + cfg.w_distance * geo
                                               + cfg.w_quantity * qty + cfg.w_date * date_part)
        return {"text": text_part, "lexical": lexical, "semantic": semantic, "km": km, "coverage": coverage,
                "date": date_part, "category": category, "score": score, "ok_pre": ok.copy(),
                "ok": ok & (text_part >= cfg.min_text) & (score >= cfg.min_score)}

    def _category_row(self, category: str, needed: np.ndarray) -> np.ndarray:
        """Agreement of ``category`` with the categories numbered ``needed`` (and any computed before), as a row
        indexed by category number: each pair is computed once per process, not once per candidate and query."""
        size = len(self._categories)
        if len(self._category_names) != size:
            self._category_names = list(self._categories)  # numbered in insertion order
        row = self._category_rows.get(category)
        if row is None or len(row) < size:
            if len(self._category_rows) >= 1024:
                self._category_rows.clear()
            grown = np.full(size, np.nan)
            if row is not None:
                grown[: len(row)] = row
            row = self._category_rows[category] = grown
        missing = needed[np.isnan(row[needed])]
        if len(missing):
            for cid in np.unique(missing).tolist():
                row[cid] = _category_agreement(category, self._category_names[cid])
        return row

    def _rank(self, q: Listing, side: _Side, cand: np.ndarray, lexical: np.ndarray, vector: np.ndarray | None,
              k: int, as_of: date | None) -> list[Suggestion]:
        if len(cand) == 0:
            return []
        p = self._parts(q, side, cand, lexical, vector, as_of)
        ok, score = p["ok"], p["score"]
        good = np.flatnonzero(ok)
        order = good[np.argsort(-score[good], kind="stable")][:k]
        out = []
        query_text = q.title + " " + q.spec + " " + q.description
        for i in order:
            other = side.listings[cand[i]]
            assert other is not None
            out.append(Suggestion(
                id=other.id, score=float(score[i]), text=float(p["text"][i]), lexical=float(p["lexical"][i]),
                semantic=None if np.isnan(p["semantic"][i]) else float(p["semantic"][i]),
                category=float(p["category"][i]), distance_km=None if np.isnan(p["km"][i]) else float(p["km"][i]),
                coverage=None if np.isnan(p["coverage"][i]) else float(p["coverage"][i]), date=float(p["date"][i]),
                shared=tuple(text.shared_phrases(query_text, other.text)),
            ))
        return out

    def memory_bytes(self) -> int:
        total = 0
        for side in self.sides.values():
            total += side.postings.memory_bytes()
            total += sum(a.nbytes for a in (side.alive, side.doc_len, side.norm, side.lon, side.lat, side.qty,
                                            side.dimension, side.until, side.cat_id, side.ent_id, side.has_vec))
            total += side.vectors.nbytes if side.has_vec.any() else 0
        return total


_BACKGROUND: tuple[Counter[str], int, float] | None = None


def _background() -> tuple[Counter[str], int, float]:
    """Document frequencies, count and total length of the shipped labelled set's texts (labels unused)."""
    global _BACKGROUND
    if _BACKGROUND is None:
        from .listing import LABELLED_SET, read_rows

        df: Counter[str] = Counter()
        total = 0.0
        rows = read_rows(LABELLED_SET) if LABELLED_SET.exists() else []
        for row in rows:
            grams = text.grams(Listing.from_mapping(row).text)
            df.update(grams.keys())
            total += sum(grams.values())
        _BACKGROUND = (df, len(rows), total)
    return _BACKGROUND


def _top(values: np.ndarray, count: int) -> np.ndarray:
    """Positions of the ``count`` largest values (unordered; all when there are fewer)."""
    if count >= len(values):
        return np.arange(len(values))
    return np.argpartition(-values, count - 1)[:count]


@lru_cache(maxsize=65_536)
def _category_agreement(a: str, b: str) -> float:
    if not a or not b:
        return 0.5
    last_a, last_b = a.split("/")[-1].strip(), b.split("/")[-1].strip()
    if a == b or (last_a and last_a == last_b):
        return 1.0
    return text.dice(a, b)


def build(listings: Iterable[Listing], *, config: Config | None = None, vectors: dict[Any, np.ndarray] | None = None,
          mean_vector: np.ndarray | None = None) -> MatchIndex:
    index = MatchIndex(config or Config(), mean_vector=mean_vector)
    for listing in listings:
        index.add(listing, (vectors or {}).get(listing.id))
    return index


def rank_all(listings: Sequence[Listing], *, k: int = 10, config: Config | None = None,
             vectors: dict[Any, np.ndarray] | None = None, mean_vector: np.ndarray | None = None,
             exact: bool = False) -> dict[Any, list[Suggestion]]:
    """Every demand's suggested supplies (the CLI's ``rank``)."""
    index = build(listings, config=config, vectors=vectors, mean_vector=mean_vector)
    return {d.id: index.suggest(d, k, vector=(vectors or {}).get(d.id), exact=exact)
            for d in listings if d.kind == DEMAND}


Scorer = Callable[[Sequence[Listing]], dict[Any, list[Any]]]
__all__ = ["Config", "MatchIndex", "Suggestion", "build", "rank_all", "replace"]
