"""The engine on small hand-checked cases, its index under change, the CLI and the labelled set's floor."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout
from datetime import date
from pathlib import Path

from qifu.cooperation.matching import Listing, MatchIndex, evaluate, labelled_set, places
from qifu.cooperation.matching.__main__ import main

UNTIL = date(2020, 4, 30)


def L(id: str, kind: str, title: str, **kw: object) -> Listing:  # noqa: N802
    values = {"category": "防疫物资/口罩", "quantity": 10000.0, "unit": "只", "region": "510112",
              "valid_until": UNTIL, "enterprise": id}
    values.update(kw)
    return Listing(id=id, kind=kind, title=title, **values)  # type: ignore[arg-type]


def ranked(listings: list[Listing], demand: Listing) -> list[str]:
    index = MatchIndex()
    for x in listings:
        index.add(x)
    return [s.id for s in index.suggest(demand)]


DEMAND = L("d", "demand", "求购防护口罩 KN95", description="员工复工使用", valid_until=date(2020, 4, 15))


def test_exact_synonym_ranks_first_and_explains_why() -> None:
    supplies = [L("s1", "supply", "KN95口罩", description="颗粒物防护口罩，现货", quantity=50000.0),
                L("s2", "supply", "医用外科口罩", description="三层无纺布")]
    index = MatchIndex()
    for s in supplies:
        index.add(s)
    best = index.suggest(DEMAND)[0]
    assert best.id == "s1"
    codes = [c for c, _p in best.reasons()]
    assert codes[0] == "shared_terms" and "same_category" in codes and ("coverage", {"percent": 100}) in best.reasons()


def test_wrong_product_in_the_right_category_is_below_or_out() -> None:
    order = ranked([L("s2", "supply", "一次性医用外科口罩", description="独立包装"),
                    L("s1", "supply", "供应KN95防护口罩")], DEMAND)
    assert order[0] == "s1"
    bearing = L("b", "demand", "6203-2RS轴承", category="汽车零部件/轴承", unit="套")
    assert ranked([L("x", "supply", "6305-2Z 深沟球轴承", category="汽车零部件/轴承", unit="套"),
                   L("y", "supply", "深沟球轴承 6203-2RS", category="汽车零部件/轴承", unit="套")], bearing)[0] == "y"


def test_too_far_away_ranks_below_the_near_one() -> None:
    order = ranked([L("far", "supply", "KN95防护口罩", region="新疆维吾尔自治区乌鲁木齐市天山区"),
                    L("near", "supply", "KN95防护口罩", region="四川省成都市新都区")], DEMAND)
    assert order == ["near", "far"]


def test_expired_and_own_listings_are_never_suggested() -> None:
    order = ranked([L("old", "supply", "KN95防护口罩", valid_until=date(2020, 2, 10)),
                    L("own", "supply", "KN95防护口罩", enterprise="d"),
                    L("ok", "supply", "KN95防护口罩")], DEMAND)
    assert order == ["ok"]
    index = MatchIndex()
    index.add(L("ok", "supply", "KN95防护口罩"))
    assert index.suggest(DEMAND, as_of=date(2020, 5, 1)) == []


def test_unrelated_text_is_not_suggested() -> None:
    assert ranked([L("truck", "supply", "整车物流运输 9.6米厢车", category="物流服务/公路运输", unit="车次")],
                  DEMAND) == []


def test_the_index_stays_correct_as_listings_change() -> None:
    index = MatchIndex()
    index.add(L("s1", "supply", "KN95防护口罩"))
    assert [s.id for s in index.suggest(DEMAND)] == ["s1"]
    index.add(L("s1", "supply", "整车物流运输", category="物流服务"))  # edited into something else
    assert index.suggest(DEMAND) == []
    index.add(L("s2", "supply", "KN95口罩"))
    index.remove("s2")
    assert index.suggest(DEMAND) == [] and len(index) == 1
    for i in range(1500):  # enough removals to compact
        index.add(L(f"t{i}", "supply", "KN95口罩 现货"))
    for i in range(1400):
        index.remove(f"t{i}")
    assert {s.id for s in index.suggest(DEMAND, k=200)} == {f"t{i}" for i in range(1400, 1500)}


def test_places_resolve_names_and_codes() -> None:
    assert places.resolve("四川省成都市龙泉驿区") == "510112"
    assert places.resolve("成都市龙泉驿区") == "510112"
    assert places.resolve("龙泉驿") == "510112"
    assert places.resolve("510112") == "510112"
    assert places.resolve("福建省漳州市漳浦县") == "350623"
    assert places.resolve("火星") is None


def test_cli_rank_writes_one_line_per_demand(tmp_path: Path) -> None:
    rows = [{"id": 1, "kind": "supply", "title": "KN95口罩", "description": "现货", "category": "防疫物资/口罩",
             "quantity": 5000, "unit": "只", "region": "四川省成都市新都区", "valid_until": "2020-04-30",
             "enterprise": "A"},
            {"id": 2, "kind": "supply", "title": "冷轧钢板卷", "category": "钢材", "quantity": 5, "unit": "吨",
             "region": "510112", "valid_until": "2020-04-30", "enterprise": "B"},
            {"id": "d1", "kind": "demand", "title": "急需KN95防护口罩", "description": "", "category": "口罩",
             "quantity": 10000, "unit": "只", "region": "四川省成都市龙泉驿区", "valid_until": "2020-04-15",
             "enterprise": "C"},
            {"id": "d2", "kind": "demand", "title": "呼吸机", "category": "医疗设备", "quantity": 2, "unit": "台",
             "region": "510112", "valid_until": "2020-04-15", "enterprise": "C"}]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["rank", str(path)]) == 0
    assert [json.loads(line) for line in out.getvalue().splitlines()] == [
        {"demand": "d1", "ranked": [1]}, {"demand": "d2", "ranked": []}]


def test_labelled_set_beats_both_baselines() -> None:
    listings, qrels = labelled_set()
    assert sum(1 for x in listings if x.kind == "supply") >= 300 and len(qrels) >= 100
    engine = evaluate.score(evaluate.engine_ranking(listings), qrels)
    bm25 = evaluate.score(evaluate.bm25_baseline(listings), qrels)
    jaccard = evaluate.score(evaluate.jaccard_baseline(listings), qrels)
    assert engine["ndcg_at10"] > bm25["ndcg_at10"] + 0.05 > jaccard["ndcg_at10"] + 0.05
    assert engine["recall_at10"] >= 0.9 and engine["no_match_empty"] >= 0.5
