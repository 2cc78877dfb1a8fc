"""Text units for matching, reusing the ledger's normalisation (NFKC, lower case, punctuation as breaks):
character 1–2-grams of Chinese runs, with ASCII runs (KN95, 6203, 2rs, 90919) kept whole, so a part number is
one term and a synonym pair such as 口罩/防护口罩 shares its bigram."""

from __future__ import annotations

import unicodedata
from collections import Counter

from qifu.ledger.similar.text import char_ngrams, normalise

SIZES = (1, 2)


def grams(text: str, sizes: tuple[int, ...] = SIZES) -> Counter[str]:
    return Counter(char_ngrams(text, sizes))


def bigrams(text: str) -> set[str]:
    return set(char_ngrams(text, (2,))) | {g for g in char_ngrams(text, (1,)) if len(g) > 1}


def dice(a: str, b: str) -> float:
    """Dice overlap of two short texts' bigrams (categories)."""
    x, y = bigrams(a), bigrams(b)
    if not x or not y:
        return 0.0
    return 2 * len(x & y) / (len(x) + len(y))


def shared_phrases(query: str, other: str, limit: int = 5) -> list[str]:
    """The longest runs of the query (≥ 2 characters, or an ASCII word) that also occur in the other text:
    what a broker reads as "both mention …"."""
    q, o = normalise(query), normalise(other)
    found: list[str] = []
    for segment in q.split(" "):
        i = 0
        while i < len(segment):
            best = ""
            for j in range(len(segment), i + 1, -1):
                piece = segment[i:j]
                if piece in o:
                    best = piece
                    break
            if len(best) >= 2:
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


__all__ = ["grams", "bigrams", "dice", "normalise", "shared_phrases"]
