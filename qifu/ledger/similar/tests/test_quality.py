"""Quality floors on the shipped labelled set, and the metrics themselves."""

from __future__ import annotations

import pytest

from qifu.ledger import similar
from qifu.ledger.similar import evaluate
from qifu.ledger.similar.metrics import adjusted_rand_index, pair_scores

from .conftest import needs_model

# Measured with the shipped defaults (see the package docstring) minus a margin for numeric drift.
LEXICAL_ARI_FLOOR = 0.27
HYBRID_ARI_FLOOR = 0.46


@pytest.fixture(scope="module")
def labelled() -> tuple[list[similar.Problem], list[str]]:
    return similar.labelled_set()


def test_labelled_set_shape(labelled: tuple[list[similar.Problem], list[str]]) -> None:
    problems, truth = labelled
    assert len(problems) >= 180
    sizes: dict[str, int] = {}
    for label in truth:
        sizes[label] = sizes.get(label, 0) + 1
    assert sum(1 for size in sizes.values() if size >= 2) >= 18
    assert sum(1 for size in sizes.values() if size == 1) >= 10
    assert len({p.id for p in problems}) == len(problems)
    assert all(p.text and p.enterprise and p.district and p.industry for p in problems)


def test_metrics_match_known_values() -> None:
    assert adjusted_rand_index([0, 0, 1, 1], [5, 5, 7, 7]) == 1.0
    assert adjusted_rand_index([0, 0, 1, 1], [0, 0, 1, 2]) == pytest.approx(0.5714285714)
    assert adjusted_rand_index([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 2, 2]) == pytest.approx(0.2424242424)
    scores = pair_scores([0, 0, 1, 1], [0, 0, 0, 1])
    assert (scores.precision, scores.recall) == (pytest.approx(1 / 3), 0.5)


def test_lexical_quality_floor(labelled: tuple[list[similar.Problem], list[str]]) -> None:
    problems, truth = labelled
    result = similar.score(truth, similar.cluster(problems, method="lexical"))
    assert result["ari"] >= LEXICAL_ARI_FLOOR, result


@needs_model
def test_hybrid_quality_floor_and_determinism(labelled: tuple[list[similar.Problem], list[str]]) -> None:
    problems, truth = labelled
    labels = similar.cluster(problems, method="auto")
    result = similar.score(truth, labels)
    assert result["ari"] >= HYBRID_ARI_FLOOR, result
    assert similar.cluster(problems, method="auto") == labels


def test_group_halves_split_whole_groups(labelled: tuple[list[similar.Problem], list[str]]) -> None:
    _problems, truth = labelled
    half_a, half_b = evaluate.group_halves(truth, seed=1)
    assert sorted(half_a + half_b) == list(range(len(truth)))
    assert not {truth[i] for i in half_a} & {truth[i] for i in half_b}


@needs_model
def test_a_large_group_is_not_split_into_fragments(labelled: tuple[list[similar.Problem], list[str]]) -> None:
    """Many reports of one problem (as in a district with dozens of mask complaints) stay mostly together."""
    problems, truth = labelled
    openers = ("", "据企业反映：", "您好，", "急！", "专员走访发现，")
    wanted = ("protective_supplies", "loan_extension")
    many = [similar.Problem(id=f"{n}-{p.id}", text=opener + p.text)
            for n, opener in enumerate(openers) for p, label in zip(problems, truth, strict=True) if label in wanted]
    labels = similar.cluster(many, method="auto")
    truth_many = [label for _opener in openers for label in truth if label in wanted]
    for group in wanted:
        members = [label for label, t in zip(labels, truth_many, strict=True) if t == group]
        biggest = max(members.count(label) for label in set(members))
        assert biggest >= 0.6 * len(members), (group, sorted(members))
