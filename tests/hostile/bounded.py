"""Run a call in a forked child and give up after a generous limit: a hang guard, not a speed check.

A pattern that backtracks exponentially never returns; without a guard the test run would stall
instead of failing. The limit is minutes-scale so a slow machine never trips it.
"""

from __future__ import annotations

import multiprocessing as mp
import traceback
from collections.abc import Callable
from typing import Any

HANG_LIMIT_S = 120.0


def _child(conn, fn: Callable[..., Any], args: tuple) -> None:
    try:
        conn.send(("ok", fn(*args)))
    except BaseException as e:
        conn.send(("raised", f"{type(e).__name__}: {e}\n{traceback.format_exc()}"))
    finally:
        conn.close()


def bounded(fn: Callable[..., Any], *args: Any, limit: float = HANG_LIMIT_S) -> Any:
    """``fn(*args)`` in a child process; AssertionError when it does not finish within ``limit``
    or when it raises (the child's traceback in the message)."""
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    p = ctx.Process(target=_child, args=(child, fn, args))
    p.start()
    child.close()
    try:
        if not parent.poll(limit):
            raise AssertionError(f"{getattr(fn, '__name__', fn)} did not finish within {limit:.0f} s (hang)")
        status, value = parent.recv()
    finally:
        if p.is_alive():
            p.kill()
        p.join()
    if status != "ok":
        raise AssertionError(value)
    return value
