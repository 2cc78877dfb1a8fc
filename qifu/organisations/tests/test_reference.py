"""Reference data: the shipped GB/T 2260 regions and GB/T 4754-2017 industries, their loaders and the resolver."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection

from qifu.organisations.choices import IndustryLevel, RegionLevel
from qifu.organisations.models import Industry, Region
from qifu.organisations.reference import (
    RegionResolver,
    default_resolver,
    distance_km,
    load_industries,
    load_regions,
    read_industries,
    read_regions,
    region_centroids,
    region_tuples,
    resolve_region_text,
    short_names,
)

MUNICIPALITIES = {"110000": "北京市", "120000": "天津市", "310000": "上海市", "500000": "重庆市"}


# --- What the migration loaded --------------------------------------------------------------------------


@pytest.mark.django_db
def test_migration_loaded_every_level():
    levels = Counter(Region.objects.values_list("level", flat=True))
    # 34 province-level divisions; 333 prefecture-level ones plus the four municipalities' XX0100 rows and
    # Chongqing's 500200; the county-level divisions of GB/T 2260.
    assert levels == {RegionLevel.PROVINCE: 34, RegionLevel.PREFECTURE: 338, RegionLevel.COUNTY: 2845}
    assert Counter(Industry.objects.values_list("level", flat=True)) == {
        IndustryLevel.SECTION: 20,
        IndustryLevel.DIVISION: 97,
    }
    assert Region.objects.count() == len(read_regions())
    assert Industry.objects.count() == len(read_industries())


@pytest.mark.django_db
def test_sichuan_has_21_prefecture_level_divisions():
    sichuan = Region.objects.get(code="510000")
    assert sichuan.name == "四川省" and sichuan.parent is None
    prefectures = Region.objects.filter(parent=sichuan, level=RegionLevel.PREFECTURE)
    assert prefectures.count() == 21
    assert {"成都市", "泸州市", "阿坝藏族羌族自治州", "甘孜藏族自治州", "凉山彝族自治州"} <= set(
        prefectures.values_list("name", flat=True)
    )


@pytest.mark.django_db
def test_chengdu_districts_with_current_names():
    lqy = Region.objects.select_related("parent__parent").get(code="510112")
    assert (lqy.name, lqy.full_name, lqy.level) == ("龙泉驿区", "四川省成都市龙泉驿区", RegionLevel.COUNTY)
    assert lqy.parent.code == "510100" and lqy.parent.full_name == "四川省成都市"
    assert lqy.parent.parent.code == "510000"
    chengdu = dict(Region.objects.filter(parent_id="510100").values_list("code", "name"))
    assert len(chengdu) == 20  # 12 districts, 3 counties, 5 county-level cities
    for code, name in {
        "510104": "锦江区",
        "510116": "双流区",
        "510117": "郫都区",
        "510118": "新津区",
        "510185": "简阳市",
        "510181": "都江堰市",
    }.items():
        assert chengdu[code] == name
    # Abolished codes are not loaded: 郫县, 新津县, 双流县.
    assert not Region.objects.filter(code__in=["510124", "510132", "510122"]).exists()


@pytest.mark.django_db
def test_municipalities_have_a_level_two_row_and_no_doubled_names():
    for code, name in MUNICIPALITIES.items():
        row = Region.objects.get(code=code[:2] + "0100")
        assert (row.name, row.full_name, row.level, row.parent_id) == (
            name,
            name,
            RegionLevel.PREFECTURE,
            code,
        )
    counties = Region.objects.filter(code__startswith="50", level=RegionLevel.COUNTY).select_related("parent")
    assert counties.count() == 37  # 25 districts (江北区 and 渝北区 became 两江新区 in 2025), 12 counties
    for county in counties:
        assert county.parent.level == RegionLevel.PREFECTURE
        assert county.parent_id in {"500100", "500200"}
        assert county.full_name == "重庆市" + county.name
    assert Region.objects.get(code="500200").name == "重庆市（县）"
    assert Region.objects.get(code="500229").parent_id == "500200"  # 城口县
    assert Region.objects.get(code="500157").full_name == "重庆市两江新区"
    for name in MUNICIPALITIES.values():
        assert not Region.objects.filter(full_name__startswith=name + name).exists()


@pytest.mark.django_db
def test_fujian_and_hubei():
    zhangzhou = Region.objects.get(code="350600")
    assert zhangzhou.full_name == "福建省漳州市"
    assert Region.objects.get(code="350604").full_name == "福建省漳州市龙海区"
    assert Region.objects.get(code="350623").full_name == "福建省漳州市漳浦县"  # Gulei is in 漳浦
    assert not Region.objects.filter(code="350681").exists()  # 龙海市 became 龙海区 in 2021
    assert Region.objects.filter(parent_id="350000").count() == 9
    assert Region.objects.get(code="421300").level == RegionLevel.PREFECTURE  # 随州市
    assert Region.objects.filter(parent_id="420000", level=RegionLevel.PREFECTURE).count() == 13
    # Province-administered county-level divisions hang under the province.
    for code, name in {
        "429004": "仙桃市",
        "429005": "潜江市",
        "429006": "天门市",
        "429021": "神农架林区",
    }.items():
        row = Region.objects.get(code=code)
        assert (row.name, row.parent_id, row.full_name) == (name, "420000", "湖北省" + name)


@pytest.mark.django_db
def test_every_region_has_a_parent_of_the_level_above():
    regions = {r.code: r for r in Region.objects.all()}
    for region in regions.values():
        if region.level == RegionLevel.PROVINCE:
            assert region.parent_id is None, region.code
            continue
        parent = regions[region.parent_id]
        assert region.code.startswith(parent.code_prefix), region.code
        if region.level == RegionLevel.COUNTY and region.code[2:4] == "90":
            # 省直辖县级行政区划 (济源, 仙桃, 石河子, the Hainan counties…): no prefecture in between.
            assert parent.level == RegionLevel.PROVINCE, region.code
        else:
            assert parent.level == region.level - 1, region.code
        assert region.full_name.endswith(region.name)


@pytest.mark.django_db
def test_every_region_has_coordinates_in_china():
    missing = list(Region.objects.filter(longitude__isnull=True).values_list("code", flat=True))
    missing += list(Region.objects.filter(latitude__isnull=True).values_list("code", flat=True))
    assert missing == []
    for code, lng, lat in Region.objects.values_list("code", "longitude", "latitude"):
        assert 73 < lng < 136 and 3 < lat < 54, code


@pytest.mark.django_db
def test_industries():
    manufacturing = Industry.objects.get(code="C")
    assert (manufacturing.name, manufacturing.level, manufacturing.parent_id) == (
        "制造业",
        IndustryLevel.SECTION,
        None,
    )
    cars = Industry.objects.get(code="36")
    assert (cars.name, cars.level, cars.parent_id) == ("汽车制造业", IndustryLevel.DIVISION, "C")
    assert Industry.objects.get(code="14").name == "食品制造业"
    assert Industry.objects.get(code="25").name == "石油、煤炭及其他燃料加工业"
    assert Industry.objects.get(code="26").name == "化学原料和化学制品制造业"
    sections = {
        "A": (1, 5), "B": (6, 12), "C": (13, 43), "D": (44, 46), "E": (47, 50), "F": (51, 52), "G": (53, 60),
        "H": (61, 62), "I": (63, 65), "J": (66, 69), "K": (70, 70), "L": (71, 72), "M": (73, 75), "N": (76, 79),
        "O": (80, 82), "P": (83, 83), "Q": (84, 85), "R": (86, 90), "S": (91, 96), "T": (97, 97),
    }  # fmt: skip
    assert set(Industry.objects.filter(level=IndustryLevel.SECTION).values_list("code", flat=True)) == set(
        sections
    )
    divisions = Industry.objects.filter(level=IndustryLevel.DIVISION)
    assert sorted(int(d.code) for d in divisions) == list(range(1, 98))
    for division in divisions:
        low, high = sections[division.parent_id]
        assert low <= int(division.code) <= high, division.code


# --- Loaders --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_loaders_are_idempotent():
    before = (Region.objects.count(), Industry.objects.count())
    regions, industries = load_regions(Region), load_industries(Industry)
    assert (regions.created, regions.updated, regions.unchanged) == (0, 0, before[0])
    assert (industries.created, industries.updated, industries.unchanged) == (0, 0, before[1])
    load_regions(Region)
    assert (Region.objects.count(), Industry.objects.count()) == before


@pytest.mark.django_db
def test_loader_inserts_missing_updates_changed_and_keeps_the_rest():
    Region.objects.filter(code="510112").update(name="旧名", longitude=None)
    Industry.objects.filter(code="36").update(name="旧名")
    Region.objects.create(
        code="510199", name="已撤销区", full_name="四川省成都市已撤销区", level=3, parent_id="510100"
    )
    Region.objects.filter(code="510185")._raw_delete(connection.alias)  # a leaf nobody references

    result = load_regions(Region)

    assert (result.created, result.updated) == (1, 1)
    lqy = Region.objects.get(code="510112")
    assert lqy.name == "龙泉驿区" and lqy.longitude is not None
    assert Region.objects.get(code="510185").full_name == "四川省成都市简阳市"
    assert Region.objects.filter(code="510199").exists()  # never deleted: records may point at it
    assert load_industries(Industry).updated == 1
    assert Industry.objects.get(code="36").name == "汽车制造业"


BULK_QUERIES = 60  # 28 on SQLite (batches of a few hundred rows); one per row would be 3,000+


@pytest.mark.django_db
def test_loader_writes_in_bulk_on_a_fresh_table(django_assert_max_num_queries):
    """Loading 3,000+ regions is a handful of bulk statements, not one per row (speed lives in the benchmarks)."""
    Region.objects.filter(level=RegionLevel.COUNTY)._raw_delete(connection.alias)
    Region.objects.filter(level=RegionLevel.PREFECTURE)._raw_delete(connection.alias)
    Region.objects.all()._raw_delete(connection.alias)
    with django_assert_max_num_queries(BULK_QUERIES):
        result = load_regions(Region)
    assert result.created == len(read_regions()) == Region.objects.count()

    changed = [r.__class__(**{**r.__dict__, "name": r.name + "x"}) for r in read_regions()]
    with django_assert_max_num_queries(BULK_QUERIES):
        assert load_regions(Region, changed).updated == len(changed)
    assert load_regions(Region).updated == len(changed)


@pytest.mark.django_db
def test_load_reference_command_prints_counts():
    out = io.StringIO()
    call_command("load_reference", stdout=out)
    text = out.getvalue()
    assert "regions (regions.csv): 3217 (0 created, 0 updated, 3217 unchanged)" in text
    assert "industries (industries.csv): 117 (0 created, 0 updated, 117 unchanged)" in text


# --- The CSV file and its build script ------------------------------------------------------------------


def test_csv_is_what_the_build_script_makes_from_stdnum():
    """names, levels, parents and full names follow from the installed python-stdnum (centroids need cpca)."""
    from scripts.build_regions import build_rows, loc_dat_path, parse_loc_dat

    current, _history = parse_loc_dat(loc_dat_path())
    built = {c: (r.name, r.level, r.parent_code or None, r.full_name) for c, r in build_rows(current).items()}
    shipped = {r.code: (r.name, r.level, r.parent_code, r.full_name) for r in read_regions()}
    assert built == shipped, "regions.csv is stale: rebuild it with scripts/build_regions.py"


def test_centroids_and_distances():
    centroids = region_centroids()
    assert len(centroids) == len(read_regions())
    chengdu_to_chongqing = distance_km(centroids["510100"], centroids["500000"])
    assert 250 < chengdu_to_chongqing < 300
    assert distance_km(centroids["510112"], centroids["510112"]) == 0
    # Gulei (漳浦) to Wuhan: the workers stuck in Hubei were roughly 800 km away.
    assert 700 < distance_km(centroids["350623"], centroids["420100"]) < 900


# --- Resolving region texts -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def resolver():
    return RegionResolver(region_tuples())


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("510112", "510112"),
        ("510112000000", "510112"),
        ("四川省成都市龙泉驿区", "510112"),
        ("成都市龙泉驿区", "510112"),
        ("四川省龙泉驿区", "510112"),
        ("龙泉驿区", "510112"),
        (" 四川省 成都市 龙泉驿区 ", "510112"),
        ("成都龙泉驿", "510112"),
        ("四川省成都市", "510100"),
        ("成都市", "510100"),
        ("成都", "510100"),
        ("四川", "510000"),
        ("重庆市", "500000"),
        ("重庆市两江新区", "500157"),
        ("重庆市城口县", "500229"),
        ("城口县", "500229"),
        ("北京市朝阳区", "110105"),
        ("北京朝阳区", "110105"),
        ("吉林省长春市朝阳区", "220104"),
        ("福建省漳州市龙海区", "350604"),
        ("漳浦县", "350623"),
        ("湖北省仙桃市", "429004"),
        ("仙桃", "429004"),
        ("阿坝州", "513200"),
        ("凉山彝族自治州", "513400"),
        ("广西", "450000"),
        ("新疆维吾尔自治区石河子市", "659001"),
    ],
)
def test_resolve_region_text(resolver, text, code):
    assert resolver.resolve(text) == code


@pytest.mark.parametrize("text", ["朝阳区", "鼓楼区", "吉林", "", "   ", "999999", "火星市", "渝北区"])
def test_resolve_region_text_gives_nothing_for_ambiguous_or_unknown(resolver, text):
    assert resolver.resolve(text) is None


def test_resolve_candidates_and_scope(resolver):
    assert resolver.candidates("朝阳区") == ["110105", "220104"]
    assert resolver.resolve("朝阳区", within="110000") == "110105"
    assert resolver.resolve("鼓楼区", within="350100") == "350102"
    assert resolver.resolve("龙泉") == "331181"  # 浙江 龙泉市
    assert resolver.resolve("龙泉", within="510000") is None
    assert resolver.candidates("成都市") == ["510100"]  # exact forms win over short ones


def test_resolve_region_text_function_and_aliases():
    regions = [
        ("510000", "四川省", "四川省", None),
        ("510100", "成都市", "四川省成都市", "510000"),
        ("510112", "龙泉驿区", "四川省成都市龙泉驿区", "510100"),
        ("510117", "郫都区", "四川省成都市郫都区", "510100"),
    ]
    assert resolve_region_text("成都市龙泉驿区", regions) == "510112"
    assert resolve_region_text("郫县", regions) is None
    assert resolve_region_text("成都市郫县", regions, aliases={"成都市郫县": "510117"}) == "510117"
    assert default_resolver() is default_resolver()
    assert default_resolver().resolve("龙泉驿区") == "510112"


@pytest.mark.django_db
def test_resolver_over_database_rows():
    resolver = RegionResolver(Region.objects.values_list("code", "name", "full_name", "parent_id"))
    assert resolver.resolve("成都市龙泉驿区") == "510112"
    assert resolver.resolve("重庆") == "500000"


def test_short_names():
    assert short_names("四川省") == {"四川"}
    assert short_names("广西壮族自治区") == {"广西"}
    assert short_names("阿坝藏族羌族自治州") == {"阿坝", "阿坝州"}
    assert short_names("巴音郭楞蒙古自治州") == {"巴音郭楞", "巴音郭楞州"}
    assert short_names("石柱土家族自治县") == {"石柱", "石柱县"}
    assert short_names("龙泉驿区") == {"龙泉驿"}
    assert short_names("忠县") == set()
