"""One ingest over a folder mixing every hostile file of the fuzz pass with good reports: it finishes,
stores every good report, logs each bad input with its reason, and publishes a snapshot readers see.
Its time is bounded by the per-file limits (each file runs in a limited worker)."""

from __future__ import annotations

import os
import random
from pathlib import Path

from loaders.readers.common import MAX_TABLE_ROWS
from warehouse.connect import data_version, open_reader
from warehouse.ingest import ingest
from warehouse.workers import Limits

from .make import broken_zlib_docx, good_report, zip_of
from .test_readers_hostile import _docx_with_body


def _hostile(d: Path) -> set[str]:
    """Writes the bad inputs; returns the names the run log must show for them."""
    bad = d / "bad"
    bad.mkdir()
    (bad / "大文本.txt").write_bytes(good_report() * (49 * 2**20 // len(good_report())))
    rows = "".join(f"<tr><td>第{i}行</td><td>{i}</td></tr>" for i in range(100_000))
    (bad / "十万行.html").write_text(f"<html><body><h1>2023年政府信息公开工作年度报告</h1><table>{rows}</table>"
                                    "</body></html>", encoding="utf-8")
    (bad / "炸弹.docx").write_bytes(_docx_with_body("<w:p><w:r><w:t>年报</w:t></w:r></w:p>", pad=300 * 2**20))
    (bad / "跨度.docx").write_bytes(_docx_with_body(
        '<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="100000000"/></w:tcPr><w:p><w:r><w:t>x</w:t></w:r></w:p>'
        "</w:tc></w:tr></w:tbl>"))
    (bad / "损坏.docx").write_bytes(broken_zlib_docx())
    (bad / "空.zip").write_bytes(zip_of({}))
    (bad / "只有文件夹.zip").write_bytes(zip_of({}, ("年报/", "年报/2023/")))
    rng = random.Random(30)
    noise = bytes(rng.choice(b"0123456789abcdef") for _ in range(100_000))
    (bad / "三十成员.zip").write_bytes(zip_of({f"成员{i:02d}.txt": noise for i in range(30)}))
    return {"大文本.txt", "十万行.html", "炸弹.docx", "跨度.docx", "损坏.docx", "空.zip", "只有文件夹.zip"} | {
        f"三十成员.zip!成员{i:02d}.txt" for i in range(30)}


def _good(d: Path) -> int:
    good = d / "good"
    good.mkdir()
    text = good_report("txt-tsv", i=0).decode()
    (good / "长数字.txt").write_text(text.replace("## 五、", f"说明 {'1' * 40} 件\n\n## 五、", 1), encoding="utf-8")
    (good / "超长数.txt").write_text(good_report("txt-tsv", i=1).decode().replace("行政许可\t", "行政许可\t" + "9" * 400, 1),
                                  encoding="utf-8")
    (good / "报告.docx").write_bytes(good_report("docx", i=2))
    (good / "报告.html").write_bytes(good_report("html-cms", i=3))
    (good / "报告.pdf").write_bytes(good_report("pdf", i=4))
    # names a file system allows but that are not plain text: bytes that are not UTF-8, a control character
    os.rename(_write(good / "x.txt", good_report(i=5)), os.fsencode(good) + b"/\xff\xfe\xb0\xa1.txt")
    _write(good / "控制\x07字符.txt", good_report(i=6))
    # an agency whose name is a formula: stored as text (downloads neutralise it, see test_downloads_neutralised)
    formula = good_report(i=7).decode()
    agency = next(line for line in formula.splitlines() if "政府信息公开工作年度报告" in line)
    (good / "公式.txt").write_text(formula.replace(agency, '=HYPERLINK("http://x")' + agency, 1), encoding="utf-8")
    (good / "包.zip").write_bytes(zip_of({"成员甲.txt": good_report(i=8), "成员乙.txt": good_report(i=9)}))
    return 10


def _write(p: Path, data: bytes) -> Path:
    p.write_bytes(data)
    return p


def test_a_batch_of_every_hostile_file_with_good_reports_finishes_and_publishes(tmp_path: Path):
    assert MAX_TABLE_ROWS < 100_000
    bad_names = _hostile(tmp_path)
    n_good = _good(tmp_path)
    db = tmp_path / "wh" / "gk.duckdb"
    s = ingest([tmp_path / "good", tmp_path / "bad"], db, workers=2,
               limits=Limits(seconds=90, memory_bytes=1536 * 2**20))
    assert s.stored == n_good, s.failures
    con = open_reader(db)
    try:
        assert con.execute("SELECT COUNT(*) FROM reports").fetchone()[0] == n_good
        log = con.execute("SELECT origin, error_kind, reason FROM ingest_log").fetchall()
        run = con.execute("SELECT status, n_stored, n_failed FROM ingest_runs").fetchall()
        origins = [o for (o,) in con.execute("SELECT origin FROM source_documents").fetchall()]
    finally:
        con.close()
    logged = {o.split("/bad/", 1)[1] for o, _k, _r in log}
    assert logged == bad_names
    assert all(k and r for _o, k, r in log)  # each with its kind and Chinese reason
    kinds = {o.split("/bad/", 1)[1]: k for o, k, _r in log}
    # every one refused by the readers' own bounds, none needed the worker's time or memory limit
    assert not {"timeout", "memory_limit", "crashed", "internal"} & set(kinds.values()), kinds
    assert run == [("done", n_good, len(bad_names))]
    assert data_version(db) == s.data_version != ""
    # the odd names are stored in their lossless escaped form, valid UTF-8 (DuckDB refused the surrogates)
    assert any(o.endswith("/good/\\xff\\xfe\\xb0\\xa1.txt") for o in origins)
    assert any(o.endswith("控制\x07字符.txt") or o.endswith("控制\\x07字符.txt") for o in origins)
