"""A shared, memory-mapped base segment of the index, plus a small in-process delta (no Django inside).

Why: an in-process ``MatchIndex`` of a million listings costs every web and worker process about 2.5 GB. Here
the listings open at some moment (the watermark) are written once, by one job, as flat arrays on disk; every
process opens them with ``numpy.load(mmap_mode=...)``, so they live once in the OS page cache, shared by all
processes, and a process only pays for the pages it touches privately. What changed after the watermark is a
small ``MatchIndex`` in the process (the delta), filled from the database at query time; a listing in the delta
(edited) or gone (closed, expired, removed) masks its segment row in a copy-on-write mask. Both parts score with
the same idf (each counts the other's document frequencies through ``_Postings.peer``), so their top-k lists
merge into exactly what one index over both would answer.

Layout of a segment directory (one per side, ``supply/`` and ``demand/``, plus ``meta.json``)::

    term_hash  uint64[T]   64-bit BLAKE2b of each term (1–2-gram or ASCII word), sorted: term t is rank t
    offsets    int64[T+1]  postings of term t are docs[offsets[t]:offsets[t+1]] (document numbers ascending)
    docs       int32[P]    weights float32[P] (1 + ln tf, the sublinear term weight)    df int32[T]
    ids        int64[N]    listing ids; by_id int32[N] the document numbers in id order (lookups by id)
    norm, doc_len, lon, lat float32[N]; qty float64[N]; dimension, until, cat_id int32[N]; ent_id int64[N]
    text_off   int64[N+1]  text.bin  the listings' texts (UTF-8), for the phrases both texts share

A term's df in the segment counts the listings open at the watermark; listings masked since then still count
(idf moves by a fraction of a percent) until the next segment, which the job writes every hour.
"""

from __future__ import annotations

import gc
import hashlib
import json
import math
import mmap
import os
import shutil
from array import array
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from . import places, text
from .engine import Config, MatchIndex, Suggestion, _background, _dimension_id, enterprise_key
from .listing import DEMAND, KINDS, SUPPLY, Listing

FORMAT = 2  # 2: term weights (1 + ln tf) stored instead of raw term frequencies
COLUMNS = {"norm": np.float32, "doc_len": np.float32, "lon": np.float32, "lat": np.float32, "qty": np.float64,
           "dimension": np.int32, "until": np.int32, "cat_id": np.int32, "ent_id": np.int64}


def term_hash(gram: str) -> int:
    return int.from_bytes(hashlib.blake2b(gram.encode(), digest_size=8).digest(), "little")


# --- writing --------------------------------------------------------------------------------------------


class _SideWriter:
    """Collects one side's postings as three flat arrays (term, doc, tf) and its columns, then writes them."""

    def __init__(self) -> None:
        self.vocab: dict[str, int] = {}
        self.p_term = array("i")
        self.p_doc = array("i")
        self.p_tf = array("f")
        self.ids = array("q")
        self.columns: dict[str, array] = {name: array(np.dtype(t).char) for name, t in COLUMNS.items()}
        self.texts: list[bytes] = []
        self.total_len = 0.0

    def add(self, listing: Listing, category_id: int) -> None:
        doc = len(self.ids)
        body = listing.text
        grams = text.grams(body)
        for gram, tf in grams.items():
            t = self.vocab.get(gram)
            if t is None:
                t = self.vocab[gram] = len(self.vocab)
            self.p_term.append(t)
            self.p_doc.append(doc)
            self.p_tf.append(tf)
        length = float(sum(grams.values()))
        self.total_len += length
        self.ids.append(int(listing.id))
        point = places.centroid(places.resolve(listing.region) or "") if listing.region else None
        base = listing.base_quantity
        c = self.columns
        c["norm"].append(1.0)
        c["doc_len"].append(length)
        c["lon"].append(point[0] if point else math.nan)
        c["lat"].append(point[1] if point else math.nan)
        c["qty"].append(base[1] if base else math.nan)
        c["dimension"].append(_dimension_id(base[0]) if base else -1)
        c["until"].append(listing.valid_until.toordinal() if listing.valid_until else -1)
        c["cat_id"].append(category_id)
        c["ent_id"].append(enterprise_key(listing.enterprise) if listing.enterprise else -1)
        self.texts.append(body.encode())

    def write(self, folder: Path, background: tuple[Any, int, float]) -> dict[str, Any]:
        folder.mkdir(parents=True)
        n = len(self.ids)
        grams = list(self.vocab)
        hashes = np.fromiter((term_hash(g) for g in grams), dtype=np.uint64, count=len(grams))
        rank = np.argsort(hashes, kind="stable")
        new_of_old = np.empty(len(grams), dtype=np.int32)
        new_of_old[rank] = np.arange(len(grams), dtype=np.int32)
        np.save(folder / "term_hash.npy", hashes[rank])
        terms = new_of_old[np.frombuffer(self.p_term, dtype=np.int32)]
        del self.p_term
        order = np.argsort(terms, kind="stable")  # term-major; documents stay ascending within a term
        docs = np.frombuffer(self.p_doc, dtype=np.int32)[order]
        tfs = np.frombuffer(self.p_tf, dtype=np.float32)[order]
        terms = terms[order]
        del order, self.p_doc, self.p_tf
        df = np.bincount(terms, minlength=len(grams)).astype(np.int32)
        offsets = np.zeros(len(grams) + 1, dtype=np.int64)
        np.cumsum(df, out=offsets[1:])
        # each listing's TF-IDF norm with the segment's final idf (the same formula as MatchIndex.add)
        bg_df, bg_docs, _bg_len = background
        sorted_grams = [grams[i] for i in rank]
        idf = np.array([math.log(1 + (n + bg_docs - (d + bg_df.get(g, 0)) + 0.5) / (d + bg_df.get(g, 0) + 0.5))
                        for g, d in zip(sorted_grams, df.tolist(), strict=True)], dtype=np.float64)
        weights = (1 + np.log(tfs.astype(np.float64))) * idf[terms]
        norm = np.sqrt(np.bincount(docs, weights * weights, minlength=n))
        norm[norm == 0] = 1.0
        del weights, terms
        np.save(folder / "offsets.npy", offsets)
        np.save(folder / "docs.npy", docs)
        np.save(folder / "weights.npy", (1 + np.log(tfs)).astype(np.float32))
        np.save(folder / "df.npy", df)
        del docs, tfs
        ids = np.frombuffer(self.ids, dtype=np.int64)
        np.save(folder / "ids.npy", ids)
        np.save(folder / "by_id.npy", np.argsort(ids, kind="stable").astype(np.int32))
        for name, dtype in COLUMNS.items():
            values = np.frombuffer(self.columns[name], dtype=dtype) if n else np.zeros(0, dtype)
            np.save(folder / f"{name}.npy", norm.astype(np.float32) if name == "norm" else values)
        lengths = np.fromiter((len(b) for b in self.texts), dtype=np.int64, count=n)
        text_off = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(lengths, out=text_off[1:])
        np.save(folder / "text_off.npy", text_off)
        np.save(folder / "alive.npy", np.ones(n, dtype=bool))  # each process maps it copy-on-write
        with open(folder / "text.bin", "wb") as f:
            for chunk in self.texts:
                f.write(chunk)
        return {"count": n, "terms": len(grams), "postings": int(offsets[-1]), "total_len": self.total_len}


def write_segment(listings: Iterable[Listing], folder: str | Path, *, watermark: str = "",
                  extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """Write the open listings as a segment in ``folder`` (created; must not exist). Streams the listings and
    keeps only flat arrays, so a million listings need about 1 GB while writing, not the 2.5 GB of a
    ``MatchIndex``; ``watermark`` is stored for the reader (changes after it form the delta)."""
    folder = Path(folder)
    tmp = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    writers = {SUPPLY: _SideWriter(), DEMAND: _SideWriter()}
    categories: dict[str, int] = {}
    for listing in listings:
        cid = categories.setdefault(listing.category, len(categories))
        writers[listing.kind].add(listing, cid)
    background = _background()
    tmp.mkdir(parents=True)
    sides = {}
    for kind in KINDS:
        sides[kind] = writers.pop(kind).write(tmp / kind, background)
        gc.collect()
    meta = {"format": FORMAT, "watermark": watermark, "categories": list(categories), "sides": sides,
            **(extra or {})}
    (tmp / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, folder)
    return meta


# --- reading --------------------------------------------------------------------------------------------


def _load(path: Path, mode: str) -> np.ndarray:
    """A ``.npy`` file mapped as a plain ndarray: shared read-only (``r``) or private copy-on-write (``c``).
    MAP_POPULATE maps every page at once (they are in the page cache, shared), so the first queries of a new
    process do not pay a page fault per touched page; numpy.memmap's Python-level indexing is avoided too."""
    with open(path, "rb") as f:
        version = np.lib.format.read_magic(f)
        read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else \
            np.lib.format.read_array_header_2_0
        shape, fortran, dtype = read_header(f)
        offset = f.tell()
        size = os.fstat(f.fileno()).st_size
        if size == offset:
            return np.zeros(shape, dtype=dtype)
        flags = mmap.MAP_SHARED if mode == "r" else mmap.MAP_PRIVATE
        prot = mmap.PROT_READ if mode == "r" else mmap.PROT_READ | mmap.PROT_WRITE
        mapped = mmap.mmap(f.fileno(), size, flags=flags | getattr(mmap, "MAP_POPULATE", 0), prot=prot)
    count = int(np.prod(shape)) if shape else 1
    array = np.frombuffer(mapped, dtype=dtype, count=count, offset=offset).reshape(shape, order="F" if fortran
                                                                                   else "C")
    return array


class _Vocab:
    """term → term number, by binary search in the sorted term hashes; the terms looked up recently are
    remembered (at most CACHE of them: a few MB per process, the one per-term cost a process pays)."""

    CACHE = 100_000

    def __init__(self, hashes: np.ndarray) -> None:
        self.hashes = hashes
        self.size = len(hashes)
        self.cache: dict[str, int] = {}

    def get(self, gram: str, default: Any = None) -> int | None:
        t = self.cache.get(gram)
        if t is None:
            t = -1
            if self.size:
                h = np.uint64(term_hash(gram))  # typed: a Python int key would convert the whole array
                pos = int(self.hashes.searchsorted(h))
                if pos < self.size and self.hashes[pos] == h:
                    t = pos
            if len(self.cache) >= self.CACHE:
                self.cache.clear()
            self.cache[gram] = t
        return default if t < 0 else t


class _Slices:
    def __init__(self, values: np.ndarray, offsets: np.ndarray) -> None:
        self.values, self.offsets = values, offsets

    def __getitem__(self, t: int) -> np.ndarray:
        return self.values[int(self.offsets[t]):int(self.offsets[t + 1])]


class _SegmentPostings:
    """The read side of ``engine._Postings`` over the mapped arrays."""

    def __init__(self, folder: Path, info: dict[str, Any], background: tuple[Any, int, float], mode: str) -> None:
        offsets = _load(folder / "offsets.npy", mode)
        self.vocab = _Vocab(_load(folder / "term_hash.npy", mode))
        self.offsets = offsets
        self.docs = _load(folder / "docs.npy", mode)
        self.weights_flat = _load(folder / "weights.npy", mode)
        self.ids = _Slices(self.docs, offsets)
        self.weights = _Slices(self.weights_flat, offsets)
        self.df = _load(folder / "df.npy", mode)
        self.background, self.background_docs, self.background_len = background
        self.total_len = info["total_len"]
        self.alive_docs = info["count"]
        self.peer: Any = None

    def df_of(self, gram: str) -> int:
        t = self.vocab.get(gram)
        return int(self.df[t]) if t is not None else 0

    def idf_of(self, gram: str, t: int | None) -> float:
        n = self.alive_docs + self.background_docs
        df = (int(self.df[t]) if t is not None else 0) + self.background.get(gram, 0)
        if self.peer is not None:
            n += self.peer.alive_docs
            df += self.peer.df_of(gram)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def average_length(self) -> float:
        return (self.total_len + self.background_len) / max(self.alive_docs + self.background_docs, 1)

    def lookup(self, terms: np.ndarray, docs: np.ndarray) -> np.ndarray:
        """The weight of each term in each document (0 where absent) as a terms × docs matrix: one vectorised
        binary search of every pair at once in the term-major postings (each term's documents ascending), in
        place of a ``searchsorted`` call per term."""
        starts, ends = self.offsets[terms], self.offsets[terms + 1]
        lo = np.repeat(starts, len(docs)).reshape(len(terms), len(docs))
        end = np.repeat(ends, len(docs)).reshape(len(terms), len(docs))
        hi = end.copy()
        target = docs[np.newaxis, :]
        for _ in range(int(np.max(ends - starts, initial=0)).bit_length()):
            mid = (lo + hi) >> 1
            below = (lo < hi) & (self.docs.take(mid, mode="clip") < target)  # a finished search stays put
            lo = np.where(below, mid + 1, lo)
            hi = np.where(below, hi, mid)
        found = (lo < end) & (self.docs.take(lo, mode="clip") == target)
        return np.where(found, self.weights_flat.take(lo, mode="clip"), np.float32(0))


class _Stored:
    """A segment listing as the ranking reads it: its id and its text."""

    __slots__ = ("id", "text")

    def __init__(self, listing_id: int, body: str) -> None:
        self.id, self.text = listing_id, body


class _Texts:
    def __init__(self, ids: np.ndarray, offsets: np.ndarray, blob: np.ndarray) -> None:
        self.ids, self.offsets, self.blob = ids, offsets, blob

    def __getitem__(self, doc: int) -> _Stored:
        start, end = int(self.offsets[doc]), int(self.offsets[doc + 1])
        return _Stored(int(self.ids[doc]), bytes(self.blob[start:end]).decode())


class _SegmentSide:
    """The columns of ``engine._Side`` for one kind, mapped from disk; ``alive`` is a private copy-on-write
    mapping (masking a row touches one page of this process only)."""

    def __init__(self, folder: Path, info: dict[str, Any], background: tuple[Any, int, float], mode: str) -> None:
        self.count = self.capacity = info["count"]
        self.postings = _SegmentPostings(folder, info, background, mode)
        for name in COLUMNS:
            setattr(self, name, _load(folder / f"{name}.npy", mode))
        self.listing_ids = _load(folder / "ids.npy", mode)
        self.by_id = _load(folder / "by_id.npy", mode)
        blob = np.memmap(folder / "text.bin", dtype=np.uint8, mode="r").view(np.ndarray) if self.count and \
            os.path.getsize(folder / "text.bin") else np.zeros(0, np.uint8)  # read only for the top k
        self.listings = _Texts(self.listing_ids, _load(folder / "text_off.npy", mode), blob)
        self.alive = _load(folder / "alive.npy", "c")
        self.has_vec = np.zeros(0, dtype=bool)
        self.vectors = np.zeros((0, 1), dtype=np.float16)
        self.masked = 0

    def doc_of(self, listing_id: int) -> int | None:
        if not self.count:
            return None
        pos = int(np.searchsorted(self.listing_ids, np.int64(listing_id), sorter=self.by_id))
        if pos < self.count:
            doc = int(self.by_id[pos])
            if int(self.listing_ids[doc]) == listing_id:
                return doc
        return None

    def mask(self, listing_id: int) -> bool:
        doc = self.doc_of(listing_id)
        if doc is None or not self.alive[doc]:
            return False
        self.alive[doc] = False
        self.masked += 1
        self.postings.alive_docs -= 1
        return True


class Segment:
    """A written segment opened read-only (memory-mapped) by one process."""

    def __init__(self, folder: str | Path, mode: str = "r") -> None:
        self.folder = Path(folder)
        self.meta = json.loads((self.folder / "meta.json").read_text(encoding="utf-8"))
        if self.meta.get("format") != FORMAT:
            raise ValueError(f"segment format {self.meta.get('format')} is not {FORMAT}")
        background = _background()
        self.sides = {kind: _SegmentSide(self.folder / kind, self.meta["sides"][kind], background, mode)
                      for kind in KINDS}
        self.categories: list[str] = self.meta["categories"]

    @property
    def watermark(self) -> str:
        return str(self.meta.get("watermark") or "")

    def __len__(self) -> int:
        return sum(s.postings.alive_docs for s in self.sides.values())

    def mapped_bytes(self) -> int:
        return sum(f.stat().st_size for f in self.folder.rglob("*") if f.is_file())


class SharedIndex:
    """A segment (shared, mapped) plus the changes since its watermark (a small in-process ``MatchIndex``):
    the same ``add``/``remove``/``suggest`` as ``MatchIndex``."""

    def __init__(self, segment: Segment | None = None, config: Config | None = None) -> None:
        self.segment = segment
        self.delta = MatchIndex(config or Config())
        if segment is not None:
            for name in segment.categories:  # one category table: the segment's numbers stay valid
                self.delta._categories.setdefault(name, len(self.delta._categories))
            for kind in KINDS:
                seg_postings = segment.sides[kind].postings
                self.delta.peers[kind] = seg_postings
                self.delta.sides[kind].postings.peer = seg_postings
                seg_postings.peer = _DeltaPostings(self.delta, kind)

    @property
    def config(self) -> Config:
        return self.delta.config

    def __len__(self) -> int:
        return len(self.delta) + (len(self.segment) if self.segment is not None else 0)

    def __contains__(self, listing_id: Any) -> bool:
        if listing_id in self.delta:
            return True
        if self.segment is None:
            return False
        return any((d := s.doc_of(listing_id)) is not None and bool(s.alive[d])
                   for s in self.segment.sides.values())

    def add(self, listing: Listing, vector: np.ndarray | None = None) -> None:
        """Index a new or edited listing in the delta (its segment row, if any, is masked)."""
        self._mask(listing.id)
        self.delta.add(listing, vector)

    def remove(self, listing_id: Any) -> bool:
        masked = self._mask(listing_id)
        return self.delta.remove(listing_id) or masked

    def _mask(self, listing_id: Any) -> bool:
        if self.segment is None:
            return False
        return any(side.mask(int(listing_id)) for side in self.segment.sides.values())

    def suggest(self, listing: Listing, k: int = 10, *, vector: np.ndarray | None = None, exact: bool = False,
                as_of: date | None = None) -> list[Suggestion]:
        """The best of the segment's and the delta's suggestions (scored with the same idf)."""
        other = SUPPLY if listing.kind == DEMAND else DEMAND
        delta_side = self.delta.sides[other]
        qw = self.delta._weights(delta_side, text.grams(listing.text))
        found = self.delta.suggest_on(delta_side, listing, qw, k, vector=vector, exact=exact, as_of=as_of)
        if self.segment is not None:
            found += self.delta.suggest_on(self.segment.sides[other], listing, qw, k, exact=exact, as_of=as_of)
        found.sort(key=lambda s: -s.score)
        return found[:k]

    def memory_bytes(self) -> int:
        """What this process holds privately for the index: the delta and the scratch score buffers."""
        return self.delta.memory_bytes() + sum(a.nbytes for a in self.delta._scores.values())

    def mapped_bytes(self) -> int:
        """The segment's files, mapped and shared through the page cache by every process."""
        return self.segment.mapped_bytes() if self.segment is not None else 0


class _DeltaPostings:
    """The delta's document frequencies as the segment's peer (follows the delta's compactions)."""

    def __init__(self, delta: MatchIndex, kind: str) -> None:
        self.delta, self.kind = delta, kind

    @property
    def alive_docs(self) -> int:
        return self.delta.sides[self.kind].postings.alive_docs

    def df_of(self, gram: str) -> int:
        return self.delta.sides[self.kind].postings.df_of(gram)


__all__ = ["Segment", "SharedIndex", "write_segment"]
