"""Parse real files written by real libraries (python-docx), read by the project's readers."""

from pathlib import Path

from docx import Document as DocxDocument

from loaders.parse import parse_file
from loaders.spec import F2021, T3_COLUMNS, cell_keys, t3_rows
from loaders.spec.tables import T3_HEADER_NOTE, T4_RESULTS, table_spec
from loaders.spec.values import ValueStatus


def _t3_values() -> dict[str, list[str]]:
    v = {r.code: ["0"] * 7 for r in t3_rows(F2021)}
    v["t3.new_received"] = ["6", "", "", "", "", "", "6"]  # blank legal cells: not zeros
    v["t3.result.grant"] = ["5", "", "", "", "", "", "5"]
    v["t3.result.deny.process_info"] = ["1", "", "", "", "", "", "1"]
    v["t3.result.total"] = ["6", "", "", "", "", "", "6"]
    return v


def _write_docx(path: Path) -> None:
    d = DocxDocument()
    d.add_heading("某县测试局2022年政府信息公开工作年度报告", level=1)
    d.add_paragraph("一、总体情况")
    d.add_paragraph("2022年，本局共收到政府信息公开申请6件。")
    d.add_paragraph("二、主动公开政府信息情况")
    for block in table_spec(F2021, "t2").blocks:
        t = d.add_table(rows=2 + len(block.rows), cols=4)
        t.cell(0, 0).merge(t.cell(0, 3)).text = block.header
        t.cell(1, 0).text = "信息内容"
        for j, col in enumerate(block.columns):
            t.cell(1, 1 + j).text = col.label
        if len(block.columns) == 1:
            t.cell(1, 1).merge(t.cell(1, 3))
        for i, row in enumerate(block.rows):
            t.cell(2 + i, 0).text = row.label
            if len(block.columns) == 1:
                t.cell(2 + i, 1).merge(t.cell(2 + i, 3)).text = "12"
            else:
                for j in range(3):
                    t.cell(2 + i, 1 + j).text = ["3", "1", "40"][j]
    d.add_paragraph("三、收到和处理政府信息公开申请情况")
    rows = t3_rows(F2021)
    t = d.add_table(rows=3 + len(rows), cols=10)
    t.cell(0, 0).merge(t.cell(2, 2)).text = T3_HEADER_NOTE
    t.cell(0, 3).merge(t.cell(0, 9)).text = "申请人情况"
    t.cell(1, 3).merge(t.cell(2, 3)).text = "自然人"
    t.cell(1, 4).merge(t.cell(1, 8)).text = "法人或其他组织"
    t.cell(1, 9).merge(t.cell(2, 9)).text = "总计"
    for j, col in enumerate(T3_COLUMNS[1:6]):
        t.cell(2, 4 + j).text = col.label
    values = _t3_values()
    for i, row in enumerate(rows):
        r = 3 + i
        if row.group is None:
            t.cell(r, 0).merge(t.cell(r, 2)).text = row.label
        else:
            t.cell(r, 0).text = "三、本年度办理结果"
            t.cell(r, 1).text = row.group.label
            t.cell(r, 2).text = row.label
        for j, val in enumerate(values[row.code]):
            t.cell(r, 3 + j).text = val
    d.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    t = d.add_table(rows=4, cols=15)
    t.cell(0, 0).merge(t.cell(0, 4)).text = "行政复议"
    t.cell(0, 5).merge(t.cell(0, 14)).text = "行政诉讼"
    for j, res in enumerate(T4_RESULTS):
        t.cell(1, j).merge(t.cell(2, j)).text = res.label
    t.cell(1, 5).merge(t.cell(1, 9)).text = "未经复议直接起诉"
    t.cell(1, 10).merge(t.cell(1, 14)).text = "复议后起诉"
    for j in range(10):
        t.cell(2, 5 + j).text = T4_RESULTS[j % 5].label
    for j, val in enumerate("1 0 0 1 2 0 0 0 0 0 1 0 0 0 1".split()):
        t.cell(3, j).text = val
    d.add_paragraph("五、存在的主要问题及改进情况")
    d.add_paragraph("六、其他需要报告的事项")
    d.save(str(path))


def test_docx_report_parses_cell_by_cell(tmp_path):
    path = tmp_path / "2022年某县测试局政府信息公开工作年度报告.docx"
    _write_docx(path)
    r = parse_file(path)
    assert r.fmt == F2021 and r.year.value == 2022
    assert set(r.values()) == set(cell_keys(F2021))
    assert [r.value(f"t2.art20_1.normative_doc.{c}") for c in ("issued", "repealed", "in_force")] == [3, 1, 40]
    assert r.value("t2.art20_5.admin_license.decisions") == 12
    assert r.value("t3.new_received.natural_person") == 6 and r.value("t3.new_received.total") == 6
    assert r.cells["t3.new_received.legal.commercial"].status == ValueStatus.BLANK
    assert r.value("t3.result.deny.process_info.total") == 1
    assert [r.value(f"t4.review.{c}") for c in ("upheld", "pending", "total")] == [1, 1, 2]
    assert r.value("t4.lit_after_review.total") == 1
    assert not [f for f in r.findings if f.kind == "source" and f.severity == "error"]
