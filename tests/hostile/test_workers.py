"""warehouse.workers: a task that hangs, exhausts memory or dies becomes a failure for that task only;
the others finish, in order."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from warehouse.workers import Limits, run_limited


def _task(t):
    kind, n = t
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
