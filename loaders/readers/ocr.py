"""Scanned pages → the same page content the PDF reader builds from a text layer.

A page image goes through:

1. orientation: text-line boxes that are mostly taller than wide mean the page is turned 90°; a
   sample of lines recognised both ways up tells 0° from 180° (the upright reading is the
   confident one);
2. deskew: the angle that makes the ink's row profile sharpest (±3°, 0.1° steps, on a small copy);
3. ruling lines: morphological opening of the binarised page with long thin kernels keeps table
   rules and drops glyph strokes; each connected run is one segment. From there the PDF reader's
   own grid builder makes the tables (merged cells, page-cut tables, continuation);
4. cells: each cell crop is split into its text lines by the ink's row profile and every line is
   recognised in one batch per page (no detection where the grid gives the cells). A cell keeps
   the weakest character's probability and the runner-up characters (``Location.ocr``);
5. text outside tables: detected lines (tables masked out), recognised, spread into characters so
   the PDF reader's line and paragraph grouping applies unchanged; a page without rulings thus
   falls back to the lines' alignment (columns are wide gaps within a line).

Coordinates are PDF points: pixels × 72 / dpi.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from io import BytesIO

import cv2
import numpy as np

from ..document import Document, Location, OcrReading, SourceInfo
from ..errors import CorruptFile, TooComplex, UnreadableScan
from ..normalize import norm
from . import ocr_engine
from .pdf import Char, Line, PageTable, _lines, _merge, _tables, assemble

SCAN_DPI = 200  # PDF pages are rendered at this resolution for OCR
# Bounds on what a scan may cost before a pixel is decoded: a page of an A4 report at 600 dpi is
# 35 M pixels, a whole scanned report tens of pages. Past them the file is refused (TooComplex) —
# a 50 KB PNG can declare 100,000 × 100,000 pixels (10 GB grey), a 10 KB PDF a page of 200 × 200 in.
MAX_PAGE_PIXELS = 40_000_000
MAX_SCAN_PAGES = 200
MAX_SCAN_PIXELS = 300_000_000  # all pages of one document together (held in memory as 8-bit grey)
MIN_INK = 12  # dark pixels: fewer in a cell crop is dust, not a character
MULTILINE_NUMBER_CONF = 0.5
_DIGITS = re.compile(r"^[0-9.,，]+$")
Progress = Callable[[int, int], None]
# Whoever reads a file can follow its OCR page by page (ingest shows it): set by ``ocr_progress``.
_LISTENER: ContextVar[Progress | None] = ContextVar("ocr_progress", default=None)


@contextmanager
def ocr_progress(listener: Progress | None) -> Iterator[None]:
    """Call ``listener(pages done, pages to read)`` before the first page and after every page OCR
    reads in this block (any reader: an image, a zip of page images, a scanned PDF or scanned pages
    inside a typed one)."""
    token = _LISTENER.set(listener)
    try:
        yield
    finally:
        _LISTENER.reset(token)


def _page_read(done: int, total: int, progress: Progress | None) -> None:
    for listener in (progress, _LISTENER.get()):
        if listener is not None:
            listener(done, total)


@dataclass
class OcrPage:
    """One page as the PDF reader's assembly wants it, plus what OCR found about it."""

    page_no: int
    width: float
    height: float
    lines: list[Line]
    tables: list[PageTable]
    turned: int = 0  # degrees the page was turned back (0, 90, 180, 270)
    skew: float = 0.0  # degrees of deskew applied
    n_text: int = 0  # characters recognised
    notes: list[str] = field(default_factory=list)

    def as_pdf_page(self):
        return (self.page_no, self.width, self.height, self.lines, self.tables)


# --- whole documents ---------------------------------------------------------------------------

def read_image(data: bytes, source: SourceInfo) -> Document:
    """PNG / JPEG / TIFF (every frame of a multi-page TIFF is a page)."""
    return read_images([data], source)


def read_images(files: list[bytes], source: SourceInfo, progress: Progress | None = None) -> Document:
    """Page images (in order) → one Document; UnreadableScan when OCR finds no text at all."""
    if len(files) > MAX_SCAN_PAGES:
        raise TooComplex(source.name, f"扫描页数过多（{len(files)} 页，上限 {MAX_SCAN_PAGES} 页）")
    pages: list[tuple[np.ndarray, float]] = []
    for data in files:
        pages.extend(decode_pages(data, source.name, already=pages))
    source.pages = len(pages)
    ocr_pages = []
    _page_read(0, len(pages), progress)  # the page count first: a worker's time limit grows with it
    for i, (gray, dpi) in enumerate(pages):
        ocr_pages.append(ocr_page(gray, i + 1, dpi))
        _page_read(i + 1, len(pages), progress)
    doc = document_from_pages(source, ocr_pages)
    if doc.status == "scanned":
        raise UnreadableScan(source.name, f"共{len(pages)}页")
    return doc


def ocr_pdf_image_pages(pdf, page_nos: list[int]) -> list[OcrPage]:
    """The picture pages of a typed PDF, read by OCR (progress reported as for a scan)."""
    out = []
    _page_read(0, len(page_nos), None)
    for k, n in enumerate(page_nos):
        out.append(ocr_pdf_page(pdf, n))
        _page_read(k + 1, len(page_nos), None)
    return out


def ocr_pdf_page(pdf, page_no: int) -> OcrPage:
    """One page of an open pypdfium2 document, rendered at SCAN_DPI and read."""
    page = pdf[page_no - 1]
    try:
        width, height = page.get_size()
        check_page_pixels(width * SCAN_DPI / 72, height * SCAN_DPI / 72, f"第{page_no}页")
        bitmap = page.render(scale=SCAN_DPI / 72, grayscale=True)
        gray = np.array(bitmap.to_numpy(), copy=True)
        if gray.ndim == 3:
            gray = cv2.cvtColor(gray, cv2.COLOR_BGR2GRAY)
    finally:
        page.close()
    return ocr_page(gray, page_no, SCAN_DPI)


def ocr_pdf_pages(pdf, source: SourceInfo, page_nos: list[int], title: str | None,
                  progress: Progress | None = None) -> Document:
    """A PDF whose pages are all images → Document, by OCR."""
    if len(page_nos) > MAX_SCAN_PAGES:
        raise TooComplex(source.name, f"扫描页数过多（{len(page_nos)} 页需OCR识别，上限 {MAX_SCAN_PAGES} 页）")
    pages = []
    _page_read(0, len(page_nos), progress)
    for k, n in enumerate(page_nos):
        pages.append(ocr_pdf_page(pdf, n))
        _page_read(k + 1, len(page_nos), progress)
    doc = document_from_pages(source, pages)
    if doc.status == "ok" and title and not doc.title:
        doc.title = title
    return doc


def check_page_pixels(width: float, height: float, what: str) -> None:
    """TooComplex (file named by the caller) for a page past MAX_PAGE_PIXELS."""
    if width * height > MAX_PAGE_PIXELS:
        raise TooComplex("", f"{what}尺寸过大（{width:.0f}×{height:.0f} 像素，上限 {MAX_PAGE_PIXELS // 1_000_000} 百万像素）")


def decode_pages(data: bytes, name: str, already: list | None = None) -> list[tuple[np.ndarray, float]]:
    """(grayscale page, dpi) for every frame of an image file. The dpi is taken from the page width
    when the file's own is missing or implausible (A4 portrait: 8.27 in wide).

    Sizes are checked from the header before a frame is decoded: each frame against
    MAX_PAGE_PIXELS, the frames against MAX_SCAN_PAGES, and with ``already`` (the pages decoded so
    far for the same document) the total against MAX_SCAN_PIXELS."""
    import warnings

    from PIL import Image, ImageSequence

    pages = len(already or [])
    total = sum(g.size for g, _ in already or [])
    frames = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # our own bounds decide
            im = Image.open(BytesIO(data))
            n_frames = getattr(im, "n_frames", 1)
            if pages + n_frames > MAX_SCAN_PAGES:
                raise TooComplex(name, f"扫描页数过多（{pages + n_frames} 页，上限 {MAX_SCAN_PAGES} 页）")
            for k, fr in enumerate(ImageSequence.Iterator(im)):
                w, h = fr.size
                try:
                    check_page_pixels(w, h, f"第{pages + k + 1}页图片")
                except TooComplex as e:
                    raise TooComplex(name, e.detail) from None
                total += w * h
                if total > MAX_SCAN_PIXELS:
                    raise TooComplex(name, f"扫描图片合计超过 {MAX_SCAN_PIXELS // 1_000_000} 百万像素")
                frames.append(np.array(fr.convert("L")))
    except TooComplex:
        raise
    except Image.DecompressionBombError as e:  # past twice PIL's own limit: refused at open
        raise TooComplex(name, f"图片尺寸过大（{e}）") from None
    except Exception as e:  # truncated or undecodable picture
        raise CorruptFile(name, f"图片无法解码（{type(e).__name__}）") from None
    out = []
    for g in frames:
        h, w = g.shape
        dpi = min(w, h) / 8.27
        out.append((g, dpi))
    return out


def document_from_pages(source: SourceInfo, pages: list[OcrPage]) -> Document:
    doc = Document(source=source)
    mark_ocr(doc, pages)
    assemble(doc, [p.as_pdf_page() for p in pages], None)
    if not doc.text().strip():
        doc.blocks, doc.title = [], None
        doc.status = "scanned"
        doc.warnings.insert(0, "扫描件，OCR 未识别出文字（空白页或不是文字的图片）")
    return doc


def mark_ocr(doc: Document, pages: list[OcrPage]) -> None:
    """The document says it was read by OCR, with which engine, and what was done to the pages."""
    doc.meta["read_by"] = "ocr"
    doc.meta["ocr_engine"] = ocr_engine.engine_name()
    doc.meta["ocr_pages"] = ",".join(str(p.page_no) for p in pages)
    for p in pages:
        if not p.n_text:
            doc.warnings.append(f"第{p.page_no}页只有图片、OCR 未识别出文字")
        if p.turned:
            doc.warnings.append(f"第{p.page_no}页扫描方向旋转了{p.turned}°，已转正")
        doc.warnings.extend(p.notes)
    doc.warnings.append(f"第{'、'.join(str(p.page_no) for p in pages)}页为扫描图像，已用OCR识别（{doc.meta['ocr_engine']}）")


# --- one page ----------------------------------------------------------------------------------

def ocr_page(gray: np.ndarray, page_no: int, dpi: float) -> OcrPage:
    """A grayscale page image → lines and tables in points."""
    gray, turned, boxes = upright(gray)
    gray, skew, rot = deskew(gray)
    if rot is not None:
        boxes = [_rotate_box(b, rot) for b in boxes]
    pt = 72.0 / dpi  # points per pixel
    h, w = gray.shape
    bw = binarise(gray)
    hs, vs = rulings(gray, dpi)
    tables = _tables(_merge([(y * pt, a * pt, b * pt) for y, a, b in hs]),
                     _merge([(x * pt, a * pt, b * pt) for x, a, b in vs]), [], page_no)
    n_text = read_cells(gray, bw, tables, pt)
    boxes = [b for b in boxes if not _inside_any(b, tables, pt)]
    if page_no > 1:
        # Running text after the first page carries no table numbers: its long lines are not read
        # (headings, captions, short lines and the cells of a table without rules still are).
        boxes = [b for b in boxes if (b[2] - b[0]) <= PROSE_RATIO * (b[3] - b[1])]
    lines = _lines(text_chars(gray, boxes, pt))
    n_text += sum(len(ln.text) for ln in lines)
    return OcrPage(page_no, w * pt, h * pt, lines, tables, turned, skew, n_text)


PROSE_RATIO = 16  # a detected line this many times wider than high is running text


def _inside_any(box, tables: list[PageTable], pt: float) -> bool:
    cx, cy = (box[0] + box[2]) / 2 * pt, (box[1] + box[3]) / 2 * pt
    return any(t.bbox[0] - 2 <= cx <= t.bbox[2] + 2 and t.bbox[1] - 2 <= cy <= t.bbox[3] + 2 for t in tables)


def _rotate_box(box, m: np.ndarray):
    x0, y0, x1, y1, a = box
    pts = np.array([[x0, y0, 1], [x1, y0, 1], [x0, y1, 1], [x1, y1, 1]], dtype=np.float64) @ m.T
    return (float(pts[:, 0].min()), float(pts[:, 1].min()), float(pts[:, 0].max()), float(pts[:, 1].max()), a)


def binarise(gray: np.ndarray) -> np.ndarray:
    """Ink = 255. Otsu on a lightly smoothed page: scanner noise is speckle, print is solid."""
    blur = cv2.medianBlur(gray, 3)
    _, bw = cv2.threshold(blur, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return bw


def upright(gray: np.ndarray) -> tuple[np.ndarray, int, list]:
    """The page turned so its text reads left to right, by how much it was turned, and its
    detected text lines."""
    boxes = ocr_engine.detect(gray)
    if not boxes:
        return gray, 0, boxes
    tall = sum(1 for x0, y0, x1, y1, _ in boxes if (y1 - y0) > 1.5 * (x1 - x0))
    wide = sum(1 for x0, y0, x1, y1, _ in boxes if (x1 - x0) > 1.5 * (y1 - y0))
    turned = 0
    if tall > 2 * wide:
        gray = cv2.rotate(gray, cv2.ROTATE_90_CLOCKWISE)
        turned = 90
        boxes = ocr_engine.detect(gray)
    # 0° or 180°: a few lines read both ways up; the upright reading is the confident one. Lines
    # are clipped to a dozen characters' width (recognition time grows with width).
    sample = sorted(boxes, key=lambda b: b[0] - b[2])[:5]
    crops = [_crop(gray, (b[0], b[1], min(b[2], b[0] + 12 * (b[3] - b[1])), b[3])) for b in sample]
    crops = [c for c in crops if c.size]
    if crops:
        as_is = ocr_engine.recognise(crops)
        if len(as_is) >= 3 and all(len(r.glyphs) >= 4 and _mean_prob(r) >= UPRIGHT_SURE for r in as_is):
            return gray, turned, boxes  # read fluently as they are: upside-down lines never do
        flipped = ocr_engine.recognise([cv2.rotate(c, cv2.ROTATE_180) for c in crops])
        score = sum(_mean_prob(r) for r in as_is)
        score_flipped = sum(_mean_prob(r) for r in flipped)
        if score_flipped > score + 0.5:
            gray = cv2.rotate(gray, cv2.ROTATE_180)
            turned = (turned + 180) % 360
            h, w = gray.shape
            boxes = [(w - x1, h - y1, w - x0, h - y0, a) for x0, y0, x1, y1, a in boxes]
    return gray, turned, boxes


# Every sample line read at this mean character probability (and ≥ 4 characters): the page is
# the right way up, the 180° reading is not tried (it costs a second recognition pass). Lines of an
# upside-down page read as a few scattered characters at 0.2–0.5 (one lone "：" at 0.9).
UPRIGHT_SURE = 0.95


def _mean_prob(r: ocr_engine.Reading) -> float:
    return sum(g.prob for g in r.glyphs) / len(r.glyphs) if r.glyphs else 0.0


def deskew(gray: np.ndarray) -> tuple[np.ndarray, float, np.ndarray | None]:
    """Rotate by the angle (±3°) at which the ink's row profile is sharpest; returns the page, the
    angle and the affine matrix applied (None when upright)."""
    h, w = gray.shape
    s = 800 / max(h, w)
    small = cv2.resize(gray, (int(w * s), int(h * s)), interpolation=cv2.INTER_AREA)
    ink = binarise(small).astype(np.float32)
    centre = (ink.shape[1] / 2, ink.shape[0] / 2)

    def sharpness(a: float) -> float:
        m = cv2.getRotationMatrix2D(centre, a, 1.0)
        r = cv2.warpAffine(ink, m, (ink.shape[1], ink.shape[0]), flags=cv2.INTER_NEAREST)
        prof = r.sum(axis=1)
        return float(np.square(np.diff(prof)).sum())

    best = max(np.arange(-3.0, 3.01, 0.5), key=sharpness)
    best = max(np.arange(best - 0.4, best + 0.41, 0.1), key=sharpness)
    best = round(float(best), 1)
    if abs(best) < 0.05:
        return gray, 0.0, None
    m = cv2.getRotationMatrix2D((w / 2, h / 2), best, 1.0)
    return cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255), best, m


def rule_mask(gray: np.ndarray) -> np.ndarray:
    """Pixels darker than the paper by a margin, after light smoothing. Thin rules (1 px at
    150 dpi, greyed by antialiasing and rotation) survive here where Otsu on a median-filtered
    page breaks them into dashes."""
    blur = cv2.GaussianBlur(gray, (3, 3), 0)
    paper = float(np.median(blur))
    return np.where(blur < paper - 45, 255, 0).astype(np.uint8)


def rulings(gray: np.ndarray, dpi: float) -> tuple[list[tuple[float, float, float]], list[tuple[float, float, float]]]:
    """Horizontal (y, x0, x1) and vertical (x, y0, y1) rule segments in pixels."""
    ink = rule_mask(gray)
    long_h = max(25, int(dpi * 0.35))  # longer than any glyph stroke of body text
    long_v = max(20, int(dpi * 0.2))
    thick = max(2, int(dpi / 50))
    # Keep only long straight runs (glyph strokes are short), then bridge the small breaks noise
    # and JPEG leave in a rule; the segments' spans are joined again when merged.
    horiz = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (long_h, 1)))
    vert = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, long_v)))
    horiz = cv2.dilate(horiz, cv2.getStructuringElement(cv2.MORPH_RECT, (thick * 3, 1)))
    vert = cv2.dilate(vert, cv2.getStructuringElement(cv2.MORPH_RECT, (1, thick * 3)))
    hs, vs = [], []
    for mask, out, horizontal in ((horiz, hs, True), (vert, vs, False)):
        n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        for k in range(1, n):
            x, y, w, h, _area = stats[k]
            if horizontal and w >= long_h and h <= 4 * thick + 4:
                out.append((y + h / 2, float(x), float(x + w)))
            elif not horizontal and h >= long_v and w <= 4 * thick + 4:
                out.append((x + w / 2, float(y), float(y + h)))
    return hs, vs


def _crop(gray: np.ndarray, box, pad: int = 0) -> np.ndarray:
    x0, y0, x1, y1 = (round(v) for v in box)
    h, w = gray.shape
    return gray[max(0, y0 - pad): min(h, y1 + pad), max(0, x0 - pad): min(w, x1 + pad)]


# --- table cells -------------------------------------------------------------------------------

def read_cells(gray: np.ndarray, bw: np.ndarray, tables: list[PageTable], pt: float) -> int:
    """Fill every table cell's text from its crop; returns the characters read."""
    jobs: list[tuple[object, list[np.ndarray]]] = []
    inset = max(3, round(1.8 / pt))  # clear of the rule lines (half their width + jitter)
    for t in tables:
        for row in t.rows:
            for cl in row:
                if cl.merged_from is not None or cl.loc is None or cl.loc.bbox is None:
                    continue
                x0, y0, x1, y1 = (v / pt for v in cl.loc.bbox)
                box = (int(x0) + inset, int(y0) + inset, int(x1) - inset, int(y1) - inset)
                if box[2] <= box[0] or box[3] <= box[1]:
                    continue
                jobs.append((cl, line_crops(gray, bw, box)))
    flat = [c for _, crops in jobs for c in crops]
    readings = iter(ocr_engine.recognise(flat, digit_shapes=True))
    n = 0
    for cl, crops in jobs:
        rs = [next(readings) for _ in crops]
        text = "".join(r.text for r in rs)
        glyphs = tuple(g for r in rs for g in r.glyphs)
        conf = min((g.prob for g in glyphs), default=1.0 if not crops else 0.0)
        if len(rs) > 1 and all(r.text and _DIGITS.match(r.text) for r in rs):
            # Digits on two lines of one cell: a wrapped number, or two rows whose dividing rule
            # was not found. The reading cannot tell; the table's sums must.
            conf = min(conf, MULTILINE_NUMBER_CONF)
        cl.text = text
        cl.norm = ""
        cl.loc = _with_ocr(cl.loc, conf, glyphs, bool(crops))
        n += len(text)
    for t in tables:
        for row in t.rows:
            for c, cl in enumerate(row):
                if cl.merged_from is not None:
                    o = t.rows[cl.merged_from[0]][cl.merged_from[1]]
                    row[c] = type(cl)(text=o.text, norm="", loc=o.loc, merged_from=cl.merged_from,
                                      rowspan=o.rowspan, colspan=o.colspan)
    for t in tables:
        for row in t.rows:
            for cl in row:
                cl.norm = norm(cl.text)
    return n


def _with_ocr(loc: Location, conf: float, glyphs, inked: bool) -> Location:
    from dataclasses import replace

    alts = tuple((g.char, g.alt, round(g.prob, 3)) for g in glyphs if g.alt and g.prob < 0.999)
    return replace(loc, ocr=OcrReading(round(conf, 4), alts, inked))


def line_crops(gray: np.ndarray, bw: np.ndarray, box: tuple[int, int, int, int]) -> list[np.ndarray]:
    """The text lines of a cell, top to bottom, each cropped tight around its ink (padded)."""
    x0, y0, x1, y1 = box
    ink = bw[y0:y1, x0:x1]
    if int(np.count_nonzero(ink)) < MIN_INK:
        return []
    rows = np.count_nonzero(ink, axis=1)
    bands: list[list[int]] = []
    for y, n in enumerate(rows):
        if n:
            if bands and y - bands[-1][1] <= 2:
                bands[-1][1] = y
            else:
                bands.append([y, y])
    out = []
    for a, b in bands:
        band = ink[a: b + 1]
        if int(np.count_nonzero(band)) < MIN_INK or b - a < 3:
            continue  # a speck, or the remains of a rule the inset did not clear
        cols = np.nonzero(np.count_nonzero(band, axis=0))[0]
        ca, cb = int(cols[0]), int(cols[-1])
        pad = max(4, (b - a) // 4)
        out.append(_crop(gray, (x0 + ca, y0 + a, x0 + cb + 1, y0 + b + 1), pad))
    return out


# --- text outside tables -----------------------------------------------------------------------

def text_chars(gray: np.ndarray, boxes: list, pt: float) -> list[Char]:
    """Detected text lines → characters spread evenly over each line's box (points)."""
    crops = [_crop(gray, b[:4], 2) for b in boxes]
    keep = [(b, c) for b, c in zip(boxes, crops, strict=True) if c.size]
    readings = ocr_engine.recognise([c for _, c in keep])
    chars: list[Char] = []
    for (b, _), r in zip(keep, readings, strict=True):
        if not r.text or (r.confidence < 0.3 and len(r.text) <= 2):
            continue  # a stamp's edge, a smudge
        x0, y0, x1, y1 = b[0] * pt, b[1] * pt, b[2] * pt, b[3] * pt
        step = (x1 - x0) / len(r.text)
        for k, ch in enumerate(r.text):
            chars.append(Char(ch, x0 + k * step, y0, x0 + (k + 1) * step, y1, len(chars)))
    return chars
