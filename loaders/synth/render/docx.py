"""DOCX rendering with python-docx: real Word tables with merged cells (gridSpan / vMerge), the
title centred, body paragraphs in 仿宋, a footer with a PAGE field ("- 1 -")."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from ..records import ReportRecord
from .layout import Grid, layout, split_text


def _set_east_asian_font(run, name: str) -> None:
    run.font.name = name
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), name)


def _page_footer(section) -> None:
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run("- ")
    run = p.add_run()
    for tag, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if tag:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), tag)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._element.append(el)
    p.add_run(" -")


def _table(doc, grid: Grid) -> None:
    table = doc.add_table(rows=len(grid.rows), cols=grid.n_cols)
    table.style = "Table Grid"
    # table.cell() rebuilds the whole cell list on each call; take it once (merges keep the
    # origin <w:tc> elements these wrap).
    slots = table._cells
    n = grid.n_cols
    for row in grid.rows:
        for c in row:
            cell = slots[c.row * n + c.col]
            if c.rowspan > 1 or c.colspan > 1:
                cell = cell.merge(slots[(c.row + c.rowspan - 1) * n + c.col + c.colspan - 1])
            texts = list(split_text(c.text)) if c.split and c.text else [c.text]
            first = cell.paragraphs[0]
            for i, t in enumerate(texts):
                para = first if i == 0 else cell.add_paragraph()
                para.alignment = WD_ALIGN_PARAGRAPH.CENTER
                if t:
                    run = para.add_run(t)
                    run.font.size = Pt(9)
                    if c.header:
                        run.bold = True


def render_docx(rec: ReportRecord) -> bytes:
    doc = Document()
    doc.core_properties.title = rec.title
    doc.core_properties.author = rec.agency
    doc.core_properties.comments = "示例数据"
    published = rec.publish_date or rec.deadline  # fixed dates keep the bytes deterministic
    stamp = dt.datetime(published.year, published.month, published.day)
    doc.core_properties.created = doc.core_properties.modified = stamp
    _page_footer(doc.sections[0])
    for b in layout(rec):
        if b.kind == "title":
            p = doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = p.add_run(b.text)
            run.font.size = Pt(18)
            _set_east_asian_font(run, "方正小标宋简体")
        elif b.kind == "heading":
            run = doc.add_paragraph().add_run(b.text)
            run.bold = True
            _set_east_asian_font(run, "黑体")
        elif b.kind == "para":
            p = doc.add_paragraph()
            p.paragraph_format.first_line_indent = Pt(32)
            _set_east_asian_font(p.add_run(b.text), "仿宋_GB2312")
        elif b.kind == "table":
            _table(doc, b.grid)
    buf = io.BytesIO()
    doc.save(buf)
    return _fixed_zip_times(buf.getvalue(), (published.year, published.month, published.day, 0, 0, 0))


def _fixed_zip_times(data: bytes, when: tuple[int, ...]) -> bytes:
    """python-docx stamps zip members with the current time; rewrite them with ``when``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=when), src.read(info.filename),
                         compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()
