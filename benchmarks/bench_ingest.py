"""Ingest throughput: real rendered reports of every renderer, parsed in parallel, stored.

    .venv/bin/python benchmarks/bench_ingest.py --agencies 143 --workers 2 [--src DIR] [--limit N] [--fork-cost 100]

Renders the synthetic province with ``python -m loaders.synth`` (round-robin over all renderers:
HTML CMS, HTML Word-export, PDF, DOCX, TSV text, crawler text) into DIR (default
artifacts/bench/ingest_src; ``--agencies 143`` ≈ 1,000 reports, 1429 ≈ 10,000), then times
``warehouse.ingest.ingest`` into a fresh warehouse (parse + store + derive + publish), and a second,
idempotent run over the same files. Printed: reports/s, the writer thread's CPU per stored report
(``RunSummary.store_cpu_seconds``: ``write_reports`` of every batch), the peak RSS of the ingest
process and of its largest parse child, the machine's load.

``--fork-cost N``: the first N files ingested once more in one process without per-file children
(every limit off, 1 worker) and once with them (the default limits, 1 worker), into fresh
warehouses: the difference per file is what the per-file worker process (issue 16) costs.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's code, not an installed one

from warehouse.ingest import ingest  # noqa: E402
from warehouse.workers import Limits  # noqa: E402


def _fresh(db: Path) -> None:
    shutil.rmtree(db.with_name(db.name + ".d"), ignore_errors=True)
    db.unlink(missing_ok=True)


def _cpu() -> float:
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _mb(kib: int) -> float:
    return kib / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--agencies", type=int, default=20)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--dir", default="artifacts/bench")
    ap.add_argument("--src", help="rendered corpus (…/raw is ingested); rendered here if missing")
    ap.add_argument("--fork-cost", type=int, default=0)
    ap.add_argument("--limit", type=int, default=0, help="ingest only the first N files of the rendered corpus")
    a = ap.parse_args()
    src = Path(a.src) if a.src else Path(a.dir) / "ingest_src"
    if not (src / "raw").exists():
        subprocess.run([sys.executable, "-m", "loaders.synth", "--out", str(src), "--agencies", str(a.agencies),
                        "--years", "2019-2025", "--seed", "7"], check=True)
    files = sorted((src / "raw").iterdir())
    raw = src / "raw"
    if a.limit:
        files = files[: a.limit]
        raw = Path(a.dir) / f"first{a.limit}"
        shutil.rmtree(raw, ignore_errors=True)
        raw.mkdir(parents=True)
        for f in files:
            shutil.copy(f, raw / f.name)
    kinds = Counter(p.suffix for p in files)
    Path(a.dir).mkdir(parents=True, exist_ok=True)
    db = Path(a.dir) / "ingest_bench.duckdb"
    _fresh(db)
    print(f"machine: {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"load average at start {os.getloadavg()[0]:.1f}")
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    s = ingest([raw], db, workers=a.workers)
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    n = s.stored + s.failed
    print(f"files: {len(files)} ({dict(kinds)}), workers: {a.workers}")
    print(f"first run: {s.stored} stored, {s.with_findings} with findings, {s.failed} failed in {s.seconds:.1f} s "
          f"→ {n / s.seconds:.1f} reports/s; load average at end {os.getloadavg()[0]:.1f}")
    print(f"  writer CPU storing: {1000 * s.store_cpu_seconds / max(s.stored, 1):.2f} ms / report "
          f"({s.store_cpu_seconds:.2f} s); ingest process CPU {me.ru_utime + me.ru_stime - cpu0.ru_utime - cpu0.ru_stime:.1f} s, "
          f"parse children CPU {kids.ru_utime + kids.ru_stime:.1f} s")
    print(f"  peak RSS: ingest process {_mb(me.ru_maxrss):.0f} MB, largest parse child {_mb(kids.ru_maxrss):.0f} MB")
    s2 = ingest([raw], db, workers=a.workers)
    print(f"second run (idempotent): {s2.unchanged} unchanged in {s2.seconds:.1f} s")
    if a.fork_cost:
        with tempfile.TemporaryDirectory() as tmp:
            sub = Path(tmp) / "raw"
            sub.mkdir()
            for f in files[: a.fork_cost]:
                shutil.copy(f, sub / f.name)
            rows = []
            for label, limits in (("in one process (limits off)", Limits(None, None)),
                                  ("a child per file (default limits)", Limits())):
                d = Path(tmp) / "w.duckdb"
                _fresh(d)
                c = _cpu()
                t = time.perf_counter()
                r = ingest([sub], d, workers=1, limits=limits)
                rows.append((label, time.perf_counter() - t, _cpu() - c, r.stored + r.failed))
            print(f"fork cost, {rows[0][3]} files, 1 worker (load {os.getloadavg()[0]:.1f}); "
                  "CPU = this process + its children:")
            for label, sec, cpu, k in rows:
                print(f"  {label}: wall {sec:.1f} s, CPU {cpu:.1f} s = {1000 * cpu / k:.1f} ms / file")
            print(f"  per-file child: +{1000 * (rows[1][2] - rows[0][2]) / rows[0][3]:.1f} ms CPU / file "
                  f"({rows[1][2] / rows[0][2]:.2f}x)")


if __name__ == "__main__":
    main()
