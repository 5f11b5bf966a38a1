"""Plain-text renderings, the two shapes text reports reach us in.

- ``render_tsv``: PDF text extraction with tab-separated cells, like the seed report
  (tests/data/2021_sanmenxia_devzone_party_office.txt): merged cells print once at their origin
  and leave empty slots; the running page header reappears inside table 三 where the page broke;
  a wrapped number comes out as its two lines joined by a space.
- ``render_crawler``: a crawler's page.txt (../shared/corpus/raw/2021_pingtan_zone_gov.txt): a
  metadata header, then the whole body on one line with the tables flattened into runs of labels
  and numbers — cell boundaries are lost, blank cells vanish.
- ``render_lines``: a browser copy or reader view of an HTML table: every cell on a line of its
  own, in reading order, a blank cell as an empty line — the line break is the cell boundary.
- ``render_lines_gone``: the same copy where blank cells left no line at all (some crawlers drop
  empty lines): a row's numbers keep their boundaries but not their columns.
- ``render_pipe``: a Markdown pipe table per table (PDF→Markdown converters), blank cells empty.
- ``render_layout``: space-aligned columns as ``pdftotext -layout`` prints them: each cell padded
  to its column's width, a blank cell only spaces.
- ``render_label_apart``: a row's label on one line and its numbers (space-separated) on the next.
- ``render_layout_paged`` / ``render_lines_paged``: the layout and one-cell-per-line texts of a PDF
  whose table 三 runs over a page break: the page's footer (page number) and the next page's
  running header (the report title) stand between two rows, and the table's header rows are
  printed again above the rest — header cells interleaved with the data rows.
"""

from __future__ import annotations

from ...spec import F2021, sum_checks
from ..records import ReportRecord
from .layout import Block, Grid, layout, split_text

# Table 三 breaks onto the next page after this many of its rows (header rows included).
T3_PAGE_BREAK_ROW = 8


# Tables whose numbers are held by sums (表三, 表四): there a wrapped number is printed over two
# cells, which only the sums can join back.
SPLIT_OVER_CELLS = frozenset(k.split(".")[0] for c in sum_checks(F2021) for k in c.keys)


def _cell_text(text: str, split: bool) -> str:
    return " ".join(split_text(text)) if split and text else text


def _tsv_rows(grid: Grid) -> list[str]:
    out = []
    for slots in grid.expanded():
        texts = []
        for c_idx, cell in enumerate(slots):
            if cell is None:
                texts.append("")
            elif cell.col == c_idx and cell.row == len(out):
                if cell.split and cell.text and cell.key and cell.key.split(".")[0] in SPLIT_OVER_CELLS:
                    # A PDF extraction puts the two lines of a wrapped number in two cells: the row
                    # has one number too many and only its sums tell the number (the parser's job).
                    texts.extend(split_text(cell.text))
                else:
                    texts.append(_cell_text(cell.text, cell.split))
            else:
                texts.append("")
        out.append("\t".join(texts))
    return out


def render_tsv(rec: ReportRecord) -> str:
    lines: list[str] = []
    running_header = rec.title
    for b in layout(rec):
        if b.kind == "title":
            lines += ["", f"# {b.text}", ""]
        elif b.kind == "heading":
            lines += [f"## {b.text}", ""]
        elif b.kind == "para":
            lines += [b.text, ""]
        elif b.kind == "table":
            rows = _tsv_rows(b.grid)
            if b.grid.table == "t3" and len(rows) > T3_PAGE_BREAK_ROW:
                rows = [*rows[:T3_PAGE_BREAK_ROW], "", running_header, "", *rows[T3_PAGE_BREAK_ROW:]]
            lines += [*rows, ""]
    return "\n".join(lines) + "\n"


def _flat_table(grid: Grid) -> str:
    parts = []
    for row in grid.rows:
        for cell in row:
            parts.append(cell.text)
    return "".join(parts)


def render_crawler(rec: ReportRecord) -> str:
    published = rec.publish_date or rec.deadline
    url = f"https://www.shili.gov.cn.example/zwgk/xxgknb/{rec.year + 1}/{rec.agency_id.lower()}.htm"
    header = [
        f"标题: {rec.title}",
        f"发布时间: {published.isoformat()} 09:30",
        "文号: ",
        f"发布机构: {rec.agency}",
        "栏目: 政府信息公开年报",
        f"原文链接: {url}",
        f"本地目录: zwgk/xxgknb/{rec.year + 1}/{rec.agency_id}",
        "页面链接与图片详见 links.tsv(同目录)",
        "==================== 正文 ====================",
    ]
    body: list[str] = [f"当前位置： 首页政务公开政府信息公开年报 {rec.title} 来源：{rec.agency} "
                       f"时间：{published.isoformat()} 微信 微博 文字版 "]
    blocks: list[Block] = layout(rec)
    for b in blocks:
        if b.kind == "title":
            continue
        if b.kind == "heading":
            body.append(f"{b.text} ")
        elif b.kind == "para":
            body.append(b.text)
        elif b.kind == "table":
            body.append(_flat_table(b.grid) + " ")
    body.append(" 附件下载")
    return "\n".join(header) + "\n" + "".join(body) + "\n"


def _paged(grid: Grid, rows: list, page_lines: list) -> list:
    """Table 三's rows with a page break after T3_PAGE_BREAK_ROW rows: footer, running header, and
    the header rows again (``rows`` are the grid's rows in the renderer's own shape, one per grid row)."""
    if grid.table != "t3" or len(rows) <= T3_PAGE_BREAK_ROW:
        return rows
    n_header = next(i for i, r in enumerate(grid.rows) if any(c.key for c in r))
    return [*rows[:T3_PAGE_BREAK_ROW], *page_lines, *rows[:n_header], *rows[T3_PAGE_BREAK_ROW:]]


def _line_cells(grid: Grid, keep_blank: bool) -> list[str]:
    return [cell.text for row in grid.rows for cell in row if keep_blank or cell.text]


def render_lines(rec: ReportRecord, keep_blank: bool = True) -> str:
    lines: list[str] = [rec.title, ""]
    for b in layout(rec):
        if b.kind in ("heading", "para"):
            lines += [b.text, ""]
        elif b.kind == "table":
            lines += [*_line_cells(b.grid, keep_blank), ""]
    return "\n".join(lines) + "\n"


def render_lines_gone(rec: ReportRecord) -> str:
    return render_lines(rec, keep_blank=False)


def render_lines_paged(rec: ReportRecord) -> str:
    lines: list[str] = [rec.title, ""]
    for b in layout(rec):
        if b.kind in ("heading", "para"):
            lines += [b.text, ""]
        elif b.kind == "table":
            rows = [[cell.text for cell in row] for row in b.grid.rows]
            rows = _paged(b.grid, rows, [["", "- 2 -", "", rec.title, ""]])
            lines += [*(t for r in rows for t in r), ""]
    return "\n".join(lines) + "\n"


def _grid_texts(grid: Grid) -> list[list[str]]:
    """Each expanded row's slot texts: a merged cell's text at its origin, '' elsewhere."""
    out = []
    for r, slots in enumerate(grid.expanded()):
        out.append([cell.text if cell is not None and cell.col == c and cell.row == r else ""
                    for c, cell in enumerate(slots)])
    return out


def _render_rows(rec: ReportRecord, table_lines) -> str:
    lines: list[str] = [rec.title, ""]
    for b in layout(rec):
        if b.kind in ("heading", "para"):
            lines += [b.text, ""]
        elif b.kind == "table":
            lines += [*table_lines(_grid_texts(b.grid)), ""]
    return "\n".join(lines) + "\n"


def _pipe_lines(rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(r) + " |" for r in rows]
    return [out[0], "|" + "---|" * len(rows[0]), *out[1:]] if out else out


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)  # CJK prints two columns wide


def _layout_lines(rows: list[list[str]]) -> list[str]:
    n = max(len(r) for r in rows)
    widths = [max(_width(r[c]) if c < len(r) else 0 for r in rows) for c in range(n)]
    return ["   ".join(t + " " * (w - _width(t)) for t, w in zip(r, widths, strict=False)).rstrip() for r in rows]


def _label_apart_lines(rows: list[list[str]]) -> list[str]:
    out = []
    for r in rows:
        words = [t for t in r if t and not _is_number_text(t)]
        numbers = [t for t in r if t and _is_number_text(t)]
        if words:
            out.append("".join(words))
        if numbers:
            out.append(" ".join(numbers))
    return out


def _is_number_text(t: str) -> bool:
    """A value cell's text: a number (with its unit) or a dash/slash printed for a value."""
    return t in ("—", "-", "/") or t.replace(".", "", 1).replace("元", "").lstrip("-").isdigit()


def render_pipe(rec: ReportRecord) -> str:
    return _render_rows(rec, _pipe_lines)


def render_layout(rec: ReportRecord) -> str:
    return _render_rows(rec, _layout_lines)


def render_layout_paged(rec: ReportRecord) -> str:
    def paged_layout(rows: list[list[str]], grid: Grid) -> list[str]:
        lines = _layout_lines(rows)
        return _paged(grid, lines, ["", f"{'第 2 页 共 6 页':>60}", "", rec.title, ""])

    lines: list[str] = [rec.title, ""]
    for b in layout(rec):
        if b.kind in ("heading", "para"):
            lines += [b.text, ""]
        elif b.kind == "table":
            lines += [*paged_layout(_grid_texts(b.grid), b.grid), ""]
    return "\n".join(lines) + "\n"


def render_label_apart(rec: ReportRecord) -> str:
    return _render_rows(rec, _label_apart_lines)
