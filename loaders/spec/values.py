"""How a source cell was read. A blank is never a zero: the status says what the source printed."""

from __future__ import annotations

from enum import StrEnum


class ValueStatus(StrEnum):
    NUMBER = "number"  # a number was printed (value set)
    BLANK = "blank"  # the cell exists and is empty
    DASH = "dash"  # '-', '—', '–', '－'
    SLASH = "slash"  # '/'
    TEXT = "text"  # words such as '无', '未收取' (value None)
    MISSING = "missing"  # the cell/row/table was not found in the source at all


STATUSES = tuple(s.value for s in ValueStatus)
STATUS_NAMES = {
    ValueStatus.NUMBER: "数字",
    ValueStatus.BLANK: "空白",
    ValueStatus.DASH: "横线",
    ValueStatus.SLASH: "斜线",
    ValueStatus.TEXT: "文字",
    ValueStatus.MISSING: "未找到",
}

DASHES = frozenset({"-", "—", "–", "－", "——", "--", "―", "─"})
SLASHES = frozenset({"/", "／", "\\"})
