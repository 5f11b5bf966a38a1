"""Check a parsed report against the format's consistency rules (勾稽关系).

Findings only — a source whose numbers don't add up is reported, never "fixed". Blank cells are
not zeros: an equation is checked only when each side has at least one printed number; within a
checked equation a blank term counts as 0 (the common way agencies fill zeros) and the finding
says so.
"""

from __future__ import annotations

from .model import Finding, ParsedReport
from .spec import RULE_BY_ID, SOURCE, SumCheck, sum_checks
from .spec.rules import NARRATIVE_CHECKS
from .spec.tables import TABLES
from .spec.values import ValueStatus
from .spec.versions import F2019, F2021


def _fmt(n: float) -> str:
    return str(int(n)) if float(n).is_integer() else f"{n:g}"


def check_sum(check: SumCheck, values: dict[str, float | int | None]) -> Finding | None:
    left = [values.get(k) for k in check.left]
    right = [values.get(k) for k in check.right]
    if all(v is None for v in left) or all(v is None for v in right):
        return None  # nothing printed on one side: not checkable (blank ≠ 0)
    ls = sum(v for v in left if v is not None)
    rs = sum(v for v in right if v is not None)
    if abs(ls - rs) < 1e-9:
        return None
    rule = RULE_BY_ID[check.rule]
    blanks = [k for k in check.keys if values.get(k) is None]
    note = f"（其中{len(blanks)}个空白单元格按0计）" if blanks else ""
    return Finding(
        rule=check.rule,
        severity=rule.severity,
        kind=SOURCE,
        message=f"{check.where}：{rule.name}不符，应为 {_fmt(rs)}，实际为 {_fmt(ls)}{note}",
        keys=check.keys,
        expected=rs,
        found=ls,
        where=check.where,
    )


def check_rules(fmt: str, values: dict[str, float | int | None]) -> list[Finding]:
    """R1–R4 for one report's cell values (canonical key → number or None)."""
    return [f for c in sum_checks(fmt) if (f := check_sum(c, values)) is not None]


def check_value_types(report: ParsedReport) -> list[Finding]:
    """W5: t3/t4 cells are non-negative integers; t2 amounts non-negative; only 2019 `change` may be negative."""
    out: list[Finding] = []
    rule = RULE_BY_ID["W5"]
    for key, cell in report.cells.items():
        v = cell.value
        if cell.status != ValueStatus.NUMBER or v is None:
            continue
        signed = key.endswith(".change")
        bad_sign = v < 0 and not signed
        bad_int = key.startswith(("t3.", "t4.")) and not float(v).is_integer()
        if bad_sign or bad_int:
            out.append(
                Finding(
                    rule="W5",
                    severity=rule.severity,
                    kind=SOURCE,
                    message=f"{key}：数值 {cell.raw or v} 不是{'非负' if bad_sign else ''}整数",
                    keys=(key,),
                    expected="非负整数" if bad_int else "≥ 0",
                    found=v,
                )
            )
    return out


# W2/W3 within one report, per format: (rule, the stock column, this year's flow column) of the
# 第二十条第（一）项 block; 2021 nets the year's repealed documents off the flow.
_T2_STOCK_FLOW = {F2021: ("W2", "in_force", "issued"), F2019: ("W3", "total_published", "new_published")}


def check_t2_within_report(report: ParsedReport) -> list[Finding]:
    """W2 (2021, within one report) and W3 (2019): stock counts not below this year's flow."""
    if report.fmt not in _T2_STOCK_FLOW:
        return []
    rule_id, stock_col, flow_col = _T2_STOCK_FLOW[report.fmt]
    t2 = next(t for t in TABLES[report.fmt] if t.code == "t2")
    block = next(b for b in t2.blocks if b.code == "art20_1")
    out: list[Finding] = []
    for row in block.rows:
        base = f"t2.{block.code}.{row.code}"
        stock_key, flow_key = f"{base}.{stock_col}", f"{base}.{flow_col}"
        stock, flow = report.value(stock_key), report.value(flow_key)
        if report.fmt == F2021 and flow is not None:
            flow -= report.value(f"{base}.repealed") or 0
        if stock is None or flow is None or stock >= flow:
            continue
        out.append(
            Finding(
                rule=rule_id,
                severity=RULE_BY_ID[rule_id].severity,
                kind=SOURCE,
                message=f"表二：{stock_key} 为 {_fmt(stock)}，小于本年新增 {_fmt(flow)}",
                keys=(stock_key, flow_key),
                expected=f"≥ {_fmt(flow)}",
                found=stock,
            )
        )
    return out


# W4: a figure the prose states (narrative key) ↔ the table cells that hold it. A figure equal to
# any one of the alternatives is consistent ("受理" counts often include 上年结转, t3.carried_over).
def narrative_number(entry: object) -> float | int | None:
    """A narrative entry is {"value", "raw", …} (parse.narrative) or a bare number."""
    v = entry.get("value") if isinstance(entry, dict) else entry
    return v if isinstance(v, int | float) and not isinstance(v, bool) else None


def check_narrative(report: ParsedReport) -> list[Finding]:
    """W4: numbers stated in the prose (总体情况 …) against the table totals, when both are printed."""
    out: list[Finding] = []
    if report.fmt not in ("2019", "2021"):
        return out
    rule = RULE_BY_ID["W4"]
    for key, name, alternatives in NARRATIVE_CHECKS:
        entry = report.narrative.get(key)
        stated = narrative_number(entry)
        if stated is None:
            continue
        sums = []
        for keys in alternatives:
            vals = [report.value(k) for k in keys]
            if any(v is None for v in vals):
                continue  # a blank cell is not 0: this alternative can't be checked
            sums.append((keys, sum(vals)))
        if not sums or any(abs(total - stated) < 1e-9 for _, total in sums):
            continue
        keys, total = sums[0]
        raw = entry.get("raw", "") if isinstance(entry, dict) else ""
        quote = f"（正文：“{raw}”）" if raw else ""
        out.append(
            Finding(
                rule="W4",
                severity=rule.severity,
                kind=SOURCE,
                message=f"正文所述{name}为 {_fmt(stated)}{quote}，表格为 {_fmt(total)}，二者不一致",
                keys=keys,
                expected=total,
                found=stated,
                where=f"正文 vs {'+'.join(keys)}",
            )
        )
    return out


def validate_report(report: ParsedReport) -> ParsedReport:
    """Append the within-report rule findings (R1–R4, W2/W3, W4, W5) to the report and return it."""
    report.findings.extend(check_rules(report.fmt, report.values()))
    report.findings.extend(check_t2_within_report(report))
    report.findings.extend(check_value_types(report))
    report.findings.extend(check_narrative(report))
    return report

