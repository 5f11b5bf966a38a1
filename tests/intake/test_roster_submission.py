"""Roster import (XLSX/CSV, Chinese headings), matching with a confirm step, deadlines per level,
报送情况 figures against a direct count, the publish date's source."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook
from wh_helpers import make_report, run_cli

from loaders.model import Meta
from loaders.spec.deadlines import default_class, parse_month_day
from warehouse.connect import open_reader, open_writer
from warehouse.filters import Filters
from warehouse.roster import RosterError, read_roster
from warehouse.store import write_report
from warehouse.submission import DATE_UNKNOWN, LATE, MISSING, ON_TIME, roster_entries, summary, unmatched_reports

HEAD = ["单位名称", "年度", "地区", "层级", "类别", "期限类别"]
ROSTER = [
    ["示例市财政局", 2023, "示例省示例市", "市级", "财政税务", ""],          # department, on time (01-31)
    ["示例市公安局", 2023, "示例省示例市", "市级", "公安", "部门及机构"],    # department, late (02-01)
    ["示例市人民政府", 2023, "示例省示例市", "市级", "人民政府", ""],        # government, on time (03-31)
    ["示例县人民政府", 2023, "示例省示例市", "县级", "人民政府", ""],        # government, late (04-01)
    ["示例市民政局", 2023, "示例省示例市", "市级", "民政", ""],              # received, no date
    ["示例市商务局", 2023, "示例省示例市", "市级", "商务", ""],              # missing
    ["示例市教育局", 2023, "示例省示例市", "市级", "教育", ""],              # missing; similar name received
    ["示例市财政局", 2023, "示例省样例市", "市级", "财政税务", ""],            # same name, other city: missing
]
# (agency, publish date, its source, level, category)
REPORTS = [
    ("示例市财政局", "2024-01-31", "爬虫头", "city", "finance"),
    ("示例市公安局", "2024-02-01", "落款", "city", "public_security"),
    ("示例市人民政府", "2024-03-31", "清单(manifest)", "city", "government"),
    ("示例县人民政府", "2024-04-01", "落款", "county", "government"),
    ("示例市民政局", None, "", "city", "civil_affairs"),
    ("示例市教育体育局", "2024-01-10", "爬虫头", "city", "education"),
    ("示例市档案馆", "2024-01-10", "爬虫头", "city", "other"),  # on no roster
]


def write_xlsx(path: Path, head: list, rows: list) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(head)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


@pytest.fixture
def wh(db: Path, tmp_path: Path) -> Path:
    roster = write_xlsx(tmp_path / "应报名单.xlsx", HEAD, ROSTER)
    with open_writer(db) as w:
        for i, (agency, date, source, level, category) in enumerate(REPORTS):
            r, data = make_report(f"r{i}", {"t3.new_received.total": i}, agency=agency, year=2023)
            r.publish_date = Meta(date, 0.9, source)
            r.level, r.category = Meta(level, 1.0, "test"), Meta(category, 1.0, "test")
            write_report(w.con, r, data, files_dir=w.layout.files)
        w.publish()
    res = run_cli("warehouse", "roster", "--db", str(db), str(roster))
    assert res.returncode == 0, res.stderr
    assert "8 条" in res.stdout
    return db


def _entries(db: Path):
    with open_reader(db) as con:
        return roster_entries(con, Filters()).set_index(["agency", "city"])


def test_statutory_deadlines_per_class_on_both_sides_of_the_date(wh: Path):
    e = _entries(wh)
    assert e.loc[("示例市财政局", "示例市"), "deadline"] == dt.date(2024, 1, 31)
    assert e.loc[("示例市财政局", "示例市"), "status"] == ON_TIME          # on the day itself
    assert e.loc[("示例市公安局", "示例市"), "status"] == LATE             # the day after
    assert e.loc[("示例市公安局", "示例市"), "days_late"] == 1
    assert e.loc[("示例市人民政府", "示例市"), "deadline"] == dt.date(2024, 3, 31)
    assert e.loc[("示例市人民政府", "示例市"), "status"] == ON_TIME
    assert e.loc[("示例县人民政府", "示例市"), "status"] == LATE
    assert e.loc[("示例市民政局", "示例市"), "status"] == DATE_UNKNOWN     # never guessed
    assert e.loc[("示例市商务局", "示例市"), "status"] == MISSING
    assert e.loc[("示例市财政局", "样例市"), "status"] == MISSING  # same name, other city
    # the date's source, named for the clerk
    assert e.loc[("示例市财政局", "示例市"), "date_source"] == "网页发布日期（CMS）"
    assert e.loc[("示例市公安局", "示例市"), "date_source"] == "报告落款日期"
    assert e.loc[("示例市人民政府", "示例市"), "date_source"] == "收件清单"
    assert pd_isna(e.loc[("示例市民政局", "示例市"), "date_source"])


def pd_isna(v) -> bool:
    return v is None or v != v


def test_office_deadline_per_level_overrides_the_statute(wh: Path):
    res = run_cli("warehouse", "deadline", "--db", str(wh), "--level", "县级", "--date", "04-15")
    assert res.returncode == 0, res.stderr
    e = _entries(wh)
    assert e.loc[("示例县人民政府", "示例市"), "deadline"] == dt.date(2024, 4, 15)
    assert e.loc[("示例县人民政府", "示例市"), "status"] == ON_TIME
    assert "本机关设定" in e.loc[("示例县人民政府", "示例市"), "basis"]
    assert e.loc[("示例市人民政府", "示例市"), "deadline"] == dt.date(2024, 3, 31)  # other levels keep the statute
    res = run_cli("warehouse", "deadline", "--db", str(wh), "--level", "市级", "--class", "department", "--date", "01-20")
    assert res.returncode == 0, res.stderr
    e = _entries(wh)
    assert e.loc[("示例市财政局", "示例市"), "status"] == LATE
    assert e.loc[("示例市人民政府", "示例市"), "status"] == ON_TIME  # government class untouched
    bad = run_cli("warehouse", "deadline", "--db", str(wh), "--level", "市级", "--date", "02-30")
    assert bad.returncode != 0 and "日期" in bad.stderr


def test_summary_equals_a_direct_count(wh: Path):
    with open_reader(wh) as con:
        s = summary(con, Filters())
        required = con.execute("SELECT COUNT(*) FROM roster").fetchone()[0]
        received = con.execute(
            "SELECT COUNT(*) FROM roster ro WHERE roster_received(ro.agency, ro.year, ro.province, ro.city)").fetchone()[0]
        late = con.execute("""
            SELECT COUNT(*) FROM roster ro WHERE (SELECT MIN(r.publish_date) FROM reports r WHERE r.agency = ro.agency
              AND r.year = ro.year AND r.city = ro.city) > make_date(ro.year + 1,
              CASE WHEN ro.category = 'government' AND ro.level IN ('province', 'city', 'county') THEN 3 ELSE 1 END, 31)
        """).fetchone()[0]
    assert int(s["required"].sum()) == required == 8
    assert int(s["received"].sum()) == received == 5
    assert int(s["missing"].sum()) == required - received
    assert int(s["late"].sum()) == late == 2
    assert int(s["date_unknown"].sum()) == 1
    assert int(s["on_time"].sum()) == 2
    assert set(s["city"]) == {"示例市", "样例市"}  # per region


def test_similar_name_needs_a_clerk_and_confirmation_counts(wh: Path):
    e = _entries(wh)
    assert e.loc[("示例市教育局", "示例市"), "status"] == MISSING   # a similar name is not a match by itself
    assert e.loc[("示例市教育局", "示例市"), "to_confirm"] == 1
    assert e.loc[("示例市商务局", "示例市"), "to_confirm"] == 0
    with open_reader(wh) as con:
        un = unmatched_reports(con, Filters())
        rid = int(un.loc[un["agency"] == "示例市教育体育局", "report_id"].iloc[0])
    assert set(un["agency"]) == {"示例市教育体育局", "示例市档案馆"}
    res = run_cli("warehouse", "roster-confirm", "--db", str(wh), "--agency", "示例市教育局", "--year", "2023",
                  "--province", "示例省", "--city", "示例市", "--report-id", str(rid), "--by", "张三")
    assert res.returncode == 0, res.stderr
    e = _entries(wh)
    assert e.loc[("示例市教育局", "示例市"), "status"] == ON_TIME
    with open_reader(wh) as con:
        assert set(unmatched_reports(con, Filters())["agency"]) == {"示例市档案馆"}
        # the 数据质量 list (missing_reports view) agrees with the page
        missing = {r[0] for r in con.execute("SELECT agency || '|' || city FROM missing_reports").fetchall()}
    assert missing == {"示例市商务局|示例市", "示例市财政局|样例市"}


def test_rejected_candidate_is_not_offered_again(wh: Path):
    with open_reader(wh) as con:
        un = unmatched_reports(con, Filters())
        rid = int(un.loc[un["agency"] == "示例市教育体育局", "report_id"].iloc[0])
    res = run_cli("warehouse", "roster-confirm", "--db", str(wh), "--agency", "示例市教育局", "--year", "2023",
                  "--province", "示例省", "--city", "示例市", "--report-id", str(rid), "--reject")
    assert res.returncode == 0, res.stderr
    e = _entries(wh)
    assert e.loc[("示例市教育局", "示例市"), "to_confirm"] == 0
    assert e.loc[("示例市教育局", "示例市"), "status"] == MISSING


def test_roster_file_errors_name_file_row_and_value(tmp_path: Path):
    p = write_xlsx(tmp_path / "名单.xlsx", HEAD, [["甲局", 2023, "", "地级", "", ""]])
    with pytest.raises(RosterError) as e:
        read_roster(p)
    assert "第2行" in e.value.detail and "地级" in e.value.detail
    p = write_xlsx(tmp_path / "名单2.xlsx", ["名称", "备注"], [["甲局", "x"]])
    with pytest.raises(RosterError) as e:
        read_roster(p)
    assert "年度" in e.value.detail
    c = tmp_path / "名单.csv"
    c.write_text("机关名称,年度,期限类别\n甲局,2023,三月\n", encoding="gb18030")
    with pytest.raises(RosterError) as e:
        read_roster(c)
    assert "期限类别" in e.value.detail and "三月" in e.value.detail


def test_roster_csv_chinese_headings_and_derived_level(tmp_path: Path):
    c = tmp_path / "名单.csv"
    c.write_text("单位名称,年度,地区\n淮安市洪泽区教育局,2023,江苏省淮安市洪泽区\n淮安市人民政府,2023,\n", encoding="utf-8-sig")
    rows = read_roster(c)
    assert rows[0]["province"] == "江苏省" and rows[0]["city"] == "淮安市" and rows[0]["county"] == "洪泽区"
    assert rows[0]["level"] == "county" and rows[0]["category"] == "education"
    assert rows[1]["level"] == "city" and rows[1]["category"] == "government"
    assert default_class(rows[1]["level"], rows[1]["category"]) == "government"
    assert default_class(rows[0]["level"], rows[0]["category"]) == "department"
    assert default_class("township", "government") == "department"
    assert parse_month_day("2月28日") == (2, 28)
