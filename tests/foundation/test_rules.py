"""R1–R4 report each broken equation with the cells involved; a consistent table reports nothing."""

import pytest

from loaders import spec
from loaders.model import CellValue, empty_report
from loaders.spec.values import ValueStatus
from loaders.validate import check_rules, check_t2_within_report, validate_report

COLS = [c.code for c in spec.T3_COLUMNS]


def consistent_values(fmt: str) -> dict[str, int]:
    """A small but non-trivial table that satisfies every hard rule."""
    v = dict.fromkeys(spec.cell_keys(fmt), 0)

    def put_row(row, natural, commercial):
        v[f"{row}.natural_person"] = natural
        v[f"{row}.legal.commercial"] = commercial
        v[f"{row}.total"] = natural + commercial

    put_row("t3.new_received", 10, 2)
    put_row("t3.carried_over", 1, 0)
    put_row("t3.result.grant", 6, 1)
    put_row("t3.result.unable.not_held", 3, 1)
    put_row("t3.result.total", 9, 2)
    put_row("t3.carry_forward", 2, 0)
    v.update({"t4.review.upheld": 2, "t4.review.corrected": 1, "t4.review.total": 3})
    v.update({"t4.lit_direct.pending": 1, "t4.lit_direct.total": 1})
    return v


@pytest.mark.parametrize("fmt", ["2019", "2021"])
def test_consistent_table_reports_nothing(fmt):
    assert check_rules(fmt, consistent_values(fmt)) == []


@pytest.mark.parametrize(
    ("rule", "key", "delta", "must_involve"),
    [
        # carry_forward changes only R1's right side (it is no result row, and its own R3 row is broken too)
        ("R1", "t3.carry_forward.legal.commercial", 0, None),
        ("R2", "t3.result.grant.natural_person", 1, "t3.result.grant.natural_person"),
        ("R3", "t3.new_received.total", 5, "t3.new_received.total"),
        ("R4", "t4.review.total", 4, "t4.review.total"),
    ],
)
@pytest.mark.parametrize("fmt", ["2019", "2021"])
def test_each_rule_reported_with_its_cells(fmt, rule, key, delta, must_involve):
    v = consistent_values(fmt)
    if rule == "R1":
        # Break R1 alone: raise both a result row and 总计 so R2 still holds, keep R3 by moving totals.
        v["t3.result.grant.legal.commercial"] += 1
        v["t3.result.grant.total"] += 1
        v["t3.result.total.legal.commercial"] += 1
        v["t3.result.total.total"] += 1
        must_involve = "t3.result.total.legal.commercial"
    else:
        v[key] += delta
    findings = check_rules(fmt, v)
    rules = {f.rule for f in findings}
    assert rule in rules
    hit = [f for f in findings if f.rule == rule]
    assert any(must_involve in f.keys for f in hit)
    assert all(f.kind == "source" and f.severity == "error" and f.message for f in hit)
    assert all(f.expected != f.found for f in hit)
    if rule == "R1":
        assert rules == {"R1"}


def test_blank_total_is_not_checked_and_blank_parts_count_as_zero():
    v = consistent_values("2021")
    v["t3.new_received.total"] = None  # a blank 总计 is not a zero: nothing to check in that row
    v["t3.new_received.legal.research"] = None  # blank part next to printed ones counts as 0
    findings = check_rules("2021", v)
    assert not [f for f in findings if f.rule == "R3" and "t3.new_received.total" in f.keys]


def test_validate_report_appends_findings_and_w5():
    r = empty_report("x.txt", fmt="2021")
    for k, val in consistent_values("2021").items():
        r.cells[k] = CellValue(val, ValueStatus.NUMBER, str(val))
    r.cells["t4.review.total"] = CellValue(4, ValueStatus.NUMBER, "4")
    r.cells["t3.result.grant.legal.research"] = CellValue(-1, ValueStatus.NUMBER, "-1")
    validate_report(r)
    rules = {f.rule for f in r.findings}
    assert {"R4", "W5"} <= rules



@pytest.mark.parametrize(
    ("fmt", "rule", "cells", "flagged"),
    [
        # 2021 (W2): 现行有效 below 本年制发 − 本年废止 is flagged; a blank 废止 counts as none
        ("2021", "W2", {"regulation.in_force": 2, "regulation.issued": 5, "regulation.repealed": 1}, [(2, 4)]),
        ("2021", "W2", {"normative_doc.in_force": 4, "normative_doc.issued": 5}, [(4, 5)]),
        ("2021", "W2", {"regulation.in_force": 4, "regulation.issued": 5, "regulation.repealed": 1}, []),
        ("2021", "W2", {"regulation.issued": 5}, []),  # blank stock: nothing to compare
        # 2019 (W3): 对外公开总数量 below 本年新公开数量
        ("2019", "W3", {"normative_doc.total_published": 3, "normative_doc.new_published": 7}, [(3, 7)]),
        ("2019", "W3", {"regulation.total_published": 7, "regulation.new_published": 7}, []),
    ],
)
def test_t2_stock_not_below_flow_within_report(fmt, rule, cells, flagged):
    r = empty_report("t2.txt", fmt=fmt)
    for key, v in cells.items():
        r.cells[f"t2.art20_1.{key}"] = CellValue(v, ValueStatus.NUMBER, str(v))
    found = check_t2_within_report(r)
    assert [(f.rule, f.found, f.expected) for f in found] == [(rule, stock, f"≥ {flow}") for stock, flow in flagged]
    assert all(f.severity == spec.RULE_BY_ID[rule].severity and f.kind == spec.SOURCE for f in found)
