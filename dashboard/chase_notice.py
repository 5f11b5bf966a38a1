"""The 催报 notice: a DOCX listing the units still missing or late, ready to send (python-docx).

Built from the chase list exactly as shown on 报送情况; every text is the warehouse's own value,
stripped of characters XML cannot hold (a name pasted from a web page may carry them).
"""

from __future__ import annotations

import datetime as dt
import io
import re

import pandas as pd
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
COLUMNS = (("agency", "单位名称"), ("year", "报告年度"), ("region", "地区"), ("deadline", "截止日期"),
           ("status", "报送状态"), ("days_late", "逾期天数"))


def _text(v: object) -> str:
    if v is None or (isinstance(v, float) and v != v) or v is pd.NA:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, (dt.date, pd.Timestamp)):
        return f"{v.year}年{v.month}月{v.day}日"
    return _NOT_XML.sub("", str(v))


def chase_notice_docx(chase: pd.DataFrame, *, issuer: str = "", today: dt.date | None = None) -> bytes:
    """The notice as DOCX bytes: heading, the request, one table row per unit, the date line."""
    today = today or dt.date.today()
    years = sorted({int(y) for y in chase["year"]}) if not chase.empty else []
    span = "、".join(str(y) for y in years) or "—"
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "SimSun"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")  # CJK text in 宋体, not the Latin fallback
    style.font.size = Pt(12)
    head = doc.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = head.add_run(f"关于催报{span}年度政府信息公开工作年度报告的通知")
    run.bold = True
    run.font.size = Pt(16)
    doc.add_paragraph("各有关单位：")
    doc.add_paragraph(
        "根据《中华人民共和国政府信息公开条例》第四十九条规定，各单位应按期向社会公布上一年度政府信息公开工作年度报告。"
        f"截至{_text(today)}，下列单位的年度报告尚未报送或逾期发布，请于收到本通知后尽快公布并报送，逾期发布的请说明原因。"
    )
    table = doc.add_table(rows=1, cols=len(COLUMNS) + 1)
    table.style = "Table Grid"
    cells = table.rows[0].cells
    cells[0].text = "序号"
    for i, (_, name) in enumerate(COLUMNS, start=1):
        cells[i].text = name
    for n, row in enumerate(chase.itertuples(index=False), start=1):
        cells = table.add_row().cells
        cells[0].text = str(n)
        for i, (col, _) in enumerate(COLUMNS, start=1):
            cells[i].text = _text(getattr(row, col, None))
    doc.add_paragraph(f"共 {len(chase)} 个单位。")
    if issuer:
        p = doc.add_paragraph(_text(issuer))
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    p = doc.add_paragraph(_text(today))
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
