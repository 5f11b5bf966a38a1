"""The inbox and the one writer: an app upload and a CLI ingest at the same time both complete,
nothing lost or doubled (row counts equal a serial run); limits; zips refused as the CLI refuses."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from wh_helpers import ROOT, run_cli, seed_variants

from warehouse.connect import open_reader
from warehouse.inbox import DONE, MAX_FILES, UploadRejected, check_upload, run_pending, safe_name, status, submit


@pytest.fixture(scope="module")
def two_sets(tmp_path_factory, seed_report: Path) -> tuple[Path, Path, Path]:
    """Set A: 8 seed-derived reports of 8 agencies (with their manifest); set B: synthetic reports."""
    root = tmp_path_factory.mktemp("sets")
    a = root / "a"
    manifest = root / "manifest.csv"
    seed_variants(seed_report.read_text(encoding="utf-8"), a, 8, manifest=manifest)
    res = run_cli("loaders.synth", "--agencies", "4", "--years", "2022-2023", "--formats", "txt,html", "--seed", "3",
                  "--out", str(root / "syn"))
    assert res.returncode == 0, res.stderr
    return a, root / "syn" / "raw", manifest


def _counts(db: Path) -> dict:
    with open_reader(db) as con:
        return {
            "reports": con.execute("SELECT COUNT(*) FROM reports").fetchone()[0],
            "current": con.execute("SELECT COUNT(*) FROM reports WHERE is_current").fetchone()[0],
            "cells": con.execute("SELECT COUNT(*) FROM cells").fetchone()[0],
            "findings": con.execute("SELECT COUNT(*) FROM findings").fetchone()[0],
            "docs": sorted(r[0] for r in con.execute("SELECT sha256 FROM source_documents").fetchall()),
            "agency_years": sorted(con.execute("SELECT agency, year FROM reports WHERE is_current").fetchall()),
        }


def _files(folder: Path) -> list[tuple[str, bytes]]:
    return [(p.name, p.read_bytes()) for p in sorted(folder.iterdir()) if p.is_file()]


def test_concurrent_cli_and_inbox_ingest_equal_a_serial_run(tmp_path: Path, two_sets):
    a, b, manifest = two_sets
    serial = tmp_path / "serial" / "gongkai.duckdb"
    assert run_cli("loaders", "ingest", str(a), "--db", str(serial), "--manifest", str(manifest), "-q").returncode == 0
    assert run_cli("loaders", "ingest", str(b), "--db", str(serial), "-q").returncode == 0

    db = tmp_path / "both" / "gongkai.duckdb"
    batch = submit(db, _files(b), by="测试")
    env = {"PYTHONPATH": str(ROOT)}
    runner = subprocess.Popen([sys.executable, "-m", "warehouse", "inbox-run", "--db", str(db)], cwd=ROOT,
                              env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    cli = subprocess.Popen([sys.executable, "-m", "loaders", "ingest", str(a), "--db", str(db), "--manifest",
                            str(manifest), "-q", "--wait", "600"], cwd=ROOT, env={**os.environ, **env},
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, err_r = runner.communicate(timeout=600)
    _, err_c = cli.communicate(timeout=600)
    assert runner.returncode == 0, err_r.decode()
    assert cli.returncode == 0, err_c.decode()
    st = status(db, batch)
    assert st is not None and st.state == DONE and st.status["failed"] == 0
    assert st.status["done"] == len(_files(b))
    got, want = _counts(db), _counts(serial)
    assert got == want
    assert want["current"] == 8 + 4 * 2


def test_upload_limits_and_names():
    with pytest.raises(UploadRejected, match="最多"):
        check_upload([("a.txt", 10)] * (MAX_FILES + 1))
    with pytest.raises(UploadRejected, match="为空"):
        check_upload([("a.txt", 0)])
    with pytest.raises(UploadRejected, match="没有选择"):
        check_upload([])
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("..\\..\\年报 2023.pdf") == "年报_2023.pdf"
    assert "/" not in safe_name("a/b/../c.txt") and safe_name("..") == "未命名"


def test_inbox_refuses_unsafe_zips_as_the_cli_does(tmp_path: Path, seed_report: Path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("../../evil.txt", seed_report.read_bytes())
        zf.writestr("年报.txt", seed_report.read_bytes())
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("huge.txt", b"0" * (20 * 1024 * 1024))
    db = tmp_path / "wh" / "gongkai.duckdb"
    batch = submit(db, [("reports.zip", buf.getvalue()), ("bomb.zip", bomb.getvalue())], by="测试")
    assert run_pending(db, workers=1) == 1
    st = status(db, batch)
    assert st.state == DONE and st.status["failed"] == 2 and st.status["ok"] + st.status["with_findings"] == 1
    reasons = {f["file"]: f["reason"] for f in st.status["failures"]}
    assert all("压缩包不安全" in r for r in reasons.values())
    assert any("evil.txt" in f for f in reasons) and any("bomb.zip" in f for f in reasons)
    assert not (tmp_path / "evil.txt").exists() and not (tmp_path / "wh" / "evil.txt").exists()
    # the CLI gives the same reasons for the same files
    folder = tmp_path / "cli"
    folder.mkdir()
    (folder / "reports.zip").write_bytes(buf.getvalue())
    (folder / "bomb.zip").write_bytes(bomb.getvalue())
    res = run_cli("loaders", "ingest", str(folder), "--db", str(tmp_path / "cli.duckdb"), "-q")
    assert res.returncode == 1 and res.stdout.count("压缩包不安全") == 2


def test_cli_without_wait_refuses_while_a_writer_works(db: Path, seed_report: Path):
    from warehouse.connect import WriterBusy, open_writer

    with open_writer(db) as w:
        w.publish(reopen=True)
        res = run_cli("loaders", "ingest", str(seed_report), "--db", str(db), "-q")
        assert res.returncode != 0 and "另一个入库进程" in res.stderr
        with pytest.raises(WriterBusy):
            open_writer(db, wait=0.5).__enter__()
