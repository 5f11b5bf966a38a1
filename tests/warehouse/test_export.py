"""Export round-trips: CSV read back equals the query (Chinese intact, injection neutralised), XLSX, Parquet."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pandas as pd
import pyarrow.dataset as ds
from wh_helpers import make_report, run_cli

from warehouse.connect import open_reader, open_writer
from warehouse.export import export_parquet, to_csv_bytes, to_xlsx_bytes
from warehouse.filters import Filters, where_clause
from warehouse.indicators import INDICATORS
from warehouse.store import write_report


def _warehouse(db: Path):
    rows = [
        ("a.txt", {"t3.new_received.total": 12, "t2.art20_1.regulation.issued": 1}, "=HYPERLINK(\"http://x\")", 2023),
        ("b.txt", {"t3.new_received.total": None}, "示例县教育局", 2023),
        ("c.txt", {"t3.new_received.total": 5}, "@示例乡人民政府", 2024),
        ("d.txt", {"t2.art20_5.admin_license.change": -3}, "-示例市财政局", 2020),
    ]
    with open_writer(db) as w:
        for name, vals, agency, year in rows:
            r, data = make_report(name, vals, agency=agency, year=year, fmt="2019" if year == 2020 else "2021")
            write_report(w.con, r, data, files_dir=w.layout.files)
        w.publish()
    return open_reader(db)


def _slice(con, f: Filters) -> pd.DataFrame:
    where, params = where_clause(f, "r")
    return con.execute(
        "SELECT r.report_id, r.agency, r.year, r.t3__new_received__total, r.t2__art20_5__admin_license__change "
        f"FROM reports_wide r WHERE {where} ORDER BY r.report_id", params).df()


def test_csv_round_trip(db: Path):
    con = _warehouse(db)
    df = _slice(con, Filters())
    raw = to_csv_bytes(df)
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens the Chinese ungarbled
    back = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig")
    # injection neutralised: text cells starting = + - @ get a leading apostrophe
    assert back["agency"].tolist() == ["'=HYPERLINK(\"http://x\")", "示例县教育局", "'@示例乡人民政府", "'-示例市财政局"]
    # numbers stay numbers — a negative number is not text and is not neutralised; blank stays blank
    assert back["t2__art20_5__admin_license__change"].tolist()[3] == -3
    assert pd.isna(back["t3__new_received__total"][1])
    restored = back.assign(agency=back["agency"].str.removeprefix("'"))
    pd.testing.assert_frame_equal(restored, df, check_dtype=False)


def test_xlsx_has_data_filters_and_definitions(db: Path):
    con = _warehouse(db)
    f = Filters(year_from=2023, agencies=("示例县教育局", "@示例乡人民政府"))
    df = _slice(con, f)
    assert df["agency"].tolist() == ["示例县教育局", "@示例乡人民政府"]
    wb = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes({"报告": df}, f, data_version="v1")))
    assert wb.sheetnames == ["报告", "筛选条件", "指标定义"]
    cells = [c.value for c in wb["报告"]["B"]]
    assert cells == ["agency", "示例县教育局", "'@示例乡人民政府"]
    assert all(c.data_type != "f" for row in wb["报告"].iter_rows() for c in row)  # no formulas
    conditions = {r[0].value: r[1].value for r in wb["筛选条件"].iter_rows(min_row=2)}
    assert conditions["年度"] == "2023–最新" and conditions["数据版本"] == "v1"
    assert "示例县教育局" in conditions["机关"]
    names = {r[1].value for r in wb["指标定义"].iter_rows(min_row=2)}
    assert {i.name for i in INDICATORS} <= names


def test_parquet_partitioned_by_year_readable_elsewhere(db: Path, tmp_path: Path):
    con = _warehouse(db)
    export_parquet(con, tmp_path / "pq")
    assert sorted(p.name for p in (tmp_path / "pq" / "reports_wide").iterdir()) == ["year=2020", "year=2023",
                                                                                      "year=2024"]
    # another engine (pyarrow datasets, hive partitioning) reads the same rows
    t = ds.dataset(tmp_path / "pq" / "reports_wide", format="parquet", partitioning="hive").to_table().to_pandas()
    assert sorted(t["agency"]) == sorted(a for (a,) in con.execute("SELECT agency FROM reports").fetchall())
    assert sorted(t["year"].astype(int)) == [2020, 2023, 2023, 2024]
    cells = ds.dataset(tmp_path / "pq" / "cells", format="parquet", partitioning="hive").to_table()
    assert cells.num_rows == con.execute("SELECT COUNT(*) FROM cells").fetchone()[0]


def test_cli_parquet_and_docs_check(db: Path, tmp_path: Path):
    _warehouse(db).close()
    r = run_cli("warehouse", "parquet", "--db", str(db), "--out", str(tmp_path / "pq"))
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "pq" / "findings").is_dir() and (tmp_path / "pq" / "reports_wide" / "year=2024").is_dir()
    assert run_cli("warehouse", "docs", "--check").returncode == 0
    stale = tmp_path / "stale.md"
    stale.write_text("old", encoding="utf-8")
    assert run_cli("warehouse", "docs", "--check", "--out", str(stale)).returncode == 1
