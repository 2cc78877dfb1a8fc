"""Text normalisation and character n-grams for Chinese problem descriptions (pure Python)."""

from __future__ import annotations

import re
import unicodedata

# Runs of anything that is not a letter, digit or CJK character separate segments, so that no n-gram
# spans punctuation ("口罩，消毒液" yields no "罩，消").
_SEPARATORS = re.compile(r"[\W_]+", re.UNICODE)


def normalise(text: str) -> str:
    """NFKC (full-width → half-width), lower case, punctuation → single spaces."""
    text = unicodedata.normalize("NFKC", text).lower()
    return _SEPARATORS.sub(" ", text).strip()


def char_ngrams(text: str, sizes: tuple[int, ...] = (1, 2, 3)) -> list[str]:
    """Character n-grams of each punctuation-free segment; an ASCII word (KN95, CT) counts as one unit."""
    grams: list[str] = []
    for segment in normalise(text).split(" "):
        if not segment:
            continue
        units = _units(segment)
        for size in sizes:
            grams.extend("".join(units[i:i + size]) for i in range(len(units) - size + 1))
    return grams


_UNIT = re.compile(r"[a-z0-9]+|.", re.UNICODE)


def _units(segment: str) -> list[str]:
    """Split a segment into CJK characters and whole ASCII tokens (so 'kn95' is one unit, not k/n/9/5)."""
    return _UNIT.findall(segment)
