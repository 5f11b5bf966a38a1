"""Every download cell a spreadsheet could run is text: data sheets, headers and the 筛选条件 lines
(filter values are user input — an agency picked from the URL); control characters that XLSX
cannot hold are dropped instead of failing the whole workbook; numbers stay numbers."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from warehouse.export import neutralise_text, to_csv_bytes, to_xlsx_bytes
from warehouse.filters import Filters

FORMULAS = ['=HYPERLINK("http://x","点我")', "=cmd|' /C calc'!A0", "@SUM(1+1)", "+1+1", "-1+1",
            "＝HYPERLINK(\"http://x\")", "＋1", "－1", "＠SUM(A1)", "\t=1", "\r=1"]


@pytest.mark.parametrize("text", FORMULAS)
def test_every_formula_lead_is_neutralised(text):
    assert neutralise_text(text) == "'" + text


def test_filter_sheet_values_are_text_not_formulas():
    for agency in FORMULAS[:9]:
        raw = to_xlsx_bytes({"数据": pd.DataFrame({"机关": ["示例县教育局"], "数": [3]})}, Filters(agencies=(agency,)))
        wb = openpyxl.load_workbook(io.BytesIO(raw))
        cells = [c for row in wb["筛选条件"].iter_rows() for c in row]
        assert not any(c.data_type == "f" for c in cells), agency
        shown = [c.value for c in cells if c.value and agency in str(c.value)]
        assert shown == ["'" + agency], shown


def test_control_characters_in_a_file_name_do_not_break_the_workbook():
    df = pd.DataFrame({"文件": ["报告\x07\x1b名.pdf", "正常.pdf"], "数": [-3, 4]})
    wb = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes({"数据质量": df})))
    ws = wb["数据质量"]
    assert [ws.cell(r, 1).value for r in (2, 3)] == ["报告名.pdf", "正常.pdf"]
    assert [ws.cell(r, 2).value for r in (2, 3)] == [-3, 4]  # numbers stay numbers


def test_csv_headers_and_fullwidth_leads_neutralised():
    df = pd.DataFrame({"=危险表头": ["＝1+1"], "n": [-5]})
    back = pd.read_csv(io.BytesIO(to_csv_bytes(df)), encoding="utf-8-sig")
    assert list(back.columns) == ["'=危险表头", "n"]
    assert back.iloc[0].tolist() == ["'＝1+1", -5]
