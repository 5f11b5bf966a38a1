"""Review decisions: journal → overlay → fold at publish; undo; concurrency; SIGKILL; reparse; export/import.

Real DuckDB files, real writer/publish, real subprocesses for the concurrent and killed savers.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from wh_helpers import ROOT, make_report, run_cli, seed_variants

from warehouse import review
from warehouse.connect import open_writer, reader
from warehouse.store import write_report

KEY = "t3.new_received.total"
COL = "t3__new_received__total"


def _two_reports(db: Path) -> list[str]:
    r1, d1 = make_report("a.txt", {KEY: 7, "t3.new_received.natural_person": 7}, agency="甲单位")
    r2, d2 = make_report("b.txt", {KEY: 11}, agency="乙单位")
    with open_writer(db) as w:
        write_report(w.con, r1, d1, files_dir=w.layout.files)
        write_report(w.con, r2, d2, files_dir=w.layout.files)
        w.publish()
    return [r1.sha256, r2.sha256]


def _decide(db, sha, value, reviewer="审查员甲"):
    return review.record(db, reviewer=reviewer, kind=review.CELL, target=KEY, sha256=sha, action="number",
                         value=float(value), parser_value=7.0, parser_status="number", note="核对原件")


def _reviewed(db, sha):
    con = review.open_reviewed_reader(db)
    try:
        cur = con.cursor()
        wide = cur.execute(f"SELECT r.{COL} FROM reports_wide r WHERE sha256 = ?", [sha]).fetchone()[0]
        source = cur.execute(f"SELECT r.{COL} FROM reports_wide_source r WHERE sha256 = ?", [sha]).fetchone()[0]
        cell = cur.execute("SELECT c.value FROM cells c JOIN reports USING (report_id) WHERE sha256 = ? AND key = ?",
                           [sha, KEY]).fetchone()[0]
        return wide, source, cell
    finally:
        con.close()


def test_decision_shows_at_once_and_is_folded_at_publish_source_untouched(db):
    sha, other = _two_reports(db)
    d = _decide(db, sha, 9)
    with reader(db) as plain:  # the published snapshot does not have it yet
        assert plain.execute(f"SELECT {COL} FROM reports_wide WHERE sha256 = ?", [sha]).fetchone()[0] == 7
    assert _reviewed(db, sha) == (9, 7, 7)  # the app's reader applies the journal at once
    assert _reviewed(db, other) == (11, 11, 11)
    r = run_cli("warehouse", "review", "apply", "--db", str(db))
    assert r.returncode == 0, r.stderr
    with reader(db) as plain:
        assert plain.execute(f"SELECT {COL} FROM reports_wide WHERE sha256 = ?", [sha]).fetchone()[0] == 9
        assert plain.execute(f"SELECT {COL} FROM reports_wide_source WHERE sha256 = ?", [sha]).fetchone()[0] == 7
        row = plain.execute("SELECT value, source_value, parser_value, reviewer, decision_id, note, source_changed "
                            "FROM reviewed_cells").fetchall()
        assert row == [(9.0, 7.0, 7.0, "审查员甲", d.decision_id, "核对原件", False)]
        # the sum an indicator takes changes by exactly the decided difference
        assert plain.execute(f"SELECT sum({COL}) FROM reports_wide").fetchone()[0] == 9 + 11
    assert review.open_reviewed_reader(db).execute("SELECT count(*) FROM review_decisions").fetchone()[0] == 1


def test_undo_restores_the_source_value_and_history_stays(db):
    sha, _ = _two_reports(db)
    d = _decide(db, sha, 9)
    u = review.undo(db, "审查员乙", d.decision_id, note="看错了")
    assert _reviewed(db, sha)[0] == 7
    review.undo(db, "审查员甲", u.decision_id)  # undoing the undo puts the decision back
    assert _reviewed(db, sha)[0] == 9
    _decide(db, sha, 8)  # a later decision wins
    assert _reviewed(db, sha)[0] == 8
    hist = review.load(db)
    assert [x.kind for x in hist] == ["cell", "undo", "undo", "cell"]
    assert hist[1].reviewer == "审查员乙" and hist[1].target == d.decision_id
    with pytest.raises(review.DecisionError):
        review.undo(db, "x", "no-such-id")


def test_bad_decisions_are_refused_and_nothing_written(db):
    sha, _ = _two_reports(db)
    with pytest.raises(review.DecisionError):
        review.record(db, reviewer="a", kind=review.CELL, target="t9.not_a_key", sha256=sha, action="number", value=1.0)
    with pytest.raises(review.DecisionError):
        review.record(db, reviewer="", kind=review.CELL, target=KEY, sha256=sha, action="number", value=1.0)
    with pytest.raises(review.DecisionError):
        review.record(db, reviewer="a", kind=review.CASE, target="x|2023", action="随便")
    assert review.load(db) == []


_SAVER = """
import sys
from warehouse import review
db, sha, n, who = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
for i in range(n):
    review.record(db, reviewer=who, kind="cell", target="t3.new_received.total", sha256=sha, action="number",
                  value=float(i), parser_value=7.0, parser_status="number", note=f"{who} {i}")
"""


def _saver(db, sha, n, who) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", _SAVER, str(db), sha, str(n), who], cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_two_reviewers_at_once_both_kept(db):
    sha, other = _two_reports(db)
    procs = [_saver(db, sha, 25, "甲"), _saver(db, other, 25, "乙")]
    assert [p.wait(120) for p in procs] == [0, 0]
    hist = review.load(db)
    assert sorted((d.reviewer, d.note) for d in hist) == sorted(
        [("甲", f"甲 {i}") for i in range(25)] + [("乙", f"乙 {i}") for i in range(25)])
    assert _reviewed(db, sha)[0] == 24 and _reviewed(db, other)[0] == 24


def test_sigkill_during_saves_leaves_each_decision_whole_or_absent(db):
    sha, _ = _two_reports(db)
    for _ in range(3):
        p = _saver(db, sha, 100000, "甲")
        deadline = time.monotonic() + 30
        while not review._names(db) and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.3)
        os.kill(p.pid, signal.SIGKILL)
        p.wait()
    folder = review.journal_dir(db)
    for f in folder.glob("*.json"):
        json.loads(f.read_text(encoding="utf-8"))  # every saved decision is a whole file
    hist = review.load(db)
    assert hist, "nothing was saved before the kills"
    run = run_cli("warehouse", "review", "apply", "--db", str(db))
    assert run.returncode == 0, run.stderr
    with reader(db) as con:
        assert con.execute("SELECT count(*) FROM review_decisions").fetchone()[0] == len(hist)
        assert con.execute(f"SELECT {COL} FROM reports_wide WHERE sha256 = ?", [sha]).fetchone()[0] == hist[-1].value


@pytest.mark.slow
def test_decision_during_an_ingest_is_kept(tmp_path, seed_report):
    db = tmp_path / "w" / "w.duckdb"
    src, manifest = tmp_path / "in", tmp_path / "m.csv"
    seed_variants(seed_report.read_text(encoding="utf-8"), src, 12, manifest=manifest)
    first = tmp_path / "first"
    first.mkdir()
    (first / "seed.txt").write_bytes(seed_report.read_bytes())
    assert run_cli("loaders", "ingest", str(first), "--db", str(db), "--workers", "1").returncode == 0
    with reader(db) as con:
        sha, value = con.execute(f"SELECT sha256, {COL} FROM reports_wide").fetchone()
    proc = subprocess.Popen([sys.executable, "-m", "loaders", "ingest", str(src), "--db", str(db), "--manifest",
                             str(manifest), "--workers", "1", "--quiet"], cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    lay_work = db.with_name(db.name + ".d") / "work.duckdb"
    deadline = time.monotonic() + 60
    while not lay_work.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert proc.poll() is None, "ingest finished before the decision; make the batch bigger"
    d = review.record(db, reviewer="甲", kind=review.CELL, target=KEY, sha256=sha, action="number",
                      value=value + 1, parser_value=value, parser_status="number")
    assert proc.wait(300) == 0
    with reader(db) as con:  # the ingest's publish folded the decision recorded while it ran
        assert con.execute("SELECT decision_id FROM review_decisions").fetchall() == [(d.decision_id,)]
        assert con.execute(f"SELECT {COL} FROM reports_wide WHERE sha256 = ?", [sha]).fetchone()[0] == value + 1
        assert con.execute("SELECT count(*) FROM reports").fetchone()[0] == 13


def test_reparse_keeps_decisions_and_flags_a_changed_source_value(db):
    sha, _ = _two_reports(db)
    _decide(db, sha, 9)
    _, d1 = make_report("a.txt", {KEY: 7, "t3.new_received.natural_person": 7}, agency="甲单位")
    r1, _ = make_report("a.txt", {KEY: 8, "t3.new_received.natural_person": 7}, agency="甲单位")
    r1.sha256 = sha  # the same document read again by a newer parser: 8 where it read 7
    with open_writer(db) as w:
        write_report(w.con, r1, d1, files_dir=w.layout.files, replace=True)
        w.publish()
    with reader(db) as con:
        assert con.execute("SELECT value, source_value, parser_value, source_changed FROM reviewed_cells").fetchall() \
            == [(9.0, 8.0, 7.0, True)]
        assert con.execute(f"SELECT {COL} FROM reports_wide WHERE sha256 = ?", [sha]).fetchone()[0] == 9
        from warehouse import queries
        from warehouse.filters import Filters

        q = queries.review_queue(con, Filters()).set_index("sha256")  # the queue points the clerk at it
        assert int(q.loc[sha, "n_source_changed"]) == 1


@pytest.mark.slow
def test_real_reparse_keeps_decisions(tmp_path, seed_report):
    db = tmp_path / "w.duckdb"
    assert run_cli("loaders", "ingest", str(seed_report), "--db", str(db), "--workers", "1").returncode == 0
    with reader(db) as con:
        sha, value = con.execute(f"SELECT sha256, {COL} FROM reports_wide").fetchone()
    review.record(db, reviewer="甲", kind=review.CELL, target=KEY, sha256=sha, action="number", value=value + 3,
                  parser_value=value, parser_status="number")
    r = run_cli("loaders", "ingest", "--reparse", "--db", str(db), "--workers", "1")
    assert r.returncode == 0, r.stderr
    with reader(db) as con:
        assert con.execute(f"SELECT {COL} FROM reports_wide").fetchone()[0] == value + 3
        assert con.execute("SELECT source_changed FROM reviewed_cells").fetchone()[0] is False


def test_export_then_fresh_rebuild_then_import_gives_the_same_reviewed_values(tmp_path):
    a, b = tmp_path / "a" / "w.duckdb", tmp_path / "b" / "w.duckdb"
    sha, other = _two_reports(a)
    _decide(a, sha, 9)
    d2 = _decide(a, other, 4, reviewer="审查员乙")
    review.undo(a, "审查员乙", d2.decision_id)
    review.record(a, reviewer="甲", kind=review.CASE, target="x|2023", sha256=sha, action=review.RETURNED,
                  deadline="2027-01-31", note="=HYPERLINK(\"x\")")
    out = tmp_path / "decisions.json"
    assert run_cli("warehouse", "review", "export", "--db", str(a), "--out", str(out)).returncode == 0
    assert _two_reports(b) == [sha, other]  # rebuilt from the same original files
    r = run_cli("warehouse", "review", "import", "--db", str(b), str(out))
    assert r.returncode == 0 and "导入 4 条" in r.stdout, r.stdout + r.stderr
    assert run_cli("warehouse", "review", "import", "--db", str(b), str(out)).stdout.strip() == "导入 0 条审查决定"
    assert [_reviewed(b, s) for s in (sha, other)] == [_reviewed(a, s) for s in (sha, other)] == [(9, 7, 7), (11, 11, 11)]
    bad = tmp_path / "bad.json"
    bad.write_text("{}", encoding="utf-8")
    r = run_cli("warehouse", "review", "import", "--db", str(b), str(bad))
    assert r.returncode != 0 and "bad.json" in r.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))  # a good record, then a bad one: nothing is imported
    c = tmp_path / "c" / "w.duckdb"
    _two_reports(c)
    doc["decisions"] = [doc["decisions"][0], {**doc["decisions"][1], "kind": "verdict"}]
    bad.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    r = run_cli("warehouse", "review", "import", "--db", str(c), str(bad))
    assert r.returncode != 0 and "bad.json" in r.stderr and "第 2 条决定" in r.stderr, r.stderr
    assert review.load(c) == []


TRICKY_NOTES = ("=HYPERLINK(\"http://x\",\"点我\")", "+1,-2", "-3", "@SUM(A1)", "＝1+1", "\tTAB", "'已带撇号",
                "''两个", "'=撇号后公式", "第一行\n第二行,含逗号 \"引号\"", "a\r\nb\rc", "尾随空格 ", "", "'")


def test_csv_export_then_fresh_rebuild_then_import_gives_the_same_reviewed_values(tmp_path):
    import csv
    import io

    from warehouse.export import INJECTION_PREFIXES
    from warehouse.review_file import COLUMNS, HEADER, NUMBERS

    a, b = tmp_path / "a" / "w.duckdb", tmp_path / "b" / "w.duckdb"
    sha, other = _two_reports(a)
    _decide(a, sha, 9)
    d2 = _decide(a, other, 4, reviewer="审查员乙")
    review.undo(a, "审查员乙", d2.decision_id, note="=撤销,原因\n见附件")
    review.record(a, reviewer="=甲", kind=review.CASE, target="x|2023", sha256=sha, action=review.RETURNED,
                  deadline="2027-01-31", note="=HYPERLINK(\"x\")", extra={"依据": "-R1", "n": [1, 2.5]})
    review.record(a, reviewer="甲", kind=review.CELL, target=KEY, sha256=other, action="blank", value=None,
                  parser_value=None, parser_status="unread", note="原件此处为空白")
    for note in TRICKY_NOTES:
        review.record(a, reviewer="甲", kind=review.FINDING, target="R1", sha256=other, action=review.DISMISSED,
                      note=note)
    out = tmp_path / "decisions.csv"
    assert run_cli("warehouse", "review", "export", "--db", str(a), "--out", str(out)).returncode == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw  # UTF-8 BOM for Excel
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows[0] == HEADER and len(rows) == 1 + 5 + len(TRICKY_NOTES)
    text_cols = [i for i, (name, _) in enumerate(COLUMNS) if name not in NUMBERS]
    assert not [r[i] for r in rows for i in text_cols if r[i].startswith(INJECTION_PREFIXES)]  # no live formula
    notes = [r[10] for r in rows]
    assert "'=HYPERLINK(\"x\")" in notes and "'''两个" in notes and "'＝1+1" in notes

    assert _two_reports(b) == [sha, other]  # rebuilt from the same original files
    r = run_cli("warehouse", "review", "import", "--db", str(b), str(out))
    assert r.returncode == 0 and f"导入 {5 + len(TRICKY_NOTES)} 条" in r.stdout, r.stdout + r.stderr
    assert run_cli("warehouse", "review", "import", "--db", str(b), str(out)).stdout.strip() == "导入 0 条审查决定"
    assert review.load(b) == review.load(a)  # every field of every decision, exactly (notes, None vs "", extra)
    assert [d.note for d in review.load(b)][-len(TRICKY_NOTES):] == list(TRICKY_NOTES)
    assert [_reviewed(b, s) for s in (sha, other)] == [_reviewed(a, s) for s in (sha, other)]
    assert _reviewed(b, sha) == (9, 7, 7)
    assert _reviewed(b, other) == (None, 11, 11)  # decided blank: blank, not 0; the source value kept


def test_import_picks_the_form_by_extension_or_content(tmp_path):
    from warehouse import review_file

    a, b = tmp_path / "a" / "w.duckdb", tmp_path / "b" / "w.duckdb"
    sha, _ = _two_reports(a)
    _decide(a, sha, 9)
    csv_noext, json_noext = tmp_path / "决定导出", tmp_path / "决定导出2"
    csv_noext.write_bytes(review_file.export_csv(a))
    json_noext.write_bytes(review_file.export_json(a))
    assert review_file.is_csv(csv_noext.read_bytes()) and not review_file.is_csv(json_noext.read_bytes())
    r = run_cli("warehouse", "review", "import", "--db", str(b), str(csv_noext))
    assert r.returncode == 0 and "导入 1 条" in r.stdout, r.stdout + r.stderr
    assert run_cli("warehouse", "review", "import", "--db", str(b), str(json_noext)).stdout.strip() == "导入 0 条审查决定"
    assert review.load(b) == review.load(a)


@pytest.mark.parametrize("damage", ["header", "columns", "value", "quote", "kind", "encoding", "id", "extra"])
def test_a_malformed_csv_is_refused_naming_the_file_and_imports_nothing(tmp_path, damage):
    from warehouse import review_file

    a, b = tmp_path / "a" / "w.duckdb", tmp_path / "b" / "w.duckdb"
    sha, other = _two_reports(a)
    _decide(a, sha, 9)
    _decide(a, other, 4)
    head, good, last = review_file.export_csv(a).decode("utf-8-sig").split("\r\n")[:3]
    cells = last.split(",")  # no cell of these two decisions holds a comma or a quote
    bad_row = {"header": last, "columns": last + ",多一列", "value": ",".join([*cells[:7], "九", *cells[8:]]),
               "quote": last + ',"未闭合', "kind": ",".join([*cells[:3], "verdict", *cells[4:]]),
               "encoding": last, "id": ",".join(["../../etc", *cells[1:]]),
               "extra": ",".join([*cells[:12], "[1]"])}[damage]
    if damage == "header":
        head = head.replace("审查员", "审核人")
    body = "\r\n".join([head, good, bad_row]) + "\r\n"
    bad = tmp_path / "坏的决定.csv"
    bad.write_bytes(body.encode("gbk") if damage == "encoding" else body.encode("utf-8-sig"))
    _two_reports(b)
    r = run_cli("warehouse", "review", "import", "--db", str(b), str(bad))
    assert r.returncode != 0 and "坏的决定.csv" in r.stderr, r.stdout + r.stderr
    assert review.load(b) == []  # the good row before the bad one was not imported either


def test_the_pages_sums_follow_a_decision_before_and_after_the_publish(db):
    """The by-year questions read the publish-time rollups: a decision not yet folded in is seen through
    reports_wide (the reviewed reader has no rollups), and after the publish the rebuilt rollups hold it."""
    from warehouse import queries, rollups
    from warehouse.filters import Filters

    def ranked(con) -> list:  # the per-agency ranking (rollup_agency_year when the snapshot has it)
        return queries.ranking(con, Filters(), "new_applications")[["agency", "value"]].values.tolist()

    sha, _other = _two_reports(db)
    with reader(db) as plain:
        assert rollups.available(plain) and rollups.agency_year_source(plain, Filters())
        assert queries.applications_by_year(plain, Filters())["new_received"].tolist() == [7 + 11]
        assert ranked(plain) == [["乙单位", 11], ["甲单位", 7]]
    _decide(db, sha, 12)
    con = review.open_reviewed_reader(db)
    try:
        assert not rollups.available(con)  # asked of every report until the publish folds the decision in
        assert not rollups.available(con, rollups.AGENCY_YEAR_TABLE) and not rollups.agency_year_source(con, Filters())
        assert queries.applications_by_year(con, Filters())["new_received"].tolist() == [12 + 11]
        assert ranked(con) == [["甲单位", 12], ["乙单位", 11]]  # the decided value, not the rollup's 7
    finally:
        con.close()
    r = run_cli("warehouse", "review", "apply", "--db", str(db))
    assert r.returncode == 0, r.stderr
    with reader(db) as plain:
        assert rollups.year_source(plain, Filters())[0] != "reports_wide"
        assert rollups.agency_year_source(plain, Filters())
        assert queries.applications_by_year(plain, Filters())["new_received"].tolist() == [12 + 11]
        assert queries.overview_by_year(plain, Filters())["new_applications"].tolist() == [12 + 11]
        assert ranked(plain) == [["甲单位", 12], ["乙单位", 11]]


NATURAL = "t3.new_received.natural_person"


def _validated(name: str, values: dict, agency: str):
    from loaders.validate import validate_report

    r, data = make_report(name, values, agency=agency)
    validate_report(r)  # the parser's own checks: findings as read
    return r, data


def _in_force(db, sha):
    """What the queue, 数据质量 and the workbench see for one report (the app's reader)."""
    from warehouse import queries
    from warehouse.filters import Filters

    cur = review.open_reviewed_reader(db).cursor()
    rid = cur.execute("SELECT report_id FROM reports WHERE sha256 = ?", [sha]).fetchone()[0]
    q = queries.review_queue(cur, Filters()).set_index("report_id")
    failing = queries.inconsistent_reports(cur, Filters())
    fs = queries.report_review_findings(cur, Filters(), rid)
    r3 = fs[fs["rule"] == "R3"]
    return (int(q.loc[rid, "n_errors"]), int(q.loc[rid, "n_errors_as_read"]), int((failing["report_id"] == rid).sum()),
            list(r3["review_effect"].fillna("")))


def test_a_decided_cell_that_makes_a_failing_equation_hold_clears_it_and_one_that_breaks_it_adds_it(db):
    """表三 R3 (新收 total = Σ applicant columns) fails as read in 甲 (9 ≠ 7): the clerk reads 7 in the
    original → the equation holds on the values in force: 0 errors in the queue, gone from 数据质量,
    the workbench marks it resolved; undo brings it back. In 乙 it held (11 = 11): a decided 5
    breaks it → 1 error, listed, marked introduced. The findings as read stay as they were."""
    a, da = _validated("a.txt", {KEY: 9, NATURAL: 7}, "甲单位")
    b, dbytes = _validated("b.txt", {KEY: 11, NATURAL: 11}, "乙单位")
    assert [f.rule for f in a.findings] == ["R3"] and b.findings == []
    with open_writer(db) as w:
        write_report(w.con, a, da, files_dir=w.layout.files)
        write_report(w.con, b, dbytes, files_dir=w.layout.files)
        w.publish()
    assert _in_force(db, a.sha256) == (1, 1, 1, [""])

    fix = review.record(db, reviewer="审查员甲", kind=review.CELL, target=KEY, sha256=a.sha256, action="number",
                        value=7.0, parser_value=9.0, parser_status="number", note="原文为 7")
    assert _in_force(db, a.sha256) == (0, 1, 0, ["resolved"])  # at once, before any publish
    r = run_cli("warehouse", "review", "apply", "--db", str(db))
    assert r.returncode == 0, r.stderr
    assert _in_force(db, a.sha256) == (0, 1, 0, ["resolved"])  # and in the published snapshot
    with reader(db) as plain:
        assert plain.execute("SELECT count(*) FROM findings WHERE rule = 'R3'").fetchone()[0] == 1  # as read, kept

    review.record(db, reviewer="审查员乙", kind=review.CELL, target=NATURAL, sha256=b.sha256, action="number",
                  value=5.0, parser_value=11.0, parser_status="number")
    n, as_read, listed, effects = _in_force(db, b.sha256)
    assert (n, as_read, listed, effects) == (1, 0, 1, ["introduced"])
    cur = review.open_reviewed_reader(db).cursor()
    msg = cur.execute("SELECT message FROM findings_in_force f JOIN reports r USING (report_id) WHERE r.sha256 = ?",
                      [b.sha256]).fetchone()[0]
    assert "应为 5" in msg and "实际为 11" in msg

    review.undo(db, "审查员甲", fix.decision_id)
    assert _in_force(db, a.sha256) == (1, 1, 1, [""])


def _store_uncertain_report(db):
    """One published report whose two table 三 cells are a P1 reading with two candidate splits."""
    from loaders.model import Finding

    r, data = make_report("p.txt", {KEY: None, NATURAL: None}, agency="丙单位")
    r.findings.append(Finding("P1", "warning", "parse", "数字粘连，无法确定拆分", keys=(KEY, NATURAL),
                              where="表三", candidates=[[1, 23], [12, 3]]))
    with open_writer(db) as w:
        write_report(w.con, r, data, files_dir=w.layout.files)
        w.publish()
    return r


def test_an_uncertain_reading_settled_by_decisions_leaves_the_queue_count(db):
    """识别存疑: a P1 finding over two cells counts in the queue until each of its cells has a
    decided value (one is not enough); undoing one brings it back. The finding as read stays."""
    from warehouse import queries
    from warehouse.filters import Filters

    r = _store_uncertain_report(db)

    def counts():
        q = queries.review_queue(review.open_reviewed_reader(db).cursor(), Filters()).iloc[0]
        return int(q["n_parse_issues"]), int(q["n_parse_issues_as_read"])

    assert counts() == (1, 1)
    cell = dict(reviewer="审查员甲", kind=review.CELL, sha256=r.sha256, action="number", parser_status="unread")
    review.record(db, target=KEY, value=12.0, **cell)
    assert counts() == (1, 1)
    second = review.record(db, target=NATURAL, value=3.0, **cell)
    assert counts() == (0, 1)
    review.undo(db, "审查员甲", second.decision_id)
    assert counts() == (1, 1)
    with reader(db) as plain:
        assert plain.execute("SELECT count(*) FROM findings WHERE rule = 'P1'").fetchone()[0] == 1


def test_the_batch_list_of_a_round_lists_what_the_notice_sends(db):
    """退回清单: a report sent back with two failing equations lists both; one dismissed by the
    reviewer leaves the list as it leaves the notice; a round starting after the return is empty."""
    import datetime as dt

    from warehouse import queries
    from warehouse.filters import Filters

    values = {KEY: 9, NATURAL: 7, "t3.carried_over.total": 0, "t3.result.total.total": 1, "t3.carry_forward.total": 0}
    a, da = _validated("a.txt", values, "甲单位")
    assert sorted(f.rule for f in a.findings) == ["R1", "R3"]
    with open_writer(db) as w:
        write_report(w.con, a, da, files_dir=w.layout.files)
        w.publish()
    cur = review.open_reviewed_reader(db).cursor()
    (rid,) = cur.execute("SELECT report_id FROM reports").fetchone()
    case = queries.review_queue(cur, Filters()).iloc[0]["case_key"]
    review.record(db, reviewer="审查员甲", kind=review.CASE, target=case, sha256=a.sha256, action=review.RETURNED,
                  deadline="2027-01-15")

    def batch(since=None):
        return queries.returned_reports(review.open_reviewed_reader(db).cursor(), Filters(), since)

    b = batch()
    assert list(b["report_id"]) == [rid] and int(b.iloc[0]["n_problems"]) == 2 and b.iloc[0]["deadline"] == "2027-01-15"
    fs = queries.report_review_findings(review.open_reviewed_reader(db).cursor(), Filters(), rid).set_index("rule")
    review.record(db, reviewer="审查员甲", kind=review.FINDING, target=fs.loc["R1", "ref"], sha256=a.sha256,
                  action=review.DISMISSED, note="上年结转口径不同")
    b = batch()
    assert int(b.iloc[0]["n_problems"]) == 1 and "表三" in b.iloc[0]["problems"]
    assert fs.loc["R3", "message"] == b.iloc[0]["problems"]
    today = dt.datetime.now(dt.UTC).date()
    assert len(batch(today.isoformat())) == 1
    assert batch((today + dt.timedelta(days=2)).isoformat()).empty


def test_data_quality_marks_an_uncertain_reading_settled_once_each_cell_is_decided(db):
    from warehouse import queries
    from warehouse.filters import Filters

    r = _store_uncertain_report(db)

    def settled():
        return queries.parse_uncertain(review.open_reviewed_reader(db).cursor(), Filters())["settled"].tolist()

    assert settled() == [""]
    cell = dict(reviewer="审查员甲", kind=review.CELL, sha256=r.sha256, action="number", parser_status="unread")
    review.record(db, target=KEY, value=12.0, **cell)
    assert settled() == [""]
    review.record(db, target=NATURAL, value=3.0, **cell)
    assert settled() == ["已核定"]
