"""Ingest of a mixed batch with scans: the same typed reports ingested alone and with scanned ones.

    GONGKAI_OCR_THREADS=1 .venv/bin/python benchmarks/bench_ingest_scans.py --typed 12 --scans 3 --workers 1

Synthetic reports (both formats): ``--typed`` rendered by the typed renderers in turn (PDF, DOCX,
HTML, text), ``--scans`` rendered to PDF and scanned (200 dpi, ±1°, noise, JPEG 80) — as image-only
PDFs and, every other one, as a zip of PNG pages. Each batch goes into a fresh warehouse through
``warehouse.ingest`` (parse workers under the default limits, one writer, publish); prints wall
seconds, the OCR pages read and, for the scans, cells right / wrong / unread against the truth.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from loaders.synth import generate_reports
from loaders.synth.render import RENDERERS
from loaders.synth.scan import ScanStyle, image_pdf, png_zip, scan_pages
from warehouse.connect import open_reader
from warehouse.ingest import ingest

TYPED = ("pdf", "docx", "html-cms", "txt-tsv")


def _batch(out: Path, recs: list, n_scans: int) -> tuple[list[Path], list[Path], dict]:
    typed, scans, truth = [], [], {}
    for i, rec in enumerate(recs):
        if i < n_scans:
            style = ScanStyle(dpi=200, angle=1.0 if i % 2 == 0 else -1.0)
            pages = scan_pages(RENDERERS["pdf"][1](rec), style, seed=i)
            path = out / (f"scan_{i}.pdf" if i % 2 == 0 else f"scan_{i}.zip")
            path.write_bytes(image_pdf(pages) if i % 2 == 0 else png_zip(pages))
            scans.append(path)
            truth[path.name] = rec.values
            continue
        name = TYPED[i % len(TYPED)]
        ext, render = RENDERERS[name]
        data = render(rec)
        path = out / f"typed_{i}.{ext}"
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        typed.append(path)
    return typed, scans, truth


def _score(db: Path, truth: dict) -> tuple[int, int, int, int]:
    con = open_reader(db)
    try:
        rows = con.execute("SELECT d.name, c.key, c.value FROM cells c JOIN reports r USING (report_id) "
                           "JOIN source_documents d ON d.sha256 = r.sha256").fetchall()
    finally:
        con.close()
    got: dict[str, dict] = {}
    for f, k, v in rows:
        got.setdefault(Path(f).name, {})[k] = v
    right = wrong = unread = total = 0
    for f, values in truth.items():
        for k, v in values.items():
            g = got.get(f, {}).get(k)
            total += 1
            right += g == v
            wrong += g is not None and g != v
            unread += g is None and v is not None
    return right, wrong, unread, total


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--typed", type=int, default=12)
    ap.add_argument("--scans", type=int, default=3)
    ap.add_argument("--workers", type=int, default=1)
    a = ap.parse_args()
    recs = list(generate_reports(a.typed + a.scans, "2020,2023", seed=21, defect_rate=0.3))[: a.typed + a.scans]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        typed, scans, truth = _batch(out, recs, a.scans)
        print(f"\n### Mixed-batch ingest: {len(typed)} typed + {len(scans)} scanned reports, {a.workers} worker(s), "
              f"load avg {os.getloadavg()[0]:.1f}\n")
        print("| batch | files | OCR pages | wall s | stored / failed | scan cells right / cells | wrong | unread |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        for label, files in (("typed only", typed), ("typed + scans", typed + scans)):
            pages: dict[str, int] = {}
            db = out / label.replace(" ", "_") / "gongkai.duckdb"
            t = time.perf_counter()
            s = ingest(files, db, workers=a.workers, on_ocr=lambda f, d, n, pages=pages: pages.__setitem__(f, n))
            wall = time.perf_counter() - t
            right, wrong, unread, total = _score(db, {k: v for k, v in truth.items() if any(f.name == k for f in files)})
            cells = f"{right:,} / {total:,}" if total else "—"
            print(f"| {label} | {len(files)} | {sum(pages.values())} | {wall:.1f} | {s.ok + s.with_findings} / "
                  f"{s.failed} | {cells} | {wrong if total else '—'} | {unread if total else '—'} |", flush=True)
            for f in s.failures:
                print(f"  failed: {Path(f['file']).name}: {f.get('reason')} {f.get('detail') or ''}")


if __name__ == "__main__":
    main()
