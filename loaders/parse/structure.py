"""Structure checks (S1–S3): the six sections present, in order, each under its own numeral.

Run on the sections the parser found (``find_sections``) for reports of the 2019 and 2021
formats; a legacy report has no prescribed sections. Each problem is one finding of kind
``structure`` (about the document's layout, not its numbers: table checks and their counts are
untouched), naming the section as the format names it and the heading as printed.
"""

from __future__ import annotations

from ..model import Finding
from ..spec import SECTIONS
from ..spec.rules import SECTION_MISSING, SECTION_NUMBERING, SECTION_ORDER, STRUCTURE
from .sections import Sections

# Fewer headings than this found: the text is not laid out as a report at all (a table alone, an
# extract) or its headings are unrecognisable — nothing to say about its structure.
MIN_FOUND = 3


def structure_findings(sections: Sections) -> list[Finding]:
    out: list[Finding] = []
    found = sections.by_code
    if len(found) < MIN_FOUND:
        return out
    for spec in SECTIONS:
        if spec.code not in found:
            out.append(Finding(SECTION_MISSING.id, SECTION_MISSING.severity, STRUCTURE,
                               f"未找到第{spec.numeral}部分「{spec.heading}」的标题（缺少该部分，或标题未按格式书写）",
                               where=f"第{spec.numeral}部分"))
    order = [s.code for s in sorted(found.values(), key=lambda s: s.start)]
    expected = [s.code for s in SECTIONS if s.code in found]
    if order != expected:
        by_code = {s.code: s for s in SECTIONS}
        printed = "、".join(by_code[c].numeral + by_code[c].heading for c in order)
        out.append(Finding(SECTION_ORDER.id, SECTION_ORDER.severity, STRUCTURE,
                           f"各部分未按顺序排列：文中依次为 {printed}", where="全文"))
    for spec in SECTIONS:
        s = found.get(spec.code)
        if s is None or s.numeral == spec.numeral:
            continue
        shown = s.heading.strip()[:30]
        what = f"序号为“{s.numeral}”" if s.numeral else "没有序号"
        out.append(Finding(SECTION_NUMBERING.id, SECTION_NUMBERING.severity, STRUCTURE,
                           f"第{spec.numeral}部分「{spec.heading}」的标题{what}，应为“{spec.numeral}、”（原文：{shown}）",
                           where=f"第{spec.numeral}部分"))
    return out
