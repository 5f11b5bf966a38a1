"""`python -m loaders spec-docs [--check]` — write docs/format.md from the spec in loaders/spec."""

from __future__ import annotations

from pathlib import Path

import click

from ..spec.docs import render_format_docs


@click.command(name="spec-docs")
@click.option("--out", default="docs/format.md", type=click.Path(dir_okay=False), show_default=True)
@click.option("--check", is_flag=True, help="只检查文件是否最新，不写入 / only check it is current")
def spec_docs(out: str, check: bool) -> None:
    """由格式规范生成 docs/format.md。"""
    text = render_format_docs()
    path = Path(out)
    if check:
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            raise click.ClickException(f"{out} 不是最新：请运行 python -m loaders spec-docs")
        click.echo(f"{out} 是最新的")
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    click.echo(f"已写入 {out}")
