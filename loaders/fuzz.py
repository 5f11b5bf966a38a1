"""Seeded fuzzing of the readers and the parser: mutated reports of every format, each one read and
parsed in a child process under a time and an address-space limit, and classified.

A clean outcome is a parsed report (its JSON serialisable) or a typed LoaderError whose message
names the file. Anything else is a finding of the harness: another exception (``crash``), a child
that passes the time limit (``hang``), one that passes the memory limit (``memory``) or dies
(``died``). The same seed always gives the same files, so a crash is reproduced by its index.
"""

from __future__ import annotations

import io
import json
import random
import tempfile
import traceback
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .errors import LoaderError

# the formats a case is drawn from (a zip holds reports of the other formats)
SEED_RENDERERS: tuple[tuple[str, str], ...] = (
    ("html-cms", "html"), ("html-word", "html"), ("pdf", "pdf"), ("docx", "docx"),
    ("txt-tsv", "txt"), ("txt-crawler", "txt"), ("txt-lines", "txt"), ("txt-pipe", "md"),
)
FORMATS = ("html", "pdf", "docx", "txt", "zip")
CLEAN = ("parsed", "clean_error")
OUTCOMES = ("parsed", "clean_error", "crash", "hang", "memory", "died")


# ------------------------------------------------------------------------------- mutations
def _flip(rng: random.Random, b: bytearray) -> None:
    for _ in range(rng.randint(1, 8)):
        b[rng.randrange(len(b))] ^= 1 << rng.randrange(8)


def _truncate(rng: random.Random, b: bytearray) -> None:
    del b[rng.randrange(len(b)):]


def _digits(rng: random.Random, b: bytearray) -> None:
    """A long digit run, the shape that made a row pattern backtrack and overflowed int and float."""
    at = rng.randrange(len(b))
    b[at:at] = b"9" * rng.choice((22, 40, 400, 5000))


def _splice(rng: random.Random, b: bytearray) -> None:
    i, j = sorted(rng.randrange(len(b)) for _ in range(2))
    at = rng.randrange(len(b))
    b[at:at] = b[i:j][: 1 << 16]


def _repeat(rng: random.Random, b: bytearray) -> None:
    i = rng.randrange(len(b))
    chunk = bytes(b[i:i + rng.randint(1, 200)])
    b[i:i] = chunk * rng.randint(2, 200)


def _junk(rng: random.Random, b: bytearray) -> None:
    at = rng.randrange(len(b))
    b[at:at] = rng.randbytes(rng.randint(1, 64))


def _markup(rng: random.Random, b: bytearray) -> None:
    """Structure-shaped noise: table tags, spans, nesting, control characters and formula leads."""
    pieces = (b"<table>", b"</td>", b"<tr>" * 50, b'colspan="99999"', b'<w:gridSpan w:val="100000000"/>',
              b"<div>" * 500, b"\x00\x01\x1b", b"=cmd|' /C calc'!A0", "＝－".encode(), b"\r\r\t",
              "第九十九条".encode(), "（一）".encode() * 40, b"-1e400", b"NaN", "一二三四五六七八九十".encode())
    at = rng.randrange(len(b))
    b[at:at] = rng.choice(pieces)


MUTATIONS: tuple[Callable[[random.Random, bytearray], None], ...] = (
    _flip, _truncate, _digits, _splice, _repeat, _junk, _markup)


def _entry(name: str) -> zipfile.ZipInfo:
    """A member with a fixed timestamp: the same seed must give the same bytes."""
    info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _mutate_zip_member(rng: random.Random, data: bytes) -> bytes:
    """Rewrite one member of a zip (DOCX or report zip) with its content mutated, so the mutation
    reaches the XML or text inside rather than only the compressed stream."""
    src = zipfile.ZipFile(io.BytesIO(data))
    infos = [i for i in src.infolist() if not i.is_dir()]
    target = rng.choice(infos).filename
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in infos:
            body = bytearray(src.read(info))
            if info.filename == target and body:
                rng.choice(MUTATIONS)(rng, body)
            out.writestr(_entry(info.filename), bytes(body))
    return buf.getvalue()


@dataclass(frozen=True)
class Case:
    index: int
    name: str
    data: bytes
    how: str  # the mutations applied, for the summary of a finding


def _seeds(rng: random.Random) -> dict[str, list[tuple[str, bytes]]]:
    from .synth.records import generate_reports
    from .synth.render import render

    recs = list(generate_reports(4, "2023")) + list(generate_reports(2, "2019"))
    by_fmt: dict[str, list[tuple[str, bytes]]] = {f: [] for f in FORMATS}
    for k, rec in enumerate(recs):
        for renderer, ext in SEED_RENDERERS:
            if renderer == "pdf" and k > 1:
                continue  # PDF rendering is the slow one; two records are variety enough
            by_fmt["txt" if ext == "md" else ext].append((ext, render(rec, renderer)))
    for _ in range(4):
        members = {f"年报{i}.{ext}": body for i, (ext, body) in
                   enumerate(rng.sample(by_fmt["txt"] + by_fmt["html"] + by_fmt["docx"], 3))}
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, body in members.items():
                zf.writestr(_entry(name), body)
        by_fmt["zip"].append(("zip", buf.getvalue()))
    return by_fmt


def cases(n: int, seed: int = 16) -> Iterator[Case]:
    """``n`` mutated reports, the formats in turn; the same seed gives the same bytes."""
    rng = random.Random(seed)
    seeds = _seeds(rng)
    for i in range(n):
        fmt = FORMATS[i % len(FORMATS)]
        ext, data = rng.choice(seeds[fmt])
        how = []
        for _ in range(rng.randint(1, 3)):
            if ext in ("docx", "zip") and rng.random() < 0.7:
                try:
                    data = _mutate_zip_member(rng, data)
                    how.append("member")
                    continue
                except Exception:  # an earlier mutation broke the zip: mutate its bytes instead
                    pass
            b = bytearray(data)
            m = rng.choice(MUTATIONS)
            m(rng, b)
            if b:
                data = bytes(b)
            how.append(m.__name__.lstrip("_"))
        yield Case(i, f"fuzz-{seed}-{i:05d}-{fmt}.{ext}", data, "+".join(how))


# ------------------------------------------------------------------------------- one case
def try_case(case: Case) -> tuple[str, str]:
    """Read and parse the case as ingest would; (outcome, detail). Runs in a limited child."""
    from .parse import parse_document
    from .readers import iter_sources

    refused = ""
    try:
        for item, _raw in iter_sources(case.data, case.name):
            if isinstance(item, LoaderError):
                if case.name not in str(item):
                    return "crash", f"LoaderError not naming the file: {item}"
                refused = refused or f"{type(item).__name__}: {item}"[:300]
                continue
            report = parse_document(item)
            json.dumps(report.to_json(), ensure_ascii=False, default=str).encode("utf-8")
    except MemoryError:
        raise  # the worker reports it as 内存超限
    except LoaderError as e:
        if case.name not in str(e):
            return "crash", f"LoaderError not naming the file: {e}"
        return "clean_error", f"{type(e).__name__}: {e}"[:300]
    except Exception as e:  # exactly what the harness looks for
        tb = traceback.extract_tb(e.__traceback__)[-1]
        return "crash", f"{type(e).__name__}: {str(e)[:200]} at {tb.filename}:{tb.lineno}"
    return ("clean_error", refused) if refused else ("parsed", "")


def _task(task: tuple[str, Case]) -> tuple[str, str]:
    return try_case(task[1])


_KIND = {"timeout": "hang", "memory_limit": "memory"}


def _failure(task: tuple[str, Case], kind: str, reason: str, detail: str) -> tuple[str, str]:
    return _KIND.get(kind, "died"), f"{reason} {detail}".strip()


@dataclass
class FuzzSummary:
    tried: int = 0
    counts: Counter = field(default_factory=Counter)
    findings: list[tuple[str, str, str, str]] = field(default_factory=list)  # (name, how, outcome, detail)
    by_format: dict[str, Counter] = field(default_factory=dict)

    @property
    def clean(self) -> bool:
        return self.tried > 0 and all(self.counts[o] == 0 for o in OUTCOMES if o not in CLEAN)


def run(n: int, *, seed: int = 16, workers: int = 2, seconds: float = 60.0, memory_mb: int = 2048,
        on_result: Callable[[Case, str, str], None] | None = None) -> FuzzSummary:
    """Fuzz ``n`` cases, ``workers`` children at a time, each under the limits."""
    from warehouse.workers import Limits, run_limited

    all_cases = list(cases(n, seed))
    tasks = [(c.name, c) for c in all_cases]
    s = FuzzSummary()
    with tempfile.TemporaryDirectory(prefix="gongkai-fuzz-") as scratch:
        results = run_limited(_task, tasks, workers=workers, scratch=Path(scratch), failure=_failure,
                              limits=Limits(seconds=seconds, memory_bytes=memory_mb * 2**20))
        for case, (outcome, detail) in zip(all_cases, results, strict=True):
            s.tried += 1
            s.counts[outcome] += 1
            s.by_format.setdefault(case.name.rsplit("-", 1)[1].split(".")[0], Counter())[outcome] += 1
            if outcome not in CLEAN:
                s.findings.append((case.name, case.how, outcome, detail))
            if on_result is not None:
                on_result(case, outcome, detail)
    return s
