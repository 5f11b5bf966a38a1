"""`python -m loaders inspect FILE [--stage document] [--json]` — show what a reader made of a file.

Prints the Document's blocks in order: headings and paragraphs with their location, tables as
grids (merged-cell copies shown as ``↑``/``←``-style markers so the layout is visible).
"""

from __future__ import annotations

import json
import sys

import click

from ..document import Document, Paragraph, Table
from ..errors import LoaderError


def document_to_dict(doc: Document) -> dict:
    blocks = []
    for b in doc.blocks:
        if isinstance(b, Paragraph):
            blocks.append({"type": b.kind, "level": b.level, "text": b.text, "norm": b.norm,
                           "loc": b.loc.to_dict() if b.loc else None})
        else:
            blocks.append({
                "type": "table", "n_rows": b.n_rows, "n_cols": b.n_cols, "pages": list(b.pages),
                "loc": b.loc.to_dict() if b.loc else None,
                "rows": [[{"text": c.text, **({"merged_from": list(c.merged_from)} if c.merged_from else {}),
                           **({"rowspan": c.rowspan} if c.rowspan > 1 else {}),
                           **({"colspan": c.colspan} if c.colspan > 1 else {})} for c in row] for row in b.rows],
            })
    s = doc.source
    return {
        "source": {"name": s.name, "sha256": s.sha256, "size": s.size, "file_type": s.file_type,
                   "encoding": s.encoding, "member_of": s.member_of, "pages": s.pages},
        "status": doc.status, "title": doc.title, "meta": doc.meta, "warnings": doc.warnings, "blocks": blocks,
    }


def _echo_table(t: Table) -> None:
    where = t.loc.describe() if t.loc else ""
    pages = f" pages={list(t.pages)}" if t.pages else ""
    click.echo(f"[table {t.n_rows}×{t.n_cols}]{pages} {where}")
    for row in t.rows:
        cells = []
        for c in row:
            if c.merged_from is not None:
                cells.append(f"⟨{c.merged_from[0]},{c.merged_from[1]}⟩")
            else:
                cells.append(c.text.replace("\n", "⏎") or "·")
        click.echo("  | " + " | ".join(cells) + " |")


@click.command(name="inspect")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--stage", type=click.Choice(["document"]), default="document", show_default=True,
              help="which stage's output to show (the reader's Document)")
@click.option("--json", "as_json", is_flag=True, help="print the document as JSON")
@click.option("--max-mb", type=float, default=50, show_default=True, help="file size limit in MB")
def inspect(file: str, stage: str, as_json: bool, max_mb: float) -> None:
    """显示读取器从 FILE 得到的文档块（标题、段落、表格）。"""
    from ..readers import read_file

    try:
        doc = read_file(file, max_bytes=int(max_mb * 1024 * 1024), check_report=False)
    except LoaderError as e:
        raise click.ClickException(e.message) from None
    if as_json:
        json.dump(document_to_dict(doc), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return
    s = doc.source
    click.echo(f"{s.name}  type={s.file_type} encoding={s.encoding} pages={s.pages} size={s.size} "
               f"status={doc.status} blocks={len(doc.blocks)} tables={len(doc.tables)}")
    click.echo(f"title: {doc.title}")
    for k, v in doc.meta.items():
        click.echo(f"meta {k}: {v}")
    for w in doc.warnings:
        click.echo(f"warning: {w}")
    for b in doc.blocks:
        if isinstance(b, Paragraph):
            tag = f"h{b.level or ''}" if b.kind == "heading" else "p"
            click.echo(f"[{tag}] {b.loc.describe() if b.loc else ''}: {b.text}")
        else:
            _echo_table(b)
