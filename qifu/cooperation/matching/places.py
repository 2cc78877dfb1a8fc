"""Regions without Django: GB/T 2260 codes and centroids from organisations/data/regions.csv, place names
resolved to codes ("四川省成都市龙泉驿区", "成都市龙泉驿区", "龙泉驿区", "龙泉驿" or "510112"), great-circle distances."""

from __future__ import annotations

import csv
import math
import re
from functools import lru_cache
from pathlib import Path

REGIONS_CSV = Path(__file__).resolve().parents[2] / "organisations" / "data" / "regions.csv"
_SUFFIXES = ("特别行政区", "自治州", "自治县", "自治区", "地区", "新区", "省", "市", "区", "县", "盟", "旗")


@lru_cache(maxsize=1)
def _table() -> dict[str, tuple[str, str, int, str, float | None, float | None]]:
    """code → (name, full name, level, parent code, longitude, latitude)."""
    rows = {}
    with REGIONS_CSV.open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            lon = float(r["longitude"]) if r["longitude"] else None
            lat = float(r["latitude"]) if r["latitude"] else None
            rows[r["code"]] = (r["name"], r["full_name"], int(r["level"]), r["parent_code"], lon, lat)
    return rows


def _short(name: str) -> str:
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


@lru_cache(maxsize=1)
def _names() -> tuple[dict[str, str], list[tuple[str, str, int]]]:
    full = {}
    names = []
    for code, (name, full_name, level, _p, _lon, _lat) in _table().items():
        full.setdefault(full_name, code)
        names.append((name, code, level))
        short = _short(name)
        if short != name:
            names.append((short, code, level))
    names.sort(key=lambda t: (-len(t[0]), -t[2]))
    return full, names


def _ancestors(code: str) -> list[str]:
    out = []
    table = _table()
    parent = table[code][3]
    while parent and parent in table:
        out.append(parent)
        parent = table[parent][3]
    return out


@lru_cache(maxsize=20_000)
def resolve(text: str) -> str | None:
    """The six-digit code of a place given as a code or a Chinese name; None when nothing fits."""
    text = re.sub(r"\s+", "", text or "")
    if not text:
        return None
    table = _table()
    if re.fullmatch(r"\d{6}", text):
        return text if text in table else None
    full, names = _names()
    if text in full:
        return full[text]
    # every known name inside the text; the deepest whose ancestors mentioned in the text agree wins
    found = [(name, code, level) for name, code, level in names if name in text]
    if not found:
        return None
    mentioned = {code for _n, code, _l in found}
    best = None
    for name, code, level in found:
        consistent = sum(1 for a in _ancestors(code) if a in mentioned)
        key = (consistent, level, len(name))
        if best is None or key > best[0]:
            best = (key, code)
    return best[1] if best else None


def centroid(code: str) -> tuple[float, float] | None:
    row = _table().get(code)
    if row is None or row[4] is None or row[5] is None:
        return None
    return row[4], row[5]


def name(code: str) -> str:
    row = _table().get(code)
    return row[1] if row else code


def distance_km(a: tuple[float, float] | None, b: tuple[float, float] | None) -> float | None:
    """Great-circle distance between two (longitude, latitude) points; None when either is unknown."""
    if a is None or b is None:
        return None
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))
