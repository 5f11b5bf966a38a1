"""The real ingest command on real files: idempotent, failures logged with Chinese reasons, zips, reparse."""

from __future__ import annotations

import zipfile
from pathlib import Path

from wh_helpers import run_cli, seed_variants

from warehouse.connect import data_version, open_reader


def _state(db: Path, *, location: bool = True) -> dict:
    con = open_reader(db)
    cells = "SELECT * FROM cells" if location else "SELECT * EXCLUDE (location) FROM cells"
    try:
        return {
            "reports": con.execute("SELECT * EXCLUDE (parser_version) FROM reports ORDER BY report_id").fetchall(),
            "cells": con.execute(f"{cells} ORDER BY report_id, key").fetchall(),
            "findings": con.execute("SELECT * FROM findings ORDER BY ALL").fetchall(),
            "values": con.execute("SELECT * FROM report_values ORDER BY report_id").fetchall(),
            "docs": con.execute("SELECT sha256, name, origin, stored_path FROM source_documents ORDER BY 1").fetchall(),
        }
    finally:
        con.close()


def test_ingest_files_folders_zips_idempotent(tmp_path: Path, seed_report: Path, db: Path):
    files = seed_variants(seed_report.read_text(encoding="utf-8"), tmp_path / "in", 3, manifest=tmp_path / "m.csv")
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    (tmp_path / "in" / "notes.txt").write_text("会议纪要：本周工作安排。\n", encoding="utf-8")
    with zipfile.ZipFile(tmp_path / "batch.zip", "w") as z:
        z.write(seed_report, "年报/2021_sanmenxia_devzone_party_office.txt")
    r = run_cli("loaders", "ingest", str(tmp_path / "in"), str(tmp_path / "batch.zip"), "--db", str(db),
                "--manifest", str(tmp_path / "m.csv"), "--workers", "2")
    assert r.returncode == 1, r.stderr  # two bad files → non-zero exit
    assert "empty.txt：文件为空" in r.stdout
    assert "notes.txt：不是政府信息公开工作年度报告" in r.stdout
    con = open_reader(db)
    assert con.execute("SELECT COUNT(*) FROM reports").fetchone()[0] == 4  # 3 variants + the zip member
    origins = [o for (o,) in con.execute("SELECT origin FROM source_documents").fetchall()]
    assert any(o.endswith("batch.zip!年报/2021_sanmenxia_devzone_party_office.txt") for o in origins)
    log = con.execute("SELECT origin, error_kind, reason FROM ingest_log ORDER BY origin").fetchall()
    assert [(Path(o).name, k) for o, k, _ in log] == [("empty.txt", "empty"), ("notes.txt", "not_a_report")]
    assert sorted(con.execute("SELECT agency FROM reports WHERE agency LIKE '示例第%'").fetchall()) == [
        (f"示例第{i}开发区党政办公室",) for i in range(3)]
    con.close()
    before, v1 = _state(db), data_version(db)
    _state_before_no_loc = _state(db, location=False)

    # the same command again: nothing changes (only the two bad files fail again)
    r2 = run_cli("loaders", "ingest", str(tmp_path / "in"), str(tmp_path / "batch.zip"), "--db", str(db),
                 "--manifest", str(tmp_path / "m.csv"), "--workers", "2")
    assert r2.returncode == 1
    assert _state(db) == before
    assert data_version(db) != v1  # a new snapshot was published, with identical content

    # only good files: exit 0
    r3 = run_cli("loaders", "ingest", *map(str, files), "--db", str(db), "--manifest", str(tmp_path / "m.csv"))
    assert r3.returncode == 0, r3.stdout + r3.stderr
    assert _state(db) == before

    # re-parse everything from the stored originals: same result, manifest metadata kept
    r4 = run_cli("loaders", "ingest", "--reparse", "--db", str(db))
    assert r4.returncode == 0, r4.stdout + r4.stderr
    assert "重新解析" in r4.stdout
    # (a zip member is re-read from its stored copy, so its cells' location no longer names the zip)
    assert _state(db, location=False) == _state_before_no_loc

    # a corrected manifest given with --reparse replaces what the old one said
    (tmp_path / "m2.csv").write_text("file,agency,year\nseed_v001.txt,示例更正后机关,2021\n", encoding="utf-8")
    r5 = run_cli("loaders", "ingest", "--reparse", "--db", str(db), "--manifest", str(tmp_path / "m2.csv"))
    assert r5.returncode == 0, r5.stdout + r5.stderr
    con = open_reader(db)
    agencies = {a for (a,) in con.execute("SELECT agency FROM reports").fetchall()}
    assert "示例更正后机关" in agencies and "示例第1开发区党政办公室" not in agencies
    assert "示例第0开发区党政办公室" in agencies  # the other files keep their stored manifest values


def test_folder_holding_the_warehouse_itself(tmp_path: Path, seed_report: Path):
    from warehouse.ingest import ingest

    (tmp_path / "seed.txt").write_bytes(seed_report.read_bytes())
    db = tmp_path / "gongkai.duckdb"
    first = ingest([tmp_path], db, workers=1)
    second = ingest([tmp_path], db, workers=1)  # the folder now also holds the warehouse's files
    assert (first.stored, first.failed) == (1, 0)
    assert (second.inputs, second.unchanged, second.failed) == (1, 1, 0)
    info = run_cli("warehouse", "info", "--db", str(db))
    assert info.returncode == 0, info.stderr
    assert "2021" in info.stdout and "ingest" in info.stdout


def test_scanned_pdf_is_kept_and_reported(tmp_path: Path):
    from fpdf import FPDF
    from PIL import Image

    from warehouse.ingest import ingest

    Image.new("RGB", (400, 300), "white").save(tmp_path / "page.png")
    pdf = FPDF()
    pdf.add_page()
    pdf.image(str(tmp_path / "page.png"), x=10, y=10, w=180)  # an image only: no text layer
    pdf.output(str(tmp_path / "in.pdf"))
    db = tmp_path / "w" / "gongkai.duckdb"
    s = ingest([tmp_path / "in.pdf"], db, workers=1)
    assert s.failed == 1 and s.failures[0]["reason"] == "扫描件，无文字层，OCR 也未识别出文字（空白页或不是文字的图片）"
    con = open_reader(db)
    assert con.execute("SELECT doc_status FROM reports").fetchall() == [("scanned",)]
    assert con.execute("SELECT outcome, error_kind FROM ingest_log").fetchall() == [("scanned", "scanned")]
    stored = con.execute("SELECT stored_path FROM source_documents").fetchone()[0]
    assert (Path(str(db) + ".d") / "files" / stored).read_bytes() == (tmp_path / "in.pdf").read_bytes()


def test_manifest_row_reaches_a_member_at_the_zip_root(tmp_path: Path, seed_report: Path):
    from loaders.manifest import read_manifest
    from warehouse.ingest import parse_path

    with zipfile.ZipFile(tmp_path / "batch.zip", "w") as z:
        z.write(seed_report, "root_member.txt")  # no folder inside the archive
        z.write(seed_report, "年报/nested_member.txt")
    (tmp_path / "m.csv").write_text("file,agency\nroot_member.txt,示例根目录机关\nnested_member.txt,示例子目录机关\n",
                                    encoding="utf-8")
    results = parse_path(str(tmp_path / "batch.zip"), read_manifest(tmp_path / "m.csv"))
    got = {p.report.file: (p.report.agency.value, p.report.agency.source) for p in results}
    assert got == {"root_member.txt": ("示例根目录机关", "清单(manifest)"),
                   "nested_member.txt": ("示例子目录机关", "清单(manifest)")}


def test_unchanged_reingest_keeps_the_data_version(tmp_path: Path, seed_report: Path):
    """Nothing new stored → no new snapshot: open sessions keep their caches (issue 15)."""
    from warehouse.connect import Layout, current_snapshot, data_version
    from warehouse.ingest import ingest

    src = tmp_path / "in"
    src.mkdir()
    (src / "seed.txt").write_bytes(seed_report.read_bytes())
    db = tmp_path / "gongkai.duckdb"
    first = ingest([src], db, workers=1)
    snap, version = current_snapshot(db), data_version(db)
    second = ingest([src], db, workers=1)
    assert (first.stored, second.stored, second.unchanged) == (1, 0, 1)
    assert data_version(db) == version == second.data_version
    assert current_snapshot(db) == snap and snap.exists()
    assert not Layout.of(db).work.exists()  # the unused working copy is gone, not left to resume
    # a new file still publishes a new version
    (src / "copy.txt").write_bytes(seed_report.read_bytes() + b"\n")
    third = ingest([src], db, workers=1)
    assert third.data_version != version and data_version(db) == third.data_version
