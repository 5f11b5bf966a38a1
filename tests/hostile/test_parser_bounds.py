"""Long digit tokens: the parser (and its validator) finishes (no backtracking blow-up), raises nothing, converts nothing
it cannot hold, and stores no value for an absurd number (it stays unread)."""

from __future__ import annotations

import pytest

from loaders.parse import parse_document
from loaders.readers import read_file
from loaders.synth.records import generate_reports
from loaders.synth.render import render

from .bounded import bounded

NAME = "2023年示例省人民政府政府信息公开工作年度报告.txt"


def _report_text() -> str:
    return render(next(iter(generate_reports(1, "2023"))), "txt-tsv").decode("utf-8")


def _parse(text: str) -> dict:
    report = parse_document(read_file(data=text.encode("utf-8"), name=NAME))
    return {k: (c.value if c is not None else None) for k, c in report.cells.items()}


@pytest.mark.parametrize("digits", [40, 200])
def test_a_prose_line_with_a_long_digit_token_finishes(digits):
    # before: 22 digits 1.4 s, ×4 per two more — 40 digits would run for days
    text = _report_text().replace("## 五、", f"说明 {'1' * digits} 件\n\n## 五、", 1)
    cells = bounded(_parse, text)
    assert cells["t4.review.total"] == 61  # the rest of the report is still read


@pytest.mark.parametrize("digits", [400, 5000])
def test_an_absurdly_long_number_in_a_cell_is_left_unread(digits):
    # 400 digits overflowed float in the validator; 5000 hit int()'s 4,300-digit limit
    text = _report_text().replace("行政许可\t132568", f"行政许可\t{'9' * digits}", 1)
    cells = bounded(_parse, text)
    assert cells.get("t2.art20_5.admin_license.decisions") is None
    assert cells["t4.review.total"] == 61


def test_a_long_digit_run_in_the_2019_prose_reading_is_skipped():
    text = _report_text().replace("主动公开政府信息1551条", f"主动公开政府信息{'7' * 5000}条", 1)
    bounded(_parse, text)
