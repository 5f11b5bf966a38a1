"""Full-slice downloads a clerk can hand on (warehouse.clerk_export) on the real demo warehouse:
Chinese headers from the spec with the keys kept, codes in Chinese, only the slice's formats, the
filters and data version inside, rates as percentages, streamed in batches, XLSX row limit."""

from __future__ import annotations

import csv
import io
import json

import duckdb
import openpyxl
import pyarrow.parquet as pq
import pytest

from loaders.spec import CELL_BY_KEY, LEVEL_NAMES
from warehouse import clerk_export as ce
from warehouse import indicators as ind
from warehouse.export import neutralise_text
from warehouse.filters import Filters


def _read_csv(path) -> tuple[dict[str, str], list[str], list[str], list[list[str]]]:
    """(说明 block, Chinese header, key row, data rows) as Excel would show them."""
    text = path.read_bytes()
    assert text.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel opens the Chinese ungarbled
    rows = list(csv.reader(io.StringIO(text.decode("utf-8-sig"), newline="")))
    blank = rows.index([])
    about = {r[0]: r[1] for r in rows[:blank]}
    return about, rows[blank + 1], rows[blank + 2], rows[blank + 3:]


def _a_city(reader) -> str:
    return reader.execute("SELECT city FROM reports WHERE city IS NOT NULL AND is_current "
                          "GROUP BY city ORDER BY COUNT(*) DESC LIMIT 1").fetchone()[0]


def test_city_slice_csv_opens_with_chinese_headers_and_the_filters(reader, tmp_path):
    city = _a_city(reader)
    f = Filters(cities=(city,), year_from=2022, year_to=2024)
    out = tmp_path / "wide.csv"
    n = ce.write(reader, "reports_wide", "csv", f, out, data_version="v-test")
    about, header, keys, rows = _read_csv(out)

    assert about["市"] == city and about["年度"] == "2022–2024" and about["数据版本"] == "v-test"
    start = int(about["数据集"].split("第")[1].split("行")[0])  # the block says where the table starts
    assert out.read_text(encoding="utf-8-sig").splitlines()[start - 1].startswith('"报告编号"')
    want = reader.execute("SELECT report_id, level, category, format FROM reports WHERE city = ? AND is_current "
                          "AND year BETWEEN 2022 AND 2024 ORDER BY agency, year, report_id", [city]).fetchall()
    assert n == len(rows) == len(want) > 0
    assert header[:10] == ["报告编号", "单位", "省", "市", "县（区）", "层级", "类别", "年度", "格式", "版本"]
    assert keys[:3] == ["report_id", "agency", "province"]
    assert len(set(header)) == len(header)  # every column tells itself apart
    # levels and categories in Chinese, never codes
    assert [r[5] for r in rows] == [LEVEL_NAMES[w[1]] for w in want]
    assert not {r[6] for r in rows} & {w[2] for w in want}
    # every cell column is a spec label of the slice's format(s), and its key is in that format
    formats = {w[3] for w in want}
    assert formats == {"2021"}
    for h, k in zip(header[10:-2], keys[10:-2], strict=True):
        assert k in CELL_BY_KEY["2021"] and h == ce.cell_header("2021", k)
    assert (header[-2], keys[-2]) == ("人工核定的单元格", "reviewed_cells")  # which cells a reviewer decided
    # the row's quality mark: the R1–R4 rules the report's own numbers break, from the findings
    assert (header[-1], keys[-1]) == ("表格勾稽关系不成立（R1–R4）", "failing_rules")
    failing = dict(reader.execute(
        "SELECT r.report_id, string_agg(DISTINCT f.rule, '、' ORDER BY f.rule) FROM reports r JOIN findings f "
        "USING (report_id) WHERE r.city = ? AND r.is_current AND r.year BETWEEN 2022 AND 2024 AND f.kind = 'source' "
        "AND f.rule IN ('R1', 'R2', 'R3', 'R4') GROUP BY 1", [city]).fetchall())
    rid = keys.index("report_id")
    assert failing, "the city has a report whose numbers don't add up in 2022–2024"
    assert {int(r[rid]): r[-1] for r in rows if r[-1]} == failing
    assert header[10].startswith("表二·第二十条第（一）项·")
    # the numbers are the warehouse's (a blank stays empty, never 0)
    col = keys.index("t3.new_received.total")
    got = [r[col] for r in rows]
    direct = [v for (v,) in reader.execute(
        "SELECT t3__new_received__total FROM reports_wide WHERE city = ? AND is_current AND year BETWEEN 2022 AND 2024 "
        "ORDER BY agency, year, report_id", [city]).fetchall()]
    assert got == ["" if v is None else f"{v:g}" for v in direct]


def test_only_the_formats_in_the_slice_get_columns(reader, tmp_path):
    only_2019 = set(CELL_BY_KEY["2019"]) - set(CELL_BY_KEY["2021"])
    only_2021 = set(CELL_BY_KEY["2021"]) - set(CELL_BY_KEY["2019"])
    assert only_2019 and only_2021
    p19 = ce.plan(reader, "reports_wide", Filters(year_from=2019, year_to=2020))
    p21 = ce.plan(reader, "reports_wide", Filters(year_from=2022, year_to=2022))
    both = ce.plan(reader, "reports_wide", Filters(year_from=2020, year_to=2021))
    k19, k21, kb = ({c.key for c in p.columns} for p in (p19, p21, both))
    assert p19.formats == ("2019",) and p21.formats == ("2021",) and both.formats == ("2019", "2021")
    assert not k19 & only_2021 and only_2019 <= k19
    assert not k21 & only_2019 and only_2021 <= k21
    assert only_2019 | only_2021 <= kb


def test_indicator_rates_are_percentages_with_the_koujing_in_the_header(reader, tmp_path):
    f = Filters(year_from=2022, year_to=2023)
    out = tmp_path / "ind.csv"
    ce.write(reader, "indicators", "csv", f, out, data_version="v")
    _, header, keys, rows = _read_csv(out)
    rate = ind.INDICATOR_BY_KEY["grant_rate"]
    col = keys.index(f"grant_rate:{rate.default.code}")
    assert header[col] == f"{rate.name}（%，口径：{rate.default.name}）"
    want = ind.compute(reader, f, ["grant_rate"], by=("agency", "year"))
    agency_col, year_col = keys.index("agency"), keys.index("year")
    got = {(r[agency_col], int(r[year_col])): r[col] for r in rows}
    checked = 0
    for row in want.itertuples():
        cell = got[(row.agency, int(row.year))]
        if row.value != row.value:  # no denominator: empty, never 0
            assert cell == ""
        else:
            assert float(cell) == pytest.approx(100 * row.value, abs=1e-4)
            checked += 1
    assert checked > 0
    assert header[keys.index("new_applications")] == "本年新收申请（件）"
    # each agency-year says which R1–R4 rules its report breaks (its numbers count in the row)
    assert keys[-1] == "failing_rules"
    failing = {(a, int(y)): rules for a, y, rules in reader.execute(
        "SELECT r.agency, r.year, string_agg(DISTINCT f.rule, '、' ORDER BY f.rule) FROM reports r JOIN findings f "
        "USING (report_id) WHERE r.is_current AND r.year BETWEEN 2022 AND 2023 AND f.kind = 'source' "
        "AND f.rule IN ('R1', 'R2', 'R3', 'R4') GROUP BY 1, 2").fetchall()}
    assert failing
    assert {(r[agency_col], int(r[year_col])): r[-1] for r in rows if r[-1]} == failing


def test_xlsx_opens_on_the_filters_sheet_and_keeps_the_keys(reader, tmp_path):
    city = _a_city(reader)
    f = Filters(cities=(city,))
    out = tmp_path / "long.xlsx"
    n = ce.write(reader, "cells_long", "xlsx", f, out, data_version="v-x")
    book = openpyxl.load_workbook(out, read_only=True)
    assert book.sheetnames == ["说明", "数据", "字段说明"]
    about = {r[0]: r[1] for r in book["说明"].iter_rows(values_only=True)}
    assert about["市"] == city and about["数据版本"] == "v-x" and about["行数"] == str(n)
    data_rows = list(book["数据"].iter_rows(values_only=True))
    assert list(data_rows[0]) == ["报告编号", "单位", "年度", "格式", "单元格", "单元格键", "数值", "状态", "原文",
                                  "人工核定值", "人工核定状态", "核定人", "核定日期"]
    assert len(data_rows) - 1 == n == reader.execute(
        "SELECT COUNT(*) FROM cells c JOIN reports r USING (report_id) WHERE r.city = ? AND r.is_current", [city]
    ).fetchone()[0]
    statuses = {r[7] for r in data_rows[1:]}
    assert statuses <= {"数字", "空白", "横线", "斜线", "文字", "未找到"} and "数字" in statuses
    first = data_rows[1]
    fmt = {name: code for code, name in ce.FORMATS_ZH.items()}[first[3]]
    assert first[4] == ce.cell_header(fmt, first[5])
    fields = list(book["字段说明"].iter_rows(values_only=True))
    assert fields[0] == ("中文列名", "字段键", "说明") and ("数值", "value") == fields[7][:2]


def test_parquet_keeps_keys_as_columns_and_chinese_headers_in_metadata(reader, tmp_path):
    f = Filters(year_from=2023, year_to=2023)
    out = tmp_path / "wide.parquet"
    n = ce.write(reader, "reports_wide", "parquet", f, out, data_version="v-p")
    table = pq.read_table(out)
    assert table.num_rows == n == reader.execute(
        "SELECT COUNT(*) FROM reports WHERE year = 2023 AND is_current").fetchone()[0]
    headers = json.loads(table.schema.metadata[b"gongkai.headers"])
    assert headers["t3.new_received.total"] == ce.cell_header("2021", "t3.new_received.total")
    about = dict(json.loads(table.schema.metadata[b"gongkai.about"]))
    assert about["年度"] == "2023–2023" and about["数据版本"] == "v-p"


def test_rows_are_streamed_in_batches_with_progress(reader, tmp_path, monkeypatch):
    monkeypatch.setattr(ce, "BATCH", 500)  # a small batch, so the demo slice takes several
    seen = []
    n = ce.write(reader, "cells_long", "csv", Filters(), tmp_path / "c.csv", data_version="v",
                 progress=lambda done, total: seen.append((done, total)))
    assert len(seen) >= n // 500 >= 2
    assert [d for d, _ in seen] == sorted(d for d, _ in seen) and seen[-1] == (n, n)


def test_xlsx_refuses_a_slice_bigger_than_one_sheet(reader, tmp_path, monkeypatch):
    assert ce.xlsx_fits(1_048_575) and not ce.xlsx_fits(1_048_576)
    p = ce.plan(reader, "cells_long", Filters())
    n = ce.row_count(reader, p)
    monkeypatch.setattr(ce, "XLSX_MAX_ROWS", n)  # the demo slice is one row too many for such a sheet
    with pytest.raises(ValueError, match="超过 Excel"):
        ce.write(reader, "cells_long", "xlsx", Filters(), tmp_path / "x.xlsx", data_version="v")
    assert not (tmp_path / "x.xlsx").exists()


@pytest.mark.parametrize("text", ["=1+1", "+86", "-3", "@SUM(A1)", "\tx", "\rx", "＝A1", "＋1", "－2", "＠x",
                                  "普通单位", "a\x01b\x1fc", "", "'=quoted"])
def test_text_is_neutralised_in_sql_as_in_python(text):
    con = duckdb.connect()
    got = con.execute(f"SELECT {ce._text('t')} FROM (SELECT ? AS t)", [text]).fetchone()[0]
    con.close()
    assert got == neutralise_text(text)


def test_a_page_tables_csv_carries_the_filters_above_the_table():
    import pandas as pd

    from warehouse.export import to_csv_bytes

    df = pd.DataFrame({"单位": ["=HYPERLINK(1)", "乙局"], "件数": [3, None]})
    about = [*Filters(cities=("样例市",), year_from=2022, year_to=2023).describe(), ("数据版本", "v9")]
    raw = to_csv_bytes(df, about)
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    blank = rows.index([])
    assert dict(rows[:blank])["市"] == "样例市" and dict(rows[:blank])["数据版本"] == "v9"
    back = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig", skiprows=blank + 1)
    assert list(back.columns) == ["单位", "件数"] and back["单位"].tolist() == ["'=HYPERLINK(1)", "乙局"]
    assert back["件数"].isna().tolist() == [False, True]
