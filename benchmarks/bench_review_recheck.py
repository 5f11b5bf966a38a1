"""Cost of checking the equations again on the values in force (warehouse.review.recheck), as part
of building the review overlay (apply_review), against the number of reports with a decided cell.

Runs on a private copy of a warehouse (default: the e2e demo under artifacts/e2e); records one
decided cell per report for the first N current reports, then times, in one run:
  * the in-memory overlay a reader builds (open_reviewed_reader, rollups excluded), whole;
  * recheck alone on that overlay.

    nice -n 10 python benchmarks/bench_review_recheck.py [--db artifacts/e2e/gongkai.duckdb] [--n 10 100 1000]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from warehouse import review
from warehouse.connect import Layout, open_reader

KEY = "t3.new_received.total"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default="artifacts/e2e/gongkai.duckdb")
    ap.add_argument("--n", type=int, nargs="+", default=[10, 100, 1000])
    a = ap.parse_args()
    src = Path(a.db)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / src.name
        shutil.copytree(Layout.of(src).home, Path(tmp) / (src.name + ".d"), ignore=shutil.ignore_patterns("decisions"))
        shutil.copy(src, db)
        with open_reader(db) as con:
            rows = con.execute("SELECT sha256, t3__new_received__total FROM reports_wide WHERE is_current "
                               "ORDER BY report_id").fetchall()
        print(f"{len(rows)} current reports in {src}")
        done = 0
        for n in sorted(a.n):
            n = min(n, len(rows))
            for sha, v in rows[done:n]:
                review.record(db, reviewer="bench", kind=review.CELL, target=KEY, sha256=sha, action="number",
                              value=(v or 0) + 1, parser_value=v, parser_status="number")
            done = n
            t0 = time.perf_counter()
            con = review.open_reviewed_reader(db)
            whole = time.perf_counter() - t0
            t0 = time.perf_counter()
            review.recheck(con)
            alone = time.perf_counter() - t0
            n_find = con.execute("SELECT count(*) FROM reviewed_findings").fetchone()[0]
            con.close()
            print(f"decided reports {n:>6}: overlay {whole:7.3f} s, recheck {alone:7.3f} s "
                  f"({alone / whole:.0%} of the overlay), {n_find} failing equations in force")


if __name__ == "__main__":
    main()
