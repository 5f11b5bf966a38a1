"""One source cell's text → ``CellValue``: the number it prints, or what it printed instead.

A blank is never a zero: '' → blank, '—' → dash, '/' → slash, '无' → text, each with value None
and the raw text kept. Units printed inside a cell ("251000元", "20.3万元") are split off.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from ..document import Location
from ..model import CellValue
from ..spec.values import DASHES, SLASHES, ValueStatus

# No count or amount in a report has more digits than this; a longer "number" is read as text
# (unread), never converted: int() refuses past 4,300 digits and float() overflows past ~308.
MAX_NUMBER_DIGITS = 15
_NUMBER = re.compile(
    r"^(?P<sign>[+\-−－]?)\s*(?P<num>\d{1,3}(?:[,，]\d{3}){1,4}(?:\.\d{1,6})?|\d{1,15}(?:\.\d{1,6})?|\.\d{1,6})\s*"
    r"(?P<unit>万元|元|件|条|个|项|次|%)?$"
)
_SPACES = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff\u3000\xa0]+")


def clean_cell_text(text: str | None) -> str:
    """The cell text as printed, invisible characters and all whitespace removed."""
    if not text:
        return ""
    return _SPACES.sub("", text)


def is_blank(text: str | None) -> bool:
    return clean_cell_text(text) == ""


# A row read tries every drop/join of its cells, so the same cell texts are asked again and again.
@lru_cache(maxsize=65536)
def number_of(text: str | None) -> tuple[int | float, str | None] | None:
    """(value, unit) when the text is one printed number, else None."""
    s = unicodedata.normalize("NFKC", clean_cell_text(text))
    m = _NUMBER.match(s)
    if not m:
        return None
    num = m.group("num").replace(",", "").replace("，", "")
    value: int | float = float(num) if "." in num else int(num)
    if m.group("sign") in ("-", "−", "－"):
        value = -value
    return value, m.group("unit")


def is_value_text(text: str | None) -> bool:
    """True for anything a value cell may hold: number, blank, dash, slash, or a short 'none' word."""
    s = clean_cell_text(text)
    if not s:
        return True
    if number_of(s) is not None:
        return True
    n = unicodedata.normalize("NFKC", s)
    return n in DASHES or s in DASHES or n in SLASHES or s in SLASHES or n in NONE_WORDS


# Words printed in a value cell instead of a number; read as text (value None), never as 0.
NONE_WORDS = frozenset({"无", "暂无", "未收取", "不涉及", "未发生", "空", "null", "NULL", "N/A", "n/a"})


def parse_cell(text: str | None, loc: Location | None = None, note: str = "") -> CellValue:
    raw = (text or "").strip()
    s = clean_cell_text(raw)
    if not s:
        return CellValue(None, ValueStatus.BLANK, raw, loc, None, note)
    n = unicodedata.normalize("NFKC", s)
    if s in DASHES or n in DASHES:
        return CellValue(None, ValueStatus.DASH, raw, loc, None, note)
    if s in SLASHES or n in SLASHES:
        return CellValue(None, ValueStatus.SLASH, raw, loc, None, note)
    parsed = number_of(s)
    if parsed is not None:
        value, unit = parsed
        return CellValue(value, ValueStatus.NUMBER, raw, loc, unit, note)
    return CellValue(None, ValueStatus.TEXT, raw, loc, None, note)
