"""The hangs `python -m loaders fuzz --n 5000 --seed 5` found (7 of 5,000, all past 60 s), regenerated
from their seed and index: each now ends cleanly. Causes: a 60-character line of digits sent the
numbers-only line pattern into exponential backtracking (text reader); a long digit run with few
valid cuts made the run splitter's search exponential (parser)."""

from __future__ import annotations

from loaders import fuzz

from .bounded import bounded

HANGS = (209, 1024, 1434, 1723, 4255, 4414, 4630)


def _outcomes() -> list[tuple[str, str]]:
    found = {c.index: c for c in fuzz.cases(max(HANGS) + 1, seed=5) if c.index in HANGS}
    return [(found[i].name, fuzz.try_case(found[i])[0]) for i in HANGS]


def test_the_seed_5_hangs_end_cleanly():
    got = bounded(_outcomes, limit=300)
    assert [o for _n, o in got] and all(o in fuzz.CLEAN for _n, o in got), got
