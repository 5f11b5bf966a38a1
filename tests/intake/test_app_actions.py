"""Writes from 报送情况 go through the inbox to the one writer: a signed-in reviewer confirms a
similar-named report (then counted as received); a roster file is imported by the runner; an
unusable roster fails with its Chinese reason; an unsigned session gets no confirm buttons."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest
from test_roster_submission import HEAD, ROSTER, write_xlsx
from test_roster_submission import wh as wh

from dashboard.accounts import accounts_path, add_account
from warehouse.connect import open_reader
from warehouse.filters import Filters
from warehouse.inbox import DONE, FAILED, run_pending, status, submit
from warehouse.inbox import ROSTER as ROSTER_KIND
from warehouse.submission import DATE_UNKNOWN, MISSING, ON_TIME, roster_entries

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"


def _app(db: Path, monkeypatch) -> AppTest:
    monkeypatch.setenv("GONGKAI_DB", str(db))
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    at.switch_page("views/submission.py").run()
    assert not at.exception, at.exception
    return at


def _status_of(db: Path, agency: str, city: str = "示例市") -> str:
    with open_reader(db) as con:
        e = roster_entries(con, Filters())
    return e[(e["agency"] == agency) & (e["city"] == city)]["status"].iloc[0]


def test_signed_in_reviewer_confirms_a_candidate_through_the_writer(wh: Path, monkeypatch):
    add_account(accounts_path(wh), "审查员乙", "reviewer", "password-yi-123")
    at = _app(wh, monkeypatch)
    assert not [b for b in at.button if b.key == "sub_cand_yes"]  # not signed in: no decision buttons
    at.sidebar.text_input(key="_gongkai_sign_in_name").input("审查员乙")
    at.sidebar.text_input(key="_gongkai_sign_in_password").input("password-yi-123")
    at.sidebar.button[0].click().run()
    at.switch_page("views/submission.py").run()
    assert _status_of(wh, "示例市教育局") == MISSING
    monkeypatch.setattr("warehouse.inbox.start_runner", lambda db: None)  # the test runs the writer itself
    next(b for b in at.button if b.key == "sub_cand_yes").click().run()
    assert not at.exception, at.exception
    assert run_pending(wh, workers=1) == 1
    assert _status_of(wh, "示例市教育局") == ON_TIME
    with open_reader(wh) as con:
        assert con.execute("SELECT decided_by FROM roster_confirmations").fetchall() == [("审查员乙",)]


def test_roster_file_through_the_inbox_and_a_bad_one_fails_with_its_reason(wh: Path, tmp_path: Path):
    extra = write_xlsx(tmp_path / "名单.xlsx", HEAD, [*ROSTER, ["示例市档案馆", 2023, "示例省示例市", "市级", "", ""]])
    good = submit(wh, [("名单.xlsx", extra.read_bytes())], by="甲", kind=ROSTER_KIND)
    bad_file = write_xlsx(tmp_path / "坏名单.xlsx", HEAD, [["甲局", 2023, "", "地级", "", ""]])
    bad = submit(wh, [("坏名单.xlsx", bad_file.read_bytes())], by="甲", kind=ROSTER_KIND)
    assert run_pending(wh, workers=1) == 2
    assert status(wh, good).state == DONE and "9 条" in status(wh, good).status["message"]
    b = status(wh, bad)
    assert b.state == FAILED and "第2行" in b.status["error"] and "地级" in b.status["error"]
    assert _status_of(wh, "示例市档案馆") == ON_TIME  # the new unit is matched to its report


def test_roster_edit_form_only_signed_in_and_goes_through_the_writer(wh: Path, monkeypatch):
    add_account(accounts_path(wh), "审查员丙", "reviewer", "password-bing-123")
    at = _app(wh, monkeypatch)
    assert not [r for r in at.radio if r.key == "sub_edit_action"]  # not signed in: no edit form
    assert not [b for b in at.button if "提交修改" in (b.label or "")]
    at.sidebar.text_input(key="_gongkai_sign_in_name").input("审查员丙")
    at.sidebar.text_input(key="_gongkai_sign_in_password").input("password-bing-123")
    at.sidebar.button[0].click().run()
    at.switch_page("views/submission.py").run()
    monkeypatch.setattr("warehouse.inbox.start_runner", lambda db: None)  # the test runs the writer itself
    at.radio(key="sub_edit_action").set_value("rename").run()
    unit = at.selectbox(key="sub_edit_unit")
    k = next(i for i, o in enumerate(unit.options) if o.startswith("示例市民政局（"))
    unit.set_value(k)
    at.number_input(key="sub_edit_from").set_value(2023)
    at.text_input(key="sub_edit_new_name").input("示例市民政和社会保障局")
    next(b for b in at.button if "提交修改" in (b.label or "")).click().run()
    assert not at.exception, at.exception
    assert _status_of(wh, "示例市民政局") == DATE_UNKNOWN  # not changed until the writer runs
    assert run_pending(wh, workers=1) == 1
    assert _status_of(wh, "示例市民政和社会保障局") == DATE_UNKNOWN  # renamed, keeps its report
    at.run()  # the page after the runner published
    assert not at.exception, at.exception
    frames = [d.value for d in at.dataframe]
    shown = next(v for v in frames if "曾用名" in v.columns)
    assert list(shown["曾用名"]) == ["示例市民政局"] and list(shown["现名称"]) == ["示例市民政和社会保障局"]
    hist = next(v for v in frames if "操作人" in v.columns and "操作" in v.columns)
    assert list(hist["操作人"]) == ["审查员丙"] and list(hist["操作"]) == ["更名"]
