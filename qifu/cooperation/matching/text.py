"""Text units for matching, reusing the ledger's normalisation (NFKC, lower case, punctuation as breaks):
character 1–2-grams of Chinese runs, with ASCII runs (KN95, 6203, 2rs, 90919) kept whole, so a part number is
one term and a synonym pair such as 口罩/防护口罩 shares its bigram."""

from __future__ import annotations

import unicodedata
from collections import Counter
from functools import lru_cache

from qifu.ledger.similar.text import char_ngrams, normalise

SIZES = (1, 2)


def grams(text: str, sizes: tuple[int, ...] = SIZES) -> Counter[str]:
    return Counter(char_ngrams(text, sizes))


def bigrams(text: str) -> set[str]:
    return set(char_ngrams(text, (2,))) | {g for g in char_ngrams(text, (1,)) if len(g) > 1}


def dice(a: str, b: str) -> float:
    """Dice overlap of two short texts' bigrams (categories)."""
    x, y = _bigram_set(a), _bigram_set(b)
    if not x or not y:
        return 0.0
    return 2 * len(x & y) / (len(x) + len(y))


@lru_cache(maxsize=8192)
def _bigram_set(text: str) -> frozenset[str]:
    return frozenset(bigrams(text))


def shared_phrases(query: str, other: str, limit: int = 5) -> list[str]:
    """The longest runs of the query (≥ 2 characters, or an ASCII word) that also occur in the other text:
    what a broker reads as "both mention …"."""
    q, o = _normalised(query), normalise(other)
    found: list[str] = []
    for segment in q.split(" "):
        i = 0
        while i < len(segment):
            # the longest piece from i found in the other text: grown one character at a time, since every
            # prefix of a piece found is found too (most positions stop at their first two characters)
            j = i + 2
            while j <= len(segment) and segment[i:j] in o:
                j += 1
            best = segment[i:j - 1] if j > i + 2 else ""
            if best:
                if best not in found and not any(best in f for f in found):
                    found = [f for f in found if f not in best] + [best]
                i += len(best)
            else:
                i += 1
    found.sort(key=len, reverse=True)
    folded = unicodedata.normalize("NFKC", query).lower()
    shown = []
    for phrase in found[:limit]:
        at = folded.find(phrase)  # the query's own spelling (KN95, not kn95) where the lengths agree
        shown.append(query[at:at + len(phrase)] if at >= 0 and len(folded) == len(query) else phrase)
    return shown


@lru_cache(maxsize=64)
def _normalised(query: str) -> str:
    """The query's normalised text, once for all the suggestions it is compared with."""
    return normalise(query)


__all__ = ["grams", "bigrams", "dice", "normalise", "shared_phrases"]
