"""The six sections of every report (format.md §0) and the heading variants met in real reports (§8)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SectionSpec:
    code: str  # s1 … s6
    numeral: str  # 一 … 六
    heading: str  # verbatim, without the numeral prefix
    # Keywords any heading of this section contains (after normalisation); the first match of
    # numeral + keyword wins. Kept short so reworded headings still match.
    keywords: tuple[str, ...]
    variants: tuple[str, ...] = ()
    table: str | None = None  # the statistical table the section holds


SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec("s1", "一", "总体情况", ("总体情况", "概述", "基本情况")),
    SectionSpec(
        "s2",
        "二",
        "主动公开政府信息情况",
        ("主动公开",),
        ("行政机关主动公开政府信息情况",),
        table="t2",
    ),
    SectionSpec(
        "s3",
        "三",
        "收到和处理政府信息公开申请情况",
        ("收到和处理", "依申请公开", "处理政府信息公开申请"),
        table="t3",
    ),
    SectionSpec(
        "s4",
        "四",
        "政府信息公开行政复议、行政诉讼情况",
        ("行政复议", "行政诉讼", "行政法复议"),
        (
            "因政府信息公开工作被申请行政复议提起行政诉讼情况",
            "因政府信息公开工作被申请行政复议和提起行政诉讼情况",
            "因政府信息公开申请行政复议、提起行政诉讼的情况",
            "政府信息公开行政法复议、行政诉讼情况",
        ),
        table="t4",
    ),
    SectionSpec(
        "s5",
        "五",
        "存在的主要问题及改进情况",
        ("存在的主要问题", "主要问题", "改进情况"),
        ("政府信息公开工作存在的主要问题及改进情况",),
    ),
    SectionSpec("s6", "六", "其他需要报告的事项", ("其他需要报告", "其他事项")),
)

SECTION_BY_CODE = {s.code: s for s in SECTIONS}
NUMERALS = tuple(s.numeral for s in SECTIONS)

# A line naming the report itself — how readers tell the document's title among its first lines.
REPORT_TITLE_WORDS: tuple[str, ...] = ("年度报告", "年报")
# What makes a text an information-disclosure annual report at all (a cheap gate before parsing):
# the document must contain one word of each group (after normalisation).
REPORT_MARKERS: tuple[tuple[str, ...], ...] = (
    ("信息公开", "政务公开"),
    (*REPORT_TITLE_WORDS, "工作报告"),
)
# A document whose own title ends in one of these (a letter, notice, work plan …) and names no
# report (REPORT_MARKERS[1]) is another kind of document, even when its body quotes a notice
# about annual reports ("关于2014年政府信息公开工作要点落实情况的函").
NOT_REPORT_TITLE_ENDINGS: tuple[str, ...] = (
    "函", "通知", "要点", "意见", "方案", "通报", "批复", "请示", "纪要", "决定", "公告", "办法",
)

# --- Pre-2019 (legacy) reports: the two figures their statistics tables / prose state ----------
# (format.md §6). A statistics-table row label matches when it contains every word of one entry.
LEGACY_TABLE_LABELS: dict[str, tuple[tuple[str, ...], ...]] = {
    "proactively_disclosed": (("主动公开", "数"),),
    "applications_received": (("依申请公开", "总数"), ("申请", "总数"), ("收到", "申请数")),
}
# Prose phrases stating the figure: "<phrase> … N 条/件" (phrase kept as the label).
LEGACY_PROSE_PHRASES: dict[str, tuple[str, ...]] = {
    "proactively_disclosed": ("新增主动公开政府信息", "主动公开政府信息", "主动公开信息"),
    "applications_received": ("收到政府信息公开申请", "收到依申请公开", "受理政府信息公开申请", "受理依申请公开申请"),
}
# Prose saying none was received: the figure is 0, the phrase its label.
LEGACY_NONE_PHRASES: dict[str, tuple[str, ...]] = {
    "applications_received": ("未收到政府信息公开申请", "未收到有关政府信息公开申请", "未受理政府信息公开申请",
                              "未收到依申请公开"),
}
LEGACY_UNITS: tuple[str, ...] = ("人次", "万元", "条", "件", "个", "次", "元", "项")
