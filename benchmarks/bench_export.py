"""Full-slice exports at scale: time and peak memory of the process writing the file.

    python benchmarks/bench_export.py --reports 100000 [--reports 1000000] [--formats csv xlsx parquet]

Loads ``artifacts/bench/gongkai_<N>.duckdb`` with the fast path (``warehouse.fastpath``) if absent.
Each export runs in a fresh Python process that opens the warehouse read-only — as the app's
process does — and writes the whole slice (no filter) through ``warehouse.clerk_export``, the code
behind 数据下载's 「生成」 button. Reported per export: rows, seconds, the process's RSS before the
export (imports + open connection), its peak RSS (``VmHWM``) and the growth between them, the
file's size. ``--old`` also runs the previous path (the whole slice as a pandas frame, then
``export.to_csv_bytes`` / ``to_xlsx_bytes``) for comparison, in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, sys, time
from pathlib import Path

def rss(field):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    return 0

db, dataset, fmt, out, mode = sys.argv[1:6]
from warehouse import clerk_export, export, queries
from warehouse.connect import open_reader
from warehouse.filters import Filters
con = open_reader(db)
before = rss("VmRSS")
t = time.perf_counter()
f = Filters()
if mode == "new":
    rows = clerk_export.write(con, dataset, fmt, f, out, data_version="bench")
else:
    name = {"reports_wide": "slice_reports_wide", "indicators": "slice_indicators"}[dataset]
    df = getattr(queries, name)(con, f)
    rows = len(df)
    data = export.to_csv_bytes(df) if fmt == "csv" else export.to_xlsx_bytes({"数据": df}, f, data_version="bench")
    Path(out).write_bytes(data)
seconds = time.perf_counter() - t
print(json.dumps({"rows": rows, "seconds": seconds, "rss_before": before, "peak": rss("VmHWM"),
                  "size": Path(out).stat().st_size}))
"""


def warehouse(n: int) -> Path:
    db = ROOT / "artifacts" / "bench" / f"gongkai_{n // 1000}k.duckdb"
    if not db.exists():
        sys.path.insert(0, str(ROOT))
        from warehouse.fastpath import load

        print(f"loading {n:,} reports with the fast path …", flush=True)
        print(load(db, n, seed=0), flush=True)
    return db


def run(db: Path, dataset: str, fmt: str, mode: str, out_dir: Path, timeout: float) -> dict:
    out = out_dir / f"{dataset}_{mode}.{fmt}"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    try:
        p = subprocess.run([sys.executable, "-c", CHILD, str(db), dataset, fmt, str(out), mode], env=env,
                           capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"error": f"no file after {timeout:.0f} s"}
    finally:
        out.unlink(missing_ok=True)
    if p.returncode != 0 or "{" not in p.stdout:
        return {"error": p.stderr.strip().splitlines()[-1] if p.stderr.strip() else f"exit {p.returncode}"}
    return json.loads([line for line in p.stdout.splitlines() if line.startswith("{")][-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reports", type=int, action="append", required=True)
    ap.add_argument("--datasets", nargs="+", default=["reports_wide", "indicators"])
    ap.add_argument("--formats", nargs="+", default=["csv", "xlsx", "parquet"])
    ap.add_argument("--old", action="store_true", help="also the previous whole-frame path (CSV and XLSX)")
    ap.add_argument("--timeout", type=float, default=1800)
    args = ap.parse_args()
    out_dir = ROOT / "artifacts" / "bench" / "exports"
    out_dir.mkdir(parents=True, exist_ok=True)
    mb = 1024 * 1024
    print("| reports | dataset | file | path | rows | s | RSS before MB | peak RSS MB | growth MB | file MB |")
    print("|---:|---|---|---|---:|---:|---:|---:|---:|---:|")
    for n in args.reports:
        db = warehouse(n)
        for dataset in args.datasets:
            for fmt in args.formats:
                modes = ["new", "old"] if args.old and fmt != "parquet" else ["new"]
                for mode in modes:
                    r = run(db, dataset, fmt, mode, out_dir, args.timeout)
                    label = "streamed" if mode == "new" else "whole frame (before)"
                    if "error" in r:
                        print(f"| {n:,} | {dataset} | {fmt} | {label} | — | — | — | — | — | {r['error']} |", flush=True)
                        continue
                    print(f"| {n:,} | {dataset} | {fmt} | {label} | {r['rows']:,} | {r['seconds']:.1f} | "
                          f"{r['rss_before'] / mb:.0f} | {r['peak'] / mb:.0f} | {(r['peak'] - r['rss_before']) / mb:.0f} | "
                          f"{r['size'] / mb:.1f} |", flush=True)


if __name__ == "__main__":
    main()
