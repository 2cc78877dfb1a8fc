"""Build ``qifu/organisations/data/regions.csv`` from GB/T 2260 codes and cpca centroids.

Sources:

* Codes and names: python-stdnum's ``stdnum/cn/loc.dat`` (GB/T 2260 codes with validity ranges, taken from
  the Chinese Wikipedia lists of administrative division codes). Only entries still valid (no end year) are
  kept; a handful of known defects of that file are corrected below (``EXCLUDE`` / ``ADD``).
* Centroids: ``resources/adcodes.csv`` of the ``cpca`` package (12-digit codes with longitude/latitude).
  Codes created after that file was made get the centroid of the division they replaced (``PREDECESSORS``,
  or an older code with the same or a shorter name in the same province), else the parent's centroid.

Usage (from the repository root)::

    python scripts/build_regions.py /path/to/site-packages/cpca/resources/adcodes.csv
    python scripts/build_regions.py ADCODES_CSV --out qifu/organisations/data/regions.csv --report

The generated CSV is committed; it is not built at install time.

Layout of the file:

* level 1: the 34 province-level divisions (台湾省, 香港, 澳门 included as GB/T 2260 has them);
* level 2: prefecture-level divisions. The pseudo-entries 市辖区 / 县 of GB/T 2260 are not rows, except that
  each municipality gets a row XX0100 named like itself (500100 重庆市) and Chongqing's 500200 "县" becomes
  500200 重庆市（县）, so that every district or county of a municipality has a level-2 parent;
* level 3: districts, counties, county-level cities, banners. Those under 省直辖县级行政区划 (济源, 仙桃, 潜江,
  天门, 神农架林区, the Hainan and XPCC cities, XX90YY codes) hang directly under their province;
* full_name is the natural full name: 四川省成都市龙泉驿区, 重庆市渝北区 (not 重庆市重庆市…), 湖北省仙桃市.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "qifu" / "organisations" / "data" / "regions.csv"
HEADER = ["code", "name", "level", "parent_code", "full_name", "longitude", "latitude"]

# GB/T 2260 pseudo-entries that group divisions without being divisions themselves.
PSEUDO_NAMES = {
    "市辖区",
    "县",
    "市",
    "省直辖县级行政单位",
    "自治区直辖县级行政单位",
    "省直辖县级行政区划",
    "自治区直辖县级行政区划",
}

MUNICIPALITIES = {"11", "12", "31", "50"}  # 北京, 天津, 上海, 重庆

# Chongqing's counties sit under 500200 "县" in GB/T 2260; it becomes a level-2 row of its own.
CHONGQING_COUNTIES = "500200"
CHONGQING_COUNTIES_NAME = "重庆市（县）"

# Entries of loc.dat that are not current GB/T 2260 divisions although they carry no end year.
EXCLUDE = {
    "422900": "林区: stale, 神农架林区 is 429021 under the province-administered group",
    "422921": "神农架林区: stale duplicate of 429021",
    "429001": "随州市: stale, 随州 has been the prefecture-level city 421300 since 2000",
    "232761": "加格达奇区: statistical (NBS) code, not in GB/T 2260",
    "232762": "松岭区: statistical (NBS) code, not in GB/T 2260",
    "232763": "新林区: statistical (NBS) code, not in GB/T 2260",
    "232764": "呼中区: statistical (NBS) code, not in GB/T 2260",
}

# Current divisions that loc.dat lacks (Hangzhou reorganisation of 2021: 下城区/江干区 were abolished).
ADD = {
    "330113": "临平区",
    "330114": "钱塘区",
}

# Divisions created after cpca's centroid file: the code whose centroid stands in for theirs (the division
# that contains the new seat of government, or that the new one was mostly made of).
PREDECESSORS = {
    "500157": "500112",  # 两江新区 (2025) ← 渝北区: seat 金山街道金渝大道66号, formerly in 渝北区
    "330113": "330110",  # 临平区 (2021) ← 余杭区, whose eastern part it took
    "330114": "330104",  # 钱塘区 (2021) ← 江干区 下沙, the core of the new district
    "340210": "340221",  # 湾沚区 (2020) ← 芜湖县
    "230717": "230702",  # 伊美区 (2019) ← 伊春区
    "230718": "230706",  # 乌翠区 (2019) ← 翠峦区
    "230719": "230704",  # 友好区 (2019) ← old 友好区
    "230723": "230712",  # 汤旺县 (2019) ← 汤旺河区
    "230724": "230710",  # 丰林县 (2019) ← 五营区
    "230725": "230708",  # 大箐山县 (2019) ← 美溪区
    "230726": "230703",  # 南岔县 (2019) ← 南岔区
    "230751": "230705",  # 金林区 (2019) ← 西林区
    "140213": "140202",  # 平城区 (2018) ← 大同 城区
    "140214": "140211",  # 云冈区 (2018) ← 南郊区
    "140215": "140227",  # 云州区 (2018) ← 大同县
    "140403": "140402",  # 潞州区 (2018) ← 长治 城区
    "140404": "140421",  # 上党区 (2018) ← 长治县
    "130505": "130526",  # 任泽区 (2020) ← 任县
    "320613": "320602",  # 崇川区 (2020) ← old 崇川区
    "350404": "350403",  # 三元区 (2021) ← old 三元区
    "360113": "360102",  # 红谷滩区 (2019): nearest old centroid, 东湖区 faces it across the 赣江
    "460302": "460321",  # 西沙区 (2020) ← 西沙群岛
    "460303": "460322",  # 南沙区 (2020) ← 南沙群岛
    "540600": "542400",  # 那曲市 (2017) ← 那曲地区
    "540602": "542421",  # 色尼区 (2017) ← 那曲县
    "371503": "371523",  # 茌平区 (2019) ← 茌平县
    "411603": "411626",  # 淮阳区 (2019) ← 淮阳县
    "360404": "360421",  # 柴桑区 (2017) ← 九江县
    "361104": "361121",  # 广信区 (2019) ← 上饶县
    "370116": "371202",  # 莱芜区 (2019) ← 莱城区
    "411003": "411023",  # 建安区 (2016) ← 许昌县
    "430212": "430221",  # 渌口区 (2018) ← 株洲县
    "511504": "511521",  # 叙州区 (2018) ← 宜宾县
    "610118": "610125",  # 鄠邑区 (2016) ← 户县
}

# Approximate seats of government (longitude, latitude) for divisions with neither a cpca centroid nor a
# predecessor close enough (the parent's centroid would be tens or hundreds of kilometres off).
MANUAL_CENTROIDS = {
    "130181": (115.22, 37.94),  # 辛集市 (cpca lists it as 139002 without coordinates)
    "130682": (114.99, 38.52),  # 定州市 (cpca: 139001, no coordinates)
    "330383": (120.55, 27.58),  # 龙港市 (2019, from 苍南县)
    "440309": (114.04, 22.69),  # 深圳市龙华区 (2016)
    "440310": (114.34, 22.69),  # 深圳市坪山区 (2016)
    "440311": (113.94, 22.75),  # 深圳市光明区 (2018)
    "632803": (90.86, 38.25),  # 茫崖市 (2018), 花土沟镇
    "659005": (87.82, 47.33),  # 北屯市
    "659007": (82.35, 44.84),  # 双河市
    "659008": (80.64, 43.94),  # 可克达拉市
    "659009": (79.29, 37.21),  # 昆玉市
    "659010": (84.83, 44.69),  # 胡杨河市
    "659011": (93.51, 42.80),  # 新星市
    "659012": (82.98, 46.75),  # 白杨市
}

SUFFIXES = ("自治县", "自治旗", "特区", "林区", "地区", "新区", "区", "县", "市", "旗")


@dataclass
class Row:
    code: str
    name: str
    level: int
    parent_code: str
    full_name: str = ""
    longitude: float | None = None
    latitude: float | None = None
    coord_source: str = ""


def loc_dat_path() -> Path:
    return Path(str(resources.files("stdnum") / "cn" / "loc.dat"))


def parse_loc_dat(path: Path) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Return ({code: current name}, {code: every name it ever had}) from stdnum's loc.dat."""
    current: dict[str, str] = {}
    history: dict[str, list[str]] = {}
    province = None
    for raw in path.read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        if not raw.startswith(" "):
            province = raw[:2]
            continue
        match = re.fullmatch(r"\s+(\d{4}) county=\"(.*)\"", raw)
        if not match or province is None:
            raise ValueError(f"unexpected line in loc.dat: {raw!r}")
        code = province + match.group(1)
        for segment in match.group(2).split(","):
            seg = re.fullmatch(r"(?:\[(\d*)-(\d*)\])?(.+)", segment)
            if seg is None:
                raise ValueError(f"unexpected segment {segment!r} for {code}")
            _start, end, name = seg.groups()
            history.setdefault(code, []).append(name)
            if not end:
                current[code] = name
    return current, history


def read_cpca(path: Path) -> dict[str, tuple[str, float, float]]:
    centroids: dict[str, tuple[str, float, float]] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for rec in csv.DictReader(fh):
            if rec["longitude"] and rec["latitude"]:
                centroids[rec["adcode"][:6]] = (rec["name"], float(rec["longitude"]), float(rec["latitude"]))
    return centroids


def stem(name: str) -> str:
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def level_of(code: str) -> int:
    if code.endswith("0000"):
        return 1
    if code.endswith("00"):
        return 2
    return 3


def build_rows(current: dict[str, str]) -> dict[str, Row]:
    names = {c: n for c, n in current.items() if c not in EXCLUDE}
    names.update(ADD)
    rows: dict[str, Row] = {}
    # Province names come from their XX0000 entry (the header lines of loc.dat use traditional characters
    # for Hong Kong and Macao).
    for code, name in sorted(names.items()):
        level = level_of(code)
        if level == 1:
            rows[code] = Row(code, name, 1, "")
    for code, name in sorted(names.items()):
        if level_of(code) != 2:
            continue
        prov = code[:2]
        province = rows[prov + "0000"]
        if name in PSEUDO_NAMES:
            if prov in MUNICIPALITIES and code == prov + "0100":
                rows[code] = Row(code, province.name, 2, province.code)
            elif code == CHONGQING_COUNTIES:
                rows[code] = Row(code, CHONGQING_COUNTIES_NAME, 2, province.code)
            # else: a province-administered group (XX9000), not a row of its own
            continue
        rows[code] = Row(code, name, 2, province.code)
    for code, name in sorted(names.items()):
        if level_of(code) != 3 or name in PSEUDO_NAMES:
            continue
        province_code = code[:2] + "0000"
        prefecture_code = code[:4] + "00"
        if prefecture_code in rows:
            parent = prefecture_code
        elif names.get(prefecture_code) in PSEUDO_NAMES and code[2:4] == "90":
            parent = province_code  # 省直辖县级行政区划: the county hangs under the province
        else:
            raise ValueError(f"{code} {name}: no parent ({prefecture_code} {names.get(prefecture_code)!r})")
        rows[code] = Row(code, name, 3, parent)
    for row in rows.values():
        row.full_name = full_name(row, rows)
    return rows


def full_name(row: Row, rows: dict[str, Row]) -> str:
    if row.level == 1:
        return row.name
    parent = rows[row.parent_code]
    if row.level == 2:
        if row.code[:2] in MUNICIPALITIES:
            return row.name  # 重庆市, 重庆市（县）
        return parent.name + row.name
    if parent.level == 1:
        return parent.name + row.name  # 湖北省仙桃市
    if row.code[:2] in MUNICIPALITIES:
        return rows[parent.parent_code].name + row.name  # 重庆市渝北区, 重庆市城口县
    return rows[parent.parent_code].name + parent.name + row.name


def assign_centroids(rows: dict[str, Row], cpca: dict[str, tuple[str, float, float]]) -> None:
    def take(row: Row, code: str, source: str) -> bool:
        if code in cpca:
            _name, row.longitude, row.latitude = cpca[code]
            row.coord_source = source
            return True
        return False

    by_province: dict[str, list[tuple[str, str]]] = {}
    for code, (name, _lng, _lat) in cpca.items():
        by_province.setdefault(code[:2], []).append((code, name))

    # Parents first, so that the last fallback can use them.
    for row in sorted(rows.values(), key=lambda r: (r.level, r.code)):
        if row.code == CHONGQING_COUNTIES:
            # cpca's point for 500200 is simply one county's (彭水); the grouping has no place of its own.
            province = rows[row.parent_code]
            row.longitude, row.latitude, row.coord_source = province.longitude, province.latitude, "province"
            continue
        if row.code in MANUAL_CENTROIDS:
            row.longitude, row.latitude = MANUAL_CENTROIDS[row.code]
            row.coord_source = "approximate seat of government"
            continue
        cp = cpca.get(row.code)
        if cp and (cp[0] == row.name or cp[0] in PSEUDO_NAMES):
            take(row, row.code, "cpca")
            continue
        if row.code in PREDECESSORS and take(
            row, PREDECESSORS[row.code], f"predecessor {PREDECESSORS[row.code]}"
        ):
            continue
        if cp:  # same code, renamed in place (桥东区 → 襄都区)
            take(row, row.code, f"cpca same code ({cp[0]})")
            continue
        older = [
            (code, name)
            for code, name in by_province.get(row.code[:2], [])
            if level_of(code) == row.level and code not in rows
        ]
        same = [c for c, n in older if n == row.name]
        if len(same) == 1 and take(row, same[0], f"same name {same[0]}"):
            continue
        similar = [c for c, n in older if stem(row.name).startswith(stem(n))]
        if len(similar) == 1 and take(row, similar[0], f"older code {similar[0]} {cpca[similar[0]][0]}"):
            continue
        parent = rows.get(row.parent_code)
        if parent and parent.longitude is not None:
            row.longitude, row.latitude = parent.longitude, parent.latitude
            row.coord_source = f"parent {parent.code}"


def write_csv(rows: dict[str, Row], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(HEADER)
        for row in sorted(rows.values(), key=lambda r: r.code):
            writer.writerow(
                [
                    row.code,
                    row.name,
                    row.level,
                    row.parent_code,
                    row.full_name,
                    "" if row.longitude is None else f"{row.longitude:.6f}",
                    "" if row.latitude is None else f"{row.latitude:.6f}",
                ]
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("adcodes", type=Path, help="path to cpca's resources/adcodes.csv")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--loc-dat", type=Path, default=None, help="stdnum's cn/loc.dat (default: installed)")
    parser.add_argument("--report", action="store_true", help="list the rows whose centroid is borrowed")
    args = parser.parse_args(argv)

    current, _history = parse_loc_dat(args.loc_dat or loc_dat_path())
    rows = build_rows(current)
    assign_centroids(rows, read_cpca(args.adcodes))
    write_csv(rows, args.out)

    counts = {level: sum(1 for r in rows.values() if r.level == level) for level in (1, 2, 3)}
    missing = [r.code for r in rows.values() if r.longitude is None]
    print(
        f"wrote {args.out}: {counts[1]} provinces, {counts[2]} prefectures, {counts[3]} counties",
        file=sys.stderr,
    )
    if missing:
        print(f"no centroid: {' '.join(sorted(missing))}", file=sys.stderr)
    if args.report:
        for row in sorted(rows.values(), key=lambda r: r.code):
            if row.coord_source != "cpca":
                print(f"{row.code} {row.full_name}: {row.coord_source or 'none'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
