"""Pure graph algorithms of the supply-chain analysis: no Django inside. Arrays and dicts in, results out.

- ``tts``: one plant's impact analysis (Time-To-Survive per blocked supplier, days-to-stop), on dicts;
- ``network``: the same days-to-stop for every firm of a national network at once, on CSR arrays, with an
  incremental update after one firm's status change;
- ``coordination``: which government level coordinates a supplier, from two GB/T 2260 region codes.
"""
