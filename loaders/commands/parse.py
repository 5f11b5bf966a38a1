"""`python -m loaders parse FILE [--json]` — one parsed report.

The JSON is ``ParsedReport.to_json()``: file, year, format, agency, region, cells (every canonical
key of the format → number or null), cell_status, findings … — relied on from outside, keep it.
Exit 0 for a parsed report; exit 1 with "file: reason" on stderr for a file that cannot be read.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..errors import LoaderError
from ..model import ParsedReport
from ..parse import parse_file
from ..parse.settings import resolve_settings
from ..spec import STATUS_NAMES, ValueStatus


def _summary(report: ParsedReport) -> None:
    cells = report.cells
    counts: dict[str, int] = {}
    for cv in cells.values():
        counts[str(cv.status)] = counts.get(str(cv.status), 0) + 1
    click.echo(f"文件: {report.file}")
    click.echo(f"格式: {report.fmt} ({report.format.source})   年度: {report.year.value}   机构: {report.agency.value}")
    click.echo(f"地区: {report.region.value}   层级: {report.level.value}   类别: {report.category.value}")
    click.echo("单元格: " + ", ".join(f"{STATUS_NAMES[ValueStatus(k)]} {v}" for k, v in sorted(counts.items())))
    for f in report.findings:
        click.echo(f"[{f.rule} {f.severity} {f.kind}] {f.message}")


@click.command(name="parse")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print ParsedReport.to_json() as JSON.")
@click.option("--manifest", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Optional manifest CSV whose row for FILE overrides the metadata.")
@click.option("--strict", is_flag=True, default=None, help="Parse-uncertain findings are errors.")
def parse(file: Path, as_json: bool, manifest: Path | None, strict: bool | None) -> None:
    """解析一份年报，输出各单元格数值、元数据与校验结果。"""
    row = None
    try:
        if manifest is not None:
            from ..manifest import manifest_row_for, read_manifest

            row = manifest_row_for(read_manifest(manifest), file.name)
        if not file.exists():
            raise click.ClickException(f"{file}: 文件不存在")
        report = parse_file(file, resolve_settings(None, strict=strict or None), row)
    except LoaderError as e:
        raise click.ClickException(str(e)) from e
    if as_json:
        click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=1, default=str))
    else:
        _summary(report)
