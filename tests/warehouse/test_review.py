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
