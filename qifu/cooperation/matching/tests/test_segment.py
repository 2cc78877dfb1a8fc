"""The shared segment plus an in-process delta answers like one index, follows changes, and is read-only."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from qifu.cooperation.matching import Config, MatchIndex, evaluate, labelled_set, text
from qifu.cooperation.matching.segment import Segment, SharedIndex, write_segment


def numbered() -> tuple[list, dict]:
    listings, qrels = labelled_set()
    ids = {x.id: i for i, x in enumerate(listings)}
    return ([replace(x, id=ids[x.id]) for x in listings],
            {ids[d]: {ids[s]: g for s, g in v.items()} for d, v in qrels.items()})


def ranking(index: object, listings: list) -> dict:
    return {x.id: [s.id for s in index.suggest(x, 10)] for x in listings if x.kind == "demand"}  # type: ignore


def test_segment_plus_delta_ranks_as_well_as_one_index(tmp_path: Path) -> None:
    listings, qrels = numbered()
    whole = MatchIndex()
    for x in listings:
        whole.add(x)
    write_segment(listings[:300], tmp_path / "seg", watermark="w")
    shared = SharedIndex(Segment(tmp_path / "seg"))
    for x in listings[300:]:
        shared.add(x)
    assert len(shared) == len(listings)
    one, two = evaluate.score(ranking(whole, listings), qrels), evaluate.score(ranking(shared, listings), qrels)
    assert two["ndcg_at10"] >= one["ndcg_at10"] - 0.01 and two["recall_at10"] >= one["recall_at10"] - 0.01
    for ranked in ranking(shared, listings).values():
        assert len(ranked) == len(set(ranked))


def test_changes_after_the_watermark_are_seen(tmp_path: Path) -> None:
    listings, _q = numbered()
    write_segment(listings, tmp_path / "seg")
    shared = SharedIndex(Segment(tmp_path / "seg"))
    demand = next(x for x in listings if x.kind == "demand")
    best = shared.suggest(demand, 10)[0].id
    assert shared.remove(best) and best not in shared
    assert best not in [s.id for s in shared.suggest(demand, 10)]
    # an edit: the same id with another text is found by its new text only, once
    edited = replace(next(x for x in listings if x.id == best), title="全新品类 特种陶瓷坩埚", description="",
                     spec="ZX-99")
    shared.add(edited)
    probe = replace(demand, id=10_000, title="求购特种陶瓷坩埚 ZX-99", description="", spec="")
    assert [s.id for s in shared.suggest(probe, 10)][:1] == [best]
    assert [s.id for s in shared.suggest(demand, 10)].count(best) <= 1
    # a new listing is in the delta; another process mapping the same segment does not see this one's masks
    other = SharedIndex(Segment(tmp_path / "seg"))
    assert best in other and len(other) == len(listings)


def test_exact_scoring_agrees_with_the_fast_path_on_a_small_segment(tmp_path: Path) -> None:
    listings, _q = numbered()
    write_segment(listings, tmp_path / "seg")
    shared = SharedIndex(Segment(tmp_path / "seg"))
    for x in listings[:40]:
        if x.kind == "demand":
            assert [s.id for s in shared.suggest(x, 10)] == [s.id for s in shared.suggest(x, 10, exact=True)]


def test_completed_scores_of_common_terms_are_exact(tmp_path: Path) -> None:
    """At scale the common terms are left out of retrieval and added back for the candidates by a search of
    every (term, candidate) pair in the segment's postings: their scores must equal exact scoring's."""
    listings, _q = numbered()
    write_segment(listings, tmp_path / "seg")
    config = Config(exact_below=0, max_df_share=0.02)  # as at a million listings: many terms count as common
    shared = SharedIndex(Segment(tmp_path / "seg"), config)
    side = shared.segment.sides["supply"]  # type: ignore[union-attr]
    compared = 0
    for x in listings:
        if x.kind != "demand":
            continue
        qw = shared.delta._weights(side, text.grams(x.text))
        assert shared.delta._terms(side, qw, skip_common=True)[1], "no common term was skipped"
        exact = {s.id: s for s in shared.suggest(x, 50, exact=True)}
        for s in shared.suggest(x, 10):
            if s.id in exact:
                assert abs(s.lexical - exact[s.id].lexical) < 1e-5 and abs(s.score - exact[s.id].score) < 1e-5
                compared += 1
    assert compared > 300
