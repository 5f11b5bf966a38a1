"""Text normalisation for *matching* labels; the original text is always kept beside it.

``norm`` = NFKC (full/half width: （一）→(一), ：→:) → Traditional→Simplified (OpenCC t2s) →
Taiwan-mirror vocabulary (檔案→文件, 資訊→信息) → all whitespace (incl. zero-width) removed
(so a header broken as "商业 企业" matches 商业企业) → curly quotes dropped.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc

_T2S = opencc.OpenCC("t2s")
# Vocabulary localised by zh-TW mirrors (format.md §8), applied after t2s.
SYNONYMS: tuple[tuple[str, str], ...] = (("档案", "文件"), ("资讯", "信息"), ("資訊", "信息"))
_WS = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff\u3000]+")
_QUOTES = re.compile(r"[“”\"'‘’「」『』]")


def has_cjk_traditional(text: str) -> bool:
    return _T2S.convert(text) != text


def simplified(text: str) -> str:
    """Traditional → Simplified, phrase by phrase (反覆 → 反复), then the zh-TW vocabulary."""
    s = _T2S.convert(text)
    for a, b in SYNONYMS:
        s = s.replace(a, b)
    return s


@lru_cache(maxsize=65536)
def norm(text: str) -> str:
    """The matching form of a label or cell text."""
    if not text:
        return ""
    s = simplified(unicodedata.normalize("NFKC", text))
    s = _WS.sub("", s)
    return _QUOTES.sub("", s)


def clean_spaces(text: str) -> str:
    """Display form: NFKC-free, but zero-width characters removed and runs of whitespace folded."""
    s = re.sub(r"[\u200b\u200c\u200d\u2060\ufeff]", "", text)
    return re.sub(r"[ \t\u3000\xa0]+", " ", s).strip()
