"""Format version by the spec's detection rules (format.md §4), in order; the year only as fallback.

The detected version is kept even when it contradicts the year: a 2020 report printed on the 2021
form is a 2021-format report (the mismatch is the office's business, not ours to "fix")."""

from __future__ import annotations

import re

from ..model import Meta
from ..spec.versions import DETECTION_RULES, F2021, LEGACY, version_for_year
from .labels import match_form


def detect_version(doc_form: str, year: int | None, has_tables: bool = True) -> Meta:
    """``doc_form``: the document's text in match form (labels.match_form). ``has_tables``: the
    document prints the standard tables at all — the markers are words such as 政府集中采购 that
    pre-2019 prose uses too, so they only decide inside a report that has the tables."""
    for rule in DETECTION_RULES if has_tables else ():
        for marker in rule.markers:
            m = match_form(marker)
            if rule.followed_by:
                # the marker row's own numbers may sit between it and the row that follows
                pattern = re.escape(m) + r"[0-9.]*" + re.escape(match_form(rule.followed_by))
                if re.search(pattern, doc_form):
                    return Meta(rule.version, 0.9, f"表格标记「{marker}」后接「{rule.followed_by}」（规则{rule.order}）")
            elif m in doc_form:
                return Meta(rule.version, 0.95, f"表格标记「{marker}」（规则{rule.order}）")
    by_year = version_for_year(year)
    if by_year is not None:
        return Meta(by_year, 0.6, f"按报告年度{year}推断（规则4）")
    if has_tables:
        return Meta(F2021, 0.3, "年度不明，按现行格式")
    return Meta(LEGACY, 0.3, "年度不明且无统一格式表格")
