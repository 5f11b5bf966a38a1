"""PDF with a text layer → blocks, with pypdfium2 (pdfium) for both characters and ruling lines.

Why not pdfplumber: its whole-document table extraction runs ~4 six-page reports/s; the target is
≥10. pdfium gives character boxes and the page's path objects directly (C speed); the grid is
built here from the ruling lines, which is all a ruled report table needs:

1. chars: unicode + box per character (generated/whitespace chars skipped).
2. ruling lines: every straight horizontal/vertical segment of every path object (rectangles,
   lines, thin filled bars), transformed to page space, clustered and merged.
3. tables: connected groups of horizontal + vertical lines → a grid of row bands × column
   bands; neighbouring grid cells with no ruling between them are one merged cell (expanded and
   flagged); chars are placed by their centre; a cell's lines are joined without separators, so
   wrapped labels and vertical labels written one character per line read as one word.
4. text outside tables: lines grouped by baseline; a new paragraph where a line is indented,
   the previous line ended short, or the gap is large.
5. page furniture: lines in the top/bottom margin that are page numbers (``- 2 -``, ``第2页``)
   or repeat on several pages (running title) are dropped.
6. a table that ends a page and a table that starts the next page with the same column
   boundaries are one table (``Table.pages``); a repeated header row is dropped.
A PDF with no characters at all is a scan: ``Document(status="scanned")`` with no blocks.
"""

from __future__ import annotations

import ctypes
import re
from bisect import bisect_right
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..document import Cell, Document, Location, Paragraph, SourceInfo, Table
from ..errors import CorruptFile, EncryptedFile, TooComplex
from ..normalize import norm
from .common import cell as make_cell
from .common import names_report, paragraph, respan

SNAP = 2.5  # points: lines closer than this are the same ruling
MIN_RULE = 6.0  # points: shorter segments are glyph strokes, arrows, underline fragments
MARGIN_SHARE = 0.09  # top/bottom share of the page where running headers/footers live
SCANNED_CHARS_PER_PAGE = 20  # fewer real characters than this per page: a scan with at most a stamp
MAX_PDF_PAGES = 1_000  # a report has 3–50 pages; past this the file is refused before its pages are walked
_PAGE_NUMBER = re.compile(r"^[\s\-—–－_·•]*(第\s*)?[0-9０-９一二三四五六七八九十]+\s*(页|/\s*[0-9]+)?[\s\-—–－_·•]*$")
_NUMBER = re.compile(r"^[\s0-9０-９.,，．%\-—–/]+$")
_ITEM_NUMBER = re.compile(r"^\s*([（(]\s*[一二三四五六七八九十0-9０-９]+\s*[)）]|[一二三四五六七八九十]+\s*、|[0-9０-９]+\s*[.．、])")
_CONTINUED = re.compile(r"^[（(]?(续表|续上表|表\s*[一二三四五六七八九十0-9]*\s*[（(]续[)）])[)）]?[:：]?$")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_CJK_END = re.compile(r"[\u4e00-\u9fff，、；：（(]$")


class Char:
    """One character with its box in top-left page space (points)."""

    __slots__ = ("bottom", "cx", "cy", "idx", "text", "top", "x0", "x1")

    def __init__(self, text: str, x0: float, top: float, x1: float, bottom: float, idx: int = 0) -> None:
        self.text, self.x0, self.top, self.x1, self.bottom, self.idx = text, x0, top, x1, bottom, idx
        self.cx = (x0 + x1) / 2
        self.cy = (top + bottom) / 2


@dataclass
class Line:
    """A text line: chars sharing a baseline, left to right."""

    chars: list[Char]
    x0: float = 0
    x1: float = 0
    top: float = 0
    bottom: float = 0
    text: str = ""

    def finish(self) -> Line:
        chars = self.chars
        x0 = x1 = top = bottom = None
        full = 0.0
        for c in chars:
            if x0 is None or c.x0 < x0:
                x0 = c.x0
            if x1 is None or c.x1 > x1:
                x1 = c.x1
            if top is None or c.top < top:
                top = c.top
            if bottom is None or c.bottom > bottom:
                bottom = c.bottom
            if c.bottom - c.top > full:
                full = c.bottom - c.top
        self.x0, self.x1, self.top, self.bottom = x0, x1, top, bottom
        # Left to right. Some fonts give quotes/commas a misplaced glyph box; when the content
        # stream order agrees with the x order of the full-size glyphs, stream order places the
        # small ones too.
        by_idx = sorted(chars, key=lambda c: c.idx)
        ordered = True
        last = None
        for c in by_idx:
            if c.bottom - c.top > 0.6 * full:
                if last is not None and c.x0 < last - 0.5:
                    ordered = False
                    break
                last = c.x0
        self.chars = by_idx if ordered else sorted(chars, key=lambda c: c.x0)
        line_h = (bottom - top) if bottom - top > 1.0 else 1.0
        out = []
        prev = None
        for c in self.chars:
            # A visible gap between two Latin/digit runs is a space in the source; a gap wider than
            # a character anywhere is a column gap (borderless tables) and is kept as a space.
            if prev is not None and out and (c.x0 - prev.x1 > 1.2 * line_h or (
                    c.x0 - prev.x1 > 0.6 * line_h and c.text.isascii() and out[-1].isascii())):
                out.append(" ")
            out.append(c.text)
            prev = c
        self.text = "".join(out).strip()
        return self


@dataclass
class PageTable:
    page: int
    xs: list[float]
    ys: list[float]
    rows: list[list[Cell]]
    bbox: tuple[float, float, float, float]
    # The column rulings run past the first/last horizontal ruling: the table is cut by the page
    # edge there, and a row cut in two continues on the next page.
    open_top: bool = False
    open_bottom: bool = False


def read_pdf(data: bytes, source: SourceInfo) -> Document:
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        msg = str(e)
        if "password" in msg.lower() or "security" in msg.lower():
            raise EncryptedFile(source.name, "需要打开密码") from None
        raise CorruptFile(source.name, f"PDF 无法打开（{msg}）") from None
    try:
        if b"%%EOF" not in data[-4096:]:
            # pdfium silently rebuilds a cut-off file and shows what survived; a report missing
            # its end may be missing table rows, so it is refused rather than half-read.
            raise CorruptFile(source.name, "PDF 不完整（缺少文件结束标记 %%EOF，可能下载中断）")
        return _read(pdf, source)
    finally:
        pdf.close()


def _read(pdf: pdfium.PdfDocument, source: SourceInfo) -> Document:
    n_pages = len(pdf)
    if n_pages > MAX_PDF_PAGES:  # a 20 KB file can declare 100,000 pages sharing one content stream
        raise TooComplex(source.name, f"PDF 页数过多（{n_pages} 页，上限 {MAX_PDF_PAGES} 页）")
    source.pages = n_pages
    doc = Document(source=source)
    title = _metadata_title(pdf)
    file_date = _metadata_date(pdf)
    if file_date:
        doc.meta["file_date"] = file_date  # the publish date's last resort (parse.metadata)
    pages: list[tuple[int, float, float, list[Line], list[PageTable]]] = []
    image_pages: list[int] = []  # pages that are a picture (a scanned table in a typed report)
    for i in range(n_pages):
        page = pdf[i]
        try:
            width, height = page.get_size()  # as displayed (after /Rotate)
            display = _display_matrix(page.get_rotation(), width, height)
            chars = _chars(page, height, display)
            hs, vs = _rulings(page, display)
            if len(chars) < 5 * SCANNED_CHARS_PER_PAGE and _has_image(page):
                image_pages.append(i + 1)  # confirmed below, once headers and page numbers are known
        finally:
            page.close()
        tables = _tables(hs, vs, chars, i + 1)
        free = _outside(chars, [t.bbox for t in tables])
        pages.append((i + 1, width, height, _lines(free), tables))
    furniture = _furniture(pages)
    text_chars = sum(_text_chars(lines, tables, furniture) for *_, lines, tables in pages)
    if text_chars < SCANNED_CHARS_PER_PAGE * n_pages:
        # Nothing but page numbers (or nothing at all): the pages are images — read them by OCR.
        from .ocr import ocr_pdf_pages

        return ocr_pdf_pages(pdf, source, list(range(1, n_pages + 1)), title)
    image_pages = [n for n in image_pages if _text_chars(*pages[n - 1][3:], furniture) < SCANNED_CHARS_PER_PAGE]
    if image_pages:
        # A scanned page inside a typed report (a stamped table pasted as a picture): OCR'd in place.
        from .ocr import mark_ocr, ocr_pdf_image_pages

        scanned = ocr_pdf_image_pages(pdf, image_pages)
        for sp in scanned:
            pages[sp.page_no - 1] = sp.as_pdf_page()
        mark_ocr(doc, scanned)
        doc.warnings.append(f"第{'、'.join(map(str, image_pages))}页只有图片、没有文字层（可能是扫描的表格），已用OCR识别")
        doc.meta["image_only_pages"] = ",".join(map(str, image_pages))
    return assemble(doc, pages, title)


def assemble(doc: Document, pages: list, title: str | None) -> Document:
    """Page contents (page_no, width, height, text lines, tables) → the document's blocks and title:
    page furniture dropped, tables continued across pages joined, wrapped lines joined."""
    furniture = _furniture(pages)
    blocks: list[Paragraph | Table] = []
    last_table: PageTable | None = None
    last_table_block: Table | None = None
    cur_xs: list[float] = []
    for page_no, _width, _height, lines, tables in pages:
        lines = [ln for ln in lines if id(ln) not in furniture]
        items: list[tuple[float, object]] = [(ln.top, ln) for ln in lines] + [(t.bbox[1], t) for t in tables]
        items.sort(key=lambda it: it[0])
        first_on_page = True
        for _, it in items:
            if isinstance(it, PageTable):
                if first_on_page and last_table is not None and last_table_block is not None and _continues(
                        last_table, it):
                    split_row = last_table.open_bottom and it.open_top
                    last_table_block.rows, cur_xs = _append_rows(last_table_block.rows, cur_xs, it, split_row)
                    last_table_block.pages = (*last_table_block.pages, page_no)
                    doc.warnings.append(f"第{page_no - 1}页与第{page_no}页的表格跨页，已合并"
                                        + ("（跨页断开的一行已拼接）" if split_row else ""))
                    last_table = it
                else:
                    tbl = Table(rows=it.rows, loc=Location(page=page_no, bbox=it.bbox), pages=(page_no,))
                    blocks.append(tbl)
                    last_table, last_table_block, cur_xs = it, tbl, it.xs
            elif first_on_page and last_table is not None and _CONTINUED.match(it.text):
                # "续表" / "表三（续）" above a continuation: a caption of the split, not text.
                doc.warnings.append(f"第{page_no}页的“{it.text}”为续表标记，已删除")
                continue
            else:
                blocks.append(paragraph(it.text, Location(page=page_no, bbox=(it.x0, it.top, it.x1, it.bottom))))
                last_table = last_table_block = None
            first_on_page = False
        # Text after the table on the same page ends the chance of a continuation.
    doc.blocks = _join_paragraphs(blocks, pages)
    doc.title = _first_title(doc) or (title if title and names_report(title) else None) or (
        doc.paragraphs[0].text if doc.paragraphs else title)
    return doc


def _text_chars(lines: list[Line], tables: list[PageTable], furniture: set[int]) -> int:
    """Characters of real text on a page: lines other than page furniture, each table cell once."""
    return (sum(len(ln.text) for ln in lines if id(ln) not in furniture)
            + sum(len(c.text) for t in tables for row in t.rows for c in row if c.merged_from is None))


def _metadata_title(pdf: pdfium.PdfDocument) -> str | None:
    try:
        t = (pdf.get_metadata_dict() or {}).get("Title") or ""
    except Exception:
        return None
    t = t.strip().strip("\x00")
    return t or None


def _metadata_date(pdf: pdfium.PdfDocument) -> str | None:
    """ModDate, else CreationDate ("D:20240115093000+08'00'") → "2024-01-15"."""
    try:
        meta = pdf.get_metadata_dict() or {}
    except Exception:
        return None
    for key in ("ModDate", "CreationDate"):
        m = re.match(r"(?:D:)?(\d{4})(\d{2})(\d{2})", (meta.get(key) or "").strip())
        if m:
            return f"{m.group(1)}-{m.group(2)}-{m.group(3)}"
    return None


def _first_title(doc: Document) -> str | None:
    """The title printed at the top of page 1, often on two lines (agency / year + 年度报告):
    the short leading lines up to the one naming the report. They become level-1 headings."""
    lead: list[int] = []
    for k, b in enumerate(doc.blocks[:6]):
        if not isinstance(b, Paragraph) or b.loc.page != 1 or len(b.text) > 40:
            break
        lead.append(k)
        if names_report(b.norm):
            for i in lead:
                p = doc.blocks[i]
                p.kind, p.level = "heading", 1
            return "".join(doc.blocks[i].text for i in lead)
    return None


# --- characters --------------------------------------------------------------------------------

def _display_matrix(rotation: int, width: float, height: float) -> tuple[float, ...]:
    """PDF user space (origin bottom-left, y up) → displayed page (origin top-left, y down), for
    pages turned by /Rotate (landscape tables are often stored as portrait pages rotated 90°).
    ``width``/``height`` are the displayed size."""
    if rotation == 90:
        return (0, 1, 1, 0, 0, 0)
    if rotation == 180:
        return (-1, 0, 0, 1, width, 0)
    if rotation == 270:
        return (0, -1, -1, 0, width, height)
    return (1, 0, 0, -1, 0, height)


def _chars(page: pdfium.PdfPage, height: float, display: tuple[float, ...] | None = None) -> list[Char]:
    tp = page.get_textpage()
    try:
        n = tp.count_chars()
        if n <= 0:
            return []
        raw = tp.raw
        # The page's text in one call (UTF-16, one unit per char index), not one call per char.
        buf = ctypes.create_string_buffer((n + 1) * 2)
        got = pdfium_c.FPDFText_GetText(raw, 0, n, ctypes.cast(buf, ctypes.POINTER(ctypes.c_ushort)))
        text = buf.raw[: max(0, got - 1) * 2].decode("utf-16-le", "replace")
        if len(text) != n:  # surrogate pairs shift indices: fall back to per-char code points
            text = "".join(chr(pdfium_c.FPDFText_GetUnicode(raw, i) or 32) for i in range(n))
        # Tight glyph boxes (1 µs per char; pdfium's loose boxes cost 4 µs and are absurd for
        # some fonts). Line grouping works on vertical overlap, so quotes and dots that sit high or
        # low in the line still join it.
        out: list[Char] = []
        left, right, bottom, top = (ctypes.c_double() for _ in range(4))
        get_box = pdfium_c.FPDFText_GetCharBox
        rotated = display is not None and display != (1, 0, 0, -1, 0, height)
        da, db, dc, dd, de, df = display or (1, 0, 0, -1, 0, height)
        for i, ch in enumerate(text):
            # Generated chars (pdfium's inferred spaces/newlines) are whitespace: skipped here.
            if ch.isspace() or ch in "\x00\ufffe\uffff" or not get_box(raw, i, left, right, bottom, top):
                continue
            if rotated:
                xa, ya = da * left.value + dc * bottom.value + de, db * left.value + dd * bottom.value + df
                xb, yb = da * right.value + dc * top.value + de, db * right.value + dd * top.value + df
                out.append(Char(ch, min(xa, xb), min(ya, yb), max(xa, xb), max(ya, yb), i))
            else:
                out.append(Char(ch, left.value, height - top.value, right.value, height - bottom.value, i))
        return out
    finally:
        tp.close()


# --- ruling lines ------------------------------------------------------------------------------

def _has_image(page: pdfium.PdfPage) -> bool:
    raw = page.raw
    return any(pdfium_c.FPDFPageObj_GetType(pdfium_c.FPDFPage_GetObject(raw, k)) == pdfium_c.FPDF_PAGEOBJ_IMAGE
               for k in range(pdfium_c.FPDFPage_CountObjects(raw)))


def _rulings(page: pdfium.PdfPage, display: tuple[float, ...]
             ) -> tuple[list[tuple[float, float, float]], list[tuple[float, float, float]]]:
    """Horizontal (y, x0, x1) and vertical (x, y0, y1) segments in top-left page space, merged."""
    hs: list[tuple[float, float, float]] = []
    vs: list[tuple[float, float, float]] = []
    raw = page.raw
    n = pdfium_c.FPDFPage_CountObjects(raw)
    for k in range(n):
        _collect(pdfium_c.FPDFPage_GetObject(raw, k), display, hs, vs, 0)
    return _merge(hs), _merge(vs)


def _mul(m1, m2):
    a, b, c, d, e, f = m1
    a2, b2, c2, d2, e2, f2 = m2
    return (a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2, e * a2 + f * c2 + e2,
            e * b2 + f * d2 + f2)


def _collect(obj, parent, hs, vs, depth) -> None:
    """Ruling segments of a path object; ``parent`` maps its space to the displayed page."""
    kind = pdfium_c.FPDFPageObj_GetType(obj)
    if kind not in (pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_FORM):
        return
    m = pdfium_c.FS_MATRIX()
    if pdfium_c.FPDFPageObj_GetMatrix(obj, ctypes.byref(m)):
        matrix = _mul((m.a, m.b, m.c, m.d, m.e, m.f), parent)
    else:
        matrix = parent
    if kind == pdfium_c.FPDF_PAGEOBJ_FORM:
        if depth < 4:
            for k in range(pdfium_c.FPDFFormObj_CountObjects(obj)):
                _collect(pdfium_c.FPDFFormObj_GetObject(obj, k), matrix, hs, vs, depth + 1)
        return
    fill_mode, stroke = ctypes.c_int(), ctypes.c_int()
    pdfium_c.FPDFPath_GetDrawMode(obj, fill_mode, stroke)
    stroked = bool(stroke.value) and _visible(obj, pdfium_c.FPDFPageObj_GetStrokeColor)
    filled = fill_mode.value != 0 and _visible(obj, pdfium_c.FPDFPageObj_GetFillColor)
    if not stroked and not filled:
        return  # white or invisible: cell backgrounds, text-box frames
    a, b, c, d, e, f = matrix
    x, y = ctypes.c_float(), ctypes.c_float()
    pts: list[tuple[float, float]] = []
    start: tuple[float, float] | None = None
    bbox_pts: list[tuple[float, float]] = []
    n = pdfium_c.FPDFPath_CountSegments(obj)
    for s in range(n):
        seg = pdfium_c.FPDFPath_GetPathSegment(obj, s)
        pdfium_c.FPDFPathSegment_GetPoint(seg, x, y)
        px, py = a * x.value + c * y.value + e, b * x.value + d * y.value + f
        p = (px, py)
        bbox_pts.append(p)
        t = pdfium_c.FPDFPathSegment_GetType(seg)
        if t == pdfium_c.FPDF_SEGMENT_MOVETO:
            pts = [p]
            start = p
        elif t == pdfium_c.FPDF_SEGMENT_LINETO:
            if pts and stroked:
                _segment(pts[-1], p, hs, vs)
            pts.append(p)
        else:  # bezier: not a ruling; keep the pen position
            pts.append(p)
        if stroked and pdfium_c.FPDFPathSegment_GetClose(seg) and start is not None and pts:
            _segment(pts[-1], start, hs, vs)
    # A thin filled bar (table rule drawn as a rectangle) is one line through its middle; a filled
    # area that is not thin is a background, whose edges are no ruling.
    if bbox_pts and filled and not stroked:
        xs_ = [p[0] for p in bbox_pts]
        ys_ = [p[1] for p in bbox_pts]
        w, h = max(xs_) - min(xs_), max(ys_) - min(ys_)
        if h < SNAP and w >= MIN_RULE:
            hs.append(((max(ys_) + min(ys_)) / 2, min(xs_), max(xs_)))
        elif w < SNAP and h >= MIN_RULE:
            vs.append(((max(xs_) + min(xs_)) / 2, min(ys_), max(ys_)))


def _visible(obj, get_color) -> bool:
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    if not get_color(obj, r, g, b, a):
        return True
    if a.value == 0:
        return False
    return not (r.value >= 245 and g.value >= 245 and b.value >= 245)  # white on white paper


def _segment(p, q, hs, vs) -> None:
    (x0, y0), (x1, y1) = p, q
    if abs(y1 - y0) < 0.5 and abs(x1 - x0) >= MIN_RULE:
        hs.append(((y0 + y1) / 2, min(x0, x1), max(x0, x1)))
    elif abs(x1 - x0) < 0.5 and abs(y1 - y0) >= MIN_RULE:
        vs.append(((x0 + x1) / 2, min(y0, y1), max(y0, y1)))


def _merge(segs: list[tuple[float, float, float]]) -> list[tuple[float, float, float]]:
    """Snap segments at (almost) the same position together and join overlapping spans."""
    if not segs:
        return []
    segs.sort()
    groups: list[list[tuple[float, float, float]]] = [[segs[0]]]
    for s in segs[1:]:
        if s[0] - groups[-1][-1][0] <= SNAP:
            groups[-1].append(s)
        else:
            groups.append([s])
    out = []
    for g in groups:
        pos = sum(s[0] for s in g) / len(g)
        spans = sorted((s[1], s[2]) for s in g)
        cur0, cur1 = spans[0]
        for a, b in spans[1:]:
            if a <= cur1 + SNAP:
                cur1 = max(cur1, b)
            else:
                out.append((pos, cur0, cur1))
                cur0, cur1 = a, b
        out.append((pos, cur0, cur1))
    return out


# --- tables ------------------------------------------------------------------------------------

def _tables(hs, vs, chars: list[Char], page_no: int) -> list[PageTable]:
    if len(hs) < 2 or len(vs) < 2:
        return []
    # Connected groups: a horizontal and a vertical line touch when they cross (within SNAP).
    n_h = len(hs)
    parent = list(range(n_h + len(vs)))
    for i, (y, hx0, hx1) in enumerate(hs):
        for j, (x, vy0, vy1) in enumerate(vs):
            if hx0 - SNAP <= x <= hx1 + SNAP and vy0 - SNAP <= y <= vy1 + SNAP:
                parent[_root(parent, i)] = _root(parent, n_h + j)
    groups: dict[int, tuple[list, list]] = {}
    for i, h in enumerate(hs):
        groups.setdefault(_root(parent, i), ([], []))[0].append(h)
    for j, v in enumerate(vs):
        groups.setdefault(_root(parent, n_h + j), ([], []))[1].append(v)
    out = []
    for g_hs, g_vs in groups.values():
        if len(g_hs) < 2 or len(g_vs) < 2:
            continue
        t = _grid(g_hs, g_vs, chars, page_no)
        if t is not None:
            out.append(t)
    out.sort(key=lambda t: t.bbox[1])
    return out


def _root(parent: list[int], i: int) -> int:
    """Union-find root of ``i`` (path halving): rulings into tables, grid cells into merged cells."""
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def _positions(vals: list[float]) -> list[float]:
    vals = sorted(vals)
    out = [vals[0]]
    for v in vals[1:]:
        if v - out[-1] > SNAP:
            out.append(v)
    return out


def _covered(segs, pos: float, a: float, b: float) -> bool:
    """Is there a ruling at ``pos`` covering the middle of the span a..b?"""
    mid = (a + b) / 2
    lo, hi = a + 0.25 * (b - a), b - 0.25 * (b - a)
    for p, s0, s1 in segs:
        if abs(p - pos) <= SNAP and s0 - SNAP <= lo and s1 + SNAP >= hi:
            return True
        if abs(p - pos) <= SNAP and s0 - SNAP <= mid <= s1 + SNAP and (s1 - s0) >= 0.5 * (b - a):
            return True
    return False


def _close_edges(hs, vs) -> tuple[list, list, bool, bool]:
    """Add the outer rulings a table cut by a page break (or drawn open-sided) is missing."""
    hs, vs = list(hs), list(vs)
    v_top, v_bottom = min(v[1] for v in vs), max(v[2] for v in vs)
    h_top, h_bottom = min(h[0] for h in hs), max(h[0] for h in hs)
    x_left, x_right = min(v[0] for v in vs), max(v[0] for v in vs)
    open_top = h_top - v_top > 2 * SNAP
    open_bottom = v_bottom - h_bottom > 2 * SNAP
    if open_top:
        hs.append((v_top, x_left, x_right))
    if open_bottom:
        hs.append((v_bottom, x_left, x_right))
    h_left, h_right = min(h[1] for h in hs), max(h[2] for h in hs)
    top, bottom = min(v_top, h_top), max(v_bottom, h_bottom)
    if x_left - h_left > 2 * SNAP:
        vs.append((h_left, top, bottom))
    if h_right - x_right > 2 * SNAP:
        vs.append((h_right, top, bottom))
    return hs, vs, open_top, open_bottom


def _grid(hs, vs, chars: list[Char], page_no: int) -> PageTable | None:
    hs, vs, open_top, open_bottom = _close_edges(hs, vs)
    ys = _positions([h[0] for h in hs])
    xs = _positions([v[0] for v in vs])
    if len(ys) < 2 or len(xs) < 2:
        return None
    n_r, n_c = len(ys) - 1, len(xs) - 1
    if n_c == 1:
        return None  # a box or ruled frame around text, not a table
    bbox = (xs[0], ys[0], xs[-1], ys[-1])
    # Region ids: merge a grid cell with its right/lower neighbour when no ruling separates them.
    region = list(range(n_r * n_c))
    for r in range(n_r):
        for c in range(n_c):
            if c + 1 < n_c and not _covered(vs, xs[c + 1], ys[r], ys[r + 1]):
                region[_root(region, r * n_c + c + 1)] = _root(region, r * n_c + c)
            if r + 1 < n_r and not _covered(hs, ys[r + 1], xs[c], xs[c + 1]):
                region[_root(region, (r + 1) * n_c + c)] = _root(region, r * n_c + c)
    # Chars into regions by centre.
    texts: dict[int, list[Char]] = {}
    for ch in chars:
        if not (xs[0] <= ch.cx <= xs[-1] and ys[0] <= ch.cy <= ys[-1]):
            continue
        c = _band(xs, ch.cx)
        r = _band(ys, ch.cy)
        texts.setdefault(_root(region, r * n_c + c), []).append(ch)
    extent: dict[int, list[int]] = {}
    for r in range(n_r):
        for c in range(n_c):
            root = _root(region, r * n_c + c)
            e = extent.setdefault(root, [r, c, r, c])
            e[0], e[1], e[2], e[3] = min(e[0], r), min(e[1], c), max(e[2], r), max(e[3], c)
    rows: list[list[Cell]] = []
    origin_cell: dict[int, Cell] = {}
    for r in range(n_r):
        row = []
        for c in range(n_c):
            root = _root(region, r * n_c + c)
            r0, c0, r1, c1 = extent[root]
            loc_box = (xs[c0], ys[r0], xs[c1 + 1], ys[r1 + 1])
            if root not in origin_cell:
                text = _cell_text(texts.get(root, []))
                cell = make_cell(text, Location(page=page_no, bbox=loc_box), rowspan=r1 - r0 + 1, colspan=c1 - c0 + 1)
                origin_cell[root] = cell
                row.append(cell)
            else:
                o = origin_cell[root]
                row.append(Cell(text=o.text, norm=o.norm, loc=o.loc, merged_from=(r0, c0), rowspan=o.rowspan,
                                colspan=o.colspan))
        rows.append(row)
    return PageTable(page=page_no, xs=xs, ys=ys, rows=rows, bbox=bbox, open_top=open_top, open_bottom=open_bottom)


def _band(edges: list[float], v: float) -> int:
    return min(max(bisect_right(edges, v) - 1, 0), len(edges) - 2)


def _cell_text(chars: list[Char]) -> str:
    """Lines of a cell top to bottom, joined: wrapped text and one-char-per-line labels rejoin."""
    if not chars:
        return ""
    lines = _group_lines(chars)
    out = ""
    for ln in lines:
        if out and out[-1].isascii() and out[-1].isalnum() and ln.text[:1].isascii() and ln.text[:1].isalpha():
            out += " "
        out += ln.text
    return out


# --- text lines and paragraphs -----------------------------------------------------------------

def _group_lines(chars: list[Char]) -> list[Line]:
    """Text lines, top to bottom. Full-size glyphs define the lines; small glyphs (quotes, dots,
    dashes, 一) join the line whose band holds them, so they never start a line of their own
    above or below it."""
    if not chars:
        return []
    # Fast path (most table cells): every glyph overlaps every other vertically — one line.
    lowest_top = max(c.top for c in chars)
    highest_bottom = min(c.bottom for c in chars)
    if lowest_top < highest_bottom:
        return [Line(list(chars)).finish()]
    heights = sorted(c.bottom - c.top for c in chars)
    median = heights[len(heights) // 2]
    big = [c for c in chars if c.bottom - c.top >= 0.5 * median]
    small = [c for c in chars if c.bottom - c.top < 0.5 * median]
    lines = _bands(big)
    rest = []
    for ch in small:
        best, best_d = None, None
        for ln in lines:
            slack = 0.3 * (ln.bottom - ln.top)
            if ln.top - slack <= ch.cy <= ln.bottom + slack and ln.x0 - 30 <= ch.cx <= ln.x1 + 30:
                d = abs(ch.cy - (ln.top + ln.bottom) / 2)
                if best_d is None or d < best_d:
                    best, best_d = ln, d
        if best is None:
            rest.append(ch)
        else:
            best.chars.append(ch)
    lines.extend(_bands(rest))
    lines.sort(key=lambda ln: ln.top)
    return [ln.finish() for ln in lines]


def _bands(chars: list[Char]) -> list[Line]:
    # Hot loop (every char of every page): plain comparisons instead of min()/max() calls.
    lines: list[Line] = []
    ln = None
    for ch in sorted(chars, key=lambda c: (c.cy, c.x0)):
        if ln is not None:
            top, bottom = ln.top, ln.bottom
            h = bottom - top
            if h < 1.0:
                h = 1.0
            ct, cb = ch.top, ch.bottom
            ch_h = cb - ct
            overlap = (cb if cb < bottom else bottom) - (ct if ct > top else top)
            mid = (top + bottom) / 2
            if overlap >= 0.5 * (ch_h if ch_h < h else h) or -0.3 * h <= ch.cy - mid <= 0.3 * h:
                ln.chars.append(ch)
                if ct < top:
                    ln.top = ct
                if cb > bottom:
                    ln.bottom = cb
                if ch.x0 < ln.x0:
                    ln.x0 = ch.x0
                if ch.x1 > ln.x1:
                    ln.x1 = ch.x1
                continue
        ln = Line([ch], top=ch.top, bottom=ch.bottom, x0=ch.x0, x1=ch.x1)
        lines.append(ln)
    return lines


def _lines(chars: list[Char]) -> list[Line]:
    return [ln for ln in _group_lines(chars) if ln.text]


def _outside(chars: list[Char], boxes) -> list[Char]:
    if not boxes:
        return chars
    out = []
    for c in chars:
        cx, cy = c.cx, c.cy
        for x0, top, x1, bottom in boxes:
            if x0 - 1 <= cx <= x1 + 1 and top - 1 <= cy <= bottom + 1:
                break
        else:
            out.append(c)
    return out


def _furniture(pages) -> set[int]:
    """ids of lines that are page numbers or running headers/footers."""
    drop: set[int] = set()
    seen: dict[str, set[int]] = {}
    margin_lines = []
    for page_no, _w, height, lines, _t in pages:
        for ln in lines:
            in_margin = ln.bottom < MARGIN_SHARE * height or ln.top > (1 - MARGIN_SHARE) * height
            if not in_margin:
                continue
            if _PAGE_NUMBER.match(ln.text):
                drop.add(id(ln))
                continue
            key = re.sub(r"[0-9０-９]+", "#", ln.text)
            seen.setdefault(key, set()).add(page_no)
            margin_lines.append((key, ln, page_no))
    for key, ln, page_no in margin_lines:
        # The first page keeps its lines: the title there is what later pages repeat as header.
        if len(seen[key]) >= 2 and page_no > 1:
            drop.add(id(ln))
    return drop


def _continues(prev: PageTable, nxt: PageTable) -> bool:
    """Does ``nxt`` (first block of a page) carry on ``prev`` (last block of the page before)?

    Same outer edges is the sign; the inner columns may differ (the next sub-table has fewer)."""
    if nxt.page != prev.page + 1:
        return False
    return abs(prev.xs[0] - nxt.xs[0]) <= 3 * SNAP and abs(prev.xs[-1] - nxt.xs[-1]) <= 3 * SNAP


def _union_positions(a: list[float], b: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(a + b):
        if not out or v - out[-1] > 3 * SNAP:
            out.append(v)
    return out


def _remap_columns(rows: list[list[Cell]], xs: list[float], union: list[float]) -> list[list[Cell]]:
    """Re-lay a grid over finer column boundaries: a cell covering several new bands is expanded."""
    idx = [min(range(len(union)), key=lambda k: abs(union[k] - x)) for x in xs]
    if idx == list(range(len(union))):
        return rows
    out = []
    for r, row in enumerate(rows):
        new: list[Cell] = []
        for c, cl in enumerate(row):
            i0, i1 = idx[c], max(idx[c + 1], idx[c] + 1)
            mf = (cl.merged_from[0], idx[cl.merged_from[1]]) if cl.merged_from else None
            new.append(Cell(text=cl.text, norm=cl.norm, loc=cl.loc, merged_from=mf))
            for _ in range(i0 + 1, i1):
                new.append(Cell(text=cl.text, norm=cl.norm, loc=cl.loc, merged_from=mf or (r, i0)))
        out.append(new)
    return out


def _same_row(a: list[Cell], b: list[Cell]) -> bool:
    return len(a) == len(b) and any(c.norm for c in a) and all(x.norm == y.norm for x, y in zip(a, b, strict=True))


def _append_rows(rows: list[list[Cell]], xs: list[float], nxt: PageTable, split_row: bool
                 ) -> tuple[list[list[Cell]], list[float]]:
    """Append the continuation ``nxt`` to a table (rows over column boundaries ``xs``)."""
    union = _union_positions(xs, nxt.xs)
    rows = _remap_columns(rows, xs, union)
    more = _remap_columns(nxt.rows, nxt.xs, union)
    dropped: dict[tuple[int, int], tuple[int, int]] = {}  # nxt row-0 origin → where it now lives
    shift = 0
    if split_row and more and rows:
        # The last row was cut by the page break: its second half is the first row here.
        last_r = len(rows) - 1
        for c, n_cell in enumerate(more[0]):
            po = rows[last_r][c].merged_from or (last_r, c)
            if n_cell.merged_from is None:
                origin = rows[po[0]][po[1]]
                if n_cell.text:
                    origin.text = origin.text + n_cell.text
                    origin.norm = norm(origin.text)
                dropped[(0, c)] = po
        shift = 1
    elif more and rows and _same_row(more[0], rows[0]):
        # The header rows repeated on the new page: dropped; their copies point at page one's.
        while shift < min(len(more), len(rows)) and _same_row(more[shift], rows[shift]):
            for c in range(len(more[shift])):
                dropped[(shift, c)] = rows[shift][c].merged_from or (shift, c)
            shift += 1
    elif more and rows:
        # A label cell spanning several rows is cut by the page break: the continuation shows an
        # empty cell under it. That empty cell is the same merged cell, not a blank label.
        # Only label columns (left of the row's first number): an empty value cell is a value.
        last_r = len(rows) - 1
        first_number = next((c for c, cl in enumerate(more[0]) if _NUMBER.match(cl.text)), len(more[0]))
        for c, n_cell in enumerate(more[0][:first_number]):
            if c >= len(rows[last_r]) or n_cell.merged_from is not None:
                continue
            po = rows[last_r][c].merged_from or (last_r, c)
            origin = rows[po[0]][po[1]]
            if not origin.text or origin.colspan != n_cell.colspan:
                continue
            if not n_cell.text:
                dropped[(0, c)] = po
            elif (any(dropped.get((0, k)) for k in range(c)) and (n_cell.rowspan > 1 or origin.rowspan > 1)
                  and not _ITEM_NUMBER.match(n_cell.text)):
                # Inside a group that continues (a cell to the left joined), a multi-row label that
                # does not start with an item number (（五）, 2., 三、) is the rest of the label cut
                # by the page break: "（四）无" + "法提供".
                origin.text += n_cell.text
                origin.norm = norm(origin.text)
                dropped[(0, c)] = po
    start = len(rows)
    for k, row in enumerate(more[shift:]):
        for c, cl in enumerate(row):
            if cl.merged_from is not None:
                mr, mc = cl.merged_from
                cl.merged_from = dropped.get((mr, mc), (start + mr - shift, mc))
            elif k == 0 and shift == 0 and (0, c) in dropped:
                cl.merged_from = dropped[(0, c)]
        rows.append(row)
    respan(rows)
    return rows, union


def _join_paragraphs(blocks: list[Paragraph | Table], pages) -> list[Paragraph | Table]:
    """Join wrapped lines of one paragraph. A line starts a new paragraph when it is indented,
    the line before ended short of the right edge, or the vertical gap is large."""
    right = {}
    left = {}
    for page_no, _w, _h, lines, _t in pages:
        body = [ln for ln in lines if len(ln.text) > 8]
        if body:
            right[page_no] = max(ln.x1 for ln in body)
            left[page_no] = min(ln.x0 for ln in body)
    out: list[Paragraph | Table] = []
    last_line: tuple[int, tuple[float, float, float, float]] | None = None  # (page, bbox) of the previous line
    for b in blocks:
        if not isinstance(b, Paragraph):
            out.append(b)
            last_line = None
            continue
        if last_line is not None and out and isinstance(out[-1], Paragraph):
            prev = out[-1]
            prev_page, pb = last_line
            bb = b.loc.bbox
            same_page = prev_page == b.loc.page
            line_h = max(1.0, pb[3] - pb[1])
            prev_full = pb[2] >= right.get(prev_page, pb[2]) - 1.5 * line_h
            indented = bb[0] > left.get(b.loc.page, bb[0]) + 1.2 * line_h
            # Baseline to baseline (box bottoms): a lone "。" wrapped onto the next line has a
            # short glyph box whose top says nothing about the line spacing.
            pitch = bb[3] - pb[3] if same_page else 0
            # A sentence that ends at the margin followed by a numbered line ("六、…", "（二）…") is a
            # paragraph end, not a wrap.
            new_item = prev.text[-1:] in "。！？；：:;" and bool(_ITEM_NUMBER.match(b.text))
            # A change of type size (title → body) is a paragraph break too. Glyph boxes give the
            # size only for lines with ideographs (a lone "。" or a number has a small box).
            cur_h = max(1.0, bb[3] - bb[1])
            same_size = 0.75 <= cur_h / line_h <= 1.33 or not (_HAN.search(prev.text[-12:]) and _HAN.search(b.text))
            if prev_full and not indented and not new_item and same_size and pitch < 2.6 * line_h:
                sep = " " if (prev.text[-1:].isascii() and prev.text[-1:].isalnum() and b.text[:1].isascii()
                              and b.text[:1].isalnum() and not _CJK_END.search(prev.text)) else ""
                ob = prev.loc.bbox
                merged_box = (min(ob[0], bb[0]), ob[1], max(ob[2], bb[2]), bb[3]) if same_page else ob
                out[-1] = paragraph(prev.text + sep + b.text, Location(page=prev.loc.page, bbox=merged_box))
                last_line = (b.loc.page, bb)
                continue
        out.append(b)
        last_line = (b.loc.page, b.loc.bbox)
    return out
