"""A fast-path load killed mid-way (SIGKILL) publishes nothing and leaves the warehouse usable: the
snapshot readers see is the one before it, and the next load discards the half-written working
copy (it commits statement by statement, so it is never resumed) and publishes whole."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from warehouse.connect import Layout, current_snapshot, open_reader
from warehouse.fastpath import load

ROOT = Path(__file__).resolve().parents[2]


def _count(db: Path) -> tuple[int, int]:
    con = open_reader(db)
    try:
        return (con.execute("SELECT COUNT(*) FROM reports").fetchone()[0],
                con.execute("SELECT COUNT(*) FROM reports WHERE n_errors IS NULL").fetchone()[0])
    finally:
        con.close()


def test_a_killed_fastpath_load_publishes_nothing_and_the_next_load_is_whole(tmp_path: Path):
    db = tmp_path / "big.duckdb"
    load(db, 300)
    before = current_snapshot(db)
    assert _count(db) == (300, 0)

    work = Layout.of(db).work
    code = f"from warehouse.fastpath import load; load({str(db)!r}, 200_000, replace=True)"
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, stderr=subprocess.PIPE)
    # kill it once it is writing: its working copy has grown past the empty schema
    deadline = time.monotonic() + 120
    while not (work.exists() and work.stat().st_size > 8 << 20):
        assert proc.poll() is None, proc.stderr.read().decode(errors="replace")
        assert time.monotonic() < deadline, "the load never started writing"
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    # readers still see the snapshot from before, whole
    assert current_snapshot(db) == before
    assert _count(db) == (300, 0)

    # the next load discards the half-written copy and publishes its own reports only
    load(db, 500, replace=True)
    assert current_snapshot(db) != before
    assert _count(db) == (500, 0)
