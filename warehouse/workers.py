"""Parse tasks in child processes under per-file limits: wall time and address space.

Each task (one input file) runs in a process of its own, forked from the ingest (so the readers and
the parser are already imported). A child that runs past ``Limits.seconds`` (plus
``seconds_per_step`` for each step it reports, e.g. each page of a scan) is killed; a child whose
allocations pass ``Limits.memory_bytes`` gets MemoryError (RLIMIT_AS) or dies. Either way the task
becomes a failure naming the file and the reason (超时 / 内存超限 / 解析进程意外退出), a new child takes
the next file, and the batch goes on. Results come back in task order through a file each — never
through a pipe, where a child killed mid-write would leave half a message (see ``ingest``).

The memory limit is counted on top of what the child inherits at the fork: the ingest's own
address space (DuckDB's reservations are ~1 GB of it) is not the file's doing.
"""

from __future__ import annotations

import multiprocessing as mp
import multiprocessing.connection
import os
import pickle
import resource
import signal
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_SECONDS = 120.0
# Wall seconds granted on top of ``seconds`` for every step a task says it has to do
# (``report_progress``): a scan of n pages read by OCR may take n × this more than a typed file.
DEFAULT_SECONDS_PER_STEP = 30.0
MAX_EXTRA_SHARE = 10  # the steps' allowance is at most this many times ``seconds``
DEFAULT_MEMORY_BYTES = 2 * 1024**3


@dataclass(frozen=True)
class Limits:
    """Per-file limits of a parse worker; None switches one off."""

    seconds: float | None = DEFAULT_SECONDS
    memory_bytes: int | None = DEFAULT_MEMORY_BYTES
    seconds_per_step: float = DEFAULT_SECONDS_PER_STEP

    @property
    def off(self) -> bool:
        return self.seconds is None and self.memory_bytes is None


Task = tuple[str, Any]
# the failure a task becomes: (task, kind, Chinese reason, detail) → the caller's result for it
Failure = Callable[[Task, str, str, str], Any]
# a running task's own progress (e.g. OCR pages): (task, done, total), seen by the parent
TaskProgress = Callable[[Task, int, int], None]
PROGRESS_POLL = 0.5  # s: how often the parent looks at its children's progress slots

# In a child: two shared integers (done, total) the parent reads while it waits. Written with
# plain stores, so a child killed at any moment leaves at worst a stale figure, never a torn
# message (unlike a pipe or a queue).
_slot: Any = None


def report_progress(done: int, total: int) -> None:
    """Called from inside a task: how far it has got. A no-op outside a limited child."""
    if _slot is not None:
        _slot[1] = total
        _slot[0] = done


def _address_space() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _child(fn: Callable[[Task], Any], task: Task, out: str, limits: Limits, init: Callable[[], None] | None,
           slot: Any = None) -> None:
    global _slot
    _slot = slot
    if init is not None:
        init()
    if limits.memory_bytes is not None:
        cap = _address_space() + limits.memory_bytes
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    try:
        result = ("ok", fn(task))
    except MemoryError:
        result = ("memory", None)
    tmp = out + ".tmp"
    try:
        with open(tmp, "wb") as f:
            pickle.dump(result, f, protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:  # pickling the result itself passed the limit
        with open(tmp, "wb") as f:
            pickle.dump(("memory", None), f)
    os.replace(tmp, out)  # only a whole result is ever seen by the parent


@dataclass
class _Running:
    proc: Any
    started: float
    out: str
    slot: Any = None
    seen: tuple[int, int] = (0, 0)

    def allowed(self, limits: Limits) -> float:
        """Wall seconds this task may run: the limit plus its reported steps' allowance."""
        assert limits.seconds is not None
        steps = max(0, self.slot[1] if self.slot is not None else 0)
        # capped: a file claiming thousands of pages (a hostile TIFF) does not buy itself hours
        return limits.seconds + min(limits.seconds_per_step * steps, MAX_EXTRA_SHARE * limits.seconds)


def run_limited(
    fn: Callable[[Task], Any],
    tasks: Sequence[Task],
    *,
    workers: int,
    limits: Limits,
    scratch: Path,
    failure: Failure,
    init: Callable[[], None] | None = None,
    progress: TaskProgress | None = None,
) -> Iterator[Any]:
    """``fn(task)`` for every task, each in its own child under ``limits``, yielded in task order.

    At most ``workers`` children run at once, and at most ``4 × workers`` results wait to be
    consumed (the consumer writes them one by one; memory stays bounded on any batch size).
    ``progress``: called in this process with what a running task passed to ``report_progress``.
    """
    ctx = mp.get_context("fork")
    workers = max(1, workers)
    running: dict[int, _Running] = {}
    done: dict[int, Any] = {}
    retry: list[int] = []  # died without a word: run once more on its own before blaming the file
    retried: set[int] = set()
    launched = yielded = 0

    def launch(i: int) -> None:
        out = str(scratch / f"task-{os.getpid()}-{i}.pkl")
        slot = ctx.RawArray("q", 2)
        p = ctx.Process(target=_child, args=(fn, tasks[i], out, limits, init, slot), daemon=True)
        p.start()
        running[i] = _Running(p, time.monotonic(), out, slot)

    def look() -> None:
        for i, r in running.items():
            now = (r.slot[0], r.slot[1])
            if now != r.seen and now[1]:
                r.seen = now
                if progress is not None:
                    progress(tasks[i], *now)

    try:
        while yielded < len(tasks):
            while retry and len(running) < workers:
                launch(retry.pop())
            while launched < len(tasks) and len(running) < workers and launched - yielded < 4 * workers:
                launch(launched)
                launched += 1
            if yielded in done:
                yield done.pop(yielded)
                yielded += 1
                continue
            timeout = None
            if limits.seconds is not None and running:
                first = min(r.started + r.allowed(limits) for r in running.values())
                timeout = max(0.0, first - time.monotonic()) + 0.05
            if progress is not None:
                timeout = PROGRESS_POLL if timeout is None else min(timeout, PROGRESS_POLL)
            multiprocessing.connection.wait([r.proc.sentinel for r in running.values()], timeout=timeout)
            if progress is not None:
                look()
            now = time.monotonic()
            for i, r in list(running.items()):
                if r.proc.exitcode is None:
                    if limits.seconds is not None and now - r.started > r.allowed(limits):
                        r.proc.kill()
                        r.proc.join()
                        del running[i]
                        done[i] = failure(tasks[i], "timeout", "超时",
                                          f"解析超过 {r.allowed(limits):g} 秒，已终止")
                    continue
                r.proc.join()
                del running[i]
                if i not in retried and not os.path.exists(r.out):
                    # killed from outside (the OOM killer picks by size, not by guilt) or a library
                    # crash: a second run alone tells which
                    retried.add(i)
                    retry.append(i)
                    continue
                done[i] = _outcome(tasks[i], r, limits, failure)
    finally:
        for r in running.values():  # the consumer stopped early, or an error: no orphans
            if r.proc.is_alive():
                r.proc.kill()
            r.proc.join()
            _unlink(r.out)


def _outcome(task: Task, r: _Running, limits: Limits, failure: Failure) -> Any:
    try:
        with open(r.out, "rb") as f:
            status, value = pickle.load(f)
    except (OSError, EOFError, pickle.UnpicklingError):
        status, value = "died", None
    finally:
        _unlink(r.out)
    if status == "ok":
        return value
    if status == "memory":
        return failure(task, "memory_limit", "内存超限",
                       f"解析所需内存超过上限 {(limits.memory_bytes or 0) // 2**20} MB，已终止")
    code = r.proc.exitcode
    how = f"信号 {-code}" if code is not None and code < 0 else f"退出码 {code}"
    if limits.memory_bytes is not None and code is not None and code < 0 and -code in (signal.SIGSEGV, signal.SIGABRT):
        how += "（可能是内存超限）"
    return failure(task, "crashed", "解析进程意外退出", f"读取或解析此文件时解析进程退出（{how}）")


def _unlink(path: str) -> None:
    for p in (path, path + ".tmp"):
        try:
            os.unlink(p)
        except FileNotFoundError:
            pass
