"""A control character in a stored file name (a name the file system allows: BEL, ESC, VT):
the pages that show file names render (AppTest on the real warehouse), and the frames they offer
for download become valid XLSX and CSV with the characters XLSX cannot hold removed — never a
failed workbook (openpyxl IllegalCharacterError) or a raw control character in a CSV."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from warehouse import queries
from warehouse.connect import open_reader
from warehouse.export import to_csv_bytes, to_xlsx_bytes
from warehouse.filters import Filters
from warehouse.ingest import ingest

from .make import good_report

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"
NAME = "报告\x07\x1b\x0b名.txt"
CLEAN = "报告名.txt"


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("ctl")
    src = root / "in"
    src.mkdir()
    (src / NAME).write_bytes(good_report(i=0))
    (src / "正常.txt").write_bytes(good_report(i=1))
    out = root / "wh" / "gk.duckdb"
    s = ingest([src], out, workers=1)
    assert s.stored == 2 and s.failed == 0, s.failures
    return out


def _reports(db: Path) -> tuple[str, pd.DataFrame]:
    con = open_reader(db)
    try:
        opts = queries.agency_options(con, Filters())
        for key in opts["agency_key"]:
            df = queries.agency_reports(con, Filters(), key)
            if df["source_name"].astype(str).str.contains("\x07").any():
                return key, df
    finally:
        con.close()
    raise AssertionError("the control-character name was not stored as given")


def test_downloads_of_a_frame_with_the_name_are_valid(db: Path):
    _, df = _reports(db)
    shown = df[["year", "source_name", "size_bytes"]]
    wb = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes({"单位报告": shown}, Filters())))
    ws = wb["单位报告"]
    names = [ws.cell(r, 2).value for r in range(2, ws.max_row + 1)]
    assert CLEAN in names and not any("\x07" in str(n) for n in names)
    assert all(isinstance(ws.cell(r, 3).value, int) for r in range(2, ws.max_row + 1))  # numbers stay numbers
    text = to_csv_bytes(shown, [("单位", NAME)]).decode("utf-8-sig")
    assert CLEAN in text and not any(c in text for c in "\x07\x1b\x0b")


def test_pages_showing_file_names_render(db: Path, monkeypatch):
    key, _ = _reports(db)
    monkeypatch.setenv("GONGKAI_DB", str(db))
    sys.path.insert(0, str(APP.parent.parent / "tests" / "dashboard"))
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    at.switch_page("views/agency.py").run()
    assert not at.exception, at.exception
    at.selectbox(key="unit").set_value(key).run()
    assert not at.exception, at.exception
    table = next(d.value for d in at.dataframe if "源文件" in d.value.columns)
    assert table["源文件"].astype(str).str.contains("报告").any()
    for page in ("views/quality.py", "views/workbench.py", "views/download.py"):
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
