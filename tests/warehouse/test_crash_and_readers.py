"""Crash safety (a real SIGKILL) and readers during a real ingest (real processes)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from wh_helpers import ROOT, run_cli, seed_variants

from loaders.spec import cell_keys
from warehouse.connect import Layout, open_reader

pytestmark = pytest.mark.slow

N_FILES = 24


def _content(db: Path) -> dict:
    con = open_reader(db)
    try:
        return {
            "reports": con.execute("SELECT * FROM reports ORDER BY report_id").fetchall(),
            "cells": con.execute("SELECT * FROM cells ORDER BY report_id, key").fetchall(),
            "findings": con.execute("SELECT * FROM findings ORDER BY ALL").fetchall(),
            "values": con.execute("SELECT * FROM report_values ORDER BY report_id").fetchall(),
            "agencies": con.execute("SELECT * FROM agencies ORDER BY ALL").fetchall(),
            "docs": con.execute("SELECT * EXCLUDE (ingested_at, run_id, origin) FROM source_documents "
                                "ORDER BY sha256").fetchall(),
        }
    finally:
        con.close()


def _whole_reports_only(con: duckdb.DuckDBPyConnection) -> int:
    """Every stored report has its document, all its cells and its wide row; returns the count."""
    n = con.execute("SELECT COUNT(*) FROM reports").fetchone()[0]
    bad = con.execute("""
        SELECT r.report_id FROM reports r
        LEFT JOIN (SELECT report_id, COUNT(*) AS n FROM cells GROUP BY 1) c USING (report_id)
        LEFT JOIN report_values v USING (report_id)
        LEFT JOIN source_documents d USING (sha256)
        WHERE c.n IS DISTINCT FROM ? OR v.report_id IS NULL OR d.sha256 IS NULL
    """, [len(cell_keys("2021"))]).fetchall()
    assert bad == [], f"half-written reports: {bad}"
    orphans = con.execute("SELECT COUNT(*) FROM cells WHERE report_id NOT IN (SELECT report_id FROM reports)")
    assert orphans.fetchone()[0] == 0
    return n


def _ingest_cmd(src: Path, manifest: Path, db: Path) -> list[str]:
    return [sys.executable, "-m", "loaders", "ingest", str(src), "--db", str(db), "--manifest", str(manifest),
            "--workers", "2", "--quiet", "--publish-every", "2", "--batch-size", "5"]


def test_sigkill_then_rerun_equals_uninterrupted(tmp_path: Path, seed_report: Path):
    src, manifest = tmp_path / "in", tmp_path / "m.csv"
    seed_variants(seed_report.read_text(encoding="utf-8"), src, N_FILES, manifest=manifest)
    ref_db = tmp_path / "ref" / "w.duckdb"
    ref = run_cli("loaders", "ingest", str(src), "--db", str(ref_db), "--manifest", str(manifest), "--workers", "2")
    assert ref.returncode == 0, ref.stdout + ref.stderr
    expected = _content(ref_db)
    assert len(expected["reports"]) == N_FILES

    db = tmp_path / "killed" / "w.duckdb"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    lay = Layout.of(db)
    # Kill twice, each at a point of the run seen in the warehouse's files, never after a delay
    # (a delay lands before or after the run's end depending on the machine's load): as soon as
    # the run's first publish moves the pointer (--publish-every 2 --batch-size 5: 10 new files
    # in, the rest still to parse — 14 in the first run, 4 in the second). Each time the
    # warehouse stays whole.
    for attempt in range(2):
        before = lay.pointer.read_bytes() if lay.pointer.exists() else None
        proc = subprocess.Popen(_ingest_cmd(src, manifest, db), cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        def reached(before: bytes | None = before) -> bool:
            return lay.pointer.exists() and lay.pointer.read_bytes() != before

        deadline = time.monotonic() + 300  # a hang guard only
        while not reached() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        if attempt > 0 and not reached() and proc.poll() == 0:
            # the first kill fell after the last report was stored: this run had nothing new to publish
            break
        assert reached(), "the kill point was never reached"
        assert proc.poll() is None, "ingest finished before it could be killed; make the batch bigger"
        # Only the ingest process is killed, as the OOM killer or `kill -9 <pid>` would; its parse
        # workers must not keep the warehouse locked (the next run starts right away).
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        # the published warehouse opens (if anything was published yet) and holds whole reports only
        if lay.pointer.exists():
            con = open_reader(db)
            _whole_reports_only(con)
            con.close()
        # The crashed working copy, recovered the way the next writer will, holds whole reports
        # only. It is absent when the kill fell between a publish (working copy renamed to a
        # snapshot) and the next copy; then the published snapshot above is the whole state.
        if lay.work.exists():
            probe = tmp_path / f"probe{attempt}.duckdb"
            probe.write_bytes(lay.work.read_bytes())
            if lay.work_wal.exists():
                probe.with_name(probe.name + ".wal").write_bytes(lay.work_wal.read_bytes())
            con = duckdb.connect(str(probe))
            has_schema = con.execute("SELECT COUNT(*) FROM duckdb_tables() WHERE table_name = 'reports'").fetchone()[0]
            n_partial = _whole_reports_only(con) if has_schema else 0  # died before its schema: nothing half-written
            con.close()
        else:
            assert lay.pointer.exists(), "no working copy and nothing published"
            con = open_reader(db)
            n_partial = _whole_reports_only(con)
            con.close()
        # the process was still running when killed (asserted above); how much of the batch was in by then
        # depends on the load — at the second kill the rest may all be stored, the run's publish still to come
        assert n_partial <= N_FILES

    again = subprocess.run(_ingest_cmd(src, manifest, db), cwd=ROOT, env=env, capture_output=True, text=True,
                           timeout=300)
    assert again.returncode == 0, again.stdout + again.stderr
    assert _content(db) == expected
    # the killed runs' in-flight parse results were cleaned up by the run that followed
    assert not lay.scratch.exists() or not any(lay.scratch.rglob("*.pkl"))


READER = r"""
import json, sys, time, traceback
from pathlib import Path
from warehouse.connect import open_reader, data_version
db, stop, out = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
seen, errors = [], []
while True:
    stopping = stop.exists()
    try:
        con = open_reader(db)
        n = con.execute("SELECT COUNT(*) FROM reports").fetchone()[0]
        m = con.execute("SELECT COUNT(*) FROM reports_wide WHERE t3__new_received__total IS NOT NULL").fetchone()[0]
        con.close()
        seen.append([data_version(db), n, m])
    except Exception:
        errors.append(traceback.format_exc())
    if stopping:
        break
    time.sleep(0.01)
out.write_text(json.dumps({"seen": seen, "errors": errors}))
"""


def test_readers_never_break_during_ingest(tmp_path: Path, seed_report: Path):
    src, manifest = tmp_path / "in", tmp_path / "m.csv"
    seed_variants(seed_report.read_text(encoding="utf-8"), src, N_FILES, manifest=manifest)
    db = tmp_path / "w.duckdb"
    assert run_cli("warehouse", "init", "--db", str(db)).returncode == 0
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    stop, out = tmp_path / "stop", tmp_path / "reader.json"
    readers = [subprocess.Popen([sys.executable, "-c", READER, str(db), str(stop), str(out.with_suffix(f".{i}"))],
                                cwd=ROOT, env=env) for i in range(2)]
    ingest = subprocess.run(_ingest_cmd(src, manifest, db), cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=300)
    assert ingest.returncode == 0, ingest.stdout + ingest.stderr
    time.sleep(0.5)  # readers keep reading after the ingest ended
    stop.touch()
    for i, p in enumerate(readers):
        p.wait(timeout=60)
        result = json.loads(out.with_suffix(f".{i}").read_text())
        assert result["errors"] == []
        seen = result["seen"]
        counts = [n for _, n, _ in seen]
        assert counts == sorted(counts)  # data only grows, never goes back or half-appears
        assert counts[0] < N_FILES and counts[-1] == N_FILES  # it saw the new data after the ingest
        assert all(n == m for _, n, m in seen)  # every visible report had its values
        assert len({v for v, _, _ in seen}) >= 2


def test_a_dying_worker_does_not_stop_the_batch(tmp_path: Path, seed_report: Path):
    """SIGKILL one parse worker mid-run (as the OOM killer would): its file is parsed again on its own, so
    every file still gets stored."""
    src, manifest = tmp_path / "in", tmp_path / "m.csv"
    seed_variants(seed_report.read_text(encoding="utf-8"), src, N_FILES, manifest=manifest)
    db = tmp_path / "w.duckdb"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(_ingest_cmd(src, manifest, db), cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    killed = None
    deadline = time.monotonic() + 60
    while killed is None and time.monotonic() < deadline and proc.poll() is None:
        children = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True).stdout.split()
        if len(children) >= 2:  # two workers (one per file) are up and parsing
            try:
                os.kill(int(children[0]), signal.SIGKILL)
                killed = int(children[0])
            except ProcessLookupError:  # that file was done already: the next one
                pass
        time.sleep(0.05)
    out, err = proc.communicate(timeout=300)
    assert killed is not None, "no worker process seen"
    assert proc.returncode == 0, out + err
    con = open_reader(db)
    assert _whole_reports_only(con) == N_FILES
