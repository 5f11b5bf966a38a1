"""Synthetic reports: generation and rendering speed, the vectorised warehouse records, and the
round-trip accuracy of the parser on every renderer.

    .venv/bin/python benchmarks/bench_synth.py --render 1000 --wide 1000000 --roundtrip 60

- records: ``generate_reports`` for N reports (agencies × 2019–2025, 5 % defects), no rendering;
- render: each renderer renders and writes (document + truth JSON) the same N reports into
  artifacts/bench/synth_render/<renderer>/ — what ``python -m loaders.synth`` does per file;
- wide: ``generate_wide(n)`` (values + metadata frames), then R1–R4 on 1,000 random rows;
- roundtrip: ``parse_file(render(x))`` against the truth for M reports per renderer
  (defect rate 0.3, both formats): cells right / cells, per renderer and format version, and apart
  from them the cells left unread and the wrong numbers (a reading stored that differs from the
  truth — the count that must stay 0).
Prints a Markdown table per part, for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import shutil
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from loaders.evaluate import RIGHT, UNREAD, WRONG, cell_outcome
from loaders.parse import parse_file
from loaders.synth import generate_reports, generate_wide
from loaders.synth.render import RENDERERS
from loaders.synth.truth import write_report
from loaders.validate import check_rules


def bench_render(n: int, out: Path, renderers: list[str]) -> None:
    t = time.perf_counter()
    records = list(generate_reports(math.ceil(n / 7), "2019-2025", seed=1, defect_rate=0.05))[:n]
    gen = time.perf_counter() - t
    print(f"\n### {len(records)} records (generate_reports, no rendering): {gen:.2f} s "
          f"({len(records) / gen:,.0f} reports/s)\n")
    print("| renderer | reports | wall s | CPU s | reports per CPU-s | MB written | load avg |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name in renderers:
        d = out / name
        shutil.rmtree(d, ignore_errors=True)
        t, c = time.perf_counter(), time.process_time()
        for rec in records:
            write_report(d, rec, name)
        s, cpu = time.perf_counter() - t, time.process_time() - c
        mb = sum(p.stat().st_size for p in d.rglob("*") if p.is_file()) / 1e6
        print(f"| {name} | {len(records)} | {s:.1f} | {cpu:.1f} | {len(records) / cpu:.1f} | {mb:.1f} | "
              f"{os.getloadavg()[0]:.1f} |", flush=True)


def bench_wide(n: int) -> None:
    t, c = time.perf_counter(), time.process_time()
    meta, values = generate_wide(n, seed=1)
    s, cpu = time.perf_counter() - t, time.process_time() - c
    rng = np.random.default_rng(0)
    bad = 0
    for i in rng.integers(0, len(meta), 1000):
        fmt = meta["format"].iloc[i]
        row = values.iloc[i]
        bad += bool(check_rules(fmt, {k: row[k] for k in row.index if not np.isnan(row[k])}))
    print(f"\n### generate_wide({n:,})\n")
    print("| reports | agencies | wall s | CPU s | load avg | values frame | R1–R4 violations in 1,000 sampled rows |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    print(f"| {len(meta):,} | {meta['agency_id'].nunique():,} | {s:.1f} | {cpu:.1f} | {os.getloadavg()[0]:.1f} | "
          f"{values.shape[0]:,} × {values.shape[1]} float64 = {values.memory_usage().sum() / 1e9:.2f} GB | {bad} |")


def bench_roundtrip(m: int, out: Path, renderers: list[str]) -> None:
    every = list(generate_reports(math.ceil(m / 7) + 1, "2019-2025", seed=7, defect_rate=0.3))
    records = every[:: max(1, len(every) // m)][:m]  # spread over agencies and years
    # (renderer, format) → [right, cells, documents, documents fully right, unread, wrong]
    stats: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0, 0])
    wrong_keys: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    seconds: dict[str, float] = defaultdict(float)
    for name in renderers:
        d = out / f"rt_{name}"
        shutil.rmtree(d, ignore_errors=True)
        for rec in records:
            row = write_report(d, rec, name)
            t = time.perf_counter()
            try:
                rep = parse_file(d / "raw" / row["file"])
                same_format = rep.fmt == rec.format
            except Exception:  # counted as every cell unread
                rep, same_format = None, False
            seconds[name] += time.perf_counter() - t
            s = stats[(name, rec.format)]
            outcomes = {RIGHT: 0, UNREAD: 0, WRONG: 0}
            for k, v in rec.values.items():
                if rep is None:
                    o = UNREAD
                elif not same_format:
                    o = WRONG
                else:
                    cell = rep.cells.get(k)
                    o = cell_outcome(rep.value(k), cell.status if cell else None, v)
                outcomes[o] += 1
                if o != RIGHT:
                    wrong_keys[name][k.rsplit(".", 1)[0]] += 1
            s[0] += outcomes[RIGHT]
            s[1] += len(rec.values)
            s[2] += 1
            s[3] += outcomes[RIGHT] == len(rec.values)
            s[4] += outcomes[UNREAD]
            s[5] += outcomes[WRONG]
    print(f"\n### round trip, {len(records)} reports per renderer (defect rate 0.3)\n")
    print("| renderer | format | cells right / cells | % | unread | wrong numbers | documents fully right | parse s/doc |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for (name, fmt), (right, total, docs, full, unread, wrong) in sorted(stats.items()):
        print(f"| {name} | {fmt} | {right:,} / {total:,} | {100 * right / total:.2f} | {unread:,} | {wrong:,} | "
              f"{full}/{docs} | {seconds[name] / len(records):.2f} |")
    for name, rows in wrong_keys.items():
        top = sorted(rows.items(), key=lambda kv: -kv[1])[:6]
        print(f"\n{name}: most-missed rows {top}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--render", type=int, default=1000)
    ap.add_argument("--wide", type=int, default=1_000_000)
    ap.add_argument("--roundtrip", type=int, default=60)
    ap.add_argument("--renderers", default=",".join(RENDERERS))
    ap.add_argument("--dir", default="artifacts/bench/synth")
    a = ap.parse_args()
    out = Path(a.dir)
    renderers = [r for r in a.renderers.split(",") if r]
    print(f"machine: {platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f}")
    if a.wide:
        bench_wide(a.wide)
    if a.render:
        bench_render(a.render, out / "render", renderers)
    if a.roundtrip:
        bench_roundtrip(a.roundtrip, out, renderers)


if __name__ == "__main__":
    main()
