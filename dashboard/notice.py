"""The 退回 notice for an agency (DOCX, python-docx) and the batch list of a round (XLSX).

Everything a reviewer typed (note, deadline) and everything read from a report goes into the
DOCX as plain text runs (python-docx escapes XML), and into the XLSX through
``warehouse.export.to_xlsx_bytes``, which neutralises formula-like text.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

import docx
import pandas as pd
from docx.shared import Pt

from warehouse.export import to_xlsx_bytes

from .equations import check_for, describe

NOTICE_TITLE = "政府信息公开工作年度报告整改通知"


def problem_lines(fmt: str, findings: Sequence[Mapping], values: Mapping[str, float | None]) -> list[str]:
    """One plain-Chinese line per failing equation (the cells' printed values and what they must
    satisfy); a finding that is not a sum equation keeps its own message."""
    lines = []
    for fi in findings:
        check = check_for(fmt, str(fi["rule"]), list(fi["keys"]))
        lines.append(describe(fmt, check, values) if check is not None else str(fi["message"]))
    return lines


def notice_docx(*, agency: str, year: int | None, source_name: str, title: str | None, lines: Sequence[str],
                deadline: str, reviewer: str, issued_on: str, note: str = "") -> bytes:
    d = docx.Document()
    style = d.styles["Normal"]
    style.font.size = Pt(12)
    d.add_heading(NOTICE_TITLE, level=1)
    d.add_paragraph(f"{agency}：")
    d.add_paragraph(
        f"经审查，贵单位报送的{year or ''}年度政府信息公开工作年度报告（文件：{source_name}"
        f"{'；标题：' + title if title else ''}）中，下列数字之间的勾稽关系不成立，共 {len(lines)} 处："
    )
    for i, line in enumerate(lines, 1):
        d.add_paragraph(f"{i}. {line}")
    d.add_paragraph(f"请于 {deadline} 前核实更正，并重新报送更正后的年度报告。")
    if note:
        d.add_paragraph(f"审查意见：{note}")
    d.add_paragraph(f"审查人：{reviewer}　　日期：{issued_on}")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


BATCH_COLUMNS = {"agency": "单位", "year": "年度", "source_name": "文件", "returned_at": "退回时间",
                 "deadline": "整改期限", "reviewer": "审查人", "n_problems": "问题数", "problems": "问题",
                 "note": "审查意见"}


def batch_xlsx(returned: pd.DataFrame) -> bytes:
    """The round's list: one row per report sent back (``queries.returned_reports``)."""
    df = returned.reindex(columns=list(BATCH_COLUMNS)).rename(columns=BATCH_COLUMNS)
    if "退回时间" in df and pd.api.types.is_datetime64_any_dtype(df["退回时间"]):
        df["退回时间"] = df["退回时间"].dt.tz_localize(None) if df["退回时间"].dt.tz is not None else df["退回时间"]
    return to_xlsx_bytes({"退回清单": df})
