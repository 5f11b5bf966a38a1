"""Joint decoding (parse.joint, OR-Tools CP-SAT) per report: how often a table 三 needs it and what
it costs, on generated crawler-style flattened text (the shape where rows stay ambiguous).

    .venv/bin/python benchmarks/bench_joint.py --reports 120 --renderers txt-crawler,txt-layout

Times every ``decode_jointly`` call made while parsing (model build + all solves, one report's
table 三 is one call), summed per report; the one-off import of ortools is timed apart. Wall time and
CPU time of the calling process (CP-SAT runs single-threaded in it, ``num_workers = 1``): on a shared
machine the wall time grows with the load, the CPU time much less, so both are printed.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import shutil
import statistics
import time
from pathlib import Path

import loaders.parse.tables as tables
from loaders.parse import parse_file
from loaders.synth import generate_reports
from loaders.synth.truth import write_report


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reports", type=int, default=120)
    ap.add_argument("--renderers", default="txt-crawler")
    ap.add_argument("--dir", default="artifacts/bench/joint")
    a = ap.parse_args()
    t = time.perf_counter()
    from ortools.sat.python import cp_model  # noqa: F401

    import_s = time.perf_counter() - t
    print(f"machine: {platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f}; import ortools.sat: {import_s * 1000:.0f} ms (once per process)\n")
    every = list(generate_reports(math.ceil(a.reports / 7) + 1, "2019-2025", seed=7, defect_rate=0.3))
    records = every[:: max(1, len(every) // a.reports)][: a.reports]
    real = tables.decode_jointly
    spent: list[float] = []
    spent_cpu: list[float] = []

    def timed(*args, **kw):
        t0, c0 = time.perf_counter(), time.process_time()
        try:
            return real(*args, **kw)
        finally:
            spent.append(time.perf_counter() - t0)
            spent_cpu.append(time.process_time() - c0)

    tables.decode_jointly = timed
    print("| renderer | reports | reports whose table 三 needed it | median ms/report | p95 ms | max ms "
          "| CPU median ms | CPU p95 ms | CPU max ms | load avg |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name in [r for r in a.renderers.split(",") if r]:
        out = Path(a.dir) / name
        shutil.rmtree(out, ignore_errors=True)
        per_report: list[float] = []
        per_report_cpu: list[float] = []
        for rec in records:
            row = write_report(out, rec, name)
            spent.clear()
            spent_cpu.clear()
            parse_file(out / "raw" / row["file"])
            if spent:
                per_report.append(sum(spent) * 1000)
                per_report_cpu.append(sum(spent_cpu) * 1000)
        if not per_report:
            print(f"| {name} | {len(records)} | 0 | – | – | – | – | – | – | {os.getloadavg()[0]:.1f} |")
            continue
        cells = []
        for values in (per_report, per_report_cpu):
            q = sorted(values)
            p95 = q[min(len(q) - 1, math.ceil(0.95 * len(q)) - 1)]
            cells += [f"{statistics.median(q):.1f}", f"{p95:.1f}", f"{q[-1]:.1f}"]
        print(f"| {name} | {len(records)} | {len(per_report)} | {' | '.join(cells)} | {os.getloadavg()[0]:.1f} |",
              flush=True)
    tables.decode_jointly = real


if __name__ == "__main__":
    main()
