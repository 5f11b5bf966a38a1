"""Reusable page pieces: a chart with its 口径 and data table, KPI cards, downloads, empty states.

Data is shown only through Streamlit's own escaping elements (dataframe, metric, caption,
plotly) — never as raw HTML.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterable, Sequence

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from warehouse import export
from warehouse.quality_marks import INFLUENCE_SHARE, MARK

from . import charts
from .charts import rate_text
from .labels import CATEGORY_LABELS, COLUMN_NAMES, LEVEL_LABELS

CSV_MIME = "text/csv"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_bytes(df: pd.DataFrame) -> bytes:
    """CSV in UTF-8 with BOM (opens in Excel), formula-like text neutralised (warehouse.export)."""
    return export.to_csv_bytes(df)


def xlsx_bytes(sheets: dict[str, pd.DataFrame], filters=None) -> bytes:
    """XLSX with the data sheets plus 「筛选条件」 and 「指标定义」 sheets (warehouse.export)."""
    return deferred_xlsx(sheets, filters)()


def deferred_xlsx(sheets: dict[str, pd.DataFrame], filters=None) -> Callable[[], bytes]:
    """A zero-argument XLSX builder for ``st.download_button``: the workbook is made on click only.

    Building a workbook (openpyxl) costs far more than the chart it belongs to, so no page pays
    for it on every run (P4). Everything it needs is captured now: it runs outside the script
    thread and makes no Streamlit calls.
    """
    from . import data, state

    f = filters if filters is not None else state.current()
    version = data.version()
    return lambda: export.to_xlsx_bytes(sheets, f, data_version=version)


# Code columns shown by their Chinese names on screen (downloads keep the stable codes).
CODE_NAMES = {"level": LEVEL_LABELS, "category": CATEGORY_LABELS}


def display_table(df: pd.DataFrame, rate_cols: Iterable[str] = ()) -> pd.DataFrame:
    """A copy for on-screen reading: rates as '12.3%' or '—' (no denominator), never 0 %; other
    missing values as '—'; level and category codes as their Chinese names."""
    out = df.copy()
    for c, names in CODE_NAMES.items():
        if c in out:
            out[c] = out[c].map(lambda v, names=names: names.get(v, v))
    for c in rate_cols:
        if c in out:
            out[c] = out[c].map(rate_text)
    for c in out.columns:
        out[c] = blank_as_dash(out[c])
    return out


BLANK = "—"  # on screen for a value no report printed (never 0; the grid would print "None")


def blank_as_dash(col: pd.Series) -> pd.Series:
    """A column with missing values shown as '—' (as text: the grid cannot mix '—' and numbers);
    whole numbers stay whole ('12', not '12.0')."""
    missing = col.isna()
    if not missing.any():
        return col
    present = col[~missing]
    whole = pd.api.types.is_numeric_dtype(col) and bool((present == present.round()).all())
    return col.map(lambda v: BLANK if _missing(v) or v is pd.NaT else (str(int(v)) if whole else str(v)))


def chinese_headers(df: pd.DataFrame) -> pd.DataFrame:
    return df.rename(columns=lambda c: COLUMN_NAMES.get(c, c))


MAX_TABLE_ROWS = 1000  # on screen; downloads always carry every row (P5)


def table(df: pd.DataFrame, *, key: str, rate_cols: Iterable[str] = (), height: int | str = "auto",
          total: int | None = None, cut_off: bool = False) -> None:
    """A read-only table with Chinese headers; rates as '12.3%' / '—'. Long tables show the first
    ``MAX_TABLE_ROWS`` rows and say so; the download buttons beside them hold all rows. ``total``: how
    many rows the whole table has when ``df`` is only its head (a page that asked for the first rows);
    ``cut_off``: it is a head of unknown length."""
    shown = df.head(MAX_TABLE_ROWS)
    st.dataframe(chinese_headers(display_table(shown, rate_cols)), hide_index=True, key=key, height=height)
    n = len(df) if total is None else int(total)
    if n > MAX_TABLE_ROWS:
        st.caption(f"共 {n:,} 行，此处显示前 {MAX_TABLE_ROWS:,} 行；完整数据请下载。")
    elif total is None and cut_off:
        st.caption(f"此处显示前 {MAX_TABLE_ROWS:,} 行，完整数据（更多行）请下载。")


def download_buttons(df: pd.DataFrame, stem: str, *, key: str, label: str = "",
                     whole: Callable[[], pd.DataFrame] | None = None) -> None:
    """CSV (UTF-8 BOM) and XLSX of exactly the frame shown, each carrying the filters and data
    version (CSV: leading lines; XLSX: a 「筛选条件」 sheet); clicking does not rerun the page.
    ``whole``: the frame is only the head of a table sized by the slice (every agency): the files are
    made of ``whole()``, asked on click."""
    from . import data, state

    # the filters and data version go inside the file (captured now: the builder runs off-thread)
    f = state.current()
    about = [*state.describe(f), ("数据版本", data.version())]
    version = data.version()
    rows = (lambda: chinese_headers(whole())) if whole is not None else (lambda: df)
    c1, c2 = st.columns(2)
    c1.download_button(f"下载{label} CSV", lambda: export.to_csv_bytes(rows(), about), file_name=f"{stem}.csv",
                       mime=CSV_MIME, key=f"{key}_csv", on_click="ignore", icon=":material/download:")
    c2.download_button(f"下载{label} Excel", lambda: export.to_xlsx_bytes({"数据": rows()}, f, data_version=version),
                       file_name=f"{stem}.xlsx", mime=XLSX_MIME, key=f"{key}_xlsx", on_click="ignore",
                       icon=":material/download:")


def chart_block(fig: go.Figure, df: pd.DataFrame, *, key: str, definition: str, stem: str,
                rate_cols: Sequence[str] = (), whole: Callable[[], pd.DataFrame] | None = None,
                total: int | None = None) -> None:
    """A chart, its definition (口径) below it, and the same numbers as a table with downloads
    (``whole``/``total``: ``df`` is the head of a longer table, see ``table`` and ``download_buttons``)."""
    st.plotly_chart(fig, key=f"{key}_chart", config=charts.plotly_config(toImageButtonOptions={"filename": stem}))
    if definition:
        st.caption(definition)
    with st.expander("查看数据表", expanded=False):
        table(df, key=f"{key}_table", rate_cols=rate_cols, total=total, cut_off=whole is not None)
        download_buttons(chinese_headers(df), stem, key=key, whole=whole)


def empty_state(message: str = "当前筛选条件下没有数据。") -> None:
    st.info(f"{message}\n\n可以在左侧放宽筛选条件（年份、地区、层级、类别或单位），或先导入年度报告。", icon=":material/inbox:")


def number_text(v) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
        return "—"
    return f"{float(v):,.0f}" if float(v).is_integer() else f"{float(v):,.2f}"


def kpi(col, label: str, value, previous=None, *, rate: bool = False, help: str = "") -> None:
    """A KPI card with its change against the previous year ('—' when either side is undefined)."""
    shown = rate_text(value) if rate else number_text(value)
    delta = None
    if not _missing(value) and not _missing(previous):
        if rate:
            delta = f"{(float(value) - float(previous)) * 100:+.1f} 个百分点"
        elif float(previous) != 0:
            delta = f"{(float(value) - float(previous)) / float(previous) * 100:+.1f}%（同比）"
        else:
            delta = f"{float(value) - float(previous):+,.0f}"
    col.metric(label, shown, delta=delta, help=help or None, border=True)


def _missing(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))


def definition(key: str, variant: str | None = None) -> str:
    """The 口径 line for an indicator, straight from ``warehouse.indicators`` (defined once there)."""
    from warehouse.indicators import INDICATOR_BY_KEY

    i = INDICATOR_BY_KEY[key]
    v = i.variant(variant)
    kou = f"口径：{v.name}（{v.description}）。" if v.description else ""
    return f"{i.name}：{i.description}。{kou}{i.null_rule}。"


def scope_caption(f) -> None:
    """One line under the page title stating the slice shown."""
    from .state import describe

    shown = [f"{k}：{v}" for k, v in describe(f) if v != "全部" and k not in ("版本", "示例数据")]
    st.caption("当前范围：" + ("；".join(shown) if shown else "全部数据") + "（仅统计各单位每年的最新版本报告）")


def quality_caption(f, *, switch_applies: bool = True) -> None:
    """The quality switch's marker: how many reports of the slice fail R1–R4 and whether they count.

    ``switch_applies=False``: a page whose subject is those reports (数据质量, 审查工作台) or that
    counts reports received rather than their numbers (报送情况) lists every report whatever the
    switch says, and says so when the switch is on.
    """
    from . import data

    n = data.ask("failing_count", f)
    failing = int(n["failing"].iloc[0]) if not n.empty else 0
    if not switch_applies:
        if f.leave_out_failing:
            st.caption(f"左侧“剔除……”开关不作用于本页：本页列出全部报告，包括 {failing:,} 份表格勾稽关系不成立"
                       "（R1–R4）的报告。")
        return
    if not failing:
        return
    if f.leave_out_failing:
        st.caption(f"已剔除 {failing:,} 份表格勾稽关系不成立（R1–R4）的报告（左侧“剔除……”开关）。")
    else:
        st.caption(f"{MARK} 本范围 {int(n['reports'].iloc[0]):,} 份报告中有 {failing:,} 份表格勾稽关系不成立（R1–R4），"
                   f"已计入统计；受其中某份报告影响超过 {INFLUENCE_SHARE:.0%} 的数字标有 {MARK}。可在左侧剔除这些报告。")


def influence_notes(marks: pd.DataFrame, names: dict[str, str], rate_aliases=()) -> list[str]:
    """One line per marked figure: which failing report moves it, with and without that report."""
    out = []
    for m in marks.itertuples(index=False):
        if m.alias not in names:
            continue
        rate = m.alias in rate_aliases

        def shown(v, rate=rate):
            return rate_text(v) if rate else number_text(v)

        out.append(f"{MARK} {int(m.year)}年{names[m.alias]}：{m.agency}（报告编号 {m.report_id}）表格勾稽关系不成立，"
                   f"含该报告为 {shown(m.value)}，不含为 {shown(m.without)}")
    return out


def influence_caption(f, keys: Sequence[str]) -> None:
    """Under a chart of per-year indicators: name each failing report (R1–R4) that moves one of
    them by more than the set share (with ``MARK``), as on 总览."""
    from warehouse.indicators import INDICATOR_BY_KEY, RATE

    from . import data

    marks = data.ask("indicator_influence", f, tuple(keys))
    names = {k: INDICATOR_BY_KEY[k].name for k in keys}
    notes = influence_notes(marks, names, tuple(k for k in keys if INDICATOR_BY_KEY[k].kind == RATE))
    if notes:
        st.caption("；".join(notes) + "。")


def marked_cells_trend(fig, f, df: pd.DataFrame, series: dict[str, str]) -> list[str]:
    """For a trend of printed cells summed per year (columns of ``df`` named by cell key): put
    ``MARK`` on each point a failing report (R1–R4) moves by more than the set share and return
    the notes naming the reports (``series``: cell key → name)."""
    from . import data

    marks = data.ask("cells_influence", f, tuple(series))
    mark_points(fig, marks, df, {k: k for k in series})
    return influence_notes(marks, series)


def notes_caption(notes: Sequence[str]) -> None:
    if notes:
        st.caption("；".join(notes) + "。")


def mark_points(fig, marks: pd.DataFrame, df: pd.DataFrame, columns: dict[str, str], *, x: str = "year") -> None:
    """Put ``MARK`` above each trend point (column of ``df`` per year) a failing report moves."""
    for m in marks.itertuples(index=False):
        if m.alias not in columns:
            continue
        row = df[df[x] == m.year]
        if row.empty or _missing(row[columns[m.alias]].iloc[0]):
            continue
        fig.add_annotation(x=m.year, y=float(row[columns[m.alias]].iloc[0]), text=MARK, showarrow=False, yshift=14,
                           font={"size": 16, "color": "#D55E00"},
                           hovertext=f"{m.agency}（报告编号 {m.report_id}）表格勾稽关系不成立")


def page_header(title: str, f, intro: str = "", *, switch_applies: bool = True):
    """Title, scope line and quality marker; returns the slice the page should query.

    ``switch_applies=False`` (see ``quality_caption``): the returned slice keeps every report.
    """
    shown = f if switch_applies else dataclasses.replace(f, leave_out_failing=False)
    st.title(title)
    scope_caption(shown)
    quality_caption(f, switch_applies=switch_applies)
    if intro:
        st.markdown(intro)
    return shown
