"""Reference data shipped with the code: GB/T 2260 regions and GB/T 4754-2017 industries.

The data lives in ``data/regions.csv`` (rebuilt by ``scripts/build_regions.py``) and ``data/industries.csv``.
Everything here is pure: the loaders take the model class (so a migration can pass ``apps.get_model(...)``)
and the region-name resolver works on plain tuples, without the database.
"""

from __future__ import annotations

import csv
import functools
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connections, router, transaction

DATA_DIR = Path(__file__).resolve().parent / "data"
REGIONS_CSV = DATA_DIR / "regions.csv"
INDUSTRIES_CSV = DATA_DIR / "industries.csv"


# --- Records ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegionRecord:
    code: str
    name: str
    level: int
    parent_code: str | None
    full_name: str
    longitude: float | None
    latitude: float | None


@dataclass(frozen=True)
class IndustryRecord:
    code: str
    name: str
    level: int
    parent_code: str | None


def _float(value: str) -> float | None:
    return float(value) if value.strip() else None


def read_regions(path: Path = REGIONS_CSV) -> list[RegionRecord]:
    """The regions of the CSV file, parents before children."""
    with path.open(encoding="utf-8", newline="") as fh:
        records = [
            RegionRecord(
                code=row["code"],
                name=row["name"],
                level=int(row["level"]),
                parent_code=row["parent_code"] or None,
                full_name=row["full_name"],
                longitude=_float(row["longitude"]),
                latitude=_float(row["latitude"]),
            )
            for row in csv.DictReader(fh)
        ]
    return sorted(records, key=lambda r: (r.level, r.code))


def read_industries(path: Path = INDUSTRIES_CSV) -> list[IndustryRecord]:
    """The industries of the CSV file, sections before divisions."""
    with path.open(encoding="utf-8", newline="") as fh:
        records = [
            IndustryRecord(
                code=row["code"],
                name=row["name"],
                level=int(row["level"]),
                parent_code=row["parent_code"] or None,
            )
            for row in csv.DictReader(fh)
        ]
    return sorted(records, key=lambda r: (r.level, r.code))


# --- Loaders ----------------------------------------------------------------------------------------------


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged

    def __str__(self) -> str:
        return f"{self.total} ({self.created} created, {self.updated} updated, {self.unchanged} unchanged)"


def _update_rows(model: Any, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    """``UPDATE … WHERE code = %s`` for each row (values in ``columns`` order, then the code), in one
    executemany: much faster than ``bulk_update``'s CASE expressions for thousands of rows."""
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    meta = model._meta
    assignments = ", ".join(f"{quote(meta.get_field(c).column)} = %s" for c in columns)
    where = quote(meta.get_field("code").column)
    # Only quoted identifiers from the model's metadata go into the text; every value is a parameter.
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {where} = %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _upsert(model: Any, records: list[Any], fields: list[str], batch_size: int) -> LoadResult:
    """Insert missing rows and update changed ones, level by level; never delete anything.

    ``fields`` are the record attributes copied onto the model (``parent_code`` maps to ``parent_id``).
    """
    columns = [("parent_id" if f == "parent_code" else f) for f in fields]
    existing = {row[0]: row[1:] for row in model._base_manager.values_list("code", *columns)}
    result = LoadResult()
    with transaction.atomic(using=router.db_for_write(model)):
        for level in sorted({r.level for r in records}):
            to_create, to_update = [], []
            for record in records:
                if record.level != level:
                    continue
                values = tuple(getattr(record, f) for f in fields)
                current = existing.get(record.code)
                if current is None:
                    to_create.append(model(code=record.code, **dict(zip(columns, values, strict=True))))
                elif tuple(current) != values:
                    to_update.append((*values, record.code))
                else:
                    result.unchanged += 1
            # Parents of this level were written by the previous round, so foreign keys hold at once.
            model._base_manager.bulk_create(to_create, batch_size=batch_size)
            _update_rows(model, columns, to_update)
            result.created += len(to_create)
            result.updated += len(to_update)
    return result


REGION_FIELDS = ["name", "full_name", "level", "parent_code", "longitude", "latitude"]
INDUSTRY_FIELDS = ["name", "level", "parent_code"]


def load_regions(
    region_model: Any, records: list[RegionRecord] | None = None, batch_size: int = 500
) -> LoadResult:
    """Upsert the GB/T 2260 regions into ``region_model`` (the real or a migration's historical model)."""
    return _upsert(
        region_model, records if records is not None else read_regions(), REGION_FIELDS, batch_size
    )


def load_industries(
    industry_model: Any, records: list[IndustryRecord] | None = None, batch_size: int = 500
) -> LoadResult:
    """Upsert the GB/T 4754-2017 sections and divisions into ``industry_model``."""
    return _upsert(
        industry_model, records if records is not None else read_industries(), INDUSTRY_FIELDS, batch_size
    )


# --- Centroids and distances ------------------------------------------------------------------------------


def region_centroids(records: Iterable[RegionRecord] | None = None) -> dict[str, tuple[float, float]]:
    """``{code: (longitude, latitude)}`` for every region that has coordinates."""
    rows = read_regions() if records is None else records
    return {
        r.code: (r.longitude, r.latitude) for r in rows if r.longitude is not None and r.latitude is not None
    }


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in kilometres between two (longitude, latitude) points."""
    lng1, lat1, lng2, lat2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


# --- Resolving region names -------------------------------------------------------------------------------

# A region as the resolver sees it: (code, name, full_name, parent_code).
RegionTuple = tuple[str, str, str, str | None]

# Ethnic groups as they appear in the names of autonomous prefectures, counties and banners. Names of one
# character only count with 族 (苗族, 各族), longer ones also without it (巴音郭楞蒙古自治州).
# fmt: off
_ETHNIC = [
    "蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶", "白", "土家", "哈尼", "哈萨克", "傣", "黎",
    "傈僳", "佤", "畲", "高山", "拉祜", "水", "东乡", "纳西", "景颇", "柯尔克孜", "土", "达斡尔", "仫佬", "羌", "布朗", "撒拉", "毛南",
    "仡佬", "锡伯", "阿昌", "普米", "塔吉克", "怒", "乌孜别克", "俄罗斯", "鄂温克", "德昂", "保安", "裕固", "京", "塔塔尔", "独龙", "鄂伦春",
    "赫哲", "门巴", "珞巴", "基诺", "各",
]
# fmt: on
_ETHNIC_RE = re.compile(
    "|".join(sorted((e + "族" if len(e) == 1 else f"{e}(?:族)?" for e in _ETHNIC), key=len, reverse=True))
)
_PROVINCE_SUFFIXES = ("特别行政区", "壮族自治区", "回族自治区", "维吾尔自治区", "自治区", "省", "市")
_OTHER_SUFFIXES = ("地区", "新区", "林区", "特区", "市", "盟", "区", "县", "旗")
_SEPARATORS = re.compile(r"[\s/\\|>·•,，、\-—_]+")


def _normalise(text: str) -> str:
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", text or ""))


def short_names(name: str) -> set[str]:
    """Common short forms of a division's name: 四川省 → 四川, 阿坝藏族羌族自治州 → 阿坝 and 阿坝州,
    石柱土家族自治县 → 石柱 and 石柱县, 龙泉驿区 → 龙泉驿.

    Forms of fewer than two characters are left out (忠县 has none).
    """
    shorts: set[str] = set()
    if name.endswith(("自治州", "自治县", "自治旗")):
        match = _ETHNIC_RE.search(name)
        if match and match.start() == 0:  # 鄂伦春自治旗 → 鄂伦春旗, 东乡族自治县 → 东乡县
            shorts.add(match.group().removesuffix("族") + name[-1])
        elif match:
            shorts.update({name[: match.start()], name[: match.start()] + name[-1]})
        return {s for s in shorts if len(s) >= 3 or (len(s) == 2 and not s.endswith(name[-1]))}
    for suffix in _PROVINCE_SUFFIXES + _OTHER_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            shorts.add(name[: -len(suffix)])
            break
    shorts.discard(name)
    return {s for s in shorts if len(s) >= 2}


class RegionResolver:
    """Resolves free text (a code, a full name, or a name with province/city omitted) to a region code.

    Build it once from ``(code, name, full_name, parent_code)`` tuples (for instance
    ``Region.objects.values_list("code", "name", "full_name", "parent_id")`` or :func:`region_tuples`) and
    call :meth:`resolve` for each text. Exact forms win over short forms (成都 for 成都市); a text that fits
    several regions resolves to nothing, and :meth:`candidates` tells which. ``aliases`` maps extra texts
    (former names such as 郫县) to codes.
    """

    def __init__(self, regions: Iterable[RegionTuple], aliases: Mapping[str, str] | None = None) -> None:
        self._regions: dict[str, RegionTuple] = {r[0]: tuple(r) for r in regions}  # type: ignore[misc]
        self._aliases = {_normalise(k): v for k, v in (aliases or {}).items()}
        self._exact: dict[str, set[str]] = {}
        self._short: dict[str, set[str]] = {}
        for code, _name, full_name, _parent in self._regions.values():
            chain = self._chain(code)  # names from the province down to this region
            for form in self._path_forms(chain, short=False):
                self._exact.setdefault(form, set()).add(code)
            self._exact.setdefault(_normalise(full_name), set()).add(code)
            for form in self._path_forms(chain, short=True):
                self._short.setdefault(form, set()).add(code)

    def _chain(self, code: str) -> list[str]:
        names: list[str] = []
        seen: set[str] = set()
        current: str | None = code
        while current and current in self._regions and current not in seen:
            seen.add(current)
            _code, name, _full, parent = self._regions[current]
            if not names or names[0] != name:  # 重庆市 / 重庆市 (the municipality's level-2 row)
                names.insert(0, _normalise(name))
            current = parent
        return names

    @staticmethod
    def _path_forms(chain: list[str], short: bool) -> set[str]:
        """Every way to write the region: its own name preceded by any subsequence of its ancestors."""
        *ancestors, own = chain
        own_forms = ({own} | short_names(own)) if short else {own}
        forms: set[str] = set()
        for mask in range(1 << len(ancestors)):
            picked = [ancestors[i] for i in range(len(ancestors)) if mask & (1 << i)]
            prefixes = [""]
            for ancestor in picked:
                options = ({ancestor} | short_names(ancestor)) if short else {ancestor}
                prefixes = [p + o for p in prefixes for o in options]
            forms.update(p + o for p in prefixes for o in own_forms)
        return forms

    def _within(self, codes: set[str], within: str | None) -> set[str]:
        if not within:
            return codes
        scope = within.rstrip("0") if len(within) == 6 else within
        if len(scope) % 2:
            scope += "0"
        return {c for c in codes if c.startswith(scope)}

    def candidates(self, text: str, within: str | None = None) -> list[str]:
        """The codes ``text`` may mean (exact forms first, short forms only when no exact form fits).

        ``within`` limits the search to one province or prefecture (a region code such as "510000").
        """
        key = _normalise(text)
        if not key:
            return []
        if key in self._aliases:
            return [self._aliases[key]]
        if key.isdigit():
            # Township (9-digit) and statistical (12-digit) codes start with their county's code.
            code = key[:6] if len(key) in (9, 12) else key
            return [code] if code in self._regions else []
        for index in (self._exact, self._short):
            found = self._within(index.get(key, set()), within)
            if found:
                return sorted(found)
        return []

    def resolve(self, text: str, within: str | None = None) -> str | None:
        """The one code ``text`` means, or None when it means none or several."""
        found = self.candidates(text, within)
        if len(found) == 1:
            return found[0]
        # Rows with one and the same full name (重庆市 and its level-2 row 500100): take the highest.
        if len(found) > 1 and len({self._regions[c][2] for c in found}) == 1:
            return min(found, key=lambda c: (not c.endswith("0000"), c))
        return None


def region_tuples(records: Iterable[RegionRecord] | None = None) -> list[RegionTuple]:
    """``(code, name, full_name, parent_code)`` for every region of the CSV file, for :class:`RegionResolver`."""
    rows = read_regions() if records is None else records
    return [(r.code, r.name, r.full_name, r.parent_code) for r in rows]


@functools.cache
def default_resolver() -> RegionResolver:
    """A resolver over the shipped CSV file (built once per process)."""
    return RegionResolver(region_tuples())


def resolve_region_text(
    text: str,
    regions: Iterable[RegionTuple],
    within: str | None = None,
    aliases: Mapping[str, str] | None = None,
) -> str | None:
    """Resolve one text to a region code; see :class:`RegionResolver` (build that once for many texts)."""
    return RegionResolver(regions, aliases).resolve(text, within)
