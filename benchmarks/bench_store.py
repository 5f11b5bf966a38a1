"""The writer alone: reports stored per second, one transaction per report vs batched.

    .venv/bin/python benchmarks/bench_store.py --reports 2000 --batch 1 256

The seed report is parsed once; N copies with distinct agencies and source bytes are stored into a
fresh warehouse with ``write_reports`` in batches of each given size (1 = the old one report, one
transaction path). CPU seconds of the writer process and wall seconds are printed, with the ratio
against the first batch size measured in the same run.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from loaders.model import Meta  # noqa: E402
from loaders.parse import parse_file  # noqa: E402
from warehouse.connect import open_writer  # noqa: E402
from warehouse.store import ToStore, write_reports  # noqa: E402


def reports(n: int):
    seed_path = ROOT / "tests" / "data" / "2021_sanmenxia_devzone_party_office.txt"
    seed = parse_file(seed_path)
    text = seed_path.read_bytes()
    for i in range(n):
        r = copy.deepcopy(seed)
        data = text + f"\n（第{i}份）\n".encode()
        r.sha256 = hashlib.sha256(data).hexdigest()
        r.agency = Meta(f"示例第{i}开发区党政办公室", 1.0, "bench")
        yield ToStore(r, data, f"r{i}.txt")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reports", type=int, default=2000)
    ap.add_argument("--batch", type=int, nargs="+", default=[1, 256])
    a = ap.parse_args()
    items = list(reports(a.reports))
    load = os.getloadavg()[0]
    print(f"machine: {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"{a.reports} reports; load average at start {load:.1f}\n")
    print("| batch size | reports/s (wall) | writer CPU ms / report | vs first |")
    print("|---:|---:|---:|---:|")
    first = None
    for size in a.batch:
        with tempfile.TemporaryDirectory() as tmp, open_writer(Path(tmp) / "w.duckdb") as w:
            cpu0, t0 = time.process_time(), time.perf_counter()
            for i in range(0, len(items), size):
                write_reports(w.con, items[i:i + size], files_dir=w.layout.files)
            cpu, wall = time.process_time() - cpu0, time.perf_counter() - t0
            assert w.con.execute("SELECT COUNT(*) FROM reports").fetchone()[0] == len(items)
        first = first or wall
        print(f"| {size} | {len(items) / wall:,.0f} | {1000 * cpu / len(items):.2f} | {first / wall:.1f}× |")


if __name__ == "__main__":
    main()
