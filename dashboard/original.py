"""The original beside a reading: the PDF page as an image with the run's boxes drawn, or the text
excerpt with the run marked — so the clerk checks a cell against what the file prints.

No Streamlit here (cached by the page); the file is the warehouse's stored original.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

MARK_OPEN, MARK_CLOSE = "【", "】"
_PAGE = re.compile(r"第\s*(\d+)\s*页")


@dataclass(frozen=True)
class Excerpt:
    kind: str  # "image" | "text" | "none"
    png: bytes | None = None
    text: str = ""
    page: int | None = None
    found: bool = False


def find_run(text: str, run: str, near: str = "") -> int:
    """Where ``run`` occurs in ``text``: the occurrence closest after ``near`` if given, else the first."""
    if not run:
        return -1
    if near:
        at = text.find(near)
        if at >= 0:
            hit = text.find(run, at)
            if hit >= 0:
                return hit
    return text.find(run)


def text_excerpt(text: str, run: str, near: str = "", width: int = 160) -> Excerpt:
    i = find_run(text, run, near)
    if i < 0:
        start = max(0, text.find(near)) if near and near in text else 0
        return Excerpt("text", text=text[start:start + 2 * width], found=False)
    lo, hi = max(0, i - width), min(len(text), i + len(run) + width)
    body = text[lo:i] + MARK_OPEN + text[i:i + len(run)] + MARK_CLOSE + text[i + len(run):hi]
    return Excerpt("text", text=("…" if lo else "") + body + ("…" if hi < len(text) else ""), found=True)


def pdf_excerpt(path: Path, run: str, near: str = "", location: str = "") -> Excerpt:
    """The page holding ``run`` (the page named in ``location`` first), rendered with its boxes."""
    import pdfplumber

    m = _PAGE.search(location or "")
    hint = int(m.group(1)) - 1 if m else None
    with pdfplumber.open(str(path)) as pdf:
        order = list(range(len(pdf.pages)))
        if hint is not None and 0 <= hint < len(order):
            order.remove(hint)
            order.insert(0, hint)
        for n in order:
            page = pdf.pages[n]
            hits = page.search(run, regex=False) if run else []
            if near and len(hits) > 1:
                anchors = page.search(near, regex=False)
                if anchors:
                    top = anchors[0]["top"]
                    hits = sorted(hits, key=lambda h: abs(h["top"] - top))[:1]
            if hits:
                im = page.to_image(resolution=110)
                im.draw_rects([(h["x0"] - 2, h["top"] - 2, h["x1"] + 2, h["bottom"] + 2) for h in hits],
                              stroke=(220, 20, 60), stroke_width=3, fill=(255, 230, 0, 70))
                buf = io.BytesIO()
                im.save(buf, format="PNG")
                return Excerpt("image", png=buf.getvalue(), page=n + 1, found=True)
    return Excerpt("none")


def excerpt(path: Path, file_type: str, run: str, near: str = "", location: str = "") -> Excerpt:
    """The best view of ``run`` in the original at ``path``."""
    if not path.is_file():
        return Excerpt("none")
    if file_type == "pdf":
        shown = pdf_excerpt(path, run, near, location)
        if shown.kind == "image":
            return shown
    from loaders.readers import read_file

    doc = read_file(path, check_report=False)
    return text_excerpt(doc.text(), run, near)
