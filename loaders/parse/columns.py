"""Table 三's columns from its own header, when the grid has one.

Rows are found by their labels; columns follow the header's labels, not their position: the
header's leaf labels (自然人, 商业企业 … 其他, 总计), read left to right per grid column, give
the order of the value cells. A column the format does not have (a derived 小计) is recognised
and left out. Word-export headers whose spans do not line up with the data cells (自然人 over two
grid columns) still give the right *order*, which is all that is used: consecutive grid columns
under one label count once.
"""

from __future__ import annotations

from ..document import Table
from ..spec import tables as spec
from .cellvalue import is_value_text
from .labels import LabelIndex, match_form, match_row, score_label
from .settings import ParseSettings

EXTRA = "extra"
CANONICAL = tuple(c.code for c in spec.T3_COLUMNS)
_GROUP_FORMS = tuple(match_form(x) for x in (spec.T3_APPLICANT, spec.T3_LEGAL_GROUP, spec.T3_HEADER_NOTE))
_EXTRA_FORMS = tuple(match_form(x) for x in spec.T3_EXTRA_COLUMNS)
_COLUMN_FORMS = tuple((c.code, tuple(match_form(x) for x in c.all_labels)) for c in spec.T3_COLUMNS)


def column_code(form: str, settings: ParseSettings) -> str | None:
    if not form or form in _GROUP_FORMS or any(g and g in form for g in _GROUP_FORMS[2:]):
        return None
    if form in _EXTRA_FORMS:
        return EXTRA
    for code, forms in _COLUMN_FORMS:
        if form in forms:
            return code
    best, best_score = None, 0.0
    for code, forms in _COLUMN_FORMS:
        s = score_label(form, forms, settings)
        if s > best_score:
            best, best_score = code, s
    return best if best_score >= 1.5 else None


def t3_column_plan(table: Table, index: LabelIndex, settings: ParseSettings, min_row_score: float) -> tuple[str, ...] | None:
    """The codes of the value columns in the order the header prints them, or None when the header
    is absent, incomplete, or in the canonical order already (nothing to do)."""
    first_data = None
    for i, row in enumerate(table.rows):
        label = "".join(c.text for c in row if not c.is_merged_copy and not is_value_text(c.text))
        target, score = match_row(match_form(label), index, settings, tables=("t3",))
        if target is not None and score >= min_row_score:
            first_data = i
            break
    if not first_data:
        return None
    header = table.rows[:first_data]
    seq: list[str] = []
    for j in range(table.n_cols):
        code = None
        for row in reversed(header):
            if j < len(row):
                code = column_code(match_form(row[j].text), settings)
                if code:
                    break
        if code and (not seq or seq[-1] != code):
            seq.append(code)
    plan = tuple(seq)
    if set(CANONICAL) - set(plan) or len([c for c in plan if c != EXTRA]) != len(CANONICAL):
        return None
    return None if plan == CANONICAL else plan


def t3_value_start(table: Table, settings: ParseSettings) -> int | None:
    """The grid column where table 三's values start: the column of its header's 自然人 cell."""
    for row in table.rows[:6]:
        for j, cell in enumerate(row):
            if not cell.is_merged_copy and column_code(match_form(cell.text), settings) == CANONICAL[0]:
                return j
    return None
