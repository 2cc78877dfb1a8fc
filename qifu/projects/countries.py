"""ISO 3166-1 countries (data/countries.csv, built from Debian's iso-codes by scripts/build_countries.py):
normalise what a site types (DE, DEU, Germany, 德国) to the alpha-2 code, and name a code for display."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from django.utils import translation

DATA = Path(__file__).resolve().parent / "data" / "countries.csv"
# Names offices use that differ from the standard's Chinese short names.
ALIASES = {"韩国": "KR", "南韩": "KR", "朝鲜": "KP", "俄罗斯": "RU", "英国": "GB", "越南": "VN", "台湾": "TW",
           "伊朗": "IR", "荷兰": "NL", "捷克": "CZ", "香港": "HK", "澳门": "MO", "老挝": "LA", "叙利亚": "SY"}


@cache
def _table() -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
    names: dict[str, tuple[str, str]] = {}
    lookup: dict[str, str] = {}
    with DATA.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            code = row["alpha_2"]
            names[code] = (row["name"], row["name_zh"])
            for key in (code, row["alpha_3"], row["name"], row["name_zh"]):
                lookup[key.casefold()] = code
    for alias, code in ALIASES.items():
        lookup[alias.casefold()] = code
    return names, lookup


def normalise(value: str | None) -> str | None:
    """The alpha-2 code for a code or name; None if unknown ("" for empty)."""
    text = (value or "").strip()
    if not text:
        return ""
    return _table()[1].get(text.casefold())


def name(code: str) -> str:
    """The country's name in the active language (Chinese short name, or English)."""
    pair = _table()[0].get(code)
    if pair is None:
        return code
    lang = translation.get_language() or ""
    return pair[1] if lang.startswith("zh") else pair[0]


def choices() -> list[tuple[str, str]]:
    return sorted(((code, f"{code} {name(code)}") for code in _table()[0]), key=lambda c: c[0])
