"""How report prose names a table 二 column when it states that cell's figure.

"动态更新本年度制发的规范性文件88件" states t2.art20_1.normative_doc.issued (2021): the column is
named by a verb or phrase (制发), the row by its own label (spec.tables rows + variants). Only
words that name exactly one column of the sub-table are listed; a clause naming two columns is
ambiguous and not used (parse.narrative.t2_figures).
"""

from __future__ import annotations

# (format, sub-table code, column code) → words that name the column in a sentence
T2_COLUMN_WORDS: dict[tuple[str, str, str], tuple[str, ...]] = {
    ("2021", "art20_1", "issued"): ("本年制发", "本年度制发", "制发", "新制定", "印发", "出台"),
    ("2021", "art20_1", "repealed"): ("本年废止", "本年度废止", "废止"),
    ("2021", "art20_1", "in_force"): ("现行有效",),
    ("2019", "art20_1", "new_made"): ("新制作", "制发", "新制定", "印发", "出台"),
    ("2019", "art20_1", "new_published"): ("新公开",),
    ("2019", "art20_1", "total_published"): ("对外公开总", "累计公开"),
    ("2019", "art20_5", "decisions"): ("处理决定",),
    ("2019", "art20_6", "decisions"): ("处理决定",),
}

# units a counted table 二 figure is stated in ("62件"); amounts are not taken from prose
T2_COUNT_UNITS: tuple[str, ...] = ("件", "项", "个")
