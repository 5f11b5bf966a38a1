"""Renderers, one per document shape; each takes a ``ReportRecord`` and returns the file's bytes.

``RENDERERS`` maps a renderer name to (file extension, function). ``FAMILIES`` maps the CLI's
``--formats`` words (html, pdf, docx, txt) to the renderers of that file type.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from ..records import ReportRecord
from .docx import render_docx
from .html import render_cms, render_word
from .pdf import render_pdf
from .txt import (
    render_crawler,
    render_label_apart,
    render_layout,
    render_layout_paged,
    render_lines,
    render_lines_gone,
    render_lines_paged,
    render_pipe,
    render_tsv,
)

# fontTools warns on every PDF that the font's bitmap table (BDF) is dropped from the subset.
logging.getLogger("fontTools.subset").setLevel(logging.ERROR)


def _utf8(fn: Callable[[ReportRecord], str]) -> Callable[[ReportRecord], bytes]:
    def render(rec: ReportRecord) -> bytes:
        return fn(rec).encode("utf-8")

    render.__name__ = fn.__name__
    return render


RENDERERS: dict[str, tuple[str, Callable[[ReportRecord], bytes]]] = {
    "html-cms": ("html", _utf8(render_cms)),
    "html-word": ("html", _utf8(render_word)),
    "pdf": ("pdf", render_pdf),
    "docx": ("docx", render_docx),
    "txt-tsv": ("txt", _utf8(render_tsv)),
    "txt-crawler": ("txt", _utf8(render_crawler)),
    "txt-lines": ("txt", _utf8(render_lines)),
    "txt-lines-gone": ("txt", _utf8(render_lines_gone)),
    "txt-pipe": ("md", _utf8(render_pipe)),
    "txt-layout": ("txt", _utf8(render_layout)),
    "txt-label-apart": ("txt", _utf8(render_label_apart)),
    "txt-layout-paged": ("txt", _utf8(render_layout_paged)),
    "txt-lines-paged": ("txt", _utf8(render_lines_paged)),
}
FAMILIES: dict[str, tuple[str, ...]] = {
    "html": ("html-cms", "html-word"),
    "pdf": ("pdf",),
    "docx": ("docx",),
    "txt": ("txt-tsv", "txt-crawler"),
}
# Renderers chosen by name only (round trips, benchmarks): not in a family, so the demo
# warehouse and ``--formats txt`` keep the mix they had.
BY_NAME_ONLY: tuple[str, ...] = ("txt-lines", "txt-lines-gone", "txt-pipe", "txt-layout", "txt-label-apart",
                                  "txt-layout-paged", "txt-lines-paged")


def expand(formats: str | list[str]) -> list[str]:
    """'html,pdf' → ['html-cms', 'html-word', 'pdf']; renderer names pass through."""
    words = formats.split(",") if isinstance(formats, str) else list(formats)
    out: list[str] = []
    for w in (x.strip() for x in words if x.strip()):
        names = FAMILIES.get(w, (w,) if w in RENDERERS else None)
        if names is None:
            raise ValueError(f"unknown format {w!r}; choose from {sorted(FAMILIES) + sorted(RENDERERS)}")
        out += [n for n in names if n not in out]
    return out


def render(rec: ReportRecord, renderer: str) -> bytes:
    return RENDERERS[renderer][1](rec)


__all__ = ["FAMILIES", "RENDERERS", "expand", "render"]
