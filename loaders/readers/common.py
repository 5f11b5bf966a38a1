"""Small helpers every reader shares: building blocks with their matching form filled."""

from __future__ import annotations

from ..document import Cell, Document, Location, Paragraph
from ..errors import TooComplex
from ..normalize import norm
from ..spec.sections import REPORT_TITLE_WORDS


def paragraph(text: str, loc: Location | None = None, kind: str = "paragraph", level: int | None = None) -> Paragraph:
    return Paragraph(text=text, norm=norm(text), loc=loc, kind=kind, level=level)  # type: ignore[arg-type]


def cell(text: str, loc: Location | None = None, **kw) -> Cell:
    return Cell(text=text, norm=norm(text), loc=loc, **kw)


def names_report(text: str) -> bool:
    """Whether a line names the report itself (年度报告/年报): how readers pick the title."""
    return any(w in text for w in REPORT_TITLE_WORDS)


def fill_norms(doc: Document) -> Document:
    """Make sure every paragraph and cell carries its matching form (readers may build raw blocks)."""
    for b in doc.blocks:
        if isinstance(b, Paragraph):
            if not b.norm and b.text:
                b.norm = norm(b.text)
        else:
            for row in b.rows:
                for c in row:
                    if not c.norm and c.text:
                        c.norm = norm(c.text)
    return doc


# Bounds on one table's grid. A report's tables have tens of rows and at most ~20 columns; past
# these a file is refused (TooComplex) instead of growing without bound (a span of 10^8, a
# 100,000-row table).
MAX_TABLE_ROWS = 5_000
MAX_TABLE_COLUMNS = 256
MAX_TABLE_CELLS = 200_000


def check_table_size(n_rows: int, n_columns: int) -> None:
    """TooComplex (file named by the reader's caller) for a grid past the bounds above."""
    if n_rows > MAX_TABLE_ROWS:
        raise TooComplex("", f"表格超过 {MAX_TABLE_ROWS} 行（{n_rows} 行）")
    if n_columns > MAX_TABLE_COLUMNS:
        raise TooComplex("", f"表格超过 {MAX_TABLE_COLUMNS} 列（{n_columns} 列，或合并单元格跨度异常）")
    if n_rows * n_columns > MAX_TABLE_CELLS:
        raise TooComplex("", f"表格单元格超过 {MAX_TABLE_CELLS} 个")


def expand_grid(rows: list[list[tuple[str, int, int, Location | None]]]) -> list[list[Cell]]:
    """Lay out (text, rowspan, colspan, loc) cells into a rectangular grid.

    A merged cell is placed at its origin and copied into every position it covers; copies carry
    ``merged_from=(r, c)`` of the origin. Short rows are padded with empty cells so every row has the
    same width — the grid is what the page showed.
    """
    grid: dict[tuple[int, int], Cell] = {}
    n_rows = len(rows)
    check_table_size(n_rows, 0)
    for r, row in enumerate(rows):
        c = 0
        for text, rowspan, colspan, loc in row:
            while (r, c) in grid:
                c += 1
            rowspan = max(1, min(rowspan, 1000))
            colspan = max(1, min(colspan, 1000))
            check_table_size(n_rows, c + colspan)
            covered = min(rowspan, n_rows - r)  # rows hanging below the last are never laid out
            if len(grid) + covered * colspan > MAX_TABLE_CELLS:
                raise TooComplex("", f"表格单元格超过 {MAX_TABLE_CELLS} 个")
            origin = cell(text, loc, rowspan=rowspan, colspan=colspan)
            for dr in range(covered):
                for dc in range(colspan):
                    if dr == 0 and dc == 0:
                        grid[(r, c)] = origin
                    else:
                        grid[(r + dr, c + dc)] = Cell(text=text, norm=origin.norm, loc=loc, merged_from=(r, c),
                                                      rowspan=rowspan, colspan=colspan)
            c += colspan
    if not grid:
        return []
    # Rowspans hanging below the last row are clipped: the table ends where its rows end.
    width = max(c for (_, c) in grid) + 1
    out: list[list[Cell]] = []
    for r in range(n_rows):
        out.append([grid.get((r, c)) or Cell(text="", norm="") for c in range(width)])
    return out


def respan(rows: list[list[Cell]]) -> None:
    """Recompute rowspan/colspan of every origin (and its copies) from where its copies are."""
    ext: dict[tuple[int, int], list[int]] = {}
    for r, row in enumerate(rows):
        for c, cl in enumerate(row):
            o = cl.merged_from or (r, c)
            e = ext.setdefault(o, [r, c])
            e[0], e[1] = max(e[0], r), max(e[1], c)
    for r, row in enumerate(rows):
        for c, cl in enumerate(row):
            o = cl.merged_from or (r, c)
            origin = rows[o[0]][o[1]]
            cl.rowspan = ext[o][0] - o[0] + 1
            cl.colspan = ext[o][1] - o[1] + 1
            if cl.merged_from is not None:
                cl.text, cl.norm = origin.text, origin.norm

