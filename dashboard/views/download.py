"""数据下载: the whole current slice as a file a clerk can hand on — per report (wide), per cell
(long), per indicator — in CSV, Excel or Parquet (``warehouse.clerk_export``).

Files of any size: 「生成」 streams the slice from DuckDB into a file on the server with a progress
bar (memory stays bounded), then 「下载」 hands that file over. A slice with more rows than one
Excel sheet holds gets no Excel button but says so and points to CSV / Parquet.
"""

from __future__ import annotations

import hashlib
import tempfile
import time
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import components, data, state
from warehouse import clerk_export, export
from warehouse.indicators import definition_rows

DATASETS = (
    ("reports_wide", "每份报告一行：单位、地区、层级、类别、年度、格式，以及本范围所含格式的每个单元格一列"
     "（中文列名取自年报格式的表·栏目·行·列；空白、横线、斜线均为空值，不是0）。经审查员人工核定的单元格取核定值，"
     "末列「人工核定的单元格」写明是哪些单元格、核定人和日期。"),
    ("cells_long", "每份报告的每个单元格一行：单元格名称、数值、状态（数字/空白/横线/斜线/文字/未找到）和原文；"
     "经人工核定的单元格另有人工核定值、核定人和核定日期（“数值”列仍为原文读取值）。"),
    ("indicators", "每个单位每年一行，每个指标一列：比率为百分数，列名写明口径；分母为0时为空（不是0）。"),
)
FILE_TYPES = (("csv", "CSV", components.CSV_MIME), ("xlsx", "Excel", components.XLSX_MIME),
              ("parquet", "Parquet", "application/vnd.apache.parquet"))
_BUILT = "dl_built"  # session state: (dataset, type) → (identity of the slice, path of the file made for it)


KEEP_SECONDS = 24 * 3600  # a generated file older than this (its session long gone) is removed


def _export_dir() -> Path:
    d = Path(tempfile.gettempdir()) / "gongkai-exports"
    d.mkdir(parents=True, exist_ok=True)
    now = time.time()
    for old in d.iterdir():
        try:
            if now - old.stat().st_mtime > KEEP_SECONDS:
                old.unlink()
        except OSError:  # another session removed it first
            pass
    return d


def _identity(dataset: str, fmt: str, f) -> str:
    return hashlib.sha256(repr((dataset, fmt, f.key(), data.version())).encode()).hexdigest()[:20]


def _build(dataset: str, fmt: str, f, ident: str) -> None:
    title = clerk_export.TITLES[dataset]
    dest = _export_dir() / f"{ident}{clerk_export.SUFFIX[fmt]}"
    bar = st.progress(0.0, text=f"正在生成{title}……")

    def progress(done: int, total: int) -> None:
        bar.progress(min(1.0, done / total) if total else 1.0, text=f"正在生成{title}：已写入 {done:,} / {total:,} 行")

    data.write_export(dataset, fmt, f, dest, progress)
    old = st.session_state.setdefault(_BUILT, {}).get((dataset, fmt))
    if old and old[1] != str(dest):
        Path(old[1]).unlink(missing_ok=True)  # the file made for an earlier slice
    st.session_state[_BUILT][(dataset, fmt)] = (ident, str(dest))
    bar.empty()


def render() -> None:
    f = state.current()
    components.page_header("数据下载", f, "下载的是左侧筛选条件下的全部数据（仅各单位每年的最新版本报告）。"
                           "先点「生成」在服务器上写出文件（有进度条，任何规模都不会占满内存），再点「下载」。"
                           "每个文件都写明筛选条件和数据版本：CSV 开头几行、Excel 第一个工作表「说明」；"
                           "列名为中文，字段键在 CSV 第二行表头、Excel「字段说明」工作表中。"
                           "CSV 为带 BOM 的 UTF-8 编码，可直接用 Excel 打开。")
    years = data.ask("overview_by_year", f)
    if years.empty:
        components.empty_state()
        return
    n_reports = int(years["reports"].sum())
    st.metric("当前范围内的报告数", f"{n_reports:,}", border=True)
    stem = state.stem(f)
    for dataset, meaning in DATASETS:
        title = clerk_export.TITLES[dataset]
        n_rows = data.export_rows(dataset, f)
        st.subheader(title)
        st.caption(f"{meaning}本范围共 {n_rows:,} 行。")
        if not clerk_export.xlsx_fits(n_rows):
            st.warning(f"{title}共 {n_rows:,} 行，超过 Excel 单个工作表的上限（{clerk_export.XLSX_MAX_ROWS:,} 行，"
                       "含表头），无法生成 Excel 文件；请下载 CSV 或 Parquet，或缩小筛选范围。", icon=":material/warning:")
        cols = st.columns(len(FILE_TYPES))
        for col, (fmt, name, mime) in zip(cols, FILE_TYPES, strict=True):
            ident = _identity(dataset, fmt, f)
            built = st.session_state.get(_BUILT, {}).get((dataset, fmt))
            if built and built[0] == ident and Path(built[1]).is_file():
                # read from disk on click only (a file object would be read into memory on every run)
                col.download_button(f"下载{title} {name}", Path(built[1]).read_bytes,
                                    file_name=f"{title}_{stem}{clerk_export.SUFFIX[fmt]}", mime=mime,
                                    key=f"dl_{dataset}_{fmt}", on_click="ignore", icon=":material/download:")
                continue
            too_big = fmt == "xlsx" and not clerk_export.xlsx_fits(n_rows)
            if col.button(f"生成{title} {name}", key=f"mk_{dataset}_{fmt}", disabled=too_big,
                          icon=":material/file_export:"):
                _build(dataset, fmt, f, ident)
                st.rerun()

    st.subheader("筛选条件与指标定义")
    filters_df = pd.DataFrame(state.describe(f), columns=["筛选项", "取值"])
    defs = pd.DataFrame(definition_rows())
    components.table(filters_df, key="dl_filters")
    with st.expander("指标定义（口径）"):
        components.table(defs, key="dl_definitions")
    c1, c2 = st.columns(2)
    c1.download_button("下载筛选条件 CSV", export.to_csv_bytes(filters_df), file_name=f"筛选条件_{stem}.csv",
                       mime=components.CSV_MIME, key="dl_filters_csv", on_click="ignore", icon=":material/download:")
    c2.download_button("下载指标定义 CSV", export.to_csv_bytes(defs), file_name="指标定义.csv",
                       mime=components.CSV_MIME, key="dl_definitions_csv", on_click="ignore", icon=":material/download:")


if __name__ == "__main__":
    render()
