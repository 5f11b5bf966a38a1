"""Cross-year evidence: decide a row left unread when an adjacent year of the same agency fixes it.

Table 二's rows have no sums inside one report, and a table 三 row may stay open under every
equation of its own table; the agency's adjacent years give two more identities:

* W1 — this year's 上年结转 (``t3.carried_over.<col>``) equals last year's 结转下年度继续办理
  (``t3.carry_forward.<col>``), per applicant column; read the other way for last year's row.
* W2 — 现行有效 stock (2021 format, ``t2.art20_1.<row>.in_force``) = last year's stock + 本年制发 −
  本年废止 (blank 制发/废止 count 0), used only where the agency's own figures have held it before.

This module is the decode only (no SQL): the warehouse (warehouse.crossyear) gathers the
unread rows' candidate readings and the neighbour years' figures, and stores what is decided as
an overlay it can undo. A candidate reading is struck out only when an identity can be evaluated
on it and fails; a row is decided only when exactly one reading is left and every identity that
applies was evaluated on it and holds — a blank where the identity needs a number never counts
as a proof. A candidate list the parser cut short (``complete`` false) decides nothing: the true
reading may be one not listed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

Number = int | float
Reading = Sequence[Number | None]

NOTE = "由相邻年度衔接确定"


@dataclass(frozen=True)
class Identity:
    """sum(coef × cell of this row) + constant == 0 over the row's own keys; ``blank_zero`` keys
    count 0 when blank (the validator's reading of 制发/废止), others make the identity unknown."""

    coefs: Mapping[str, int]
    constant: Number
    rule: str  # W1 | W2
    why: str  # Chinese: which neighbour figure, for the cell's note
    blank_zero: frozenset[str] = frozenset()


def _evaluate(ident: Identity, values: Mapping[str, Number | None]) -> bool | None:
    total: Number = ident.constant
    for k, c in ident.coefs.items():
        v = values.get(k)
        if v is None:
            if k in ident.blank_zero:
                continue
            return None  # cannot be evaluated on this reading: no evidence either way
        total += c * v
    return abs(total) < 1e-6


@dataclass(frozen=True)
class Decision:
    reading: tuple[Number | None, ...]
    rules: tuple[str, ...]
    note: str


def decide(keys: Sequence[str], candidates: Sequence[Reading], identities: Sequence[Identity],
           complete: bool = True) -> Decision | None:
    """The one candidate reading of ``keys`` the identities leave, or None when they do not decide."""
    usable = [i for i in identities if any(k in keys for k in i.coefs)]
    if not complete or len(candidates) < 2 or not usable:
        return None
    kept, proven = [], []
    for cand in candidates:
        values = dict(zip(keys, cand, strict=True))
        results = [_evaluate(i, values) for i in usable]
        if any(r is False for r in results):
            continue
        kept.append(tuple(cand))
        proven.append(all(r is True for r in results))
    if len(kept) != 1 or not proven[0]:
        return None
    rules = tuple(sorted({i.rule for i in usable}))
    why = "；".join(i.why for i in usable)
    return Decision(kept[0], rules, f"{NOTE}（{why}）")


# ------------------------------------------------------------------ a row over the years ------
MAX_CHAIN = 20_000  # readings combinations tried for one agency's row (beyond: nothing decided)


@dataclass(frozen=True)
class YearRow:
    """One year's (issued, repealed, in_force) of a table 二 stock row: read, or its candidates."""

    year: int
    candidates: tuple[tuple[Number | None, ...], ...]  # one when read
    complete: bool = True  # False: the parser's list was cut short (decides nothing)


def _stock_pair(prev: Sequence[Number | None], cur: Sequence[Number | None]) -> bool | None:
    """W2 between consecutive years (issued, repealed, in_force): True/False, None if not evaluable
    (a stock blank, or neither 制发 nor 废止 printed — as the warehouse's W2 check)."""
    iss, rep, inf = cur
    if inf is None or prev[2] is None or (iss is None and rep is None):
        return None
    return abs(inf - (prev[2] + (iss or 0) - (rep or 0))) < 1e-6


def decide_stock_chain(rows: Sequence[YearRow]) -> dict[int, tuple[tuple[Number | None, ...], str]]:
    """W2 across an agency's run of years for one row, the open years decided jointly.

    Every combination of the years' readings is tried (complete enumeration, capped at MAX_CHAIN);
    a combination survives when no consecutive pair that can be evaluated breaks W2. An open year
    is decided when every survivor gives it the same reading, every survivor evaluates a pair
    through that year (a blank is no proof), and every survivor shows the identity holding on at
    least two pairs — the agency's figures keep the stock identity beyond the one pair that
    decides. A pair of read years breaking W2 means the agency does not keep it: nothing is
    decided. Year → (reading, why)."""
    rows = sorted(rows, key=lambda r: r.year)
    open_years = [r for r in rows if len(r.candidates) > 1]
    if not open_years or any(not r.complete for r in open_years):
        return {}
    total = 1
    for r in rows:
        total *= max(1, len(r.candidates))
    if total > MAX_CHAIN or any(not r.candidates for r in rows):
        return {}
    pairs = [(i, i + 1) for i in range(len(rows) - 1) if rows[i + 1].year == rows[i].year + 1]
    for i, j in pairs:
        if len(rows[i].candidates) == 1 and len(rows[j].candidates) == 1 and \
                _stock_pair(rows[i].candidates[0], rows[j].candidates[0]) is False:
            return {}
    survivors: list[tuple[tuple, set[int], int]] = []  # (choice, years with an evaluated pair, pairs held)

    def walk(k: int, choice: list) -> None:
        if k == len(rows):
            through, held = set(), 0
            for i, j in pairs:
                if _stock_pair(choice[i], choice[j]) is True:
                    through.update((rows[i].year, rows[j].year))
                    held += 1
            survivors.append((tuple(choice), through, held))
            return
        for cand in rows[k].candidates:
            if k and (k - 1, k) in pairs and _stock_pair(choice[k - 1], cand) is False:
                continue
            walk(k + 1, [*choice, cand])

    walk(0, [])
    if not survivors or any(held < 2 for _c, _t, held in survivors):
        return {}
    out = {}
    for k, r in enumerate(rows):
        if len(r.candidates) < 2:
            continue
        readings = {c[k] for c, _t, _h in survivors}
        if len(readings) == 1 and all(r.year in t for _c, t, _h in survivors):
            years = "、".join(str(x.year) for x in rows)
            out[r.year] = (next(iter(readings)), f"{NOTE}（{years}年现行有效件数逐年衔接：上年现行有效 + 本年制发 − 本年废止，"
                                                  f"仅此一种读法）")
    return out
