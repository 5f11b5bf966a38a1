"""PDF rendering with fpdf2: ruled tables, wrapped label cells, a page break inside table 三,
page footers "- 2 -", and a CJK font that is really embedded (subset + ToUnicode), so the text
layer extracts back with pdfplumber/pypdfium2 as the published PDFs in the corpus do.

Tables are drawn cell by cell (not with fpdf2's table helper) because a merged label cell such as
"三、本年度办理结果" must be able to continue over a page break, as Word-made PDFs do: every
merged cell is drawn as one ruled box per page it touches, its text in the first box.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import MethodReturnValue

from ..records import ReportRecord
from .layout import Grid, GridCell, layout, split_text

# CJK fonts installed on the project machine (fonts-wqy-zenhei, fonts-noto-cjk); first found wins.
FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
)
FONT = "cjk"
PAGE_W, MARGIN, TOP, BOTTOM = 210.0, 20.0, 22.0, 22.0
USABLE_W = PAGE_W - 2 * MARGIN
TABLE_PT, LINE_H, PAD = 8, 3.6, 1.2
MIN_ROW_H = {"t2": 7.0, "t3": 8.5, "t4": 7.0}  # t3 rows as tall as in the corpus PDFs: it spans two pages
# If table 三 would still fit on its page, its last rows are pushed onto the next page anyway, as
# in the corpus PDFs ("t3's last row at top of next page", format.md §8): parsers must cope.
T3_ROWS_CARRIED = 2

COLUMN_WIDTHS = {
    "t2": (50.0, 40.0, 40.0, 40.0),
    "t3": (14.0, 22.0, 42.0) + ((USABLE_W - 78.0) / 7,) * 7,
    "t4": (USABLE_W / 15,) * 15,
}


def font_path() -> Path:
    for p in FONT_CANDIDATES:
        if p.is_file():
            return p
    raise FileNotFoundError("no CJK font found: install fonts-wqy-zenhei or fonts-noto-cjk")


def _common_chars() -> set[int]:
    """ASCII, CJK/full-width/general punctuation and every GB2312 character (the 6,763 common hanzi)."""
    chars = set(range(0x20, 0x7F)) | set(range(0x2000, 0x2070)) | set(range(0x3000, 0x3040)) | set(
        range(0xFF00, 0xFFF0))
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(ord(bytes((hi, lo)).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    return chars


@functools.cache
def common_font() -> tuple[Path, frozenset[int]]:
    """The CJK font cut down to the common characters, built once and cached on disk.

    Loading the whole 17 MB collection costs fpdf2 over a second per document; the cut-down
    TrueType (~2 MB) a fraction of that. Text with a character outside it uses the full font.
    """
    src = font_path()
    cache = Path(tempfile.gettempdir()) / "gongkai-synth-fonts"
    target = cache / f"{src.stem}-{src.stat().st_size}-{int(src.stat().st_mtime)}-common.ttf"
    chars = _common_chars()
    if not target.is_file():
        from fontTools import subset
        from fontTools.ttLib import TTFont

        font = TTFont(str(src), fontNumber=0)
        options = subset.Options()
        options.drop_tables += ["EBDT", "EBLC", "EBSC"]  # bitmap strikes: not needed, not subsettable
        options.name_IDs = ["*"]
        sub = subset.Subsetter(options)
        sub.populate(unicodes=chars)
        sub.subset(font)
        cache.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache, suffix=".ttf")
        os.close(fd)
        font.save(tmp)
        os.replace(tmp, target)  # atomic: concurrent builders never see a half-written font
    covered = frozenset(TTFontCmap.of(target) & chars)
    return target, covered


class TTFontCmap:
    @staticmethod
    def of(path: Path) -> set[int]:
        from fontTools.ttLib import TTFont

        return set(TTFont(str(path)).getBestCmap())


def _font_for(texts: list[str]) -> Path:
    path, covered = common_font()
    used = {ord(ch) for t in texts for ch in t}
    return path if used <= covered else font_path()


class _ReportPDF(FPDF):
    def footer(self) -> None:  # page number as Chinese official documents print it
        self.set_y(-15)
        self.set_font(FONT, size=10)
        self.cell(0, 8, f"- {self.page_no()} -", align="C")


@dataclass
class _Placed:
    page: int  # 0-based page offset from the table's first page
    y: float
    h: float


def _cell_text(c: GridCell) -> str:
    if c.split and c.text:
        a, b = split_text(c.text)
        return f"{a}\n{b}"
    return c.text


def _fits(pdf: FPDF, text: str, width: float) -> bool:
    return "\n" not in text and pdf.get_string_width(text) <= width - 2 * PAD


def _lines(pdf: FPDF, text: str, width: float) -> int:
    if not text or _fits(pdf, text, width):
        return 1  # most cells (numbers, short labels): no line breaking needed
    lines = pdf.multi_cell(width - 2 * PAD, LINE_H, text, dry_run=True, output=MethodReturnValue.LINES)
    return max(1, len(lines))


def _row_heights(pdf: FPDF, grid: Grid, widths: tuple[float, ...]) -> list[float]:
    heights = [MIN_ROW_H[grid.table]] * len(grid.rows)
    spanning = []
    for row in grid.rows:
        for c in row:
            w = sum(widths[c.col:c.col + c.colspan])
            need = _lines(pdf, _cell_text(c), w) * LINE_H + 2 * PAD
            if c.rowspan == 1:
                heights[c.row] = max(heights[c.row], need)
            else:
                spanning.append((c, need))
    for c, need in spanning:
        have = sum(heights[c.row:c.row + c.rowspan])
        if need > have:
            heights[c.row + c.rowspan - 1] += need - have
    return heights


def _draw_table(pdf: FPDF, grid: Grid) -> None:
    widths = COLUMN_WIDTHS[grid.table]
    x0 = MARGIN
    pdf.set_font(FONT, size=TABLE_PT)
    heights = _row_heights(pdf, grid, widths)
    bottom = pdf.h - BOTTOM
    # Layout pass: place every row on a page.
    placed: list[_Placed] = []
    page, y = 0, pdf.get_y()
    fits = y + sum(heights) <= bottom
    forced_row = len(heights) - T3_ROWS_CARRIED if grid.table == "t3" and fits else -1
    for r, h in enumerate(heights):
        if y + h > bottom or r == forced_row:
            page, y = page + 1, TOP
        placed.append(_Placed(page, y, h))
        y += h
    # Draw pass, page by page: each origin cell as one ruled box per page it touches.
    cells = [c for row in grid.rows for c in row]
    for p in range(page + 1):
        if p > 0:
            pdf.add_page()
            pdf.set_font(FONT, size=TABLE_PT)
        for c in cells:
            rows = [placed[r] for r in range(c.row, c.row + c.rowspan) if placed[r].page == p]
            if not rows:
                continue
            x = x0 + sum(widths[: c.col])
            w = sum(widths[c.col:c.col + c.colspan])
            top, h = rows[0].y, sum(pl.h for pl in rows)
            pdf.rect(x, top, w, h)
            if placed[c.row].page != p or not c.text:
                continue  # text only in the first box of a cell that continues over a page break
            text = _cell_text(c)
            if _fits(pdf, text, w):
                pdf.set_xy(x + PAD, top + (h - LINE_H) / 2)
                pdf.cell(w - 2 * PAD, LINE_H, text, align="C")
                continue
            n = _lines(pdf, text, w)
            pdf.set_xy(x + PAD, top + (h - n * LINE_H) / 2)
            pdf.multi_cell(w - 2 * PAD, LINE_H, text, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_xy(MARGIN, placed[-1].y + placed[-1].h + 4)


def render_pdf(rec: ReportRecord) -> bytes:
    pdf = _ReportPDF(format="A4")
    pdf.set_margins(MARGIN, TOP, MARGIN)
    pdf.set_auto_page_break(True, BOTTOM)
    blocks = layout(rec)
    texts = [b.text for b in blocks] + [c.text for b in blocks if b.grid for row in b.grid.rows for c in row]
    pdf.add_font(FONT, "", str(_font_for(texts)))
    pdf.set_title(rec.title)
    pdf.set_author(rec.agency)
    pdf.set_creator("gongkai synth (示例数据)")
    # A fixed creation date keeps the bytes deterministic for a seed.
    published = rec.publish_date or rec.deadline
    pdf.set_creation_date(dt.datetime(published.year, published.month, published.day, tzinfo=dt.UTC))
    pdf.add_page()
    for b in blocks:
        if b.kind == "title":
            pdf.set_font(FONT, size=16)
            pdf.multi_cell(0, 9, b.text, align="C", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(4)
        elif b.kind == "heading":
            pdf.set_font(FONT, size=13)
            pdf.multi_cell(0, 8, b.text, new_x="LMARGIN", new_y="NEXT")
        elif b.kind == "para":
            pdf.set_font(FONT, size=11)
            pdf.multi_cell(0, 6.5, "　　" + b.text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        elif b.kind == "table":
            if pdf.get_y() + 30 > pdf.h - BOTTOM:
                pdf.add_page()
            _draw_table(pdf, b.grid)
    return bytes(pdf.output())
