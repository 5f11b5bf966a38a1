"""Roster edits (add, retire from a year on, rename with history, attributes) and their effect on
报送情况: figures equal to a direct count on the warehouse; the CLI equivalent; edit history kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_roster_submission import wh as wh
from wh_helpers import run_cli

from warehouse.connect import open_reader, open_writer
from warehouse.filters import Filters
from warehouse.roster_edit import RosterEditError, add_unit, former_names, history, rename, retire, update
from warehouse.submission import DATE_UNKNOWN, MISSING, roster_entries, summary, unmatched_reports


def _figures(db: Path, year: int) -> tuple[int, int]:
    """(应报, 已报) for a year as the page shows them."""
    with open_reader(db) as con:
        s = summary(con, Filters())
    s = s[s["year"] == year]
    return int(s["required"].sum()), int(s["received"].sum())


def _direct(db: Path, year: int) -> tuple[int, int]:
    """The same two figures counted straight from the tables: roster rows of the year, and those with a
    report under the unit's name or one of its former names, in an agreeing city, or a confirmed one."""
    with open_reader(db) as con:
        roster = con.execute("SELECT agency, city FROM roster WHERE year = ?", [year]).fetchall()
        reports = con.execute("SELECT agency, city FROM reports WHERE year = ?", [year]).fetchall()
        aliases = con.execute("SELECT agency, old_name FROM roster_aliases").fetchall()
        confirmed = {(a, c) for a, c in con.execute(
            "SELECT agency, city FROM roster_confirmations WHERE decision = 'confirmed' AND year = ?", [year]).fetchall()}
    received = 0
    for agency, city in roster:
        names = {agency} | {old for a, old in aliases if a == agency}
        if (agency, city) in confirmed or any(ra in names and (rc is None or city is None or rc == city)
                                              for ra, rc in reports):
            received += 1
    return len(roster), received


def test_retire_from_a_year_on_keeps_earlier_years(wh: Path):
    with open_writer(wh) as w:
        add_unit(w.con, "示例市商务局", [2024, 2025], {"region": "示例省示例市", "level": "市级"}, "甲")
        w.publish()
    assert _figures(wh, 2024) == _direct(wh, 2024) == (1, 0)
    before_2023 = _figures(wh, 2023)
    with open_writer(wh) as w:
        retire(w.con, "示例市商务局", 2024, "甲")
        w.publish()
    with open_reader(wh) as con:
        years = [y for (y,) in con.execute("SELECT year FROM roster WHERE agency = '示例市商务局' ORDER BY year").fetchall()]
        h = history(con)
    assert years == [2023]  # still required the year it existed
    assert _figures(wh, 2023) == before_2023 == _direct(wh, 2023)
    assert _direct(wh, 2024) == (0, 0)
    assert list(h["action"]) == ["retire", "add"] and set(h["edited_by"]) == {"甲"}


def test_rename_keeps_submissions_and_the_old_name(wh: Path):
    before = _figures(wh, 2023)
    with open_writer(wh) as w:
        rename(w.con, "示例市民政局", "示例市民政和社会保障局", 2023, "乙")
        w.publish()
    with open_reader(wh) as con:
        e = roster_entries(con, Filters())
        names = former_names(con)
        un = unmatched_reports(con, Filters())
    row = e[e["agency"] == "示例市民政和社会保障局"]
    assert len(row) == 1 and row["status"].iloc[0] == DATE_UNKNOWN  # its report, printed under the old name
    assert "示例市民政局" not in set(un["agency"])
    assert list(names["old_name"]) == ["示例市民政局"] and list(names["renamed_by"]) == ["乙"]
    assert _figures(wh, 2023) == before == _direct(wh, 2023)


def test_rename_twice_carries_the_former_names(wh: Path):
    with open_writer(wh) as w:
        rename(w.con, "示例市民政局", "示例市民政和社会保障局", 2023, "乙")
        rename(w.con, "示例市民政和社会保障局", "示例市社会事务局", 2023, "乙")
        w.publish()
    with open_reader(wh) as con:
        e = roster_entries(con, Filters())
    assert e[e["agency"] == "示例市社会事务局"]["status"].iloc[0] == DATE_UNKNOWN
    assert _figures(wh, 2023) == _direct(wh, 2023)


def test_update_attributes_and_refused_edits(wh: Path):
    with open_writer(wh) as w:
        update(w.con, "示例市商务局", 2023, {"level": "县级", "deadline_class": "县级以上人民政府本级"}, "丙")
        with pytest.raises(RosterEditError, match="层级无法识别"):
            update(w.con, "示例市商务局", 2023, {"level": "地级"}, "丙")
        with pytest.raises(RosterEditError, match="没有"):
            retire(w.con, "不存在的局", 2023, "丙")
        with pytest.raises(RosterEditError, match="已有"):
            add_unit(w.con, "示例市商务局", [2023], {"region": "示例省示例市"}, "丙")
        w.publish()
    with open_reader(wh) as con:
        lv, cls = con.execute("SELECT level, deadline_class FROM roster WHERE agency = '示例市商务局'").fetchone()
        assert con.execute("SELECT COUNT(*) FROM roster_edits").fetchone()[0] == 1  # refused edits leave no trace
    assert (lv, cls) == ("county", "government")


def test_unmatched_reports_are_listed(wh: Path):
    with open_reader(wh) as con:
        un = unmatched_reports(con, Filters())
        direct = {a for (a,) in con.execute(
            "SELECT agency FROM reports r WHERE NOT EXISTS (SELECT 1 FROM roster ro WHERE ro.agency = r.agency "
            "AND ro.year = r.year) AND r.report_id NOT IN (SELECT report_id FROM roster_confirmations "
            "WHERE decision = 'confirmed')").fetchall()}
    assert set(un["agency"]) == direct == {"示例市档案馆", "示例市教育体育局"}


def test_cli_roster_edit(wh: Path):
    res = run_cli("warehouse", "roster-edit", "--db", str(wh), "retire", "--agency", "示例市商务局", "--from-year", "2023",
                  "--by", "丁")
    assert res.returncode == 0, res.stderr
    assert "已停报" in res.stdout
    with open_reader(wh) as con:
        e = roster_entries(con, Filters())
    assert "示例市商务局" not in set(e["agency"]) and (e["status"] == MISSING).sum() == 2
    bad = run_cli("warehouse", "roster-edit", "--db", str(wh), "rename", "--agency", "示例市商务局", "--from-year", "2023",
                  "--new-name", "新局")
    assert bad.returncode != 0 and "没有" in bad.stderr


def test_an_edit_through_the_inbox_names_its_unit_by_region_and_fails_in_chinese(wh: Path):
    from warehouse.inbox import DONE, FAILED, ROSTER_EDIT, run_pending, status, submit

    # 示例市财政局 is listed in two cities: the app's edit names one region, the other stays
    ok = submit(wh, [], by="戊", kind=ROSTER_EDIT, params={"action": "retire", "agency": "示例市财政局",
                                                            "unit_region": "示例省样例市", "from_year": 2023})
    bad = submit(wh, [], by="戊", kind=ROSTER_EDIT, params={"action": "retire", "agency": "不存在的局",
                                                             "unit_region": None, "from_year": 2023})
    assert run_pending(wh, workers=1) == 2
    assert status(wh, ok).state == DONE and "已停报" in status(wh, ok).status["message"]
    b = status(wh, bad)
    assert b.state == FAILED and "名单中没有 不存在的局" in b.status["error"]
    with open_reader(wh) as con:
        left = con.execute("SELECT region FROM roster WHERE agency = '示例市财政局'").fetchall()
    assert left == [("示例省示例市",)]
    assert _figures(wh, 2023) == _direct(wh, 2023) == (7, 5)
