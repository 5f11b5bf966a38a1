"""Format version by the spec's detection rules (format.md §4), in order; the year only as fallback.

The detected version is kept even when it contradicts the year: a 2020 report printed on the 2021
form is a 2021-format report (the mismatch is the office's business, not ours to "fix")."""

from __future__ import annotations

import re
from functools import lru_cache

from ..model import Meta
from ..spec.tables import TABLES
from ..spec.versions import DETECTION_RULES, F2019, F2021, LEGACY, version_for_year
from .labels import match_form


@lru_cache(maxsize=1)
def _shared_markers() -> frozenset[str]:
    """Markers that are also a label or variant of the *other* format's tables (2019 reports may
    print 本年处理决定数量, a 2021 marker): they cannot tell the formats apart on their own."""
    out = set()
    for rule in DETECTION_RULES:
        other = F2019 if rule.version == F2021 else F2021
        labels = _labels_of(other)
        out.update(m for m in rule.markers if any(match_form(m) in lab for lab in labels))
    return frozenset(out)


@lru_cache(maxsize=2)
def _labels_of(fmt: str) -> tuple[str, ...]:
    out: list[str] = []
    for table in TABLES[fmt]:
        for block in table.blocks:
            for item in (*block.columns, *block.rows):
                out.extend(match_form(x) for x in item.all_labels)
    return tuple(out)


def detect_version(doc_form: str, year: int | None, has_tables: bool = True) -> Meta:
    """The first detection rule whose distinctive marker the document prints; markers shared with
    the other format's labels decide only when no distinctive marker is found."""
    for distinctive in (True, False):
        found = _by_rules(doc_form, has_tables, _shared_markers() if distinctive else frozenset())
        if found is not None:
            return found
    return _by_year(year, has_tables)


def _by_rules(doc_form: str, has_tables: bool, skip: frozenset[str]) -> Meta | None:
    """``doc_form``: the document's text in match form (labels.match_form). ``has_tables``: the
    document prints the standard tables at all — the markers are words such as 政府集中采购 that
    pre-2019 prose uses too, so they only decide inside a report that has the tables."""
    for rule in DETECTION_RULES if has_tables else ():
        for marker in rule.markers:
            if marker in skip:
                continue
            m = match_form(marker)
            if rule.followed_by:
                # the marker row's own numbers may sit between it and the row that follows
                pattern = re.escape(m) + r"[0-9.]*" + re.escape(match_form(rule.followed_by))
                if re.search(pattern, doc_form):
                    return Meta(rule.version, 0.9, f"表格标记「{marker}」后接「{rule.followed_by}」（规则{rule.order}）")
            elif m in doc_form:
                return Meta(rule.version, 0.95, f"表格标记「{marker}」（规则{rule.order}）")
    return None


def _by_year(year: int | None, has_tables: bool) -> Meta:
    by_year = version_for_year(year)
    if by_year is not None:
        return Meta(by_year, 0.6, f"按报告年度{year}推断（规则4）")
    if has_tables:
        return Meta(F2021, 0.3, "年度不明，按现行格式")
    return Meta(LEGACY, 0.3, "年度不明且无统一格式表格")
