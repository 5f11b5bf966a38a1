"""Indicators, defined once: name, formula over canonical keys, 口径 variants, unit, null rule.

Every SQL expression, the documentation (``docs/indicators.md``) and the dashboard's captions are
generated from ``INDICATORS``; nothing else spells a formula.

How a formula is evaluated (the null rule, stated once):

* A *term* is a sum of canonical cells of one report. A blank / '—' / '/' / missing cell is NULL
  in the warehouse, never 0. A term is NULL when *all* its cells are NULL; otherwise the NULL
  cells count as 0 (how agencies commonly leave zeros blank — the same convention as the
  consistency checks in ``loaders.validate``).
* A count sums the term over the reports where it is not NULL.
* A rate is Σ numerator / Σ denominator over the reports where *both* terms are not NULL, so
  numerator and denominator always describe the same reports. A zero (or absent) denominator
  gives NULL — shown as '—', never as 0 %.
* Rates are fractions (0.25); ``format_value`` renders them as percentages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from loaders.spec import CELL_BY_KEY, CELLS, FORMATS, T4_GROUPS, t3_rows

from .filters import Filters, where_clause
from .schema import WIDE_KEYS, wide_column

COUNT = "count"
RATE = "rate"
SHARE_OF_REPORTS = "share_of_reports"  # special: share of reports with a property

G_APPLICATIONS = "依申请公开"
G_REVIEW = "复议诉讼"
G_PROACTIVE = "主动公开"
G_QUALITY = "数据质量"


@dataclass(frozen=True)
class Variant:
    """One 口径 of an indicator: which cells make its numerator and denominator."""

    code: str
    name: str  # 口径 name shown in the UI
    numerator: tuple[str, ...]
    denominator: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class Indicator:
    key: str
    name: str  # 中文名
    group: str
    kind: str  # count | rate | share_of_reports
    unit: str  # 件 | % | 万元
    variants: tuple[Variant, ...]
    description: str
    formats: tuple[str, ...] = FORMATS

    @property
    def default(self) -> Variant:
        return self.variants[0]

    def variant(self, code: str | None) -> Variant:
        if code is None:
            return self.default
        for v in self.variants:
            if v.code == code:
                return v
        raise KeyError(f"{self.key}: no 口径 {code!r}")

    @property
    def null_rule(self) -> str:
        if self.kind == COUNT:
            return "所涉单元格全部空白的报告不计入；其余空白单元格按0计"
        return "分母为0或无数据时显示“—”（不是0%）；只统计分子、分母均有数据的报告"


# ------------------------------------------------------------------ cell-key helpers (from spec)
def _t3(row: str, col: str = "total") -> str:
    return f"{row}.{col}"


def _t3_group(group: str, col: str = "total") -> tuple[str, ...]:
    """Cells of every data row under a t3 group heading, over both formats (2019 has one 其他 row)."""
    out: dict[str, None] = {}
    for fmt in FORMATS:
        for r in t3_rows(fmt):
            if r.code.startswith(group + ".") or (r.code == group and r.group is None):
                out.setdefault(_t3(r.code, col), None)
    return tuple(out)


def _t4(group: str, result: str) -> str:
    return f"t4.{group}.{result}"


GRANT = _t3("t3.result.grant")
PARTIAL = _t3("t3.result.partial")
DENY = _t3_group("t3.result.deny")
UNABLE = _t3_group("t3.result.unable")
NOT_PROCESSED = _t3_group("t3.result.not_processed")
OTHER = _t3_group("t3.result.other")
RESULT_TOTAL = _t3("t3.result.total")
NEW = _t3("t3.new_received")
CARRIED_OVER = _t3("t3.carried_over")
CARRY_FORWARD = _t3("t3.carry_forward")
SUBSTANTIVE = (GRANT, PARTIAL, *DENY, *UNABLE)  # 实体处理：（一）至（四）
LIT_GROUPS = tuple(g.code for g in T4_GROUPS if g.code.startswith("lit_"))
ALL_T4_GROUPS = tuple(g.code for g in T4_GROUPS)


def _t4_sum(groups: Sequence[str], results: Sequence[str]) -> tuple[str, ...]:
    return tuple(_t4(g, r) for g in groups for r in results)


DECIDED = ("upheld", "corrected", "other")  # 已审结：维持 + 纠正 + 其他

_DEN_ALL = "办理结果总计口径"
_DEN_SUBST = "实体处理口径"


def _two_denominators(numerator: tuple[str, ...]) -> tuple[Variant, ...]:
    return (
        Variant("all", _DEN_ALL, numerator, (RESULT_TOTAL,), "分母：表三（七）总计（全部办结申请）"),
        Variant(
            "substantive",
            _DEN_SUBST,
            numerator,
            SUBSTANTIVE,
            "分母：（一）予以公开 +（二）部分公开 +（三）不予公开 +（四）无法提供（剔除不予处理、其他处理等程序性办结）",
        ),
    )


def _correction(key: str, name: str, groups: Sequence[str], who: str) -> Indicator:
    return Indicator(
        key,
        name,
        G_REVIEW,
        RATE,
        "%",
        (
            Variant(
                "decided",
                "已审结口径",
                _t4_sum(groups, ("corrected",)),
                _t4_sum(groups, DECIDED),
                "分母：结果维持 + 结果纠正 + 其他结果（不含尚未审结）",
            ),
            Variant(
                "filed",
                "收案口径",
                _t4_sum(groups, ("corrected",)),
                _t4_sum(groups, ("total",)),
                "分母：总计（含尚未审结）",
            ),
        ),
        f"{who}中结果被纠正的比例",
    )


def _reason_share(group: str, group_name: str, row_code: str, label: str) -> Indicator:
    cells = _t3_group(group)
    suffix = row_code.rsplit(".", 1)[-1]
    return Indicator(
        f"{group.split('.')[-1]}_reason.{suffix}",
        f"{group_name}原因构成：{label}",
        G_APPLICATIONS,
        RATE,
        "%",
        (Variant("share", "占该类合计", (_t3(row_code),), cells, f"分母：{group_name}各项之和"),),
        f"{group_name}中“{label}”所占比例",
    )


def _reason_mix() -> tuple[Indicator, ...]:
    out = []
    for group, name in (("t3.result.deny", "不予公开"), ("t3.result.not_processed", "不予处理")):
        for r in t3_rows("2021"):
            if r.code.startswith(group + "."):
                out.append(_reason_share(group, name, r.code, r.label.split(".", 1)[-1]))
    return tuple(out)


def _t2_counts() -> tuple[Indicator, ...]:
    """Table 二 flows: one count per table-二 cell of each format."""
    out = []
    for fmt in FORMATS:
        for c in CELLS[fmt]:
            if c.table != "t2":
                continue
            if any(i.key == c.key for i in out):
                continue
            fmts = tuple(f for f in FORMATS if c.key in CELL_BY_KEY[f])
            unit = "万元" if c.kind == "decimal_wan_yuan" else ("元" if c.kind == "amount_with_unit" else "件")
            out.append(
                Indicator(
                    c.key,
                    f"{c.row_label}·{c.col_label}",
                    G_PROACTIVE,
                    COUNT,
                    unit,
                    (Variant("sum", "合计", (c.key,)),),
                    f"表二「{c.row_label}」行「{c.col_label}」列之和（{'、'.join(fmts)}格式）",
                    formats=fmts,
                )
            )
    return tuple(out)


INDICATORS: tuple[Indicator, ...] = (
    Indicator("new_applications", "本年新收申请", G_APPLICATIONS, COUNT, "件",
              (Variant("sum", "合计", (NEW,)),), "表三“一、本年新收政府信息公开申请数量”总计列"),
    Indicator("total_to_handle", "应办理申请总数", G_APPLICATIONS, COUNT, "件",
              (Variant("sum", "合计", (NEW, CARRIED_OVER)),), "本年新收 + 上年结转（总计列）"),
    Indicator("handled", "本年办结", G_APPLICATIONS, COUNT, "件",
              (Variant("sum", "合计", (RESULT_TOTAL,)),), "表三“（七）总计”总计列"),
    Indicator("natural_person_share", "自然人申请占比", G_APPLICATIONS, RATE, "%",
              (Variant("new", "新收口径", (_t3("t3.new_received", "natural_person"),), (NEW,),
                       "分母：本年新收申请总计"),),
              "本年新收申请中自然人申请所占比例"),
    Indicator("backlog_rate", "结转率", G_APPLICATIONS, RATE, "%",
              (Variant("to_handle", "应办理口径", (CARRY_FORWARD,), (NEW, CARRIED_OVER),
                       "分母：本年新收 + 上年结转"),),
              "结转下年度继续办理的申请占应办理申请的比例"),
    Indicator("grant_rate", "予以公开率", G_APPLICATIONS, RATE, "%", _two_denominators((GRANT,)),
              "办结申请中“（一）予以公开”的比例"),
    Indicator("substantive_disclosure_rate", "实质公开率", G_APPLICATIONS, RATE, "%",
              _two_denominators((GRANT, PARTIAL)), "办结申请中予以公开与部分公开之和的比例"),
    Indicator("refusal_rate", "不予公开率", G_APPLICATIONS, RATE, "%", _two_denominators(DENY),
              "办结申请中“（三）不予公开”（8项原因之和）的比例"),
    Indicator("cannot_provide_rate", "无法提供率", G_APPLICATIONS, RATE, "%", _two_denominators(UNABLE),
              "办结申请中“（四）无法提供”（3项原因之和）的比例"),
    Indicator("not_held_share", "“不掌握”占无法提供比例", G_APPLICATIONS, RATE, "%",
              (Variant("share", "占无法提供", (_t3("t3.result.unable.not_held"),), UNABLE,
                       "分母：（四）无法提供各项之和"),),
              "无法提供中“本机关不掌握相关政府信息”所占比例"),
    Indicator("not_processed_rate", "不予处理率", G_APPLICATIONS, RATE, "%",
              (Variant("all", _DEN_ALL, NOT_PROCESSED, (RESULT_TOTAL,), "分母：表三（七）总计"),),
              "办结申请中“（五）不予处理”（5项原因之和）的比例"),
    Indicator("other_processing_rate", "其他处理率", G_APPLICATIONS, RATE, "%",
              (Variant("all", _DEN_ALL, OTHER, (RESULT_TOTAL,), "分母：表三（七）总计"),),
              "办结申请中“（六）其他处理”的比例"),
    *_reason_mix(),
    Indicator("review_count", "行政复议数", G_REVIEW, COUNT, "件",
              (Variant("sum", "合计", (_t4("review", "total"),)),), "表四“行政复议”总计"),
    Indicator("litigation_count", "行政诉讼数", G_REVIEW, COUNT, "件",
              (Variant("sum", "合计", _t4_sum(LIT_GROUPS, ("total",))),),
              "表四“行政诉讼”未经复议直接起诉与复议后起诉的总计之和"),
    Indicator("review_rate", "复议率", G_REVIEW, RATE, "%",
              (Variant("new", "新收口径", (_t4("review", "total"),), (NEW,), "分母：本年新收申请总计"),),
              "行政复议数与本年新收申请数之比"),
    Indicator("litigation_rate", "诉讼率", G_REVIEW, RATE, "%",
              (Variant("new", "新收口径", _t4_sum(LIT_GROUPS, ("total",)), (NEW,), "分母：本年新收申请总计"),),
              "行政诉讼数与本年新收申请数之比"),
    _correction("review_correction_rate", "复议纠错率", ("review",), "行政复议"),
    _correction("litigation_correction_rate", "诉讼纠错率", LIT_GROUPS, "行政诉讼（两类合计）"),
    _correction("correction_rate", "综合纠错率", ALL_T4_GROUPS, "行政复议与行政诉讼合计"),
    Indicator("pending_rate", "未审结率", G_REVIEW, RATE, "%",
              (Variant("filed", "收案口径", _t4_sum(ALL_T4_GROUPS, ("pending",)), _t4_sum(ALL_T4_GROUPS, ("total",)),
                       "分母：复议、诉讼总计"),),
              "复议、诉讼案件中尚未审结的比例"),
    *_t2_counts(),
    Indicator("consistency_pass_rate", "勾稽校验通过率", G_QUALITY, SHARE_OF_REPORTS, "%",
              (Variant("reports", "报告口径", ("consistency_ok",), ("has_tables",),
                       "分母：有统计表格的报告数（2019、2021格式）"),),
              "表三、表四勾稽关系（R1–R4）全部成立的报告所占比例"),
)
INDICATOR_BY_KEY: dict[str, Indicator] = {i.key: i for i in INDICATORS}

# Coverage against the roster is defined here too but needs the roster table: see ``coverage``.
COVERAGE = Indicator(
    "coverage",
    "年报覆盖率",
    G_QUALITY,
    RATE,
    "%",
    (Variant("roster", "名单口径", ("received",), ("expected",), "分母：名单中应报送年报的（机关, 年度）数"),),
    "名单中应报送年报的机关里，已入库（任一版本）年报所占比例",
)


# ------------------------------------------------------------------------ SQL generation
def _col(key: str) -> str:
    if key not in WIDE_KEYS:
        raise KeyError(f"not a canonical cell key: {key}")
    return wide_column(key)


def term_sql(keys: Sequence[str]) -> str:
    """Per-report term: Σ cells, NULL when every cell is NULL (see the module docstring)."""
    cols = [_col(k) for k in keys]
    if len(cols) == 1:
        return cols[0]
    # Plain arithmetic, not list_sum([...]): building a list per row is ~1.5x slower at scale.
    all_null = " AND ".join(f"{c} IS NULL" for c in cols)
    return f"(CASE WHEN {all_null} THEN NULL ELSE {' + '.join(f'COALESCE({c}, 0)' for c in cols)} END)"


def report_terms(ind: Indicator, v: Variant) -> tuple[str, str | None]:
    """One report's (numerator, denominator) terms of a variant (denominator None for a count)."""
    return _report_terms(ind, v)


def _report_terms(ind: Indicator, v: Variant) -> tuple[str, str | None]:
    if ind.kind == SHARE_OF_REPORTS:
        return ("CAST(consistency_ok AS DOUBLE)", "CASE WHEN consistency_ok IS NULL THEN NULL ELSE 1.0 END")
    return term_sql(v.numerator), (term_sql(v.denominator) if v.denominator else None)


def aggregate_sql(ind: Indicator, variant: str | None = None) -> dict[str, str]:
    """SQL aggregate expressions over ``reports_wide`` rows: value, numerator, denominator, n.

    Use inside ``SELECT … FROM reports_wide r WHERE … GROUP BY …``; ``n`` is the number of
    reports that contributed.
    """
    v = ind.variant(variant)
    num, den = _report_terms(ind, v)
    if den is None:
        return {
            "value": f"SUM({num})",
            "numerator": f"SUM({num})",
            "denominator": "NULL",
            "n": f"COUNT({num})",
        }
    both = f"({num}) IS NOT NULL AND ({den}) IS NOT NULL"
    n_sum = f"SUM({num}) FILTER (WHERE {both})"
    d_sum = f"SUM({den}) FILTER (WHERE {both})"
    return {
        "value": f"CAST({n_sum} AS DOUBLE) / NULLIF({d_sum}, 0)",
        "numerator": n_sum,
        "denominator": d_sum,
        "n": f"COUNT(*) FILTER (WHERE {both})",
    }


# Columns a result may be grouped by (fixed; never taken from the caller as SQL).
GROUP_COLUMNS = ("year", "province", "city", "county", "level", "category", "agency", "format", "report_id")


def compute(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    keys: Sequence[str] | None = None,
    by: Sequence[str] = ("year",),
    variants: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Indicators for a filtered slice, grouped ``by`` report columns.

    Returns a long DataFrame: ``*by, indicator, name, variant, unit, value, numerator,
    denominator, n``. ``value`` is NaN where a rate has no denominator (render with
    ``format_value`` → '—').
    """
    for b in by:
        if b not in GROUP_COLUMNS:
            raise ValueError(f"cannot group by {b!r}")
    inds = [INDICATOR_BY_KEY[k] for k in (keys or [i.key for i in INDICATORS])]
    variants = variants or {}
    where, params = where_clause(filters, "r")
    # Same arithmetic as ``aggregate_sql``, planned cheaply: each distinct per-report term is
    # computed once (inner query), masked to the reports where numerator and denominator both
    # exist (middle), then summed with plain aggregates (outer). Planning ~250 FILTERed
    # aggregates over long list_sum expressions took most of the time otherwise.
    terms: dict[str, str] = {}

    def term(expr: str) -> str:
        return terms.setdefault(expr, f"t{len(terms)}")

    masked, outer, meta = [], [], []
    for i, ind in enumerate(inds):
        v = ind.variant(variants.get(ind.key))
        num, den = _report_terms(ind, v)
        tn = term(num)
        if den is None:
            masked.append(f"{tn} AS n{i}")
            outer += [f"SUM(n{i}) AS i{i}_value", f"SUM(n{i}) AS i{i}_numerator", f"NULL AS i{i}_denominator",
                      f"COUNT(n{i}) AS i{i}_n"]
        else:
            td = term(den)
            masked += [f"CASE WHEN {td} IS NOT NULL THEN {tn} END AS n{i}",
                       f"CASE WHEN {tn} IS NOT NULL THEN {td} END AS d{i}"]
            outer += [f"CAST(SUM(n{i}) AS DOUBLE) / NULLIF(SUM(d{i}), 0) AS i{i}_value", f"SUM(n{i}) AS i{i}_numerator",
                      f"SUM(d{i}) AS i{i}_denominator", f"COUNT(d{i}) AS i{i}_n"]
        meta.append((ind, v))
    by_cols = ", ".join(by)
    inner = ", ".join([*(f"r.{b}" for b in by), *(f"{expr} AS {name}" for expr, name in terms.items())])
    sql = (
        f"SELECT {by_cols + ', ' if by_cols else ''}{', '.join(outer)} FROM ("
        f"SELECT {by_cols + ', ' if by_cols else ''}{', '.join(masked)} FROM ("
        f"SELECT {inner} FROM reports_wide r WHERE {where}))"
        + (f" GROUP BY {by_cols} ORDER BY {by_cols}" if by_cols else "")
    )
    wide = con.execute(sql, params).df()
    cols = [*by, "indicator", "name", "variant", "unit", "value", "numerator", "denominator", "n"]
    k, n = len(meta), len(wide)
    out: dict[str, object] = {b: np.tile(wide[b].to_numpy(), k) for b in by}
    out["indicator"] = np.repeat([ind.key for ind, _ in meta], n)
    out["name"] = np.repeat([ind.name for ind, _ in meta], n)
    out["variant"] = np.repeat([v.code for _, v in meta], n)
    out["unit"] = np.repeat([ind.unit for ind, _ in meta], n)
    for p in ("value", "numerator", "denominator", "n"):
        out[p] = np.concatenate(
            [pd.to_numeric(wide[f"i{i}_{p}"], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
             for i in range(k)]
        ) if k else np.array([], dtype="float64")
    frame = pd.DataFrame(out, columns=cols)
    frame["n"] = frame["n"].astype("int64")  # a COUNT: never NULL
    return frame


def coverage(con: duckdb.DuckDBPyConnection, filters: Filters, by: Sequence[str] = ("year",)) -> pd.DataFrame:
    """Coverage against the roster: (agency, year) pairs expected vs received (any version).

    ``value`` is NaN where the roster lists nobody for the group.
    """
    for b in by:
        if b not in GROUP_COLUMNS or b in ("format", "report_id"):
            raise ValueError(f"cannot group coverage by {b!r}")
    where, params = where_clause(filters, "ro", roster=True)
    group = ", ".join(f"ro.{b}" for b in by)
    sql = f"""
        SELECT {group + ',' if group else ''}
               COUNT(*) AS expected,
               COUNT(*) FILTER (WHERE roster_received(ro.agency, ro.year, ro.province, ro.city)) AS received
        FROM roster ro WHERE {where}
        {('GROUP BY ' + group + ' ORDER BY ' + group) if group else ''}
    """
    df = con.execute(sql, params).df()
    df["indicator"] = COVERAGE.key
    df["name"] = COVERAGE.name
    df["variant"] = COVERAGE.default.code
    df["unit"] = COVERAGE.unit
    df["numerator"] = df["received"].astype("float64")
    df["denominator"] = df["expected"].astype("float64")
    df["value"] = df["numerator"] / df["denominator"].where(df["denominator"] > 0)
    df["n"] = df["expected"]
    return df[[*by, "indicator", "name", "variant", "unit", "value", "numerator", "denominator", "n"]]


# ------------------------------------------------------------------------------ display
DASH = "—"


def format_value(value: float | int | None, unit: str, digits: int = 1) -> str:
    """'12.3%' / '1,234' / '—'. NULL (no denominator, no data) is always '—', never 0 %."""
    try:
        if pd.isna(value):  # None, NaN, pd.NA, NaT
            return DASH
    except (TypeError, ValueError):
        pass
    if unit == "%":
        return f"{value * 100:.{digits}f}%"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.4f}".rstrip("0").rstrip(".")


def formula_text(ind: Indicator, variant: str | None = None) -> str:
    """The formula in keys, for captions: 'Σ(a + b) ÷ Σ(c)'; in words where its terms are not cells."""
    v = ind.variant(variant)
    if ind.kind == SHARE_OF_REPORTS:
        return "勾稽关系全部成立的报告数 ÷ 有统计表格的报告数"
    if ind is COVERAGE:
        return "已入库（机关, 年度）数 ÷ 名单中应报送的（机关, 年度）数"
    num = " + ".join(v.numerator)
    if not v.denominator:
        return f"Σ({num})"
    return f"Σ({num}) ÷ Σ({' + '.join(v.denominator)})"


def definition_rows() -> list[dict]:
    """One row per (indicator, 口径) — for export sheets and the docs."""
    rows = []
    for ind in (*INDICATORS, COVERAGE):
        for v in ind.variants:
            rows.append(
                {
                    "指标": ind.key,
                    "中文名": ind.name,
                    "分组": ind.group,
                    "口径": v.name,
                    "单位": ind.unit,
                    "定义": ind.description,
                    "口径说明": v.description,
                    "公式": formula_text(ind, v.code),
                    "空值规则": ind.null_rule,
                }
            )
    return rows
