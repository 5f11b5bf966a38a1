"""Small hand-built documents for the parser tests: each shape a real report was met in."""

from __future__ import annotations

import hashlib

from loaders.document import Document, Paragraph, SourceInfo, Table
from loaders.readers.common import expand_grid, paragraph
from loaders.readers.text import parse_text
from loaders.spec import T3_COLUMNS, t3_rows
from loaders.spec.tables import T3_HEADER_NOTE, T4_GROUPS, T4_RESULTS, table_spec


def source(name: str, file_type: str = "txt") -> SourceInfo:
    return SourceInfo(name=name, sha256=hashlib.sha256(name.encode()).hexdigest(), size=0, file_type=file_type)


def doc_of(blocks: list, name: str = "2022年某县测试局政府信息公开工作年度报告.txt", file_type: str = "txt") -> Document:
    return Document(source=source(name, file_type), blocks=blocks, title=name.rsplit(".", 1)[0])


def text_doc(text: str, name: str = "test.md") -> Document:
    return parse_text(text, source(name, "md"), markdown=True)


def grid(rows: list[list]) -> Table:
    """rows of cells: str, or (text, rowspan, colspan)."""
    spec_rows = []
    for row in rows:
        out = []
        for c in row:
            if isinstance(c, tuple):
                text, rs, cs = c
                out.append((text, rs, cs, None))
            else:
                out.append((c, 1, 1, None))
        spec_rows.append(out)
    return Table(rows=expand_grid(spec_rows))


def title(text: str) -> Paragraph:
    return paragraph(text, kind="heading")


def t2_2021_grid(values: dict[str, list[str]]) -> list[Table]:
    """Table 二 (2021) as four small grids, values by row code."""
    spec = table_spec("2021", "t2")
    tables = []
    for block in spec.blocks:
        rows: list[list] = [[(block.header, 1, 4)], ["信息内容", *[c.label for c in block.columns]]]
        for r in block.rows:
            rows.append([r.label, *values.get(r.code, ["0"] * len(block.columns))])
        tables.append(grid(rows))
    return tables


def t3_values(fmt: str, fill: dict[str, list[str]] | None = None) -> dict[str, list[str]]:
    fill = fill or {}
    return {r.code: fill.get(r.code, ["0"] * 7) for r in t3_rows(fmt)}


def t3_grid_rows(fmt: str, values: dict[str, list[str]]) -> list[list]:
    """Table 三 as an HTML-like grid: 3 header rows, 3 label columns with row/col spans."""
    head = [
        [(T3_HEADER_NOTE, 3, 3), ("申请人情况", 1, 7)],
        [("自然人", 2, 1), ("法人或其他组织", 1, 5), ("总计", 2, 1)],
        [c.label for c in T3_COLUMNS[1:6]],
    ]
    body: list[list] = []
    rows = t3_rows(fmt)
    result_rows = [r for r in rows if r.code.startswith("t3.result.")]
    groups_done: set[str] = set()
    for r in rows:
        vals = values[r.code]
        if not r.code.startswith("t3.result."):
            body.append([(r.label, 1, 3), *vals])
            continue
        cells: list = []
        if r is result_rows[0]:
            cells.append(("三、本年度办理结果", len(result_rows), 1))
        if r.group is not None:
            if r.group.code not in groups_done:
                n = sum(1 for x in rows if x.group is r.group)
                cells.append((r.group.label, n, 1))
                groups_done.add(r.group.code)
            cells.append(r.label)
        else:
            cells.append((r.label, 1, 2))
        body.append([*cells, *vals])
    return head + body


def t4_grid(values: list[str]) -> Table:
    rows = [
        [("行政复议", 1, 5), ("行政诉讼", 1, 10)],
        [*[(r.label, 2, 1) for r in T4_RESULTS], (T4_GROUPS[1].variants[0], 1, 5), (T4_GROUPS[2].variants[0], 1, 5)],
        [r.label for r in T4_RESULTS] * 2,
        values,
    ]
    return grid(rows)
