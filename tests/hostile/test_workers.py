"""warehouse.workers: a task that hangs, exhausts memory or dies becomes a failure for that task only;
the others finish, in order."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from warehouse.workers import Limits, report_progress, run_limited


def _task(t):
    kind, n = t
    if kind == "pages":  # a scan of n pages: reports them, then takes longer than the bare limit
        report_progress(0, n)
        time.sleep(4)
        report_progress(n, n)
    if kind == "many pages":  # claims a huge page count: the allowance is capped, the hang is cut
        report_progress(0, n)
        time.sleep(3600)
    if kind == "hang":
        time.sleep(3600)
    if kind == "memory":
        blocks = []
        while True:  # grows until the address-space limit refuses
            blocks.append(bytearray(64 * 2**20))
    if kind == "die":
        os.kill(os.getpid(), signal.SIGKILL)
    return n * 10


def _failure(task, kind, reason, detail):
    return (kind, reason)


def test_hang_memory_and_crash_stay_with_their_task(tmp_path: Path):
    tasks = [("ok", 1), ("hang", 2), ("ok", 3), ("memory", 4), ("die", 5), ("ok", 6)]
    got = list(run_limited(_task, tasks, workers=2, limits=Limits(seconds=3, memory_bytes=256 * 2**20),
                           scratch=tmp_path, failure=_failure))
    assert got == [10, ("timeout", "超时"), 30, ("memory_limit", "内存超限"), ("crashed", "解析进程意外退出"), 60]
    assert list(tmp_path.iterdir()) == []  # no result file left behind


def test_no_limits_still_runs_every_task_in_order(tmp_path: Path):
    tasks = [("ok", i) for i in range(9)]
    got = list(run_limited(_task, tasks, workers=3, limits=Limits(None, None), scratch=tmp_path, failure=_failure))
    assert got == [i * 10 for i in range(9)]


def test_reported_steps_extend_the_time_limit_up_to_a_cap(tmp_path: Path):
    """A task that reports n steps (a scan's pages) gets n × seconds_per_step more wall time; a
    task claiming 10⁶ steps gets at most MAX_EXTRA_SHARE × seconds more, and is then stopped."""
    seen = []
    tasks = [("pages", 2), ("many pages", 10**6), ("ok", 3)]
    limits = Limits(seconds=1, memory_bytes=None, seconds_per_step=5)
    got = list(run_limited(_task, tasks, workers=3, limits=limits, scratch=tmp_path, failure=_failure,
                           progress=lambda t, d, n: seen.append((t[0], d, n))))
    assert got == [20, ("timeout", "超时"), 30]
    assert ("pages", 2, 2) in seen and ("many pages", 0, 10**6) in seen
