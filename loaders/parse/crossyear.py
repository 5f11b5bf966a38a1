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
