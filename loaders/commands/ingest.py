"""`python -m loaders ingest PATH... --db FILE` — parse reports in parallel into the warehouse.

A thin shell over ``warehouse.ingest``: a live progress bar (ok / with findings / failed), a bar
per scan while OCR reads it (pages) and a line when it is read, a closing summary table, every
failure with its file and Chinese reason, exit code 1 if any failed.
"""

from __future__ import annotations

import os
import sys

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table


def _counts(ok: int, findings: int, failed: int, same: int) -> str:
    return (f"[green]成功 {ok}  [yellow]有发现 {findings}  [red]失败 {failed}  [dim]未变化 {same}")


def _summary_table(s) -> Table:
    t = Table(title="入库结果", show_header=True, header_style="bold")
    t.add_column("项目")
    t.add_column("数量", justify="right")
    rows = [
        ("输入文件", s.inputs),
        ("新入库（无问题）", s.ok),
        ("新入库（有校验发现）", s.with_findings),
        ("重新解析", s.reparsed),
        ("未变化（已入库，跳过）", s.unchanged),
        ("新版本（同机关同年度）", s.versions_added),
        ("失败", s.failed),
    ]
    for label, n in rows:
        t.add_row(label, str(n))
    t.add_row("用时", f"{s.seconds:.1f} 秒")
    t.add_row("数据版本", s.data_version)
    return t


@click.command(name="ingest")
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@click.option("--db", "db", required=True, type=click.Path(), help="数据库文件路径（看板用同一路径）")
@click.option("--manifest", type=click.Path(exists=True, dir_okay=False), help="清单 CSV：file 列 + 元数据列")
@click.option("--roster", type=click.Path(exists=True, dir_okay=False), help="应报名单 CSV：agency, year …")
@click.option("--workers", type=int, default=None, help="并行解析进程数（默认：CPU 核数）")
@click.option("--reparse", is_flag=True, help="用当前解析器重新解析库内全部原始文件")
@click.option("--demo", is_flag=True, hidden=True, help="标记为示例数据")
@click.option("--publish-every", type=float, default=120.0, show_default=True,
              help="长时间入库时每隔多少秒发布一次中间快照（看板可见）")
@click.option("--batch-size", type=click.IntRange(min=1), default=256, show_default=True,
              help="每个写入事务最多包含的报告数（批量写入；崩溃时最多重新解析一批）")
@click.option("--time-limit", type=float, default=120.0, show_default=True,
              help="每个文件的解析时间上限（秒，0 为不限；扫描件每页另加 30 秒）；超时的文件记为失败，其余照常入库")
@click.option("--memory-limit", type=int, default=2048, show_default=True,
              help="每个文件解析时可用的内存上限（MB，0 为不限）；超限的文件记为失败")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="在 Dask 集群上解析：调度器地址（如 tcp://10.0.0.5:8786）；默认用本机进程池。"
                   "输入文件须在各工作节点的同一路径下可读")
@click.option("--quiet", "-q", is_flag=True, help="不显示进度条")
@click.option("--wait", "wait", type=float, default=0.0, show_default=True,
              help="另一入库进程（如看板上传的收件箱）正在写入时，最多等待多少秒后再开始")
def ingest(paths, db, manifest, roster, workers, reparse, demo, publish_every, batch_size, time_limit, memory_limit,
           scheduler, quiet, wait) -> None:
    """把年报文件（文件、文件夹、zip）解析入库。同一文件重复入库不会改变任何数据。"""
    from loaders.errors import LoaderError
    from warehouse.ingest import ingest as run_ingest
    from warehouse.ingest import reparse as run_reparse
    from warehouse.workers import Limits

    limits = Limits(seconds=time_limit or None, memory_bytes=(memory_limit or 0) * 2**20 or None)

    console = Console(stderr=True)
    if not paths and not reparse:
        raise click.UsageError("请给出要入库的文件或文件夹（或使用 --reparse）")
    manifest_rows = None
    if manifest:
        from loaders.manifest import read_manifest

        try:
            manifest_rows = read_manifest(manifest)
        except LoaderError as e:
            raise click.ClickException(str(e)) from None

    bars_off = quiet or (not console.is_terminal and os.environ.get("GONGKAI_PROGRESS") != "1")
    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[info]}"),
        TimeElapsedColumn(),
        console=console,
        disable=bars_off,
        transient=False,
    )
    task = progress.add_task("入库", total=None, info=_counts(0, 0, 0, 0))
    ocr_tasks: dict[str, object] = {}  # a bar per scan being read (one per worker at most)

    def on_start(n: int) -> None:
        progress.update(task, total=n + progress.tasks[0].completed)

    def on_progress(s, origin: str) -> None:
        progress.update(task, advance=1, info=_counts(s.ok, s.with_findings, s.failed, s.unchanged))

    def on_ocr(file: str, done: int, pages: int) -> None:
        if file not in ocr_tasks:
            ocr_tasks[file] = progress.add_task("  OCR识别", total=pages, info=f"[cyan]{escape(file)}[/]（页）")
        progress.update(ocr_tasks[file], completed=done, total=pages)
        if done >= pages:
            progress.remove_task(ocr_tasks.pop(file))
            if not bars_off:
                progress.console.print(f"OCR识别完成：{file}（{pages} 页）", markup=False, highlight=False, soft_wrap=True)

    with progress:
        try:
            if reparse:
                s = run_reparse(db, manifest=manifest_rows, roster=roster, workers=workers, progress=on_progress,
                                on_start=on_start, on_ocr=on_ocr, limits=limits, batch_size=batch_size, scheduler=scheduler)
            else:
                s = run_ingest(list(paths), db, manifest=manifest_rows, roster=roster, workers=workers,
                               is_demo=demo, publish_every=publish_every, progress=on_progress,
                               on_start=on_start, on_ocr=on_ocr, limits=limits, batch_size=batch_size, wait=wait,
                               scheduler=scheduler)
        except (LoaderError, RuntimeError) as e:
            raise click.ClickException(str(e)) from None

    out = Console()
    out.print(_summary_table(s))
    if s.failures:
        out.print(f"[red]以下 {len(s.failures)} 个文件未能入库：")
        for f in s.failures:
            detail = f"（{f['detail']}）" if f.get("detail") else ""
            click.echo(f"  {f['file']}：{f.get('reason', '未知原因')}{detail}")  # unwrapped: one failure a line
        sys.exit(1)
