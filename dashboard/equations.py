"""The 勾稽 equations of one report in plain Chinese, and which of them a reviewer's value would break.

Pure functions over ``loaders.spec.sum_checks`` (the rules as data) and a report's values
(key → number or None); no Streamlit, so the page, the notice and the tests share them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from loaders.spec import SumCheck, sum_checks

__all__ = ["cell_label", "check_for", "describe", "holds", "newly_broken", "number", "sum_checks"]
from loaders.spec.tables import CELL_BY_KEY

Values = Mapping[str, float | None]


def cell_label(fmt: str, key: str) -> str:
    """「行」「列」 of a canonical cell, as the table prints them."""
    c = CELL_BY_KEY.get(fmt, {}).get(key)
    if c is None:
        return key
    return f"{c.row_label}（{c.col_label}）" if c.col_label else c.row_label


def number(v: float | None) -> str:
    return "空白" if v is None else f"{v:g}"


def _side_total(keys: tuple[str, ...], values: Values) -> float | None:
    """A side's sum as the parser's check takes it (loaders.validate.check_sum): None when nothing on
    it is printed; a blank term counts as 0 otherwise."""
    vals = [values.get(k) for k in keys]
    if all(v is None for v in vals):
        return None
    return sum(v for v in vals if v is not None)


def holds(check: SumCheck, values: Values) -> bool | None:
    """True / False as the parser checks the equation (blank terms count as 0); None when one side
    has nothing printed (not checkable: blank ≠ 0)."""
    left, right = _side_total(check.left, values), _side_total(check.right, values)
    if left is None or right is None:
        return None
    return abs(left - right) < 1e-9


def newly_broken(fmt: str, before: Values, after: Values) -> list[SumCheck]:
    """Equations that held with ``before`` and do not with ``after`` (the warning before a save)."""
    changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
    return [c for c in sum_checks(fmt) if changed & set(c.keys) and holds(c, before) is True and holds(c, after) is False]


def check_for(fmt: str, rule: str, keys: Iterable[str]) -> SumCheck | None:
    """The equation a finding (rule + its cells) is about, if it is one of the sum rules."""
    ks = set(keys)
    return next((c for c in sum_checks(fmt) if c.rule == rule and set(c.keys) == ks), None)


def describe(fmt: str, check: SumCheck, values: Values) -> str:
    """``表三「自然人」列：A（7）＋B（0）应等于 C（2）＋D（0）；报告中左边合计 7，右边合计 2。``"""
    def side(keys: tuple[str, ...]) -> str:
        return " ＋ ".join(f"{cell_label(fmt, k)}（{number(values.get(k))}）" for k in keys)

    def total(keys: tuple[str, ...]) -> str:
        t = _side_total(keys, values)
        return "—" if t is None else f"{t:g}"

    return (f"{check.where}：{side(check.left)} 应等于 {side(check.right)}；"
            f"报告中左边合计 {total(check.left)}，右边合计 {total(check.right)}。")
