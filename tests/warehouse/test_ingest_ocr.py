"""Ingest shows OCR progress: a scan's pages are reported while its worker reads them, in the
library call (``on_ocr``) and on the command line; text files report none. Real OCR, real workers."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from wh_helpers import run_cli

from loaders.synth import generate_reports
from loaders.synth.render import RENDERERS
from loaders.synth.scan import ScanStyle, png_zip, scan_pages
from warehouse.connect import open_reader
from warehouse.ingest import ingest

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def scan_zip(tmp_path_factory) -> Path:
    """The first two pages of a synthetic report, scanned (150 dpi, 0.5°), as a zip of page images."""
    rec = next(iter(generate_reports(1, "2023", seed=7, defect_rate=0.0)))
    pages = scan_pages(RENDERERS["pdf"][1](rec), ScanStyle(dpi=150, angle=0.5), seed=7)[:2]
    path = tmp_path_factory.mktemp("scan") / "scan.zip"
    path.write_bytes(png_zip(pages))
    return path


def test_ocr_pages_reported_from_the_workers(tmp_path: Path, scan_zip: Path, seed_report: Path, db: Path):
    seen: list[tuple[str, int, int]] = []
    s = ingest([scan_zip, seed_report], db, workers=2, on_ocr=lambda f, d, n: seen.append((f, d, n)))
    assert s.inputs == 2
    assert seen, "no OCR progress reported"
    assert {f for f, _, _ in seen} == {str(scan_zip)}  # the text report is not OCR'd
    assert all(n == 2 and 0 <= d <= 2 for _, d, n in seen), seen
    assert [d for _, d, _ in seen] == sorted(d for _, d, _ in seen) and seen[-1][1:] == (2, 2)
    con = open_reader(db)
    try:
        assert con.execute("SELECT COUNT(*) FROM source_documents").fetchone()[0] == 2
    finally:
        con.close()


def test_ocr_progress_in_process_and_a_blank_scan_fails_naming_the_file(tmp_path: Path, seed_report: Path, db: Path):
    """Limits off and one worker: parsed in this process, progress still reported; the blank page
    is refused with its reason and the report after it is stored."""
    from warehouse.workers import Limits

    blank = tmp_path / "blank.png"
    Image.new("L", (1240, 1754), 255).save(blank)
    seen: list[tuple[str, int, int]] = []
    s = ingest([blank, seed_report], db, workers=1, limits=Limits(None, None),
               on_ocr=lambda f, d, n: seen.append((f, d, n)))
    assert seen == [(str(blank), 0, 1), (str(blank), 1, 1)]  # the page count first, then each page
    assert s.failed == 1 and s.failures[0]["file"] == str(blank) and "未识别出文字" in s.failures[0]["reason"]
    assert s.ok + s.with_findings == 1


def test_cli_shows_ocr_progress(tmp_path: Path, scan_zip: Path, db: Path, monkeypatch):
    monkeypatch.setenv("GONGKAI_PROGRESS", "1")  # the bars even though stderr is not a terminal
    r = run_cli("loaders", "ingest", str(scan_zip), "--db", str(db), "--workers", "2")
    assert f"OCR识别完成：{scan_zip}（2 页）" in r.stderr, r.stderr
    quiet = run_cli("loaders", "ingest", str(scan_zip), "--db", str(tmp_path / "q" / "g.duckdb"), "-q")
    assert "OCR识别" not in quiet.stderr
