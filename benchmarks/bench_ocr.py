"""OCR: read rate, wrong numbers and speed on generated scans (one onnxruntime thread).

    GONGKAI_OCR_THREADS=1 .venv/bin/python benchmarks/bench_ocr.py --reports 4 --dpi 200 --noise 6 --jpeg 80

Each synthetic report (both formats, defect rate 0.3) is rendered to PDF, rasterised at ``--dpi``,
turned ±``--angle``°, noised and JPEG-compressed (loaders.synth.scan), then read as an image-only
PDF and as a zip of PNGs. Prints cells right / wrong / unread and seconds per page and per report.
"""

from __future__ import annotations

import argparse
import os
import time

from loaders.parse import parse_document
from loaders.readers import iter_data
from loaders.synth import generate_reports
from loaders.synth.render import RENDERERS
from loaders.synth.scan import ScanStyle, image_pdf, png_zip, scan_pages


def _both_formats(n: int, seed: int) -> list:
    """n synthetic reports, the 2019 and the 2021 format taking turns."""
    by_format: dict[str, list] = {}
    for rec in generate_reports(4 * n, "2020,2023", seed=seed, defect_rate=0.3):
        by_format.setdefault(rec.format, []).append(rec)
    lists = sorted(by_format.values(), key=lambda recs: recs[0].format)
    return [lists[i % len(lists)][i // len(lists)] for i in range(n)]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reports", type=int, default=4)
    ap.add_argument("--dpi", type=int, default=200)
    ap.add_argument("--angle", type=float, default=1.0)
    ap.add_argument("--noise", type=float, default=6.0)
    ap.add_argument("--jpeg", type=int, default=80)
    ap.add_argument("--seed", type=int, default=11)
    a = ap.parse_args()
    recs = _both_formats(a.reports, a.seed)
    formats = ", ".join(sorted({r.format for r in recs}))
    print(f"\n### OCR on generated scans: {len(recs)} reports ({formats} formats) × 2 containers, {a.dpi} dpi, ±{a.angle}°, "
          f"noise σ={a.noise}, JPEG {a.jpeg}, load avg {os.getloadavg()[0]:.1f}\n")
    print("| container | reports | pages | cells right / cells | wrong | unread | s/page | s/report |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for kind in ("image-only PDF", "PNG zip"):
        right = wrong = unread = total = pages = 0
        secs = 0.0
        for i, rec in enumerate(recs):
            style = ScanStyle(dpi=a.dpi, angle=a.angle if i % 2 == 0 else -a.angle, noise=a.noise, jpeg=a.jpeg)
            imgs = scan_pages(RENDERERS["pdf"][1](rec), style, seed=i)
            data = image_pdf(imgs, a.dpi) if kind.endswith("PDF") else png_zip(imgs)
            t = time.process_time()
            (doc,) = list(iter_data(data, f"r{i}"))
            rep = parse_document(doc)
            secs += time.process_time() - t
            pages += len(imgs)
            got = rep.values()
            for k, v in rec.values.items():
                g = got.get(k)
                total += 1
                right += g == v
                wrong += g is not None and g != v
                unread += g is None and v is not None
        print(f"| {kind} | {len(recs)} | {pages} | {right:,} / {total:,} ({100 * right / total:.2f} %) | {wrong} | "
              f"{unread} | {secs / pages:.1f} | {secs / len(recs):.1f} |", flush=True)


if __name__ == "__main__":
    main()
