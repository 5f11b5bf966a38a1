"""Indicator query latency at scale (fast-path warehouses): p50/p95 per query.

    .venv/bin/python benchmarks/bench_indicators.py --sizes 10000,100000,1000000 --runs 20

Each size is loaded with ``warehouse.fastpath`` into artifacts/bench/wh_<n>.duckdb (reused if
present), then each query runs ``--runs`` times on a fresh read-only connection per run
(as the dashboard would after a data-version change: no warm result cache).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from warehouse.connect import current_snapshot, exists, open_reader
from warehouse.fastpath import load
from warehouse.filters import Filters
from warehouse.indicators import compute, coverage

QUERIES = {
    "6 headline indicators by year (all)": lambda con: compute(
        con, Filters(), keys=["new_applications", "handled", "grant_rate", "review_count", "litigation_count",
                              "correction_rate"]),
    "all 63 indicators by year (all)": lambda con: compute(con, Filters()),
    "grant rate by agency, one city, 2023": lambda con: compute(
        con, Filters(year_from=2023, year_to=2023, cities=("示例市",)), keys=["grant_rate"], by=("agency",)),
    "correction rates by level × year": lambda con: compute(
        con, Filters(), keys=["review_correction_rate", "litigation_correction_rate"], by=("level", "year")),
    "coverage by year": lambda con: coverage(con, Filters()),
}


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(p / 100 * (len(xs) - 1)))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--dir", default="artifacts/bench")
    a = ap.parse_args()
    for n in (int(s) for s in a.sizes.split(",")):
        db = Path(a.dir) / f"wh_{n}.duckdb"
        if not exists(db):
            db.parent.mkdir(parents=True, exist_ok=True)
            r = load(db, n, seed=0)
            print(f"\nfast path load {n:,} reports: {r.seconds:.1f} s ({n / r.seconds:,.0f} reports/s)")
        size_mb = current_snapshot(db).stat().st_size / 1e6
        print(f"\n### {n:,} reports (snapshot {size_mb:,.0f} MB)\n")
        print("| query | p50 ms | p95 ms |\n|---|---:|---:|")
        for name, q in QUERIES.items():
            times = []
            for _ in range(a.runs):
                con = open_reader(db)
                t = time.perf_counter()
                q(con)
                times.append((time.perf_counter() - t) * 1000)
                con.close()
            print(f"| {name} | {statistics.median(times):.0f} | {pct(times, 95):.0f} |")


if __name__ == "__main__":
    main()
