"""`python -m loaders fuzz --n 5000` — a deeper run of the fuzz harness (loaders.fuzz).

Seeded, parallel children each under a time and a memory limit; prints a summary (files tried,
clean errors, parsed, crashes, hangs, memory blow-ups) and every finding with its case name and
mutations; exit 1 if any case was not clean.
"""

from __future__ import annotations

import os
import time

import click


@click.command(name="fuzz")
@click.option("--n", "n", type=click.IntRange(min=1), default=5000, show_default=True, help="变异文件数")
@click.option("--seed", type=int, default=16, show_default=True, help="随机种子（同一种子得到同样的文件）")
@click.option("--workers", type=click.IntRange(min=1), default=None, help="并行进程数（默认：CPU 核数）")
@click.option("--time-limit", type=float, default=60.0, show_default=True, help="每个文件的时间上限（秒）")
@click.option("--memory-limit", type=click.IntRange(min=64), default=2048, show_default=True,
              help="每个文件的内存上限（MB）")
def fuzz(n: int, seed: int, workers: int | None, time_limit: float, memory_limit: int) -> None:
    """用变异的年报（html、pdf、docx、txt、zip）检验读取与解析：只允许解析成功或给出明确错误。"""
    from ..fuzz import OUTCOMES, run

    done = 0

    def tick(_case, _outcome, _detail) -> None:
        nonlocal done
        done += 1
        if done % 100 == 0:
            click.echo(f"… {done}/{n}", err=True)

    t0 = time.monotonic()
    s = run(n, seed=seed, workers=workers or os.cpu_count() or 1, seconds=time_limit, memory_mb=memory_limit,
            on_result=tick)
    names = {"parsed": "解析成功", "clean_error": "明确错误", "crash": "崩溃", "hang": "超时（挂起）",
             "memory": "内存超限", "died": "进程意外退出"}
    click.echo(f"种子 {seed}，文件 {s.tried} 个，用时 {time.monotonic() - t0:.0f} 秒")
    for o in OUTCOMES:
        click.echo(f"  {names[o]}: {s.counts[o]}")
    click.echo("按格式: " + "；".join(
        f"{fmt} " + "、".join(f"{names[o]} {c[o]}" for o in OUTCOMES if c[o]) for fmt, c in s.by_format.items()))
    for name, how, outcome, detail in s.findings:
        click.echo(f"[{names[outcome]}] {name} ({how}): {detail}")
    if not s.clean:
        raise SystemExit(1)
