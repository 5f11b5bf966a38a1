"""When a report is due (条例 第四十九条) and where its publish date came from — as data.

《中华人民共和国政府信息公开条例》(2019) 第四十九条:
* 县级以上人民政府部门 (and, by the same article's practice, 派出机构 and other agencies) submit and
  publish their report **by 31 January** of the following year;
* 县级以上地方人民政府's own report (本级政府年度报告) is published **by 31 March**.

A roster entry carries its deadline class; when it does not, ``default_class`` derives it from the
unit's level and category. An office may set its own date per level (and class): stored in the
warehouse (``deadline_overrides``), set with ``python -m warehouse deadline --level L --date MM-DD``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class DeadlineClass:
    code: str
    name: str  # Chinese, for the page and the roster file
    month: int
    day: int
    basis: str  # the rule it comes from, shown beside the date


DEADLINE_CLASSES: tuple[DeadlineClass, ...] = (
    DeadlineClass("department", "部门及机构", 1, 31, "条例第四十九条：部门应于每年1月31日前公布上一年度报告"),
    DeadlineClass("government", "县级以上人民政府本级", 3, 31, "条例第四十九条：县级以上人民政府应于每年3月31日前公布本级政府上一年度报告"),
)
DEADLINE_CLASS_BY_CODE = {c.code: c for c in DEADLINE_CLASSES}
# Words a roster file may use for the class (besides the code and the name).
DEADLINE_CLASS_WORDS: dict[str, str] = {
    "部门": "department", "机构": "department", "部门及机构": "department", "1月31日": "department", "01-31": "department",
    "政府": "government", "本级政府": "government", "人民政府": "government", "3月31日": "government", "03-31": "government",
}
# Levels whose own government reports by 31 March (县级以上); a township's or a development zone's
# office reports with the departments, by 31 January.
GOVERNMENT_LEVELS: tuple[str, ...] = ("province", "city", "county")
# Only the government's own report: its 办公室 also publishes a departmental report of its own (1月31日).
GOVERNMENT_CATEGORIES: tuple[str, ...] = ("government",)
ANY_CLASS = "*"  # an override for every class of a level


def default_class(level: str | None, category: str | None) -> str:
    """The statutory class of a unit: its own government's report at 县级以上, else a department."""
    if level in GOVERNMENT_LEVELS and category in GOVERNMENT_CATEGORIES:
        return "government"
    return "department"


def class_code(text: str | None) -> str | None:
    """A roster file's class cell (code, name or a word such as 部门 / 3月31日) → code; None if blank."""
    t = (text or "").strip()
    if not t:
        return None
    if t in DEADLINE_CLASS_BY_CODE:
        return t
    for c in DEADLINE_CLASSES:
        if t == c.name:
            return c.code
    return DEADLINE_CLASS_WORDS.get(t)


def parse_month_day(text: str) -> tuple[int, int]:
    """'MM-DD' (also 'M-D', 'M月D日') → (month, day), checked against a leap year's calendar."""
    t = text.strip().replace("月", "-").replace("日", "").replace("/", "-")
    parts = t.split("-")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        raise ValueError(f"日期应为 月-日（如 02-28）：{text!r}")
    m, d = int(parts[0]), int(parts[1])
    try:
        dt.date(2024, m, d)  # a leap year: 02-29 is a date, 02-30 and 13-01 are not
    except ValueError:
        raise ValueError(f"没有这个日期：{text!r}") from None
    return m, d


def deadline_for(year: int, cls: str, level: str | None, overrides: dict[tuple[str, str], tuple[int, int]]) -> tuple[dt.date, str]:
    """The date a report for ``year`` is due, and its basis: the office's own date for the level
    (and class, else for every class) over the statute. 29 Feb falls back to 28 Feb in other years."""
    rule = DEADLINE_CLASS_BY_CODE[cls]
    md = overrides.get((level or "", cls)) or overrides.get((level or "", ANY_CLASS))
    basis = rule.basis
    m, d = rule.month, rule.day
    if md:
        m, d = md
        basis = f"本机关设定的期限：{m}月{d}日"
    try:
        due = dt.date(year + 1, m, d)
    except ValueError:
        due = dt.date(year + 1, m, 28)
    return due, basis


# Where a publish date came from (reports.meta → publish_date.source, as loaders.parse.metadata
# and the manifest write it) → how the page names it, and its rank (lower = more reliable).
DATE_SOURCES: tuple[tuple[str, str, int], ...] = (
    ("爬虫头", "网页发布日期（CMS）", 1),
    ("清单(manifest)", "收件清单", 1),
    ("落款", "报告落款日期", 2),
    ("文件属性", "文件属性（仅作最后参考）", 3),
)
DATE_SOURCE_NAMES = {s: n for s, n, _ in DATE_SOURCES}
UNKNOWN_DATE_SOURCE = "未知"


def date_source_name(source: str | None) -> str:
    if not source:
        return UNKNOWN_DATE_SOURCE
    for key, name, _ in DATE_SOURCES:
        if source.startswith(key):
            return name
    return source
