"""全省汇总: the office's own summary — tables 二, 三 and 四 summed over a selection, laid out as the
format of that year prints them (labels from ``loaders.spec``), the standard sentences generated
from the sums with each number's source, and the DOCX a clerk pastes into the annual report.

A summary is always one year, so always one format: the 2019 and 2021 forms are never summed
into one table. Sums come from ``queries.summary_cells`` (Σ of printed numbers; a cell no report
printed stays blank, never 0).
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from loaders.spec import CELLS, TABLES, VERSIONS

from .export import neutralise_text
from .indicators import CARRIED_OVER, CARRY_FORWARD, GRANT, NEW, PARTIAL, RESULT_TOTAL

NOT_PRINTED = "—"  # a cell of the form no summed report printed a number in
ROW_HEADER = "项目"


def format_of_year(year: int) -> str | None:
    """The statistical-table format reports of ``year`` are printed in (None before 2019)."""
    for code in CELLS:
        v = VERSIONS[code]
        if (v.first_year or 0) <= year <= (v.last_year or 9999):
            return code
    return None


def cell_keys(fmt: str) -> list[str]:
    return [c.key for c in CELLS[fmt]]


def table_titles(fmt: str) -> dict[str, str]:
    """Table code → the format's own title ("三、收到和处理政府信息公开申请情况")."""
    return {t.code: t.title for t in TABLES[fmt]}


def _number(v) -> object:
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
        return NOT_PRINTED
    f = float(v)
    return int(f) if f.is_integer() else round(f, 4)


def layout(values: Mapping[str, float | None], fmt: str, table: str) -> pd.DataFrame:
    """One table as the format prints it: a row per row label, a column per column label; a sum
    where reports printed numbers, '—' where none did, '' where the format has no such cell."""
    rows: dict[str, dict[str, object]] = {}
    columns: list[str] = []
    for spec in CELLS[fmt]:
        if spec.table != table:
            continue
        if spec.col_label not in columns:
            columns.append(spec.col_label)
        rows.setdefault(spec.row_label, {})[spec.col_label] = _number(values.get(spec.key))
    # Built row by row as objects: a frame from dicts would turn whole sums into floats (2.0).
    return pd.DataFrame([[label, *(cols.get(c, "") for c in columns)] for label, cols in rows.items()],
                        columns=[ROW_HEADER, *columns], dtype=object)


@dataclass(frozen=True)
class Figure:
    """A number used in a sentence and where it comes from (table · row · column of the form)."""

    text: str  # as written in the sentence
    value: float | None
    source: str
    key: str = ""  # the form's cell it is read from ('' for a figure computed from others)


def _source(fmt: str, key: str) -> str:
    spec = next(c for c in CELLS[fmt] if c.key == key)
    title = table_titles(fmt)[spec.table].split("、", 1)
    return f"表{title[0]}“{spec.row_label}”·{spec.col_label}"


def _count(v) -> str:
    return f"{int(v):,}" if float(v).is_integer() else f"{float(v):,.2f}"


def _present(v) -> bool:
    return v is not None and not (isinstance(v, float) and math.isnan(v)) and v is not pd.NA


@dataclass(frozen=True)
class SameAgencies:
    """同口径 for the 同比: the two years' sums over only the agencies that reported in both."""

    cur: Mapping[str, float | None]
    prev: Mapping[str, float | None]
    agencies: int


def sentences(cur: Mapping[str, float | None], prev: Mapping[str, float | None] | None, *, fmt: str,
              prev_fmt: str | None, scope: str, year: int, n_cur: int, n_prev: int,
              same: SameAgencies | None = None) -> list[tuple[str, list[Figure]]]:
    """The standard summary sentences, each with the figures in it. A number no report printed is
    said to be not reported, never written as 0; a change needs both years' totals. With ``same``
    the 同比 compares only the agencies that reported in both years, and says how many."""
    out: list[tuple[str, list[Figure]]] = []

    def fig(key: str, values=cur, f=fmt) -> Figure:
        v = values.get(key) if values else None
        return Figure(_count(v) if _present(v) else NOT_PRINTED, float(v) if _present(v) else None, _source(f, key),
                      key if values is cur else "")

    new, carried = fig(NEW), fig(CARRIED_OVER)
    if new.value is not None:
        s = f"{scope}{year}年共收到政府信息公开申请{new.text}件"
        used = [new]
        before = fig(NEW, prev, prev_fmt) if prev and prev_fmt else None
        if same is not None and prev_fmt:
            now_same, before_same = fig(NEW, same.cur), fig(NEW, same.prev, prev_fmt)
            if now_same.value is not None and before_same.value:
                pct = (now_same.value - before_same.value) / before_same.value * 100
                change = Figure(f"{abs(pct):.1f}%", pct, f"同口径（{now_same.text} − {before_same.text}）÷ {before_same.text}")
                s += (f"；同口径（{year - 1}年和{year}年都有年报的{same.agencies}个单位，每年{same.agencies}份年报）同比"
                      f"{'增长' if pct >= 0 else '下降'}{change.text}（{year}年{now_same.text}件，"
                      f"{year - 1}年{before_same.text}件）")
                used += [change, Figure(now_same.text, now_same.value, f"同口径{year}年" + now_same.source),
                         Figure(before_same.text, before_same.value, f"同口径{year - 1}年" + before_same.source)]
        elif before is not None and before.value:
            pct = (new.value - before.value) / before.value * 100
            change = Figure(f"{abs(pct):.1f}%", pct, f"（{new.text} − {before.text}）÷ {before.text}")
            s += (f"，同比{'增长' if pct >= 0 else '下降'}{change.text}（{year - 1}年{before.text}件；"
                  f"{year}年汇总{n_cur}份年报，{year - 1}年{n_prev}份）")
            used += [change, Figure(before.text, before.value, f"{year - 1}年" + before.source)]
        if carried.value is not None:
            s += f"；上年结转{carried.text}件"
            used.append(carried)
        out.append((s + "。", used))

    handled, grant, partial, forward = fig(RESULT_TOTAL), fig(GRANT), fig(PARTIAL), fig(CARRY_FORWARD)
    if handled.value is not None:
        s = f"本年度办结政府信息公开申请{handled.text}件"
        used = [handled]
        if grant.value is not None:
            s += f"，其中予以公开{grant.text}件"
            used.append(grant)
            if partial.value is not None:
                s += f"、部分公开{partial.text}件"
                used.append(partial)
            if handled.value:
                rate = Figure(f"{grant.value / handled.value * 100:.1f}%", grant.value / handled.value,
                              f"予以公开 {grant.text} ÷ 办结总计 {handled.text}")
                s += f"，予以公开率{rate.text}（予以公开件数 ÷ 办结总数）"
                used.append(rate)
        if forward.value is not None:
            s += f"；结转下年度继续办理{forward.text}件"
            used.append(forward)
        out.append((s + "。", used))

    review = fig("t4.review.total")
    direct, after = fig("t4.lit_direct.total"), fig("t4.lit_after_review.total")
    if review.value is not None or direct.value is not None or after.value is not None:
        parts, used = [], []
        if review.value is not None:
            parts.append(f"政府信息公开行政复议{review.text}件")
            used.append(review)
        if direct.value is not None and after.value is not None:
            lit = direct.value + after.value
            total = Figure(_count(lit), lit, "未经复议直接起诉 + 复议后起诉")
            parts.append(f"行政诉讼{total.text}件（未经复议直接起诉{direct.text}件、复议后起诉{after.text}件）")
            used += [total, direct, after]
        else:  # one kind not reported at all: no total (a blank is not 0)
            for name, part in (("未经复议直接起诉的行政诉讼", direct), ("复议后起诉的行政诉讼", after)):
                if part.value is not None:
                    parts.append(f"{name}{part.text}件")
                    used.append(part)
        out.append((f"全年发生{'、'.join(parts)}。", used))
    return out


def cell_place(fmt: str, key: str) -> tuple[str, str, str]:
    """(表, 项目, 列) of a cell of the form: "表三", its row label, its column label."""
    spec = next(c for c in CELLS[fmt] if c.key == key)
    return "表" + table_titles(fmt)[spec.table].split("、", 1)[0], spec.row_label, spec.col_label


def mark_cells(shown: pd.DataFrame, fmt: str, table: str, keys: set[str], mark: str) -> pd.DataFrame:
    """``shown`` (a ``layout`` of ``table`` as text) with ``mark`` after each cell in ``keys``."""
    out = shown.copy()
    rows = {label: i for i, label in enumerate(out[ROW_HEADER])}
    for spec in CELLS[fmt]:
        if spec.table == table and spec.key in keys:
            i = rows[spec.row_label]
            out.iloc[i, out.columns.get_loc(spec.col_label)] = f"{out.iloc[i][spec.col_label]} {mark}"
    return out


def trace_frame(said: Sequence[tuple[str, list[Figure]]]) -> pd.DataFrame:
    """Every number of the sentences with its source: sentence no., as written, value, source."""
    rows = [{"句": i, "数字": fg.text, "数值": fg.value, "来源": fg.source}
            for i, (_, figs) in enumerate(said, 1) for fg in figs]
    return pd.DataFrame(rows, columns=["句", "数字", "数值", "来源"])


def to_docx_bytes(title: str, lines: Sequence[str], tables: Sequence[tuple[str, pd.DataFrame]],
                  paragraphs: Sequence[str], quality_notes: Sequence[str] = ()) -> bytes:
    """A Word document: title, the scope lines, each table with its own title and the form's row
    and column labels, then the summary sentences and, apart, the data-quality notes (cells a
    report whose own numbers don't add up moves; the tables carry no symbol, being for pasting)
    (python-docx; text neutralised as in XLSX)."""
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    doc.add_heading(title, level=1)
    for line in lines:
        doc.add_paragraph(str(neutralise_text(line)))
    for caption, df in tables:
        doc.add_heading(caption, level=2)
        grid = doc.add_table(rows=1, cols=len(df.columns))
        grid.style = "Table Grid"
        for cell, name in zip(grid.rows[0].cells, df.columns, strict=True):
            cell.text = str(name)
        for row in df.itertuples(index=False):
            cells = grid.add_row().cells
            for cell, v in zip(cells, row, strict=True):
                cell.text = str(neutralise_text(v if isinstance(v, str) else _count(v)))
        for r in grid.rows:
            for c in r.cells:
                for p in c.paragraphs:
                    for run in p.runs:
                        run.font.size = Pt(9)
    if paragraphs:
        doc.add_heading("汇总说明", level=2)
        for text in paragraphs:
            doc.add_paragraph(str(neutralise_text(text)))
    if quality_notes:
        doc.add_heading("数据质量提示（不属于汇总表，供核对）", level=2)
        for text in quality_notes:
            doc.add_paragraph(str(neutralise_text(text)))
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
