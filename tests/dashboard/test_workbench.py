"""审查工作台 under AppTest on real warehouses: sign-in gate, resolve an uncertain cell from its
candidates, correct a cell (the overview changes by exactly the decided value), the equation
warning, the whole loop confirm → 退回 (notice DOCX) → corrected version ingested → 复核 → 归档,
undo. Decisions go through the real journal; values are read back through the real overlay.
"""

from __future__ import annotations

import dataclasses
import io
import shutil
from pathlib import Path

import docx
import pandas as pd
import pytest
from warehouse_fixture import parsed_from_record

from dashboard import equations, notice
from dashboard.accounts import add_account
from loaders.synth.records import generate_reports
from loaders.validate import validate_report
from warehouse import queries, review
from warehouse.connect import Layout, open_writer
from warehouse.filters import Filters
from warehouse.store import write_report

REVIEWER = "审查员甲"
PAGE = "views/workbench.py"


def _copy(db: Path, dest: Path) -> Path:
    """A private copy of a built warehouse (decisions written by a test stay in it)."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copytree(Layout.of(db).home, dest / (db.name + ".d"), ignore=shutil.ignore_patterns("decisions"))
    shutil.copy(db, dest / db.name)
    return dest / db.name


@pytest.fixture
def wh(demo_db, tmp_path, monkeypatch) -> Path:
    db = _copy(demo_db, tmp_path / "wh")
    accounts = tmp_path / "accounts.toml"
    add_account(accounts, REVIEWER, "reviewer", "secret-pass")
    monkeypatch.setenv("GONGKAI_ACCOUNTS", str(accounts))
    return db


def _reader(db):
    return review.open_reviewed_reader(db).cursor()


def open_workbench(make_app, db, *, signed_in: bool, user: str = REVIEWER, **params):
    at = make_app(db)
    if signed_in:
        at.session_state["_gongkai_user"] = {"name": user, "role": "reviewer"}
    report = params.pop("report", None)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    if report is not None:
        # A link carries ?report=…; AppTest drops page-only URL params on switch_page, so choose it.
        at.selectbox(key="report").set_value(report).run()
        assert not at.exception, at.exception
    return at


def _button(at, label):
    return next(b for b in at.button if b.label.startswith(label))


def _labels(at):
    return [b.label for b in at.button]


def _report_with(db, condition: str) -> pd.Series:
    q = queries.review_queue(_reader(db), Filters())
    con = _reader(db)
    ids = {r[0] for r in con.execute(f"SELECT DISTINCT report_id FROM findings WHERE {condition}").fetchall()}
    return q[q["report_id"].isin(ids)].iloc[0]


def test_unsigned_session_has_no_action_and_a_forged_user_changes_nothing(make_app, wh):
    row = _report_with(wh, "kind = 'source' AND severity = 'error'")
    at = open_workbench(make_app, wh, signed_in=False, report=str(row["report_id"]))
    assert [m.label for m in at.metric][:6] == list(review.CASE_STATUSES)
    assert not any(lbl.startswith(("确认", "退回", "保存", "归档", "撤销")) for lbl in _labels(at))
    # a session claiming to be signed in as an account the accounts file does not have
    at = open_workbench(make_app, wh, signed_in=True, user="冒充者", report=str(row["report_id"]))
    _button(at, "确认").click().run()
    assert any("需要以审查员账号登录" in w.value for w in at.warning)
    assert review.load(wh) == []


def test_resolve_an_uncertain_cell_from_its_candidates(make_app, tmp_path, monkeypatch):
    from warehouse.demo import build_demo

    root = Path(__file__).resolve().parents[2] / "artifacts" / "e2e" / "gongkai.duckdb"
    root.parent.mkdir(parents=True, exist_ok=True)
    build_demo(root)  # reused when up to date (the e2e tests share it); a private copy is written
    db = _copy(root, tmp_path / "demo")
    accounts = tmp_path / "accounts.toml"
    add_account(accounts, REVIEWER, "reviewer", "secret-pass")
    monkeypatch.setenv("GONGKAI_ACCOUNTS", str(accounts))
    con = _reader(db)
    rid, sha, keys, cands = con.execute(
        "SELECT f.report_id, r.sha256, f.keys, f.candidates FROM findings f JOIN reports r USING (report_id) "
        "WHERE f.rule = 'P1' AND f.candidates IS NOT NULL AND r.is_current ORDER BY f.report_id LIMIT 1").fetchone()
    import json

    reading = json.loads(cands)[1]
    at = open_workbench(make_app, db, signed_in=True, report=str(rid))
    assert at.selectbox(key="wb_uncertain").value is not None
    assert "读法1" in at.dataframe[1].value.columns or any("读法1" in d.value.columns for d in at.dataframe)
    assert at.text or at.get("imgs")  # the original beside the readings (text excerpt or page image)
    at.radio(key="wb_pick").set_value(1)
    next(b for b in at.button if b.label == "保存核定").click().run()
    assert not at.exception, at.exception
    assert any("已保存" in s.value for s in at.success)
    got = {d.target: d for d in review.load(db)}
    assert set(got) == set(keys) and all(d.reviewer == REVIEWER and d.sha256 == sha for d in got.values())
    con = _reader(db)
    for k, v in zip(keys, reading, strict=True):
        col = k.replace(".", "__")
        wide, src = con.execute(f"SELECT w.{col}, s.{col} FROM reports_wide w JOIN reports_wide_source s "
                                "USING (report_id) WHERE report_id = ?", [rid]).fetchone()
        assert wide == v and src is None  # decided value in force; the source stays unread


def _kpi(at, label):
    return next(m.value for m in at.metric if m.label == label)


def test_a_corrected_cell_changes_the_overview_by_exactly_the_decided_value(make_app, wh):
    con = _reader(wh)
    year = con.execute("SELECT max(year) FROM reports WHERE is_current").fetchone()[0]
    rid, value = con.execute("SELECT report_id, t3__new_received__total FROM reports_wide WHERE is_current AND year = ? "
                             "AND n_errors > 0 AND t3__new_received__total IS NOT NULL ORDER BY report_id LIMIT 1",
                             [year]).fetchone()
    url = {"years": [str(year - 1), str(year)]}
    before = make_app(wh)
    for k, v in url.items():
        before.query_params[k] = v
    before = before.run()
    kpi_before = float(_kpi(before, "本年新收申请").replace(",", ""))

    at = open_workbench(make_app, wh, signed_in=True, report=str(rid))
    at.selectbox(key="wb_cell_key").set_value("t3.new_received.total")
    at.text_input(key="wb_cell_value").input(f"{value + 5:g}")
    at.checkbox(key="wb_cell_force").check()  # the change breaks 表三 equations that held
    next(b for b in at.button if b.label == "保存更正").click().run()
    assert not at.exception, at.exception
    assert [d.value for d in review.load(wh)] == [value + 5]

    after = make_app(wh)
    for k, v in url.items():
        after.query_params[k] = v
    after = after.run()
    assert float(_kpi(after, "本年新收申请").replace(",", "")) == kpi_before + 5


def test_a_value_that_breaks_an_equation_that_held_is_warned_about_before_saving(make_app, wh):
    con = _reader(wh)
    q = queries.review_queue(con, Filters())
    target = None
    for r in q.itertuples():  # a queued report and a cell of an equation that holds in it
        cells = queries.report_cells_reviewed(con, Filters(), r.report_id)
        values = {k: (None if pd.isna(v) else float(v)) for k, v in zip(cells["key"], cells["value"], strict=True)}
        for check in equations.sum_checks(r.format):
            if equations.holds(check, values):
                key = check.left[0]
                target = (r.report_id, key, values[key], check)
                break
        if target:
            break
    assert target is not None
    rid, key, value, check = target
    at = open_workbench(make_app, wh, signed_in=True, report=str(rid))
    at.selectbox(key="wb_cell_key").set_value(key)
    at.text_input(key="wb_cell_value").input(f"{value + 1:g}")
    next(b for b in at.button if b.label == "保存更正").click().run()
    assert any("原本成立的勾稽关系不再成立" in w.value and check.where in w.value for w in at.warning)
    assert review.load(wh) == []  # nothing saved before the clerk confirms
    at.checkbox(key="wb_cell_force").check()
    next(b for b in at.button if b.label == "保存更正").click().run()
    assert [(d.target, d.value) for d in review.load(wh)] == [(key, value + 1)]


def _correct_version(db: Path, agency: str, year: int) -> None:
    """The agency's corrected file: the same report with its clean numbers, ingested as a new version."""
    rec = next(r for r in generate_reports(24, range(2019, 2026), seed=7, defect_rate=0.15, include_missing=True)
               if r.published and r.agency == agency and r.year == year)
    clean = dataclasses.replace(rec, values=dict(rec.clean_values),
                                status={k: ("number" if v is not None else rec.status[k]) for k, v in rec.clean_values.items()},
                                raw={k: (f"{v:g}" if v is not None else rec.raw.get(k, "")) for k, v in rec.clean_values.items()})
    rep, body = parsed_from_record(clean)
    rep.findings.clear()
    validate_report(rep)
    with open_writer(db) as w:
        write_report(w.con, rep, body + b" corrected", files_dir=w.layout.files, is_demo=True)
        from warehouse import derive

        derive.refresh(w.con)
        w.publish()


def test_whole_loop_confirm_return_notice_corrected_version_recheck_archive(make_app, wh):
    row = _report_with(wh, "kind = 'source' AND severity = 'error' AND rule LIKE 'R%'")
    rid = str(row["report_id"])
    at = open_workbench(make_app, wh, signed_in=True, report=rid)
    _button(at, "确认").click().run()
    assert not at.exception, at.exception
    assert _kpi(at, "已确认") == "1"
    next(b for b in at.button if b.label.startswith("退回")).click().run()
    assert not at.exception, at.exception
    assert _kpi(at, "已退回") == "1"
    assert any(b.proto.label == "下载整改通知（DOCX）" for b in at.get("download_button"))
    case = [d for d in review.load(wh) if d.kind == review.CASE]
    assert [d.action for d in case] == [review.CONFIRMED, review.RETURNED] and case[-1].deadline

    # the notice as the page builds it: opens with python-docx and names every failing equation
    con = _reader(wh)
    fs = queries.report_review_findings(con, Filters(), int(rid))
    cells = queries.report_cells_reviewed(con, Filters(), int(rid))
    values = {k: (None if pd.isna(v) else v) for k, v in zip(cells["key"], cells["value"], strict=True)}
    errors = fs[(fs["kind"] == "source") & (fs["severity"] == "error")]
    lines = notice.problem_lines(row["format"], errors.to_dict("records"), values)
    body = notice.notice_docx(agency=row["agency"], year=int(row["year"]), source_name="x.txt", title=None,
                              lines=lines, deadline=case[-1].deadline, reviewer=REVIEWER, issued_on="2026-12-02",
                              note="=cmd|' /C calc'!A0")
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(body)).paragraphs)
    assert len(errors) >= 1 and f"共 {len(errors)} 处" in text
    for fi in errors.itertuples():
        check = equations.check_for(row["format"], fi.rule, list(fi.keys))
        assert check is not None and check.where in text
    assert case[-1].deadline in text and REVIEWER in text
    batch = queries.returned_reports(con, Filters())
    assert list(batch["report_id"]) == [int(rid)]
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(notice.batch_xlsx(batch)))
    assert wb["退回清单"].cell(2, 1).value == row["agency"]

    _correct_version(wh, row["agency"], int(row["year"]))
    at = open_workbench(make_app, wh, signed_in=True)
    q = queries.review_queue(_reader(wh), Filters())
    new = q[q["case_key"] == row["case_key"]].iloc[0]
    assert new["status"] == review.CORRECTED and str(new["report_id"]) != rid
    at = open_workbench(make_app, wh, signed_in=True, report=str(new["report_id"]))
    assert _kpi(at, "已整改") == "1"
    gone = next(m.value for m in at.metric if m.label == "已消除的问题")
    assert int(gone) == len(errors)
    _button(at, "复核通过").click().run()
    assert _kpi(at, "已复核") == "1"
    _button(at, "归档").click().run()
    assert _kpi(at, "已归档") == "1"
    assert [d.action for d in review.load(wh) if d.kind == review.CASE][-2:] == [review.RECHECKED, review.ARCHIVED]


def test_undo_from_the_history_keeps_the_record(make_app, wh):
    row = _report_with(wh, "kind = 'source' AND severity = 'error'")
    at = open_workbench(make_app, wh, signed_in=True, report=str(row["report_id"]))
    _button(at, "确认").click().run()
    assert _kpi(at, "已确认") == "1"
    _button(at, "撤销").click().run()
    assert not at.exception, at.exception
    assert _kpi(at, "已确认") == "0"
    assert [d.kind for d in review.load(wh)] == [review.CASE, review.UNDO]


def test_exports_mark_reviewed_cells_with_reviewer_and_date(wh, tmp_path):
    """数据下载: the long table keeps the source value and adds the 人工核定 value, reviewer and
    date; the wide table holds the decided value and names the decided cells."""
    import csv

    from warehouse import clerk_export

    con = _reader(wh)
    rid, sha, value = con.execute("SELECT w.report_id, w.sha256, w.t3__new_received__total FROM reports_wide w "
                                  "WHERE w.is_current AND w.t3__new_received__total IS NOT NULL "
                                  "ORDER BY w.report_id LIMIT 1").fetchone()
    d = review.record(wh, reviewer=REVIEWER, kind=review.CELL, target="t3.new_received.total", sha256=sha,
                      action="number", value=value + 3, parser_value=value, parser_status="number", note="核对原文")
    con = _reader(wh)
    (year,) = con.execute("SELECT year FROM reports WHERE report_id = ?", [rid]).fetchone()
    f = Filters(year_from=year, year_to=year)

    def table(dataset):
        out = tmp_path / f"{dataset}.csv"
        clerk_export.write(con, dataset, "csv", f, out, data_version="v")
        rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"), newline="")))
        blank = rows.index([])
        return pd.DataFrame(rows[blank + 3:], columns=rows[blank + 2])

    long = table("cells_long")
    mine = long[long["report_id"] == str(rid)].set_index("key")
    row = mine.loc["t3.new_received.total"]
    day = str(d.decided_at)[:10]
    assert (float(row["value"]), float(row["reviewed_value"]), row["reviewer"], row["reviewed_on"]) == \
        (value, value + 3, REVIEWER, day)
    assert (mine.drop(index="t3.new_received.total")["reviewer"] == "").all()
    wide = table("reports_wide").set_index("report_id")
    assert float(wide.loc[str(rid), "t3.new_received.total"]) == value + 3
    assert wide.loc[str(rid), "reviewed_cells"] == f"t3.new_received.total（{REVIEWER}，{day}）"
    assert (wide.drop(index=str(rid))["reviewed_cells"] == "").all()


def test_the_sidebar_filters_narrow_the_queue_and_its_counts_by_status(make_app, wh):
    """Region, level and year (the sidebar) narrow the queue and the counts at the top, as the
    query over the same slice says; the status filter narrows the list."""
    con = _reader(wh)
    q = queries.review_queue(con, Filters())
    review.record(wh, reviewer=REVIEWER, kind=review.CASE, target=str(q.iloc[0]["case_key"]),
                  sha256=str(q.iloc[0]["sha256"]), action=review.CONFIRMED)  # two statuses in the queue
    first = q.iloc[0]
    at = open_workbench(make_app, wh, signed_in=False)
    at.selectbox(key="province").set_value(first["province"]).run()
    at.selectbox(key="city").set_value(first["city"]).run()
    at.multiselect(key="level").set_value([first["level"]]).run()
    years = at.slider(key="years")
    years.set_value((int(first["year"]), int(first["year"]))).run()
    assert not at.exception, at.exception
    f = Filters(provinces=(first["province"],), cities=(first["city"],), levels=(first["level"],),
                year_from=int(first["year"]), year_to=int(first["year"]))
    want = queries.review_queue(_reader(wh), f)
    assert 0 < len(want) < len(q)
    counts = {m.label: int(m.value) for m in at.metric if m.label in review.CASE_STATUSES}
    assert counts == {s: int((want["status"] == s).sum()) for s in review.CASE_STATUSES}
    assert counts[review.CONFIRMED] == 1
    shown = next(d.value for d in at.dataframe if "单位" in d.value.columns and "状态" in d.value.columns)
    assert sorted(shown["单位"]) == sorted(want["agency"])
    at.multiselect(key="wb_status").set_value([review.CONFIRMED]).run()
    shown = next(d.value for d in at.dataframe if "单位" in d.value.columns and "状态" in d.value.columns)
    assert list(shown["单位"]) == [first["agency"]] and list(shown["状态"]) == [review.CONFIRMED]


def _return_count(at) -> int:
    import re

    label = next(b.label for b in at.button if b.label.startswith("退回（"))
    return int(re.search(r"（(\d+) 处问题）", label).group(1))


def test_judging_a_finding_dismiss_needs_a_reason_and_a_reading_problem_leaves_the_notice(make_app, wh):
    con = _reader(wh)
    q = queries.review_queue(con, Filters())
    row = next(r for r in q.itertuples() if (lambda fs: ((fs["kind"] == "source") & (fs["severity"] == "error")).sum() >= 2)(
        queries.report_review_findings(con, Filters(), r.report_id)))
    at = open_workbench(make_app, wh, signed_in=True, report=str(row.report_id))
    n = _return_count(at)
    fs = queries.report_review_findings(_reader(wh), Filters(), row.report_id)
    first, second = fs[(fs["kind"] == "source") & (fs["severity"] == "error")].index[:2]

    at.selectbox(key="wb_judge_which").set_value(first)
    at.radio(key="wb_verdict").set_value(review.DISMISSED)
    next(b for b in at.button if b.label == "保存判断").click().run()
    assert any("驳回需要说明理由" in e.value for e in at.error)
    assert review.load(wh) == []

    at.text_input(key="wb_judge_note").input("表中该行为合计行，口径不同")
    next(b for b in at.button if b.label == "保存判断").click().run()
    assert not at.exception, at.exception
    (d,) = review.load(wh)
    assert (d.kind, d.action, d.reviewer, d.note, d.target) == (
        review.FINDING, review.DISMISSED, REVIEWER, "表中该行为合计行，口径不同", fs.loc[first, "ref"])
    table = next(t.value for t in at.dataframe if "判断" in t.value.columns)
    judged = table[table["判断人"] == REVIEWER]
    assert list(judged["判断"]) == [review.VERDICTS[review.DISMISSED]]
    assert _return_count(at) == n - 1  # a dismissed finding is not sent back

    at.selectbox(key="wb_judge_which").set_value(second)
    at.radio(key="wb_verdict").set_value(review.READING_PROBLEM)
    next(b for b in at.button if b.label == "保存判断").click().run()
    assert any("更正一个单元格" in s.value for s in at.success)
    if n > 2:
        assert _return_count(at) == n - 2
    else:  # nothing left to send back: no 退回
        assert not any(b.label.startswith("退回（") for b in at.button)


def test_a_decided_value_that_makes_a_failing_equation_hold_leaves_data_quality(make_app, wh):
    """数据质量 lists the equations failing on the values in force: the clerk reads in the original
    the value that makes a failing equation hold (a cell alone on its side and in no other
    equation, so nothing else moves) — that equation leaves the list, and the list is the query's."""
    con = _reader(wh)
    bad = queries.inconsistent_reports(con, Filters())
    pick = None
    for r in bad.itertuples():
        check = equations.check_for(r.format, r.rule, r.cells.split("、"))
        others = [c for c in equations.sum_checks(r.format) if c != check]
        for side, other in ((check.left, check.right), (check.right, check.left)):
            if len(side) == 1 and not any(side[0] in c.keys for c in others):
                cells = queries.report_cells_reviewed(con, Filters(), r.report_id)
                values = {k: (None if pd.isna(v) else float(v)) for k, v in zip(cells["key"], cells["value"], strict=True)}
                pick = (r, side[0], sum(values.get(k) or 0.0 for k in other), values.get(side[0]))
                break
        if pick:
            break
    assert pick is not None, "the demo warehouse has no failing equation with a lone cell"
    r, key, value, as_read = pick
    sha = con.execute("SELECT sha256 FROM reports WHERE report_id = ?", [r.report_id]).fetchone()[0]

    def listed(at) -> pd.DataFrame:
        return next(d.value for d in at.dataframe if {"报告编号", "位置", "涉及单元格"} <= set(d.value.columns))

    at = make_app(wh).run()
    at.switch_page("views/quality.py").run()
    before = listed(at)
    assert ((before["报告编号"] == r.report_id) & (before["位置"] == r.location)).sum() == 1
    review.record(wh, reviewer=REVIEWER, kind=review.CELL, target=key, sha256=sha, action="number", value=value,
                  parser_value=as_read, parser_status="number" if as_read is not None else None, note="原文核对")
    at = make_app(wh).run()
    at.switch_page("views/quality.py").run()
    assert not at.exception, at.exception
    after = listed(at)
    assert ((after["报告编号"] == r.report_id) & (after["位置"] == r.location)).sum() == 0
    assert len(after) == len(before) - 1 == len(queries.inconsistent_reports(_reader(wh), Filters()))


def test_decisions_exported_as_csv_come_back_through_the_workbench_upload_and_a_bad_file_adds_nothing(
        make_app, wh, demo_db, tmp_path):
    from warehouse import review_file

    sha = _reader(wh).execute("SELECT sha256 FROM reports ORDER BY report_id LIMIT 1").fetchone()[0]
    review.record(wh, reviewer=REVIEWER, kind=review.CELL, target="t3.new_received.total", sha256=sha,
                  action="number", value=12345.0, parser_value=None, parser_status="unread",
                  note="=1+1, 见原件第 3 页\n\"存疑\"")
    review.record(wh, reviewer=REVIEWER, kind=review.FINDING, target="R1", sha256=sha, action=review.DISMISSED,
                  note="'撇号开头")
    data = review_file.export_csv(wh)
    fresh = _copy(demo_db, tmp_path / "fresh")  # the same original files, no decisions
    at = open_workbench(make_app, fresh, signed_in=True)
    assert "导出全部审查决定（CSV，Excel 可打开）" in [b.label for b in at.get("download_button")]
    bad = data.decode("utf-8-sig").replace(",unread,", ",unread,多一列,").encode("utf-8-sig")
    at.file_uploader(key="wb_import").set_value(("坏的决定.csv", bad, "text/csv")).run()
    _button(at, "导入").click().run()
    assert not at.exception, at.exception
    assert any("坏的决定.csv" in e.value and "未导入任何决定" in e.value for e in at.error)
    assert review.load(fresh) == []
    at.file_uploader(key="wb_import").set_value(("审查决定.csv", data, "text/csv")).run()
    _button(at, "导入").click().run()
    assert not at.exception, at.exception
    assert review.load(fresh) == review.load(wh)  # the notes with = , newline and quotes exactly
    value = _reader(fresh).execute("SELECT t3__new_received__total FROM reports_wide WHERE sha256 = ?", [sha])
    assert value.fetchone()[0] == 12345
