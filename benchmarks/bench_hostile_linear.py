"""Cost of one report against its size: linear, whatever the input (issue 16).

    .venv/bin/python benchmarks/bench_hostile_linear.py [--repeat 3]

Two families of generated inputs, each read and parsed as ``ingest`` would (``iter_sources`` then
``parse_document``), best of ``--repeat`` runs, in one process pinned to one CPU:

* text: the synthetic txt report repeated to 1, 4, 16 and 49 MB (49 MB is under the 50 MB file
  limit). Past ``MAX_DOCUMENT_CHARS`` the outcome is a refusal (TooComplex) — its cost is still
  measured, since a refusal that grows super-linearly would hang a worker just the same.
* table rows: an HTML report whose table has 1k, 3k, 10k, 30k and 100k rows (before issue 16:
  0.75 / 1.7 / 15.5 / > 120 s for 1k/3k/10k/30k). Past ``MAX_TABLE_ROWS`` it is refused.

Printed per size: outcome, seconds, and seconds per MB of input — the ratio between the largest and
the smallest size's per-MB cost is the linearity figure (≈1 is linear; 16× for 16× the size would
mean quadratic growth).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from loaders.errors import LoaderError  # noqa: E402
from loaders.parse import parse_document  # noqa: E402
from loaders.readers import iter_sources  # noqa: E402
from loaders.synth.records import generate_reports  # noqa: E402
from loaders.synth.render import render  # noqa: E402


def _one(data: bytes, name: str) -> str:
    outcome = "parsed"
    for item, _raw in iter_sources(data, name):
        if isinstance(item, LoaderError):
            outcome = type(item).__name__
            continue
        parse_document(item)
    return outcome


def _best(data: bytes, name: str, repeat: int) -> tuple[str, float]:
    best = float("inf")
    outcome = ""
    for _ in range(repeat):
        t = time.perf_counter()
        outcome = _one(data, name)
        best = min(best, time.perf_counter() - t)
    return outcome, best


def _text(mb: int) -> bytes:
    unit = render(next(iter(generate_reports(1, "2023"))), "txt-tsv")
    return (unit * (mb * 2**20 // len(unit) + 1))[: mb * 2**20]


def _table(rows: int) -> bytes:
    body = "".join(f"<tr><td>第{i}行</td><td>{i}</td></tr>" for i in range(rows))
    return (f"<html><body><h1>2023年示例市人民政府政府信息公开工作年度报告</h1><p>一、总体情况</p>"
            f"<table>{body}</table></body></html>").encode()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    print(f"# {platform.processor() or platform.machine()}, Python {platform.python_version()}, one CPU")
    for family, sizes, make, ext in (("text MB", (1, 4, 16, 49), _text, "txt"),
                                     ("table rows", (1_000, 3_000, 10_000, 30_000, 100_000), _table, "html")):
        by_outcome: dict[str, list[tuple[int, float]]] = {}
        for size in sizes:
            data = make(size)
            outcome, s = _best(data, f"bench-{size}.{ext}", args.repeat)
            mb = len(data) / 2**20
            by_outcome.setdefault(outcome, []).append((size, s / mb))
            print(f"{family:>10} {size:>7}  {mb:6.1f} MB  {outcome:<11} {s:8.3f} s  {s / mb:7.3f} s/MB")
        # parsing and refusing are different work: the linearity figure is taken within each
        for outcome, runs in by_outcome.items():
            if len(runs) > 1:
                (a, ca), (b, cb) = runs[0], runs[-1]
                print(f"{family:>10}: {outcome}: per-MB cost at {b} / at {a}: {cb / ca:.2f}× (size ×{b / a:.0f})")


if __name__ == "__main__":
    main()
