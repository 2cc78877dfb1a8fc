"""Benchmark of the common-problem suggestions: quality on the labelled set and speed at a district's scale.

    python -m bench.similar [--quick]

Needs no database. Quality is measured on qifu/ledger/similar/data/labelled_problems.jsonl with each method's
shipped default threshold (chosen on that same set: the "full" figures are optimistic) and, for the default
method, by held-out validation over random halves of the groups (threshold tuned on one half, scored on the other).

metrics   cluster_ari, cluster_pair_precision, cluster_pair_recall, cluster_pair_f1
                                  the default method (auto) on the labelled set
          method                  the method auto resolved to
          seconds                 embedding + clustering the labelled set (cold, nothing cached)
          heldout_ari, heldout_pair_f1
                                  mean over repeated group-split folds (6 folds --quick, 20 otherwise)
          speed.problems          N synthesised open problems (2,000; 500 with --quick), paraphrase-mixed from
                                  the labelled set so every text is new to the model
          speed.cold_s            embed N texts and cluster them (what a first call costs)
          speed.warm_s            cluster N problems whose vectors are stored (what a later call costs)
          speed.suggest_warm_s    suggest_groups on the same N with stored vectors (groups, scores, shared terms)
          speed.lexical_s         the lexical method on the same N
          speed.synthetic_ari     ARI of the default method on the synthesised set (its groups are known). Not a
                                  quality figure — the texts are clause mixes of the labelled ones, easy even for
                                  the lexical method — but a check that groups of ~90 reports stay together at
                                  scale (local scaling, off by default, failed exactly that: ARI 0.19 at 1,000)
baseline  the lexical method (character 1–2-gram TF-IDF, average linkage) on the labelled set
ratios    ari_vs_baseline, f1_vs_baseline
"""

from __future__ import annotations

import random
import time

from bench._harness import emit, parse

_OPENERS = ("", "", "", "据企业反映：", "您好，", "急！", "【紧急】", "企业诉求：", "专员走访发现，", "情况说明：")
_CLOSERS = ("", "", "", "请尽快协调。", "谢谢！", "麻烦帮忙看一下。", "盼复。", "已多次反映。", "望支持。")
_SPLIT = "，。；！？、,;!?"


def _clauses(text: str) -> list[str]:
    parts, current = [], ""
    for char in text:
        current += char
        if char in _SPLIT:
            parts.append(current)
            current = ""
    if current:
        parts.append(current)
    return parts


def synthesise(problems: list, truth: list[str], count: int, seed: int = 7) -> tuple[list, list[str]]:
    """``count`` new problems: a clause mix of two problems of the same group, with a random opener and closer."""
    from qifu.ledger.similar import Problem

    rng = random.Random(seed)
    by_group: dict[str, list[int]] = {}
    for index, label in enumerate(truth):
        by_group.setdefault(label, []).append(index)
    out, labels, seen = [], [], set()
    while len(out) < count:
        first = rng.randrange(len(problems))
        label = truth[first]
        second = rng.choice(by_group[label])
        a, b = _clauses(problems[first].text), _clauses(problems[second].text)
        body = a[: max(1, len(a) // 2 + rng.randint(0, 1))] + b[len(b) // 2:] if first != second else a
        text = rng.choice(_OPENERS) + "".join(body) + rng.choice(_CLOSERS)
        if rng.random() < 0.3:
            text = text.replace("员工", "职工").replace("公司", "我司").replace("企业", "厂家")
        if text in seen:
            text += f"（第{len(out)}条）"
        seen.add(text)
        source = problems[first]
        out.append(Problem(id=f"S{len(out):05d}", text=text, enterprise=f"{source.enterprise}-{len(out)}",
                           district=source.district, industry=source.industry))
        labels.append(label)  # copies of a singleton are one problem reported again: one group
    return out, labels


def main() -> None:
    args = parse(__doc__ or "")
    from qifu.ledger.similar import cluster, evaluate, labelled_set, score, semantic, suggest_groups
    from qifu.ledger.similar.engine import resolve_method

    problems, truth = labelled_set()
    method = resolve_method("auto")

    started = time.perf_counter()
    labels = cluster(problems, method=method)
    seconds = time.perf_counter() - started
    quality = score(truth, labels)
    lexical = score(truth, cluster(problems, method="lexical"))

    corpus = evaluate.Corpus.load(problems, truth, embed=method != "lexical")
    variant = evaluate.default_variant(method)
    held = evaluate.held_out(corpus, variant, repeats=3 if args.quick else 10)

    n = 500 if args.quick else 2_000
    synthetic, synthetic_truth = synthesise(problems, truth, n)
    started = time.perf_counter()
    synthetic_labels = cluster(synthetic, method=method)
    cold = time.perf_counter() - started
    vectors = semantic.embed([p.text for p in synthetic]) if method != "lexical" else None  # cached now
    started = time.perf_counter()
    cluster(synthetic, method=method, vectors=vectors)
    warm = time.perf_counter() - started
    started = time.perf_counter()
    suggested = suggest_groups(synthetic, method=method, vectors=vectors)
    suggest_s = time.perf_counter() - started
    started = time.perf_counter()
    cluster(synthetic, method="lexical")
    lexical_s = time.perf_counter() - started

    metrics = {
        "cluster_ari": quality["ari"],
        "cluster_pair_precision": quality["pair_precision"],
        "cluster_pair_recall": quality["pair_recall"],
        "cluster_pair_f1": quality["pair_f1"],
        "method": method,
        "seconds": round(seconds, 2),
        "heldout_ari": held["ari"],
        "heldout_pair_f1": held["pair_f1"],
        "speed": {"problems": n, "cold_s": round(cold, 2), "warm_s": round(warm, 3),
                  "suggest_warm_s": round(suggest_s, 3), "suggested_groups": len(suggested),
                  "lexical_s": round(lexical_s, 3),
                  "synthetic_ari": score(synthetic_truth, synthetic_labels)["ari"]},
    }
    baseline = {"method": "lexical", "cluster_ari": lexical["ari"], "cluster_pair_precision": lexical["pair_precision"],
                "cluster_pair_recall": lexical["pair_recall"], "cluster_pair_f1": lexical["pair_f1"]}
    ratios = {"ari_vs_baseline": round(quality["ari"] / lexical["ari"], 2) if lexical["ari"] else None,
              "f1_vs_baseline": round(quality["pair_f1"] / lexical["pair_f1"], 2) if lexical["pair_f1"] else None}
    sizes = {label: truth.count(label) for label in set(truth)}
    scale = {"problems": len(problems), "groups": sum(1 for size in sizes.values() if size > 1),
             "singletons": sum(1 for size in sizes.values() if size == 1)}
    emit("similar", scale, metrics, baseline, ratios)


if __name__ == "__main__":
    main()
