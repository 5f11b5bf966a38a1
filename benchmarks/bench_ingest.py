"""Ingest throughput: real rendered reports of every renderer, parsed in parallel, stored.

    .venv/bin/python benchmarks/bench_ingest.py --agencies 20 --workers 2

Renders the synthetic province with ``python -m loaders.synth`` (round-robin over all renderers:
HTML CMS, HTML Word-export, PDF, DOCX, TSV text, crawler text) into artifacts/bench/ingest_src,
then times ``warehouse.ingest.ingest`` into a fresh warehouse (parse + store + derive + publish),
and a second, idempotent run over the same files.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

from warehouse.ingest import ingest


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--agencies", type=int, default=20)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--dir", default="artifacts/bench")
    a = ap.parse_args()
    src = Path(a.dir) / "ingest_src"
    if not (src / "raw").exists():
        subprocess.run([sys.executable, "-m", "loaders.synth", "--out", str(src), "--agencies", str(a.agencies),
                        "--years", "2019-2025", "--seed", "7"], check=True)
    kinds = Counter(p.suffix for p in (src / "raw").iterdir())
    db = Path(a.dir) / "ingest_bench.duckdb"
    shutil.rmtree(db.with_name(db.name + ".d"), ignore_errors=True)
    db.unlink(missing_ok=True)
    s = ingest([src / "raw"], db, workers=a.workers)
    n = s.stored + s.failed
    print(f"files: {sum(kinds.values())} ({dict(kinds)}), workers: {a.workers}")
    print(f"first run: {s.stored} stored, {s.with_findings} with findings, {s.failed} failed in {s.seconds:.1f} s "
          f"→ {n / s.seconds:.1f} reports/s")
    s2 = ingest([src / "raw"], db, workers=a.workers)
    print(f"second run (idempotent): {s2.unchanged} unchanged in {s2.seconds:.1f} s")


if __name__ == "__main__":
    main()
