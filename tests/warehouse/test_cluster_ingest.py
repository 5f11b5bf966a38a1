"""Parsing on a real Dask cluster (``ingest --scheduler``): a ``distributed.LocalCluster`` of two worker
processes, real files (TXT variants of a real report, a scanned PDF read by real OCR, a corrupt PDF),
a worker process SIGKILLed while it parses."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from pathlib import Path

import dask
import pytest
from distributed import Client, LocalCluster
from test_crash_and_readers import _content
from wh_helpers import ROOT, run_cli, seed_variants

from loaders.manifest import read_manifest
from warehouse.connect import open_reader
from warehouse.ingest import ingest

sys.path.insert(0, str(ROOT / "tests" / "readers"))
import generate

pytestmark = pytest.mark.slow

N_TXT = 8
SLOW_SECONDS = 0.5  # a task running this long on a worker is mid-task when killed (the scan takes seconds)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory, seed_report: Path) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("cluster_in")
    src, manifest = root / "in", root / "m.csv"
    seed_variants(seed_report.read_text(encoding="utf-8"), src, N_TXT, manifest=manifest)
    generate.make_scanned_pdf(src / "scan.pdf")  # OCR: seconds of parsing, a task long enough to kill mid-way
    (src / "broken.pdf").write_bytes(b"%PDF-1.4\n this is not a pdf at all \n%%EOF")
    return src, manifest


@pytest.fixture(scope="module")
def local_pool_db(tmp_path_factory, inputs) -> Path:
    src, manifest = inputs
    db = tmp_path_factory.mktemp("local") / "w.duckdb"
    s = ingest([src], db, manifest=read_manifest(manifest), workers=2, batch_size=3)
    assert s.stored == N_TXT and s.failed == 2  # the scan is kept (numbers unreadable), the broken PDF fails
    return db


def _log(db: Path) -> list[tuple]:
    con = open_reader(db)
    try:
        return con.execute("SELECT regexp_replace(origin, '^.*/', ''), sha256, outcome, error_kind, reason, detail "
                           "FROM ingest_log ORDER BY ALL").fetchall()
    finally:
        con.close()


def _cluster() -> LocalCluster:
    return LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                        env={"PYTHONPATH": str(ROOT)})


def _ingest_killing_a_worker(cluster: LocalCluster, src: Path, manifest: Path, db: Path):
    """Run the ingest on the cluster in a thread; SIGKILL the worker process that has been running one task
    for SLOW_SECONDS (the scan, mid-OCR). Returns (summary, killed pid, pids before, pids after)."""
    out: dict = {}

    def run() -> None:
        try:
            out["summary"] = ingest([src], db, manifest=read_manifest(manifest), batch_size=3,
                                    scheduler=cluster.scheduler_address)
        except BaseException as e:  # re-raised in the test
            out["error"] = e

    with Client(cluster, set_as_default=False) as watcher:
        before = set(watcher.run(os.getpid).values())
        t = threading.Thread(target=run)
        t.start()
        seen: dict[tuple[str, str], float] = {}  # (worker, key) → first seen executing
        killed = None
        deadline = time.monotonic() + 240
        while killed is None and t.is_alive() and time.monotonic() < deadline:
            executing = watcher.run(lambda dask_worker: (os.getpid(), [str(ts.key) for ts in dask_worker.state.executing]))
            now = time.monotonic()
            for addr, (pid, keys) in executing.items():
                for key in keys:
                    first = seen.setdefault((addr, key), now)
                    if now - first >= SLOW_SECONDS and killed is None:
                        os.kill(pid, signal.SIGKILL)
                        killed = pid
            time.sleep(0.05)
        t.join(timeout=300)
        assert not t.is_alive(), "ingest on the cluster did not finish"
        if "error" in out:
            raise out["error"]
        # a wait, not a measure: the nanny's new worker imports the OCR and solver stack (> 60 s at load 20)
        watcher.wait_for_workers(2, timeout=600)
        after = set(watcher.run(os.getpid).values())
    return out["summary"], killed, before, after


def test_cluster_ingest_equals_local_pool_and_a_killed_worker_is_retried(tmp_path: Path, inputs, local_pool_db):
    src, manifest = inputs
    db = tmp_path / "w.duckdb"
    with _cluster() as cluster:
        s, killed, before, after = _ingest_killing_a_worker(cluster, src, manifest, db)
        assert killed in before and killed not in after  # the worker really died (the nanny started a new one)
        # its task went to another worker: nothing lost, nothing extra
        assert (s.stored, s.failed, s.unchanged) == (N_TXT, 2, 0)
        assert _content(db) == _content(local_pool_db)
        assert _log(db) == _log(local_pool_db)
        # the same files again through the CLI flag: the stored ones are skipped unparsed, only the failed
        # one is tried again (and fails again, exit code 1, named with its reason); the data is unchanged
        r = run_cli("loaders", "ingest", str(src), "--db", str(db), "--manifest", str(manifest), "--quiet",
                    "--scheduler", cluster.scheduler_address)
        assert r.returncode == 1, r.stdout + r.stderr
        assert "以下 1 个文件未能入库" in r.stdout and "broken.pdf：文件已损坏或不完整" in r.stdout
        assert _content(db) == _content(local_pool_db)


def test_a_task_that_keeps_killing_workers_is_logged_not_lost(tmp_path: Path, inputs, local_pool_db):
    """With no second chances (allowed-failures 0) the killed worker's task comes back as KilledWorker: the
    file is logged as failed with the reason, every input is accounted for, and the next run stores it."""
    src, manifest = inputs
    db = tmp_path / "w.duckdb"
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}), _cluster() as cluster:
        s, killed, _before, _after = _ingest_killing_a_worker(cluster, src, manifest, db)
    assert killed is not None
    crashed = [f for f in s.failures if f["kind"] == "crashed"]
    assert crashed and all(f["reason"] == "解析进程意外退出" for f in crashed)
    # which file died with the worker depends on the load (any task running SLOW_SECONDS is killed):
    # each crashed one is an input, logged once
    assert all(any(f["file"].endswith(p.name) for p in src.iterdir()) for f in crashed)
    con = open_reader(db)
    try:
        stored = con.execute("SELECT COUNT(*) FROM source_documents").fetchone()[0]
        logged = con.execute("SELECT COUNT(DISTINCT origin) FROM ingest_log WHERE run_id = ?", [s.run_id]).fetchone()[0]
    finally:
        con.close()
    # every input is either stored or logged (the broken PDF and what died with the worker)
    assert stored + logged == N_TXT + 2
    assert s.failed == len(s.failures) == logged
    # the next run (the local pool) parses what was lost with the worker: the warehouse is then complete
    again = ingest([src], db, manifest=read_manifest(manifest), workers=2, batch_size=3)
    assert again.unchanged == stored and again.stored + again.failed == logged
    assert _content(db)["docs"] == _content(local_pool_db)["docs"]


def test_an_unreachable_scheduler_is_a_clear_error_naming_it():
    from warehouse.cluster import ClusterUnavailable, connect

    with pytest.raises(ClusterUnavailable, match=r"无法连接 Dask 调度器 tcp://127\.0\.0\.1:1"):
        connect("tcp://127.0.0.1:1", timeout=2)
