"""数据下载: the current slice as CSV (UTF-8 BOM) and XLSX — per report (wide), per cell (long), per indicator."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import components, data, state
from warehouse import export
from warehouse.indicators import definition_rows

DATASETS = (
    ("slice_reports_wide", "按报告（宽表）", "每份报告一行：单位、地区、层级、类别、年度、格式，以及每个规范单元格的数值一列"
     "（列名为规范键，如 t3.new_received.total；空白、横线、斜线均为空值，不是0）。"),
    ("slice_cells_long", "按单元格（长表）", "每份报告的每个单元格一行：数值、状态（数字/空白/横线/斜线/文字/未找到）和原文。"),
    ("slice_indicators", "按指标", "每个单位每年每个指标一行：指标值、分子、分母和参与统计的报告数；分母为0时指标值为空（显示为“—”）。"),
)


def render() -> None:
    f = state.current()
    components.page_header("数据下载", f, "下载的是左侧筛选条件下的数据（仅各单位每年的最新版本报告）。"
                           "CSV 为带 BOM 的 UTF-8 编码，可直接用 Excel 打开；Excel 文件另含「筛选条件」和「指标定义」工作表。")
    years = data.ask("overview_by_year", f)
    if years.empty:
        components.empty_state()
        return
    n_reports = int(years["reports"].sum())
    st.metric("当前范围内的报告数", f"{n_reports:,}", border=True)
    stem = state.stem(f)
    for name, title, meaning in DATASETS:
        st.subheader(title)
        st.caption(meaning)
        c1, c2 = st.columns(2)
        c1.download_button(f"下载{title} CSV", data.deferred_export(name, f, "csv", title),
                           file_name=f"{title}_{stem}.csv", mime=components.CSV_MIME, key=f"dl_{name}_csv",
                           on_click="ignore", icon=":material/download:")
        c2.download_button(f"下载{title} Excel", data.deferred_export(name, f, "xlsx", title),
                           file_name=f"{title}_{stem}.xlsx", mime=components.XLSX_MIME, key=f"dl_{name}_xlsx",
                           on_click="ignore", icon=":material/download:")

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
