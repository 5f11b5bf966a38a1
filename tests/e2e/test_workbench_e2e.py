"""审查工作台 in a real browser on a copy of the demo warehouse (real ``streamlit run``, system
Chromium): a reviewer signs in, resolves an uncertain cell from its candidate readings (the 总览
indicator moves by exactly the decided value), confirms a failing report, sends it back and
downloads the 退回 notice (the DOCX names every failing equation), the agency's corrected file is
ingested by the CLI while the server runs, the new snapshot shows up as 已整改, and the case is
re-checked (复核) and archived (归档). A session that is not signed in sees no action button.

Everything expected is read from the warehouse the server uses, never hard-coded.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import os
import re
import shutil
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

import docx
import pandas as pd
import pytest
from conftest import streamlit_server
from playwright.sync_api import expect
from test_dashboard_e2e import open_path, wait_idle

from dashboard import equations
from dashboard.views import workbench
from loaders.spec import PARSE
from loaders.synth.records import generate_reports, parse_years
from loaders.synth.render import render
from warehouse import demo, queries, review
from warehouse.connect import Layout
from warehouse.filters import Filters

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
REVIEWER = "审查员甲"
PASSWORD = "workbench-e2e-password"
KPI = queries.PROACTIVE_KEYS  # the 总览 card 主动公开规章和规范性文件 sums these cells
KPI_NAME = "主动公开规章和规范性文件"
ACTIONS = ("保存核定", "保存更正", "保存判断", "确认：源文件自身错误", "复核通过（关闭）", "归档", "撤销", "导入")


def _run(*args: str, stdin: str | None = None) -> None:
    res = subprocess.run([sys.executable, "-m", *args], cwd=ROOT, input=stdin, capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=600)
    assert res.returncode == 0, res.stderr


def _con(db: Path):
    return review.open_reviewed_reader(db).cursor()


@pytest.fixture(scope="module")
def loop_server(tmp_path_factory, demo_warehouse: Path):
    """A private copy of the demo warehouse (decisions and the new version stay in it), one
    reviewer account, and a server on it."""
    root = tmp_path_factory.mktemp("workbench")
    db = root / demo_warehouse.name
    shutil.copytree(Layout.of(demo_warehouse).home, root / (db.name + ".d"),
                    ignore=shutil.ignore_patterns("decisions", "accounts.toml"))
    shutil.copy(demo_warehouse, db)
    _run("dashboard.accounts", "add", REVIEWER, "--role", "reviewer", "--db", str(db), "--password-stdin",
         stdin=PASSWORD + "\n")
    env = {k: v for k, v in os.environ.items() if k != "GONGKAI_ACCOUNTS"}
    with streamlit_server(db, root / "streamlit.log", env) as url:
        yield url, db, root


def _sign_in(page) -> None:
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text("审查员登录").click()
    sidebar.get_by_label("账号").fill(REVIEWER)
    sidebar.get_by_label("密码").fill(PASSWORD)
    sidebar.get_by_role("button", name="登录").click()
    expect(sidebar).to_contain_text(f"已登录：{REVIEWER}")
    wait_idle(page)


def _open_report(page, url: str, db: Path, report_id: int, *, sign_in: bool = True) -> None:
    """Open 审查工作台, sign in, and choose the report in 选择报告 (typed, as a clerk would)."""
    open_path(page, url, "workbench")
    if sign_in:
        _sign_in(page)
    _choose(page, db, report_id)


def _choose(page, db: Path, report_id: int) -> None:
    """Choose the report in 选择报告 (typed, as a clerk would): one rerun of the page."""
    row = queries.review_queue(_con(db), Filters()).set_index("report_id").loc[report_id]
    label = f"{row['agency']} · {int(row['year'])}年"
    box = page.locator('[data-testid="stMain"]').get_by_role("combobox", name="选择报告", exact=True)
    box.click()
    page.keyboard.type(str(row["agency"]))
    page.get_by_role("option", name=label, exact=True).click()
    wait_idle(page)
    expect(page.locator('[data-testid="stMain"] h3').filter(has_text=str(row["agency"])).first).to_be_visible()
    expect(page.get_by_role("heading", name="识别存疑的单元格")).to_be_visible()


def _kpi(page, url: str, year: int) -> float:
    open_path(page, url, f"overview?years={year - 1}&years={year}")
    expect(page.get_by_text(f"{year}年主要指标")).to_be_visible()
    card = page.locator('[data-testid="stMetric"]').filter(has_text=KPI_NAME)
    text = card.locator('[data-testid="stMetricValue"]').inner_text()
    return float(re.sub(r"[,，\s]", "", text))


def _uncertain_cell(db: Path) -> tuple[int, int, list[str], list[float | None], float]:
    """A current report whose first uncertain cell (the one the page shows first) has candidate
    readings and touches the 总览 card; the reading chosen and the card's exact expected change."""
    con = _con(db)
    rows = con.execute("SELECT DISTINCT f.report_id, r.year FROM findings f JOIN reports r USING (report_id) "
                       "WHERE f.kind = ? AND f.candidates IS NOT NULL AND r.is_current ORDER BY 1", [PARSE]).fetchall()
    for rid, year in rows:
        fs = queries.report_review_findings(con, Filters(), rid)
        parse = fs[(fs["kind"] == PARSE) & (fs["keys"].map(len) > 0)]
        first = parse.iloc[0]
        keys = list(first["keys"])
        readings = [r for r in json.loads(first["candidates"] if isinstance(first["candidates"], str) else "[]") if len(r) == len(keys)]
        if not readings or not set(keys) & set(KPI):
            continue
        cells = queries.report_cells_reviewed(con, Filters(), rid).set_index("key")
        before = sum(0.0 if pd.isna(cells["value"].get(k)) else float(cells["value"][k]) for k in keys if k in KPI)
        after = sum(0.0 if v is None else float(v) for k, v in zip(keys, readings[0], strict=True) if k in KPI)
        return int(rid), int(year), keys, readings[0], after - before
    raise AssertionError("the demo warehouse has no uncertain cell with readings on the 总览 card")


def _failing_report(db: Path) -> pd.Series:
    """A queued report with failing equations of its own and no uncertain cell."""
    con = _con(db)
    q = queries.review_queue(con, Filters())
    ids = {r[0] for r in con.execute("SELECT report_id FROM findings WHERE kind = 'source' AND severity = 'error' "
                                     "AND rule LIKE 'R%' EXCEPT SELECT report_id FROM findings WHERE kind = ?",
                                     [PARSE]).fetchall()}
    return q[q["report_id"].isin(ids)].sort_values("report_id").iloc[0]


def _corrected_file(db: Path, demo_db: Path, report_id: int, out: Path) -> Path:
    """The agency's corrected file: the same synthetic report rendered again by its own renderer
    with the numbers it should have printed, listed with the manifest row the demo ingest used."""
    source_name = queries.report_document(_con(db), Filters(), report_id).iloc[0]["source_name"]
    with demo_db.with_name(demo_db.name + ".synth").joinpath("manifest.csv").open(encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        columns = list(reader.fieldnames or [])
        row = next(r for r in reader if r["file"] == source_name)
    stem = source_name.rsplit("_", 1)[0]
    rec = next(r for r in generate_reports(demo.DEMO_AGENCIES, parse_years(demo.DEMO_YEARS), demo.DEMO_SEED,
                                           demo.DEMO_DEFECT_RATE, include_missing=True) if r.published and r.stem == stem)
    clean = dataclasses.replace(
        rec, values=dict(rec.clean_values),
        status={k: ("number" if v is not None else rec.status[k]) for k, v in rec.clean_values.items()},
        raw={k: (f"{v:g}" if v is not None else rec.raw.get(k, "")) for k, v in rec.clean_values.items()})
    name = f"{stem}_整改版.{source_name.rsplit('.', 1)[1]}"
    (out / "raw").mkdir(parents=True)
    (out / "raw" / name).write_bytes(render(clean, row["renderer"]))
    with (out / "manifest.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, columns)
        w.writeheader()
        w.writerow({**row, "file": name})
    return out


def test_unsigned_session_sees_no_action(browser, loop_server):
    url, db, _ = loop_server
    row = _failing_report(db)
    ctx = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 2400})
    page = ctx.new_page()
    page.set_default_timeout(60_000)
    # the link 单位详情 gives (?report=<the picker's label>) opens the workbench on that report
    open_path(page, url, "workbench?report=" + urllib.parse.quote(workbench.report_label(row["agency"], row["year"])))
    expect(page.locator('[data-testid="stMain"] h3').first).to_contain_text(f"{row['agency']} · {int(row['year'])}年")
    expect(page.get_by_text("查看不需要登录")).to_be_visible()
    expect(page.get_by_role("heading", name="校验发现")).to_be_visible()
    for label in ACTIONS:
        assert page.get_by_role("button", name=label).count() == 0, label
    assert page.get_by_role("button", name=re.compile("^退回")).count() == 0
    ctx.close()


def test_whole_review_loop_in_the_browser(browser, loop_server, demo_warehouse, screenshots):
    url, db, root = loop_server
    ctx = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 2400}, accept_downloads=True)
    page = ctx.new_page()
    page.set_default_timeout(120_000)

    # 1. resolve an uncertain cell from its candidate readings; 总览 moves by exactly that value
    rid, year, keys, reading, delta = _uncertain_cell(db)
    kpi_before = _kpi(page, url, year)
    _open_report(page, url, db, rid)
    main = page.locator('[data-testid="stMain"]')
    main.get_by_text("读法1：", exact=False).first.click()
    main.get_by_text("即使破坏原本成立的勾稽关系也保存").first.click()
    main.get_by_role("button", name="保存核定").click()
    expect(main).to_contain_text(f"已保存 {len(keys)} 个单元格的核定值")
    got = {d.target: d for d in review.load(db)}
    assert set(got) == set(keys)
    assert all(d.reviewer == REVIEWER and d.value == (None if v is None else float(v))
               for d, v in zip((got[k] for k in keys), reading, strict=True))
    assert _kpi(page, url, year) == kpi_before + delta

    # 2. confirm a failing report and send it back; the notice names every failing equation
    row = _failing_report(db)
    bad = int(row["report_id"])
    _open_report(page, url, db, bad)
    main.get_by_role("button", name="确认：源文件自身错误").click()
    expect(main).to_contain_text("已确认：该报告自身数字有误")
    main.get_by_role("button", name=re.compile("^退回（")).click()
    expect(main).to_contain_text("已退回：可在下方下载整改通知")
    with page.expect_download() as dl:
        main.get_by_role("button", name="下载整改通知（DOCX）").click()
    notice_path = root / "notice.docx"
    dl.value.save_as(notice_path)
    text = "\n".join(p.text for p in docx.Document(str(notice_path)).paragraphs)
    text += "\n".join(c.text for t in docx.Document(str(notice_path)).tables for r in t.rows for c in r.cells)
    con = _con(db)
    fs = queries.report_review_findings(con, Filters(), bad)
    errors = fs[(fs["kind"] == "source") & (fs["severity"] == "error")]
    assert len(errors) >= 1 and f"共 {len(errors)} 处" in text and row["agency"] in text
    for fi in errors.itertuples():
        check = equations.check_for(row["format"], fi.rule, list(fi.keys))
        assert check is not None and check.where in text, fi.rule
    case = [d for d in review.load(db) if d.kind == review.CASE]
    assert [d.action for d in case] == [review.CONFIRMED, review.RETURNED] and case[-1].deadline in text
    page.screenshot(path=str(screenshots / "workbench_returned.png"), full_page=True)

    # 3. the corrected file arrives: the CLI ingests it into the same warehouse while the server runs
    corrected = _corrected_file(db, demo_warehouse, bad, root / "corrected")
    _run("loaders", "ingest", str(corrected / "raw"), "--db", str(db), "--manifest", str(corrected / "manifest.csv"),
         "-q", "--workers", "1")
    q = queries.review_queue(_con(db), Filters())
    new = q[q["case_key"] == row["case_key"]].iloc[0]
    assert new["status"] == review.CORRECTED and int(new["report_id"]) != bad

    # 4. the app picks up the new snapshot: 复核 shows both versions; close and archive
    _open_report(page, url, db, int(new["report_id"]))
    expect(main).to_contain_text("复核：退回的版本与新版本对照")
    expect(main).to_contain_text("已消除的问题")
    main.get_by_role("button", name="复核通过（关闭）").click()
    expect(main).to_contain_text("已复核。")
    main.get_by_role("button", name="归档").click()
    expect(main).to_contain_text("已归档。")
    page.screenshot(path=str(screenshots / "workbench_archived.png"), full_page=True)
    case = [d for d in review.load(db) if d.kind == review.CASE]
    assert [d.action for d in case] == [review.CONFIRMED, review.RETURNED, review.RECHECKED, review.ARCHIVED]
    assert all(d.reviewer == REVIEWER for d in case)
    q = queries.review_queue(_con(db), Filters())
    assert q[q["case_key"] == row["case_key"]].iloc[0]["status"] == review.ARCHIVED
    ctx.close()


# ------------------------------------------------------------------ a forged request over the websocket


class _Forger:
    """Sits on the browser's Streamlit websocket (Playwright ``route_web_socket``): reads the ids
    of the buttons the server sends, and when ``arm``-ed adds a click (``trigger_value``) of a
    button to the next rerun request the page sends — what a crafted client would send."""

    def __init__(self, context) -> None:
        self.buttons: dict[str, str] = {}  # label → widget id, as the server rendered them
        self.armed: list[str] = []
        self.sent = 0
        context.route_web_socket(re.compile(r".*/_stcore/stream"), self._route)

    def arm(self, *widget_ids: str) -> None:
        self.armed = list(widget_ids)

    def _route(self, ws) -> None:
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        server = ws.connect_to_server()

        def up(message) -> None:
            if self.armed and isinstance(message, bytes):
                msg = BackMsg()
                msg.ParseFromString(message)
                if msg.WhichOneof("type") == "rerun_script":
                    for wid in self.armed:
                        w = msg.rerun_script.widget_states.widgets.add()
                        w.id, w.trigger_value = wid, True
                    message, self.armed = msg.SerializeToString(), []
                    self.sent += 1
            server.send(message)

        def down(message) -> None:
            if isinstance(message, bytes):
                msg = ForwardMsg()
                msg.ParseFromString(message)
                if msg.WhichOneof("type") == "delta" and msg.delta.new_element.WhichOneof("type") == "button":
                    b = msg.delta.new_element.button
                    self.buttons[b.label] = b.id
            ws.send(message)

        ws.on_message(up)
        server.on_message(down)


def _pending_failing_reports(db: Path) -> list[pd.Series]:
    con = _con(db)
    q = queries.review_queue(con, Filters())
    ids = {r[0] for r in con.execute("SELECT report_id FROM findings_in_force WHERE kind = 'source' AND severity = 'error' "
                                     "AND rule LIKE 'R%' EXCEPT SELECT report_id FROM findings WHERE kind = ?",
                                     [PARSE]).fetchall()}
    rows = q[q["report_id"].isin(ids) & (q["status"] == review.PENDING)].sort_values("report_id")
    return [r for _, r in rows.iterrows()]


def test_a_forged_click_from_an_unsigned_session_changes_nothing(browser, loop_server):
    """The 确认 and 归档 buttons' ids are read from a signed-in session's page; an unsigned session
    sends a rerun request carrying clicks of both (the buttons are not on its page): the journal
    and the case stay as they were. The same forged message from the signed-in session does act
    (so the forgery is a real click, and the unsigned session is refused by the server)."""
    url, db, _ = loop_server
    target, control = _pending_failing_reports(db)[:2]
    confirm, archive = "确认：源文件自身错误", "归档"

    signed = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 2400})
    spy = _Forger(signed)
    page = signed.new_page()
    page.set_default_timeout(120_000)
    _open_report(page, url, db, int(target["report_id"]))
    assert {confirm, archive} <= set(spy.buttons), spy.buttons
    ids = (spy.buttons[confirm], spy.buttons[archive])

    unsigned = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 2400})
    forger = _Forger(unsigned)
    intruder = unsigned.new_page()
    intruder.set_default_timeout(120_000)
    before = review.load(db)
    open_path(intruder, url, "workbench?report=" + urllib.parse.quote(workbench.report_label(control["agency"],
                                                                                          control["year"])))
    forger.arm(*ids)  # carried by the rerun that opens the target report
    _choose(intruder, db, int(target["report_id"]))
    assert forger.sent == 1 and not (set(forger.buttons) & {confirm, archive})
    assert review.load(db) == before
    q = queries.review_queue(_con(db), Filters()).set_index("report_id")
    assert q.loc[int(target["report_id"]), "status"] == review.PENDING
    expect(intruder.locator('[data-testid="stMain"]')).not_to_contain_text("已确认：该报告自身数字有误")
    unsigned.close()

    # the same forged click of 确认 from the signed-in session, on the rerun that opens another report
    spy.arm(ids[0])
    _choose(page, db, int(control["report_id"]))
    expect(page.locator('[data-testid="stMain"]')).to_contain_text("已确认：该报告自身数字有误")
    added = [d for d in review.load(db) if d not in before]
    assert [(d.kind, d.target, d.action, d.reviewer) for d in added] == \
        [(review.CASE, control["case_key"], review.CONFIRMED, REVIEWER)]
    signed.close()
