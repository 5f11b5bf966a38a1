"""The consistency rules (勾稽关系, format.md §5), as data.

Hard rules R1–R4 are equations between sums of canonical cells; soft rules W1–W5 are warnings.
``sum_checks`` expands a rule into the concrete equations for one format, so validators, the
warehouse and the documentation all read the same definitions.
"""

from __future__ import annotations

from dataclasses import dataclass

from .tables import T3_COLUMNS, T3_PART_COLUMNS, T4_GROUPS, T4_PART_RESULTS, t3_rows
from .versions import F2019, F2021

ERROR = "error"
WARNING = "warning"
INFO = "info"

# A finding is about the source (its own numbers don't add up) or about our reading of it.
SOURCE = "source"
PARSE = "parse"
# … or about how the document is laid out (its sections), apart from its numbers.
STRUCTURE = "structure"


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    name: str  # short Chinese name shown in the UI
    description: str  # what it checks, in Chinese, for a clerk
    formula: str  # on canonical keys, for the docs
    scope: str = "report"  # report | cross_year
    formats: tuple[str, ...] = (F2019, F2021)


RULES: tuple[Rule, ...] = (
    Rule(
        "R1",
        ERROR,
        "表三列平衡",
        "表三每一列：本年新收 + 上年结转 = 办理结果总计 + 结转下年度（表头印明的勾稽关系）",
        "t3.new_received[c] + t3.carried_over[c] == t3.result.total[c] + t3.carry_forward[c]",
    ),
    Rule(
        "R2",
        ERROR,
        "办理结果合计",
        "表三每一列：（七）总计 = （一）至（六）各项之和",
        "t3.result.total[c] == Σ t3.result.<各数据行>[c]",
    ),
    Rule(
        "R3",
        ERROR,
        "申请人合计",
        "表三每一行：总计 = 自然人 + 五类法人或其他组织之和",
        "r.total == r.natural_person + Σ r.legal.*",
    ),
    Rule(
        "R4",
        ERROR,
        "复议诉讼合计",
        "表四每一组：总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结",
        "t4.g.total == g.upheld + g.corrected + g.other + g.pending",
    ),
    Rule(
        "W1",
        WARNING,
        "跨年度结转衔接",
        "本年“结转下年度继续办理”应等于下一年度“上年结转”",
        "t3.carry_forward[c](Y) == t3.carried_over[c](Y+1)",
        scope="cross_year",
    ),
    Rule(
        "W2",
        WARNING,
        "规范性文件存量衔接",
        "现行有效件数 ≈ 上年现行有效件数 + 本年制发 − 本年废止；同一报告内现行有效件数不应小于本年制发件数减废止件数",
        "t2.art20_1.x.in_force(Y) ≈ in_force(Y-1) + issued(Y) − repealed(Y)",
        formats=(F2021,),
    ),
    Rule(
        "W3",
        WARNING,
        "主动公开数量关系（2019格式）",
        "对外公开总数量不应小于本年新公开数量；上一年项目数量 + 本年增/减 ≈ 下一年的上一年项目数量",
        "t2.art20_1.x.total_published >= new_published",
        formats=(F2019,),
    ),
    Rule(
        "W4",
        WARNING,
        "正文与表格一致",
        "正文（总体情况等）中写明的申请数、复议诉讼数应与表格数字一致",
        "narrative.applications_received == t3.new_received.total; narrative.reviews == t4.review.total",
    ),
    Rule(
        "W5",
        WARNING,
        "数值类型",
        "表三、表四均应为非负整数；收费金额为非负数；仅2019格式“本年增/减”可为负",
        "cell >= 0 and integer (t3, t4)",
    ),
)
RULE_BY_ID = {r.id: r for r in RULES}

# W4: each figure the prose may state, its Chinese name, and the table sums it may equal (any one
# alternative agreeing is enough: "受理" often counts last year's carry-over too).
NARRATIVE_CHECKS: tuple[tuple[str, str, tuple[tuple[str, ...], ...]], ...] = (
    ("applications_received", "收到申请数",
     (("t3.new_received.total",), ("t3.new_received.total", "t3.carried_over.total"))),
    ("reviews", "行政复议数", (("t4.review.total",),)),
    ("litigations", "行政诉讼数", (("t4.lit_direct.total", "t4.lit_after_review.total"),)),
)

# Rules about our own reading (not the source); they share the findings list.
PARSE_UNCERTAIN = Rule("P1", WARNING, "识别存疑", "该处表格识别有多种可能或无法确定，需人工核对", "—")
CELL_MISSING = Rule("P2", INFO, "单元格未找到", "源文件中未找到该单元格（空白、缺表或未印出）", "—")
PARSE_RULES = (PARSE_UNCERTAIN, CELL_MISSING)

# Found by the warehouse across the reports it holds (not within one report).
VERSION_CHANGED = Rule(
    "V1",
    WARNING,
    "发布后修改",
    "同一机关同一年度收到内容不同的多个年报文件：报告在发布后被修改或替换",
    "sha256(version n) != sha256(version n-1) for the same (agency, year)",
    scope="version",
)
CONTENT_COPIED = Rule(
    "C1",
    WARNING,
    "内容雷同",
    "第一、五、六部分正文（去除《条例》原文、标题等套话后）与同一单位上一年度或同年度其他单位的报告高度相似",
    "jaccard(shingles(s1+s5+s6), shingles(other)) >= threshold (loaders.spec.boilerplate)",
    scope="content",
)
WAREHOUSE_RULES = (VERSION_CHANGED, CONTENT_COPIED)

# The report's structure (format.md §0: six sections 一 … 六, in order, each under its numeral),
# checked on the sections the parser found (loaders/parse/structure.py); formats 2019 and 2021.
SECTION_MISSING = Rule("S1", WARNING, "章节缺失", "六个部分中未找到某一部分的标题（缺少该部分，或标题未按格式书写）",
                       "sections ⊇ {s1 … s6}")
SECTION_ORDER = Rule("S2", WARNING, "章节顺序", "六个部分未按 一 至 六 的顺序排列", "start(s_i) < start(s_i+1)")
SECTION_NUMBERING = Rule("S3", WARNING, "章节编号", "某一部分标题前的序号与格式规定的不符，或没有序号",
                         "numeral(s_i) == 一…六[i]")
STRUCTURE_RULES = (SECTION_MISSING, SECTION_ORDER, SECTION_NUMBERING)
RULE_BY_ID.update({r.id: r for r in (*WAREHOUSE_RULES, *STRUCTURE_RULES)})


@dataclass(frozen=True)
class SumCheck:
    """One equation: Σ left == Σ right. ``where`` names the column/row/group in Chinese."""

    rule: str
    where: str
    left: tuple[str, ...]
    right: tuple[str, ...]

    @property
    def keys(self) -> tuple[str, ...]:
        return self.left + self.right


def _t3_result_rows(fmt: str) -> tuple[str, ...]:
    """The data rows of 三、本年度办理结果 that add up to （七）总计."""
    return tuple(
        r.code
        for r in t3_rows(fmt)
        if r.code.startswith("t3.result.") and r.code != "t3.result.total"
    )


def sum_checks(fmt: str) -> tuple[SumCheck, ...]:
    """Every hard-rule equation (R1–R4) of a format, expanded to canonical keys."""
    if fmt not in (F2019, F2021):
        return ()
    checks: list[SumCheck] = []
    results = _t3_result_rows(fmt)
    for col in T3_COLUMNS:
        c = col.code
        checks.append(
            SumCheck(
                "R1",
                f"表三「{col.label}」列",
                (f"t3.new_received.{c}", f"t3.carried_over.{c}"),
                (f"t3.result.total.{c}", f"t3.carry_forward.{c}"),
            )
        )
    for col in T3_COLUMNS:
        c = col.code
        checks.append(
            SumCheck("R2", f"表三「{col.label}」列", (f"t3.result.total.{c}",), tuple(f"{r}.{c}" for r in results))
        )
    for row in t3_rows(fmt):
        checks.append(
            SumCheck(
                "R3",
                f"表三「{row.full_label}」行",
                (f"{row.code}.total",),
                tuple(f"{row.code}.{c}" for c in T3_PART_COLUMNS),
            )
        )
    for g in T4_GROUPS:
        checks.append(
            SumCheck(
                "R4",
                f"表四「{g.label}」",
                (f"t4.{g.code}.total",),
                tuple(f"t4.{g.code}.{r}" for r in T4_PART_RESULTS),
            )
        )
    return tuple(checks)
