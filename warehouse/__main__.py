"""`python -m warehouse …` — build the demo, create/inspect a warehouse, fast-load, export, docs."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """gongkai 数据仓库：示例库、快速导入、导出、指标文档。"""


@cli.command()
@click.option("--db", required=True, type=click.Path(), help="数据库文件路径")
@click.option("--agencies", default=None, type=int, help="示例机关数")
@click.option("--workers", default=None, type=int)
@click.option("--force", is_flag=True, help="即使已是最新也重建")
def demo(db: str, agencies: int | None, workers: int | None, force: bool) -> None:
    """构建示例数据库（示例省合成年报 + 种子年报，经真实入库流程）。已是最新则直接复用。"""
    from .demo import DEMO_AGENCIES, build_demo

    console = Console(stderr=True)
    console.print("[bold]构建示例数据库…[/bold]（示例数据：示例省，2019–2025年）")
    r = build_demo(db, agencies=agencies or DEMO_AGENCIES, workers=workers, force=force)
    if r.reused:
        console.print(f"示例数据库已是最新，直接使用：{db}（数据版本 {r.data_version}）")
        return
    s = r.synthetic
    assert s is not None
    console.print(f"示例数据库已建成：{db}（数据版本 {r.data_version}）：合成年报 {s.stored} 份入库，"
                  f"{s.with_findings} 份有校验发现，{s.failed} 份失败；用时 {s.seconds:.0f} 秒")
    for f in s.failures:
        console.print(f"  失败：{f['file']}：{f.get('reason')}", markup=False)


@cli.command()
@click.option("--db", required=True, type=click.Path())
def info(db: str) -> None:
    """数据库概况：数据版本、各年度报告数、最近入库记录及失败文件。"""
    from rich.table import Table

    from .connect import WarehouseNotFound, data_version, reader

    console = Console()
    try:
        with reader(db) as con:
            console.print(f"数据版本：{data_version(db)}")
            t = Table(title="报告（最新版本）")
            for c in ("年度", "格式", "报告数", "示例数据", "勾稽不符", "有多个版本"):
                t.add_column(c, justify="right")
            for row in con.execute(
                "SELECT year, format, COUNT(*), COUNT(*) FILTER (WHERE is_demo), "
                "COUNT(*) FILTER (WHERE NOT consistency_ok), COUNT(*) FILTER (WHERE n_versions > 1) "
                "FROM reports WHERE is_current GROUP BY ALL ORDER BY ALL"
            ).fetchall():
                t.add_row(*("—" if v is None else str(v) for v in row))
            console.print(t)
            runs = Table(title="最近入库")
            for c in ("运行", "开始", "命令", "解析器", "新入库", "未变化", "失败", "状态"):
                runs.add_column(c)
            for row in con.execute(
                "SELECT run_id, strftime(started_at, '%Y-%m-%d %H:%M'), command, parser_version, n_stored, "
                "n_unchanged, n_failed, status FROM ingest_runs ORDER BY run_id DESC LIMIT 5"
            ).fetchall():
                runs.add_row(*("" if v is None else str(v) for v in row))
            console.print(runs)
            for origin, reason, detail in con.execute(
                "SELECT origin, reason, detail FROM ingest_log "
                "WHERE run_id = (SELECT MAX(run_id) FROM ingest_log) ORDER BY origin"
            ).fetchall():
                click.echo(f"  失败：{origin}：{reason}{('（' + detail + '）') if detail else ''}")
    except WarehouseNotFound as e:
        raise click.ClickException(str(e)) from None


@cli.command()
@click.option("--db", required=True, type=click.Path())
def init(db: str) -> None:
    """创建空数据库（若不存在）；已有的旧版数据库升级到当前结构（数据保留）。"""
    from .connect import ensure_warehouse

    click.echo(ensure_warehouse(db))


@cli.command()
@click.option("--db", required=True, type=click.Path())
@click.option("--reports", "-n", required=True, type=int, help="合成报告数")
@click.option("--seed", default=0, type=int)
@click.option("--cells", is_flag=True, help="同时写入长表单元格")
def fastpath(db: str, reports: int, seed: int, cells: bool) -> None:
    """快速导入 N 份合成报告（不渲染、不解析），用于规模测试。"""
    from .fastpath import load

    r = load(db, reports, seed=seed, with_cells=cells)
    click.echo(f"{r.n_reports} reports in {r.seconds:.1f}s → {r.data_version}")


@cli.command()
@click.option("--db", required=True, type=click.Path(exists=True))
@click.option("--out", required=True, type=click.Path())
def parquet(db: str, out: str) -> None:
    """导出按年度分区的 Parquet（reports_wide、cells、findings）。"""
    from .connect import reader
    from .export import export_parquet

    with reader(db) as con:
        for p in export_parquet(con, out):
            click.echo(p)


@cli.command()
@click.option("--out", default="docs/indicators.md", type=click.Path())
@click.option("--check", is_flag=True, help="只检查文档是否最新")
def docs(out: str, check: bool) -> None:
    """由指标定义生成 docs/indicators.md。"""
    from .docs import render_indicator_docs

    text = render_indicator_docs()
    p = Path(out)
    if check:
        if not p.exists() or p.read_text(encoding="utf-8") != text:
            click.echo(f"{out} 不是最新：请运行 python -m warehouse docs", err=True)
            sys.exit(1)
        return
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text, encoding="utf-8")
    click.echo(out)


@cli.command("roster")
@click.option("--db", required=True, type=click.Path())
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def roster_cmd(db: str, file: str) -> None:
    """导入应报名单（XLSX 或 CSV，中文或英文表头）：替换文件中所列年度的名单。"""
    from .connect import open_writer
    from .derive import refresh
    from .roster import RosterError, load_roster

    try:
        with open_writer(db) as w:
            n = load_roster(w.con, file)
            refresh(w.con)
            version = w.publish()
    except RosterError as e:
        raise click.ClickException(e.message) from None
    click.echo(f"应报名单已导入：{n} 条（数据版本 {version}）")


@cli.command("deadline")
@click.option("--db", required=True, type=click.Path())
@click.option("--level", required=True, help="层级代码或名称（province/省级、city/市级、county/县级…）")
@click.option("--date", "date_", required=True, help="截止日期 月-日，如 02-28（报告年度的次年）")
@click.option("--class", "cls", default="*", show_default=True,
              help="期限类别：department（部门及机构）、government（县级以上人民政府本级）或 *（该层级全部）")
def deadline_cmd(db: str, level: str, date_: str, cls: str) -> None:
    """设定本机关对某一层级的报送期限（代替条例第四十九条的默认期限）。"""
    from loaders.spec import LEVELS
    from loaders.spec.deadlines import ANY_CLASS, class_code, parse_month_day

    from .connect import open_writer
    from .submission import set_deadline

    codes = {**{c: c for c, _ in LEVELS}, **{n: c for c, n in LEVELS}}
    if level not in codes:
        raise click.ClickException(f"层级无法识别：{level}（应为 {'、'.join(f'{c}/{n}' for c, n in LEVELS)}）")
    klass = ANY_CLASS if cls == ANY_CLASS else class_code(cls)
    if klass is None:
        raise click.ClickException(f"期限类别无法识别：{cls}")
    try:
        month, day = parse_month_day(date_)
    except ValueError as e:
        raise click.ClickException(str(e)) from None
    with open_writer(db) as w:
        set_deadline(w.con, codes[level], month, day, klass)
        version = w.publish()
    click.echo(f"已设定：{codes[level]} {klass} 报送期限为次年{month}月{day}日（数据版本 {version}）")


@cli.command("roster-confirm")
@click.option("--db", required=True, type=click.Path())
@click.option("--agency", required=True, help="名单中的单位名称")
@click.option("--year", required=True, type=int)
@click.option("--province", default=None)
@click.option("--city", default=None)
@click.option("--report-id", required=True, type=int, help="候选报告的编号（报送情况页“待确认”清单）")
@click.option("--reject", is_flag=True, help="否定该候选（不再提示）")
@click.option("--by", default=None, help="确认人")
def roster_confirm(db: str, agency: str, year: int, province: str | None, city: str | None, report_id: int,
                   reject: bool, by: str | None) -> None:
    """确认（或否定）名单单位与一份名称相近的报告是同一单位的年报。"""
    from .connect import open_writer
    from .submission import decide

    with open_writer(db) as w:
        if w.con.execute("SELECT COUNT(*) FROM reports WHERE report_id = ?", [report_id]).fetchone()[0] == 0:
            raise click.ClickException(f"没有编号为 {report_id} 的报告")
        decide(w.con, agency, year, province, city, report_id, "rejected" if reject else "confirmed", by)
        version = w.publish()
    click.echo(f"已{'否定' if reject else '确认'}：{agency} {year}年度 ↔ 报告 {report_id}（数据版本 {version}）")

@cli.command("roster-edit")
@click.option("--db", required=True, type=click.Path())
@click.argument("action", type=click.Choice(["add", "retire", "rename", "update"]))
@click.option("--agency", required=True, help="名单中的单位名称（新增时为新单位名称）")
@click.option("--unit-region", default=None, help="同名单位在多个地区时，指明其地区（名单中的地区）")
@click.option("--from-year", type=int, default=None, help="停报、更名、修改自该年度起生效")
@click.option("--year", "years", type=int, multiple=True, help="新增：应报的年度（可多次）")
@click.option("--new-name", default=None, help="更名：新名称")
@click.option("--region", default=None)
@click.option("--level", default=None, help="层级，如 市级")
@click.option("--category", default=None, help="类别，如 教育")
@click.option("--deadline-class", default=None, help="期限类别，如 部门及机构")
@click.option("--by", default=None, help="修改人")
def roster_edit_cmd(db: str, action: str, agency: str, unit_region: str | None, from_year: int | None,
                    years: tuple[int, ...], new_name: str | None, region: str | None, level: str | None,
                    category: str | None, deadline_class: str | None, by: str | None) -> None:
    """编辑应报名单：新增单位、自某年度起停报、更名（保留原名）、修改地区/层级/类别/期限类别。"""
    from . import derive
    from .connect import open_writer
    from .roster_edit import RosterEditError, apply

    if action != "add" and from_year is None:
        raise click.ClickException("停报、更名、修改须给出 --from-year")
    params = {"action": action, "agency": agency, "from_year": from_year, "years": list(years), "new_name": new_name,
              "attrs": {"region": region, "level": level, "category": category, "deadline_class": deadline_class}}
    if unit_region is not None:
        params["unit_region"] = unit_region
    try:
        with open_writer(db) as w:
            message = apply(w.con, params, by)
            derive.refresh(w.con)
            version = w.publish()
    except RosterEditError as e:
        raise click.ClickException(str(e)) from None
    click.echo(f"{message}（数据版本 {version}）")


@cli.group()
def review() -> None:
    """审查决定：并入数据仓库、导出、导入（决定记录在 <db>.d/decisions/，见 docs/review.md）。"""


@review.command("apply")
@click.option("--db", required=True, type=click.Path())
def review_apply(db: str) -> None:
    """把已记录的审查决定并入新的数据快照（入库时也会自动并入）。"""
    from .connect import open_writer
    from .review import load

    with open_writer(db) as w:
        version = w.publish()
    click.echo(f"{len(load(db))} 条审查决定已并入，数据版本 {version}")


@review.command("export")
@click.option("--db", required=True, type=click.Path())
@click.option("--out", required=True, type=click.Path(dir_okay=False),
              help="以 .csv 结尾：Excel 可打开的 CSV（UTF-8 BOM）；其他扩展名：JSON")
def review_export(db: str, out: str) -> None:
    """导出全部审查决定（JSON 或 CSV，按 --out 的扩展名），供由原件重建的数据仓库导入。"""
    from .review_file import export_csv, export_json

    Path(out).write_bytes(export_csv(db) if Path(out).suffix.lower() == ".csv" else export_json(db))
    click.echo(out)


@review.command("import")
@click.option("--db", required=True, type=click.Path())
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def review_import(db: str, file: str) -> None:
    """导入审查决定（JSON 或 CSV，按扩展名或内容判断；已有的跳过；文件有误则一条也不导入）。"""
    from .review import DecisionError
    from .review_file import import_file

    try:
        n = import_file(db, Path(file).read_bytes(), file)
    except DecisionError as e:
        raise click.ClickException(f"{file}: {e}") from None
    click.echo(f"导入 {n} 条审查决定")


@cli.command("inbox-run")
@click.option("--db", required=True, type=click.Path())
@click.option("--workers", default=None, type=int)
@click.option("--watch", is_flag=True, help="处理完后继续等待新的上传（每2秒检查一次）")
def inbox_run(db: str, workers: int | None, watch: bool) -> None:
    """处理看板上传的收件箱：逐批入库（与命令行入库共用同一写入锁，依次进行）。"""
    import time

    from .inbox import pending, run_pending

    while True:
        n = run_pending(db, workers=workers)
        if n:
            click.echo(f"已处理 {n} 批上传")
        if not watch:
            return
        time.sleep(2.0 if not pending(db) else 0.1)


if __name__ == "__main__":
    cli(prog_name="python -m warehouse")
