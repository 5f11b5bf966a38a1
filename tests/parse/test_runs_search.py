"""split_run skips subtrees it has seen fail: the splits, their order and the step bound must be
exactly those of the plain search (kept here as the reference: the search before the memo)."""

import random
import unicodedata

import pytest

from loaders.parse import runs
from loaders.parse.runs import (
    _THOUSANDS,
    _UNIT,
    AMOUNT_MAX_DIGITS,
    DASH_CHARS,
    _valid_part,
    _value,
    each_group_sums,
    split_run,
    tokens_of,
    total_is_sum,
)


def plain_split_run(segment, sizes, check=None, *, decimal_ok=None, signed_ok=None, max_digits=7, limit=1000,
                    max_steps=runs.MAX_SEARCH_STEPS):
    """Every cut, depth first, no memo; None when the step bound is passed."""
    if "\ufffd" in segment:
        return []
    raw = tokens_of(_THOUSANDS.sub("", unicodedata.normalize("NFKC", segment)))
    n = sum(sizes)
    if not raw or n == 0:
        return []
    tokens, tunits = [], []
    for t in raw:
        m = _UNIT.search(t)
        tunits.append(m.group(1) if m else None)
        tokens.append(t[: m.start()] if m else t)
    dec = list(decimal_ok) if decimal_ok is not None else [False] * n
    signed = list(signed_ok) if signed_ok is not None else [False] * n
    bounds, acc = [], 0
    for s in sizes:
        acc += s
        bounds.append(acc)
    out, parts = [], []
    steps = [0]

    def group_ok(k):
        if check is None or k not in bounds:
            return True
        g = bounds.index(k)
        return check(g, tuple(_value(p) for p in parts[(bounds[g - 1] if g else 0):k]))

    def dfs(ti, pos):
        if len(out) >= limit:
            return
        steps[0] += 1
        if steps[0] > max_steps:
            raise OverflowError
        k = len(parts)
        if ti == len(tokens):
            if k == n:
                out.append(tuple(_value(p) for p in parts))
            return
        if k == n or n - k < len(tokens) - ti or len(tokens[ti]) - pos + sum(map(len, tokens[ti + 1:])) < n - k:
            return
        tok = tokens[ti]
        if tok in DASH_CHARS:
            parts.append(tok)
            if group_ok(len(parts)):
                dfs(ti + 1, 0)
            parts.pop()
            return
        start = pos
        if tok[pos] == "-":
            parts.append("-")
            if group_ok(len(parts)):
                dfs(ti + 1, 0) if pos + 1 == len(tok) else dfs(ti, pos + 1)
            parts.pop()
            if not (signed[k] if k < len(signed) else False):
                return
            start = pos + 1
        for end in range(start + 1, len(tok) + 1):
            amount = dec[k] if k < len(dec) else False
            cap = max(max_digits, AMOUNT_MAX_DIGITS) if amount else max_digits
            if not _valid_part(tok[start:end], amount, cap):
                if len(tok[start:end].partition(".")[0]) > cap:
                    break
                continue
            parts.append(tok[pos:end])
            if group_ok(len(parts)):
                dfs(ti + 1, 0) if end == len(tok) else dfs(ti, end)
            parts.pop()

    try:
        dfs(0, 0)
    except OverflowError:
        return []
    return out


def _case(rng):
    segment = "".join(rng.choice("0123456789" * 5 + " -—") for _ in range(rng.randint(1, 26)))
    sizes = rng.choice([(7,), (5, 5, 5), (3,), (2,), (5, 0, 5), (4, 3)])
    n = sum(sizes)
    kw = {}
    if rng.random() < 0.3:
        kw["decimal_ok"] = tuple(rng.random() < 0.2 for _ in range(n))
    if rng.random() < 0.3:
        kw["signed_ok"] = tuple(rng.random() < 0.3 for _ in range(n))
    kw["limit"] = rng.choice([1, 5, 1000])
    return segment, sizes, rng.random() < 0.7, kw


@pytest.mark.parametrize("steps", [20_000, 300, 40])
def test_memoised_search_equals_the_plain_search(monkeypatch, steps):
    monkeypatch.setattr(runs, "MAX_SEARCH_STEPS", steps)  # a small bound makes exhaustion common
    rng = random.Random(steps)
    nonempty = 0
    for _ in range(300):
        segment, sizes, sums, kw = _case(rng)
        ref = plain_split_run(segment, sizes, (lambda _g, v: total_is_sum(v)) if sums else None, max_steps=steps, **kw)
        got = split_run(segment, sizes, each_group_sums if sums else None, **kw)
        assert [s.values for s in got] == ref, (segment, sizes, sums, kw)
        nonempty += bool(ref)
    assert nonempty > 20  # the cases exercise real splits
