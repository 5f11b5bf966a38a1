"""全省汇总: every summed cell equals a sum computed here from the long ``cells`` table; the
sentences' numbers are the table's; the quality switch leaves out exactly the reports whose own
numbers break R1–R4; the DOCX and XLSX open and carry the form's row labels."""

from __future__ import annotations

import io
import re

import pytest
from test_pages import frame_with, open_page

from loaders.spec import CELLS
from warehouse import queries, summary
from warehouse.filters import Filters
from warehouse.quality_marks import INFLUENCE_SHARE, MARK
from warehouse.queries import HARD_RULES

PROVINCE = "示例省"


def _long_sums(reader, year: int, fmt: str, leave_out_failing: bool = False) -> dict[str, float]:
    failing = ("AND r.report_id NOT IN (SELECT report_id FROM findings WHERE kind = 'source' "
               "AND rule IN (SELECT unnest(?::VARCHAR[])))") if leave_out_failing else ""
    rows = reader.execute(
        "SELECT c.key, SUM(c.value) FROM cells c JOIN reports r USING (report_id) "
        f"WHERE r.is_current AND r.year = ? AND r.province = ? AND r.format = ? AND c.value IS NOT NULL {failing} "
        "GROUP BY c.key", [year, PROVINCE, fmt, *([list(HARD_RULES)] if leave_out_failing else [])]).fetchall()
    return dict(rows)


def _cell_text(v: float | None) -> str:
    if v is None:
        return summary.NOT_PRINTED
    return f"{int(v):,}" if float(v).is_integer() else f"{round(v, 4):,}"


def _open(make_app, demo_db, year: int, leave_out: bool = False):
    at = open_page(make_app(demo_db), "summary.py", province=PROVINCE)
    at.selectbox(key="sm_year").set_value(year).run()
    if leave_out:
        at.toggle(key="quality").set_value(True).run()
    assert not at.exception
    return at


def _check_tables(at, sums: dict[str, float], fmt: str) -> None:
    tables = {}
    for spec in CELLS[fmt]:
        if spec.table not in tables:
            # the table's first column label (自然人, 结果维持, 本年制发件数 …) is its own
            tables[spec.table] = frame_with(at, "项目", spec.col_label).set_index("项目")
        shown = tables[spec.table].loc[spec.row_label, spec.col_label].removesuffix(f" {MARK}")
        assert shown == _cell_text(sums.get(spec.key)), (spec.key, shown, sums.get(spec.key))


@pytest.mark.parametrize(("year", "fmt"), [(2022, "2021"), (2020, "2019")])
def test_every_summed_cell_equals_the_sum_of_the_reports_long_cells(make_app, demo_db, reader, year, fmt):
    at = _open(make_app, demo_db, year)
    _check_tables(at, _long_sums(reader, year, fmt), fmt)
    n = reader.execute("SELECT COUNT(*) FROM reports WHERE is_current AND year = ? AND province = ? AND format = ?",
                       [year, PROVINCE, fmt]).fetchone()[0]
    assert next(m.value for m in at.metric if m.label == "汇总的报告数") == f"{n:,}"


def test_the_summary_sentences_use_the_tables_numbers(make_app, demo_db, reader):
    at = _open(make_app, demo_db, 2022)
    # (a cell a failing report moves carries the mark after its number)
    t3 = frame_with(at, "项目", "自然人", "总计").set_index("项目")["总计"].str.removesuffix(f" {MARK}")
    t4 = frame_with(at, "项目", "结果维持", "尚未审结").set_index("项目")["总计"].str.removesuffix(f" {MARK}")
    text = " ".join(t.value for t in at.text)
    assert f"共收到政府信息公开申请{t3['一、本年新收政府信息公开申请数量']}件" in text
    assert f"办结政府信息公开申请{t3['（七）总计']}件" in text
    assert f"予以公开{t3['（一）予以公开']}件" in text
    assert f"行政复议{t4['行政复议']}件" in text
    num = lambda s: float(s.replace(",", ""))  # noqa: E731
    rate = num(t3["（一）予以公开"]) / num(t3["（七）总计"]) * 100
    assert f"予以公开率{rate:.1f}%" in text
    prev = _long_sums(reader, 2021, "2021")["t3.new_received.total"]
    growth = (num(t3["一、本年新收政府信息公开申请数量"]) - prev) / prev * 100
    assert re.search(f"同比(增长|下降){abs(growth):.1f}%", text)
    trace = frame_with(at, "数字", "来源")
    assert (trace["来源"].str.len() > 0).all()


def test_the_quality_switch_leaves_out_the_failing_2022_reports(make_app, demo_db, reader):
    failing = reader.execute(
        "SELECT COUNT(DISTINCT r.report_id) FROM findings fi JOIN reports r USING (report_id) "
        "WHERE r.is_current AND r.year = 2022 AND r.province = ? AND fi.kind = 'source' "
        "AND fi.rule IN (SELECT unnest(?::VARCHAR[]))", [PROVINCE, list(HARD_RULES)]).fetchone()[0]
    assert failing > 0  # the demo has 2022 reports whose tables don't add up
    all_in = _open(make_app, demo_db, 2022)
    n_all = int(next(m.value for m in all_in.metric if m.label == "汇总的报告数").replace(",", ""))
    at = _open(make_app, demo_db, 2022, leave_out=True)
    assert next(m.value for m in at.metric if m.label == "汇总的报告数") == f"{n_all - failing:,}"
    assert next(m.value for m in at.metric if m.label == "未计入的报告数") == f"{failing:,}"
    _check_tables(at, _long_sums(reader, 2022, "2021", leave_out_failing=True), "2021")
    left = frame_with(at, "未计入原因")
    assert len(left) == failing and left["未计入原因"].str.contains("R1–R4").all()
    before = frame_with(all_in, "项目", "结果维持", "尚未审结")
    after = frame_with(at, "项目", "结果维持", "尚未审结")
    assert not before.equals(after)  # the review figures of 2022 change


def test_docx_and_xlsx_open_with_the_forms_row_labels(reader):
    import docx
    import openpyxl

    from warehouse.export import to_xlsx_bytes

    f = Filters(provinces=(PROVINCE,))
    cells = queries.summary_cells(reader, f, 2022)
    values = dict(zip(cells["key"], cells["value"], strict=True))
    titles = summary.table_titles("2021")
    tables = [(titles[t], summary.layout(values, "2021", t)) for t in titles]
    said = [t for t, _ in summary.sentences(values, None, fmt="2021", prev_fmt=None, scope="全省", year=2022,
                                             n_cur=1, n_prev=0)]
    document = docx.Document(io.BytesIO(summary.to_docx_bytes("汇总表", ["省：示例省"], tables, said)))
    first_column = {row.cells[0].text for table in document.tables for row in table.rows}
    labels = {c.row_label for c in CELLS["2021"]}
    assert labels <= first_column
    assert any("共收到政府信息公开申请" in p.text for p in document.paragraphs)
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes({"表三": tables[1][1]}, f)), read_only=True)
    column = [row[0] for row in book["表三"].iter_rows(min_row=2, values_only=True)]
    assert column == list(dict.fromkeys(c.row_label for c in CELLS["2021"] if c.table == "t3"))
    assert "筛选条件" in book.sheetnames


def _failing_2022(reader) -> list[tuple[int, str]]:
    return reader.execute(
        "SELECT DISTINCT r.report_id, r.agency FROM findings fi JOIN reports r USING (report_id) "
        "WHERE r.is_current AND r.year = 2022 AND r.province = ? AND r.format = '2021' AND fi.kind = 'source' "
        "AND fi.rule IN (SELECT unnest(?::VARCHAR[])) ORDER BY 1", [PROVINCE, list(HARD_RULES)]).fetchall()


def _table_with(at, key: str):
    spec = {c.key: c for c in CELLS["2021"]}[key]
    return next(df.value for df in at.dataframe if spec.row_label in set(df.value.get("项目", []))
                and spec.col_label in df.value.columns).set_index("项目").loc[spec.row_label, spec.col_label]


def test_a_summed_cell_a_failing_report_moves_is_marked_with_the_report(make_app, demo_db, reader):
    """Independently from the long cells: each failing 2022 report's share of each summed cell; the
    cells it moves by more than the set share carry the mark, and the list names the report."""
    sums = _long_sums(reader, 2022, "2021")
    expected = set()
    for rid, _ in _failing_2022(reader):
        own = dict(reader.execute("SELECT key, value FROM cells WHERE report_id = ? AND value IS NOT NULL",
                                  [rid]).fetchall())
        for key, total in sums.items():
            moved = abs(own.get(key, 0))  # a count without the report: total − its own number
            if moved and (total == 0 or moved / abs(total) > INFLUENCE_SHARE):
                expected.add((key, rid))
    assert expected, "the demo's 2022 failing reports move some summed cells"
    at = _open(make_app, demo_db, 2022)
    listed = frame_with(at, "表", "项目", "列", "含该报告", "不含该报告", "报告编号", "规范键")
    assert set(zip(listed["规范键"], listed["报告编号"].astype(int), strict=True)) == expected
    spec = {c.key: c for c in CELLS["2021"]}
    key = sorted(expected)[0][0]
    assert _table_with(at, key) == f"{_cell_text(sums[key])} {MARK}"
    unmarked = next(k for k in sums if k not in {k for k, _ in expected} and spec.get(k) and spec[k].table == "t3")
    assert not str(_table_with(at, unmarked)).endswith(MARK)
    # a sentence's number read from a marked cell says so in its source list
    trace = frame_with(at, "数字", "来源", "数据质量")
    marked_sources = {summary._source("2021", k) for k, _ in expected}
    for _, row in trace.iterrows():
        assert bool(row["数据质量"]) == (row["来源"] in marked_sources), row.to_dict()
    # the switch on: the reports are left out, nothing is marked
    off = _open(make_app, demo_db, 2022, leave_out=True)
    assert not [df for df in off.dataframe if "规范键" in df.value.columns and "含该报告" in df.value.columns]


def test_the_word_file_carries_the_quality_notes_apart_from_the_tables():
    import docx

    titles = summary.table_titles("2021")
    tables = [(titles[t], summary.layout({}, "2021", t)) for t in titles]
    note = "表三“（七）总计”·总计：某单位（报告编号 7）表格勾稽关系不成立，含该报告为 100，不含为 10。"
    document = docx.Document(io.BytesIO(summary.to_docx_bytes("汇总表", [], tables, ["句子。"], [note])))
    texts = [p.text for p in document.paragraphs]
    assert note in texts and texts.index(note) > texts.index("句子。")
    assert not any(MARK in c.text for t in document.tables for r in t.rows for c in r.cells)


def test_the_same_agencies_growth_compares_only_agencies_reporting_in_both_years(make_app, demo_db, reader):
    both = [k for (k,) in reader.execute(
        "SELECT agency_key FROM reports WHERE is_current AND province = ? AND year IN (2024, 2025) AND format = '2021' "
        "GROUP BY agency_key HAVING COUNT(DISTINCT year) = 2", [PROVINCE]).fetchall()]
    every = reader.execute("SELECT COUNT(DISTINCT agency_key) FROM reports WHERE is_current AND province = ? "
                           "AND year IN (2024, 2025)", [PROVINCE]).fetchone()[0]
    assert 0 < len(both) < every  # the demo has an agency new in 2025: 同口径 differs

    def new_received(year: int) -> float:
        return reader.execute(
            "SELECT SUM(c.value) FROM cells c JOIN reports r USING (report_id) WHERE r.is_current AND r.year = ? "
            "AND c.key = 't3.new_received.total' AND c.value IS NOT NULL "
            "AND r.agency_key IN (SELECT unnest(?::VARCHAR[]))", [year, both]).fetchone()[0]

    now, before = new_received(2025), new_received(2024)
    at = _open(make_app, demo_db, 2025)
    at.toggle(key="sm_same").set_value(True).run()
    assert not at.exception
    text = " ".join(t.value for t in at.text)
    growth = (now - before) / before * 100
    assert (f"同口径（2024年和2025年都有年报的{len(both)}个单位，每年{len(both)}份年报）同比"
            f"{'增长' if growth >= 0 else '下降'}{abs(growth):.1f}%（2025年{now:,.0f}件，2024年{before:,.0f}件）") in text
    trace = frame_with(at, "数字", "来源")
    assert f"{abs(growth):.1f}%" in set(trace["数字"])
    # in the link: ?sm_same=true opens the same sentence
    linked = open_page(make_app(demo_db), "summary.py", province=PROVINCE, sm_year="2025", sm_same="true")
    assert f"同比{'增长' if growth >= 0 else '下降'}{abs(growth):.1f}%（2025年" in " ".join(t.value for t in linked.text)
