"""Units of quantity: a listing's quantity converted to a base unit of its dimension, so that coverage can be
computed across 吨/公斤, 万只/只, 箱 etc. Unknown units compare only with the same unit text."""

from __future__ import annotations

import re

# unit → (dimension, factor to the dimension's base unit)
UNITS: dict[str, tuple[str, float]] = {
    "吨": ("mass", 1000.0), "t": ("mass", 1000.0), "公斤": ("mass", 1.0), "千克": ("mass", 1.0), "kg": ("mass", 1.0),
    "斤": ("mass", 0.5), "克": ("mass", 0.001), "g": ("mass", 0.001),
    "只": ("piece", 1.0), "个": ("piece", 1.0), "件": ("piece", 1.0), "把": ("piece", 1.0), "副": ("piece", 1.0),
    "片": ("piece", 1.0), "条": ("piece", 1.0), "瓶": ("piece", 1.0), "套": ("piece", 1.0), "台": ("piece", 1.0),
    "盒": ("piece", 1.0), "万只": ("piece", 10_000.0), "万个": ("piece", 10_000.0), "万片": ("piece", 10_000.0),
    "万件": ("piece", 10_000.0), "万套": ("piece", 10_000.0),
    "升": ("volume", 1.0), "l": ("volume", 1.0), "毫升": ("volume", 0.001), "ml": ("volume", 0.001),
    "立方米": ("volume", 1000.0), "m3": ("volume", 1000.0),
    "平方米": ("area", 1.0), "平米": ("area", 1.0), "㎡": ("area", 1.0), "m2": ("area", 1.0), "亩": ("area", 666.67),
    "车次": ("trip", 1.0), "趟": ("trip", 1.0), "车": ("trip", 1.0),
    "台时": ("machine_hour", 1.0), "小时": ("machine_hour", 1.0),
    "人": ("person", 1.0), "名": ("person", 1.0),
}


def to_base(quantity: float | None, unit: str) -> tuple[str, float] | None:
    """(dimension, quantity in base units), or None without a quantity."""
    if quantity is None:
        return None
    key = re.sub(r"\s+", "", (unit or "")).lower()
    dimension, factor = UNITS.get(key, (f"unit:{key}", 1.0))
    return dimension, float(quantity) * factor


def coverage(supply: tuple[str, float] | None, demand: tuple[str, float] | None) -> float | None:
    """Share of the demand the supply covers (0–1); None when either lacks a quantity or units differ."""
    if supply is None or demand is None or supply[0] != demand[0] or demand[1] <= 0:
        return None
    return max(0.0, min(1.0, supply[1] / demand[1]))
