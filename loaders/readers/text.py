"""Plain text and Markdown: one block per line, tables from tab-separated runs and pipe tables.

Shapes met in real reports:
- PDF text extractions with one table row per line and cells separated by tabs (empty cells kept
  as empty fields) → a Table, one Cell per field, rows as ragged as the source.
- Markdown produced by PDF converters: ``#`` headings, ``|a|b|`` pipe tables, often broken
  (repeated ``|---|`` separators, loose lines between rows) → one Table per run of pipe lines.
- Crawler text where the tables were flattened into one long line of labels and numbers: stays a
  Paragraph; cell boundaries are lost in the source and recovering them is the parser's job.
- Space-aligned columns (``pdftotext -layout``): the gap and each word's position are the cell
  boundaries → a Table (layout_text), a lone number placed under its column's header.
- Crawler headers (``标题: …`` lines above a ``==== 正文 ====`` rule) → ``Document.meta``.
- A browser copy or reader view of an HTML table: every cell on a line of its own, a blank cell
  as an empty line (or gone) → a Table (``_line_cell_table``): the line break is the cell
  boundary, so a row is a label line and the value lines under it, empty lines kept as blank cells.

Each line is its own Paragraph (with its line number): wrapped PDF lines are not joined here
because a heading such as ``一、总体情况`` often sits on a line of its own with no blank around it.
"""

from __future__ import annotations

import re

from ..detect import decode_damaged, decode_text
from ..document import Document, Location, Paragraph, SourceInfo, Table
from ..errors import UndecodableText
from .common import cell, names_report, paragraph
from .layout_text import layout_regions, layout_table

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_PIPE_SEPARATOR = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")
_BODY_RULE = re.compile(r"^=+\s*正文\s*=+$")
_HEADER_FIELD = re.compile(r"^([^:：\s]{1,12})\s*[:：]\s*(.*)$")
_MAX_HEADER_LINES = 40
# Page furniture a PDF-to-text extraction leaves on lines of their own: "- 2 -", "— 3 —", "第2页",
# "第 2 页 共 6 页". Only whole lines with the dashes or 第…页 around the number: a bare "2" may be a value.
# A line holding one value cell and nothing else: a number (with its unit), a dash or a slash.
_VALUE_LINE = re.compile(r"^(?:-?[0-9][0-9,，]*(?:\.[0-9]+)?(?:万元|元|%)?|[-—–－―/／])$")
# Several numbers on one line ("15 0 0"): a row's values, not a label nor one cell.
# (A number is matched atomically: letting the repetition split a digit run between two numbers
# made a non-matching line of 60 digits backtrack exponentially.)
_NUMBERS_ONLY = re.compile(r"^[\s\u3000]*(?:(?>-?[0-9][0-9,，.]*+(?:万元|元|%)?|[-—–－―/／])[\s\u3000]*)+$")
# A line-per-cell table region: at least this many value lines, none of its text lines prose.
_MIN_VALUE_LINES = 12
_MAX_LABEL_CHARS = 60
_PAGE_NUMBER_LINE = re.compile(r"^([-—–－]\s*\d{1,3}\s*[-—–－]|第\s*\d{1,3}\s*页(\s*[,，/]?\s*共\s*\d{1,3}\s*页)?)$")


def read_text(data: bytes, source: SourceInfo) -> Document:
    try:
        text, encoding = decode_text(data, source.name)
        damaged = 0
    except UndecodableText:
        text, encoding, damaged = decode_damaged(data, source.name)  # or UndecodableText again
    source.encoding = encoding
    doc = parse_text(text, source, markdown=True)
    if damaged:
        doc.warnings.append(damage_warning(damaged, encoding))
    return doc


def damage_warning(n_bytes: int, encoding: str) -> str:
    return f"文件有 {n_bytes} 个字节无法按 {encoding} 解码，已替换为“\ufffd”；其所在行的数字不予读取"


def parse_text(text: str, source: SourceInfo, *, markdown: bool = True) -> Document:
    doc = Document(source=source)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    start = _crawler_header(lines, doc)
    i = start
    n = len(lines)
    dropped_page_numbers = 0
    regions = _line_cell_regions(lines, start)
    title = next((ln.strip() for ln in lines[start:] if ln.strip()), None)
    aligned = layout_regions(lines, start, regions,
                             lambda s: bool(_PAGE_NUMBER_LINE.match(s)) or (s == title and len(s) >= 8))
    while i < n:
        if i in regions:
            j = regions[i]
            doc.blocks.append(_line_cell_table(lines, i, j))
            i = j
            continue
        if i in aligned:
            rows = aligned[i]
            doc.blocks.append(layout_table(lines, rows))
            i = rows[-1] + 1
            continue
        raw = lines[i]
        stripped = raw.strip()
        if not stripped:
            i += 1
            continue
        if _PAGE_NUMBER_LINE.match(stripped):
            dropped_page_numbers += 1
            i += 1
            continue
        if markdown and stripped.startswith("|"):
            j = i
            while j < n and lines[j].strip().startswith("|"):
                j += 1
            tbl = _pipe_table(lines, i, j)
            if tbl is not None:
                doc.blocks.append(tbl)
            i = j
            continue
        if "\t" in raw.strip("\n") and raw.strip(" \u3000"):
            j = i
            while j < n and "\t" in lines[j] and lines[j].strip():
                j += 1
            doc.blocks.append(_tab_table(lines, i, j))
            i = j
            continue
        m = _HEADING.match(stripped) if markdown else None
        loc = Location(line=i + 1)
        if m:
            doc.blocks.append(paragraph(_strip_markup(m.group(2)), loc, kind="heading", level=len(m.group(1))))
        else:
            doc.blocks.append(paragraph(_strip_markup(stripped) if markdown else stripped, loc))
        i += 1
    if dropped_page_numbers:
        doc.warnings.append(f"删除了 {dropped_page_numbers} 行页码（如“- 2 -”）")
    _join_tables_split_by_title(doc)
    if doc.title is None:
        doc.title = doc.meta.get("标题") or guess_title(doc)
    return doc


def guess_title(doc: Document) -> str | None:
    """The first early line naming the report (年度报告/年报), else the first heading or line."""
    early = doc.paragraphs[:15]
    for k, p in enumerate(early):
        if names_report(p.norm) and len(p.norm) <= 80:
            if len(p.norm) <= 8 and k > 0 and len(early[k - 1].norm) <= 40:
                return early[k - 1].text + p.text  # a title wrapped onto a second line
            return p.text
    heads = [p for p in early if p.kind == "heading"]
    first = heads[0] if heads else (early[0] if early else None)
    return first.text if first else None


def _strip_markup(text: str) -> str:
    """Markdown emphasis is presentation, not content: ``**（一）完善制度。**正文`` → ``（一）完善制度。正文``."""
    return _EMPHASIS.sub(r"\2", text)


def _crawler_header(lines: list[str], doc: Document) -> int:
    """``key: value`` lines above a ``==== 正文 ====`` rule go to meta; returns the first body line."""
    for k, line in enumerate(lines[:_MAX_HEADER_LINES]):
        if _BODY_RULE.match(line.strip()):
            for h in lines[:k]:
                m = _HEADER_FIELD.match(h.strip())
                if m:
                    doc.meta[m.group(1)] = m.group(2).strip()
            doc.meta["crawler_header_lines"] = str(k + 1)
            return k + 1
    return 0


def _split_tabs(line: str) -> list[str]:
    # Trailing newline/CR only: trailing tab fields are real (empty) cells in PDF extractions.
    return [f.strip(" \u3000\xa0") for f in line.rstrip("\r\n").split("\t")]


def _tab_table(lines: list[str], i: int, j: int) -> Table:
    rows = []
    for k in range(i, j):
        rows.append([cell(f, Location(line=k + 1)) for f in _split_tabs(lines[k])])
    return Table(rows=rows, loc=Location(line=i + 1))


def _is_value_line(stripped: str) -> bool:
    return bool(_VALUE_LINE.match(stripped))


def _is_label_line(stripped: str) -> bool:
    """A short line of words that may head a row or a column (not prose, not markup)."""
    return (0 < len(stripped) <= _MAX_LABEL_CHARS and "。" not in stripped and "\t" not in stripped
            and not stripped.startswith(("|", "#")) and not _is_value_line(stripped)
            and not _NUMBERS_ONLY.match(stripped))


def _line_cell_regions(lines: list[str], start: int) -> dict[int, int]:
    """Runs of lines that are a table printed one cell per line: short label lines, value lines
    and empty lines only, with at least _MIN_VALUE_LINES value lines and value lines directly under
    a label. start → end (exclusive). A line of prose (long, or with 。) ends a run."""
    out: dict[int, int] = {}
    i, n = start, len(lines)
    while i < n:
        s = lines[i].strip()
        if not _is_label_line(s):
            i += 1
            continue
        j, values, labelled, prev = i, 0, False, ""
        while j < n:
            t = lines[j].strip()
            if _is_value_line(t):
                values += 1
                labelled = labelled or _is_label_line(prev)  # prev: the nearest non-empty line above
            elif t and not _is_label_line(t):
                break
            prev = t or prev
            j += 1
        scanned_to = j
        while j > i and not _is_value_line(lines[j - 1].strip()):
            j -= 1  # the run ends on its last value: label lines after it are the next heading …
        while j < n and not lines[j].strip():
            j += 1  # … and the empty lines right after it, the last row's blank cells (or spacing)
        if values >= _MIN_VALUE_LINES and labelled:
            out[i] = j
            i = j
        else:
            # a run starting later inside the scanned stretch ends at the same line with no more
            # value lines and no more labelled ones: it fails too, so it is not scanned again
            # (rescanning from every label line was quadratic in a long stretch of short lines)
            i = max(scanned_to, i + 1)
    return out


def _line_cell_table(lines: list[str], i: int, j: int) -> Table:
    """One row per label line: the label, then every line under it up to the next label, empty lines
    as blank cells. Label lines directly under one another are rows of their own (headers, a group
    label above its first item)."""
    rows: list[list] = []
    for k in range(i, j):
        t = lines[k].strip()
        loc = Location(line=k + 1)
        if _is_label_line(t):
            rows.append([cell(t, loc)])
        elif rows:
            rows[-1].append(cell(t, loc))
    # Empty lines are kept as blank cells: a row with more cells than the table has columns is
    # trimmed of its blank edges by the parser, so spacing between rows costs nothing.
    return Table(rows=rows, loc=Location(line=i + 1))


def _split_pipes(line: str) -> list[str]:
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|") and not s.endswith("\\|"):
        s = s[:-1]
    parts = re.split(r"(?<!\\)\|", s)
    return [p.strip().replace("\\|", "|") for p in parts]


def _pipe_table(lines: list[str], i: int, j: int) -> Table | None:
    rows = []
    for k in range(i, j):
        if _PIPE_SEPARATOR.match(lines[k].strip()):
            continue  # header separators, repeated mid-table by broken converters
        rows.append([cell(_strip_markup(f), Location(line=k + 1)) for f in _split_pipes(lines[k])])
    if not rows:
        return None
    return Table(rows=rows, loc=Location(line=i + 1))


def _join_tables_split_by_title(doc: Document) -> None:
    """A PDF page header (the report title repeated) between two runs of one table: drop it, join.

    The extraction put the next page's running header between table rows; the title is known from
    the first heading, so a paragraph equal to it sitting between two tables is that header.
    """
    heads = [b for b in doc.paragraphs if b.kind == "heading"]
    if not heads:
        return
    title = heads[0]
    out: list = []
    for b in doc.blocks:
        between = out[-1] if len(out) >= 2 and isinstance(out[-2], Table) else None
        if (isinstance(b, Table) and isinstance(between, Paragraph) and between.kind == "paragraph"
                and between.norm == title.norm and between is not title):
            out.pop()
            out[-1].rows.extend(b.rows)
            doc.warnings.append(f"第{between.loc.line}行重复的页眉（报告标题）位于表格中间，已删除并合并表格")
            continue
        out.append(b)
    doc.blocks = out

