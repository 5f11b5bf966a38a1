"""The in-code format spec and cells.csv (copied from ../shared/spec) agree key for key, label for label."""

import csv
from pathlib import Path

import pytest

from loaders import spec

CSV = Path(__file__).parent.parent / "data" / "cells.csv"


def _csv_rows(fmt):
    with CSV.open(encoding="utf-8") as f:
        return [r for r in csv.DictReader(f) if r["format"] == fmt]


@pytest.mark.parametrize(("fmt", "n"), [("2019", 198), ("2021", 200)])
def test_key_counts(fmt, n):
    assert len(spec.cell_keys(fmt)) == n
    assert len(set(spec.cell_keys(fmt))) == n


@pytest.mark.parametrize("fmt", ["2019", "2021"])
def test_spec_matches_cells_csv_in_order_and_labels(fmt):
    rows = _csv_rows(fmt)
    cells = spec.CELLS[fmt]
    assert [r["key"] for r in rows] == [c.key for c in cells]
    for r, c in zip(rows, cells, strict=True):
        assert (r["table"], r["row_label"], r["col_label"], r["kind"]) == (c.table, c.row_label, c.col_label, c.kind), c.key


def test_legacy_has_no_cells():
    assert spec.cell_keys("legacy") == ()


def test_sections_cover_one_to_six_with_tables():
    assert [s.numeral for s in spec.SECTIONS] == list("一二三四五六")
    assert {s.table for s in spec.SECTIONS if s.table} == {"t2", "t3", "t4"}


def test_every_rule_has_chinese_name_and_description():
    ids = {r.id for r in spec.RULES}
    assert {"R1", "R2", "R3", "R4", "W1", "W2", "W3", "W4", "W5"} <= ids
    for r in spec.RULES:
        assert r.name and r.description and r.severity in ("error", "warning")


def test_version_detection_rules_in_spec_order():
    orders = [r.order for r in spec.DETECTION_RULES]
    assert orders == sorted(orders)
    assert spec.version_for_year(2018) == "legacy"
    assert spec.version_for_year(2020) == "2019"
    assert spec.version_for_year(2025) == "2021"


@pytest.mark.parametrize("fmt", ["2019", "2021"])
def test_sum_checks_use_only_canonical_keys(fmt):
    keys = set(spec.cell_keys(fmt))
    checks = spec.sum_checks(fmt)
    assert {c.rule for c in checks} == {"R1", "R2", "R3", "R4"}
    for c in checks:
        assert set(c.keys) <= keys, c
