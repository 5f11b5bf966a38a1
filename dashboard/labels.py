"""Display names for the dashboard, derived from the format spec (never typed twice).

The spec keeps labels verbatim ("（三）不予公开", "1.属于国家秘密"); charts want short names
("不予公开", "属于国家秘密"). ``short`` strips the numbering and the trailing explanatory
parenthesis, so every name shown still comes from ``loaders.spec``.
"""

from __future__ import annotations

import re

from loaders.spec import ERROR, INFO, LEVEL_NAMES, T3_COLUMNS, T4_GROUPS, T4_RESULTS, VERSIONS, WARNING, Label, t3_rows
from loaders.spec.agencies import CATEGORY_BY_CODE
from loaders.spec.tables import G_DENY, G_NOT_PROCESSED, G_OTHER, G_UNABLE, T3_PART_COLUMNS

_NUMBERING = re.compile(r"^(（[一二三四五六七八九十]+）|[一二三四五六七八九十]+、|\d+\.)")
_TRAILING_NOTE = re.compile(r"（[^（）]*）$")


def short(label: str) -> str:
    """'（二）部分公开（区分处理的，只计这一情形，不计其他情形）' → '部分公开'."""
    s = _NUMBERING.sub("", label.strip())
    if _TRAILING_NOTE.search(s) and not s.startswith("（"):
        s = _TRAILING_NOTE.sub("", s)
    return s or label


def _row(code: str, fmt: str = "2021"):
    return next(r for r in t3_rows(fmt) if r.code == code)


# The six outcome groups of table 三 (both formats), in the order the format prints them.
OUTCOME_GROUPS: tuple[tuple[str, str], ...] = (
    ("grant", short(_row("t3.result.grant").label)),
    ("partial", short(_row("t3.result.partial").label)),
    ("deny", short(G_DENY.label)),
    ("unable", short(G_UNABLE.label)),
    ("not_processed", short(G_NOT_PROCESSED.label)),
    ("other", short(G_OTHER.label)),
)
OUTCOME_NAMES = dict(OUTCOME_GROUPS)

# A fixed colour per outcome, the same on every chart (colour-blind-safe Okabe–Ito palette).
OUTCOME_COLOURS = {
    OUTCOME_NAMES["grant"]: "#009E73",
    OUTCOME_NAMES["partial"]: "#56B4E9",
    OUTCOME_NAMES["deny"]: "#D55E00",
    OUTCOME_NAMES["unable"]: "#E69F00",
    OUTCOME_NAMES["not_processed"]: "#CC79A7",
    OUTCOME_NAMES["other"]: "#999999",
}


def reason_rows(group: Label) -> tuple[tuple[str, str], ...]:
    """(row code, short name) of the reason rows under a t3 heading such as （三）不予公开."""
    return tuple((r.code, short(r.label)) for r in t3_rows("2021") if r.group is not None and r.group.code == group.code)


DENY_REASONS = reason_rows(G_DENY)
UNABLE_REASONS = reason_rows(G_UNABLE)
NOT_PROCESSED_REASONS = reason_rows(G_NOT_PROCESSED)
OTHER_REASONS_2021 = reason_rows(G_OTHER)

APPLICANT_TYPES: tuple[tuple[str, str], ...] = tuple((c.code, c.label) for c in T3_COLUMNS if c.code in T3_PART_COLUMNS)
APPLICANT_NAMES = dict(APPLICANT_TYPES)

T4_GROUP_NAMES = {g.code: g.label for g in T4_GROUPS}
T4_RESULT_NAMES = {r.code: r.label for r in T4_RESULTS}

LEVEL_LABELS = LEVEL_NAMES
CATEGORY_LABELS = {code: c.name for code, c in CATEGORY_BY_CODE.items()}
FORMAT_LABELS = {code: v.name for code, v in VERSIONS.items()}
# The first report year of the 2021 format: charts mark the break there.
FORMAT_CHANGE_YEAR = VERSIONS["2021"].first_year

# Applicant types: a fixed colour each (natural persons first, the five legal-person kinds after).
APPLICANT_COLOURS = dict(zip(APPLICANT_NAMES.values(),
                             ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#999999"), strict=True))
# Table 四 results: a fixed colour each.
T4_RESULT_COLOURS = dict(zip([r.label for r in T4_RESULTS],
                             ("#009E73", "#D55E00", "#999999", "#E69F00", "#0072B2"), strict=True))

# Column headers shown in tables and downloads (query frames use short English names).
COLUMN_NAMES = {
    "year": "年度", "count": "件数", "agency": "单位", "reports": "报告数", "agencies": "单位数",
    "new_applications": "本年新收申请", "handled": "本年办结", "grant_rate": "予以公开率",
    "review_count": "行政复议数", "litigation_count": "行政诉讼数", "correction_rate": "综合纠错率（已审结口径）",
    "correction_rate_filed": "综合纠错率（收案口径）", "proactive_docs": "主动公开规章和规范性文件",
    "carried_over": "上年结转", "new_received": "本年新收", "carry_forward": "结转下年度继续办理",
    "backlog_rate": "结转率", "value": "指标值", "numerator": "分子", "denominator": "分母（N）",
    "small_sample": "小样本", "value_before": "上年指标值", "year_before": "上一年度", "change": "变化",
    "province": "省", "city": "市", "county": "县（区）", "level": "层级", "category": "类别",
    "format": "格式", "rule": "规则", "severity": "严重程度", "message": "说明", "location": "位置",
    "cells": "涉及单元格", "expected": "应为", "found": "实际", "source_name": "源文件", "report_id": "报告编号",
    "candidates": "可能的读法", "settled": "人工核定", "n_problems": "问题数", "problems": "问题说明",
    "version": "版本", "n_versions": "版本数", "is_current": "是否最新", "publish_date": "发布日期",
    "ingested_at": "入库时间", "region": "地区", "grp": "类别", "result": "结果",
}

SEVERITY_NAMES = {ERROR: "错误", WARNING: "警告", INFO: "提示"}
FINDING_KIND_NAMES = {"source": "源文件问题", "parse": "识别存疑", "structure": "结构问题"}

# 报送情况 (warehouse.submission) columns.
COLUMN_NAMES.update({
    "required": "应报", "received": "已报", "on_time": "按时", "late": "逾期", "date_unknown": "日期不明",
    "missing": "未报送", "to_confirm": "相似名称待确认", "deadline_class": "期限类别", "deadline": "截止日期",
    "basis": "期限依据", "date_source": "日期来源", "status": "报送状态", "days_late": "逾期天数",
    "report_agency": "候选报告单位", "report_region": "候选报告地区", "score": "名称相似度",
})
