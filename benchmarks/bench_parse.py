"""Parse output hash and parse speed per set: the proof that a parser speed-up changes nothing.

    .venv/bin/python benchmarks/bench_parse.py [--per-renderer 12] [--corpus ../shared/corpus/raw]
        [--save before.json] [--compare before.json] [--profile pdf]

Sets: every file of the real corpus, and ``--per-renderer`` synthetic reports of every renderer
(``generate_reports`` seed 3, defect rate 0.3, both format versions). Each file is read once
(``read_file(data=…)``, not timed) and its Document parsed (``parse_document``, timed in CPU
seconds of this process, pinned to one core). The parse output — ``ParsedReport.to_json()`` with
the parser version left out — is hashed per file; ``--save`` writes the hashes, ``--compare``
names every file whose output differs from a saved run (exit 1 if any does). ``--profile NAME``
runs cProfile over the parses of that set and prints the top functions.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import json
import os
import platform
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from loaders.errors import LoaderError  # noqa: E402
from loaders.parse import parse_document  # noqa: E402
from loaders.readers import read_file  # noqa: E402
from loaders.synth import generate_reports  # noqa: E402
from loaders.synth.render import RENDERERS  # noqa: E402


class _Sampler:
    """pyinstrument with cProfile's enable/disable (a dev tool: pip install pyinstrument)."""

    def __init__(self):
        from pyinstrument import Profiler

        self.p = Profiler(interval=0.0005)

    def enable(self):
        self.p.start() if not self.p.is_running else None

    def disable(self):
        pass

    def report(self):
        self.p.stop()
        print(self.p.output_text(unicode=False, color=False, show_all=False), file=sys.stderr)


def output_hash(report) -> str:
    d = report.to_json()
    d.pop("parser_version", None)
    return hashlib.sha256(json.dumps(d, ensure_ascii=False, sort_keys=True, default=str).encode()).hexdigest()


def sets(per_renderer: int, corpus: Path | None) -> dict[str, list[tuple[str, bytes]]]:
    out: dict[str, list[tuple[str, bytes]]] = {}
    if corpus and corpus.is_dir():
        out["corpus"] = [(p.name, p.read_bytes()) for p in sorted(corpus.iterdir()) if p.is_file()]
    if per_renderer:
        records = list(generate_reports(max(1, per_renderer // 7 + 1), "2019-2025", seed=3, defect_rate=0.3))
        for name, (ext, render) in RENDERERS.items():
            out[name] = [(f"{name}-{i}.{ext}", render(rec)) for i, rec in enumerate(records[:per_renderer])]
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--per-renderer", type=int, default=12)
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "raw")
    ap.add_argument("--repeat", type=int, default=1, help="parse each document this many times (speed)")
    ap.add_argument("--save", type=Path)
    ap.add_argument("--compare", type=Path)
    ap.add_argument("--profile", help="set name to profile, or 'all' (cProfile: top functions by cumulative/own time)")
    ap.add_argument("--sampling", action="store_true",
                    help="profile with pyinstrument (statistical: no per-call overhead distorting small functions)")
    a = ap.parse_args()
    if not a.corpus.is_dir() and Path("/work/shared/corpus/raw").is_dir():
        a.corpus = Path("/work/shared/corpus/raw")
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    print(f"machine: {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"pinned to one core; load average at start {os.getloadavg()[0]:.1f}")
    hashes: dict[str, str] = {}
    print("\n| set | files | parse CPU ms / file | parses / CPU-s |")
    print("|---|---:|---:|---:|")
    total_cpu = total_n = 0
    shared_prof = _Sampler() if a.sampling else cProfile.Profile()
    for set_name, files in sets(a.per_renderer, a.corpus).items():
        docs = []
        for name, data in files:
            try:
                docs.append((name, read_file(data=data, name=name)))
            except LoaderError as e:
                hashes[f"{set_name}/{name}"] = f"read error {type(e).__name__}"
        prof = (shared_prof if a.profile == "all" else _Sampler() if a.sampling else cProfile.Profile()) if a.profile in (set_name, "all") else None
        cpu = 0.0
        for name, doc in docs:
            for _ in range(a.repeat):
                c = time.process_time()
                if prof:
                    prof.enable()
                try:
                    r = parse_document(doc)
                except LoaderError as e:
                    r = e
                if prof:
                    prof.disable()
                cpu += time.process_time() - c
                h = f"parse error {type(r).__name__}: {r}" if isinstance(r, LoaderError) else output_hash(r)
            hashes[f"{set_name}/{name}"] = h
        n = len(docs) * a.repeat
        total_cpu += cpu
        total_n += n
        if n:
            print(f"| {set_name} | {len(docs)} | {1000 * cpu / n:.1f} | {n / cpu:.1f} |", flush=True)
        if isinstance(prof, _Sampler) and a.profile != "all":
            prof.report()
        elif prof and a.profile != "all":
            st = pstats.Stats(prof, stream=sys.stderr)
            st.sort_stats("cumulative").print_stats(40)
            st.sort_stats("tottime").print_stats(30)
    if a.profile == "all" and isinstance(shared_prof, _Sampler):
        shared_prof.report()
    elif a.profile == "all":
        st = pstats.Stats(shared_prof, stream=sys.stderr)
        st.sort_stats("cumulative").print_stats(60)
        st.sort_stats("tottime").print_stats(40)
    print(f"| all | {total_n} | {1000 * total_cpu / max(total_n, 1):.1f} | {total_n / max(total_cpu, 1e-9):.1f} |")
    digest = hashlib.sha256(json.dumps(hashes, sort_keys=True).encode()).hexdigest()
    print(f"\nparse output hash over {len(hashes)} files: {digest}")
    if a.save:
        a.save.write_text(json.dumps(hashes, indent=1, ensure_ascii=False))
    if a.compare:
        before = json.loads(a.compare.read_text())
        diff = sorted(k for k in set(before) | set(hashes) if before.get(k) != hashes.get(k))
        print(f"compared with {a.compare}: {len(diff)} files differ" + "".join(f"\n  {k}" for k in diff))
        return 1 if diff else 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
