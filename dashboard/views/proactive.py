"""主动公开: table 二 — rules and normative documents, licensing, penalty, coercion, fees (both formats)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, components, data, state
from loaders.spec import CELL_BY_KEY, F2019, F2021, VERSIONS

_DECISIONS = {
    "t2.art20_5.admin_license.decisions": "行政许可",
    "t2.art20_6.admin_penalty.decisions": "行政处罚",
    "t2.art20_6.admin_coercion.decisions": "行政强制",
}
_DOCS_2021 = ("t2.art20_1.regulation", "t2.art20_1.normative_doc")


def _label(key: str) -> str:
    spec = CELL_BY_KEY[F2021].get(key) or CELL_BY_KEY[F2019][key]
    return f"{spec.row_label}·{spec.col_label}"


def _as_published(df: pd.DataFrame, fmt: str) -> pd.DataFrame:
    """Years × table-二 cells of one format, headed by the format's own row·column labels."""
    keys = [c.key for c in CELL_BY_KEY[fmt].values() if c.table == "t2" and c.key in df.columns]
    v = VERSIONS[fmt]
    in_years = (df["year"] >= (v.first_year or 0)) & (df["year"] <= (v.last_year or 9999))
    part = df.loc[in_years, ["year", *keys]].dropna(subset=keys, how="all")
    return part.rename(columns={k: _label(k) for k in keys})


def render() -> None:
    f = state.current()
    components.page_header("主动公开", f)
    df = data.ask("proactive_by_year", f)
    if df.empty:
        components.empty_state()
        return
    stem = state.stem(f)

    st.subheader("规章和行政规范性文件（2021年格式）")
    series = {f"{r}.{c}": f"{CELL_BY_KEY[F2021][f'{r}.{c}'].row_label}·{CELL_BY_KEY[F2021][f'{r}.{c}'].col_label}"
              for r in _DOCS_2021 for c in ("issued", "repealed")}
    docs = df[["year", *series]]
    docs = docs[docs["year"] >= 2021] if (df["year"] >= 2021).any() else docs.iloc[0:0]
    if docs.empty:
        st.caption("所选年份没有2021年格式的报告。")
    else:
        fig = charts.trend(docs, x="year", series=series, title="规章、行政规范性文件本年制发与废止件数（件）")
        notes = components.marked_cells_trend(fig, f, docs, series)
        components.chart_block(fig, docs.rename(columns=series), key="pa_docs", stem=f"主动公开_规范性文件_{stem}",
                               definition="表二第二十条第（一）项：本年制发件数、本年废止件数（2021年格式）；"
                                          "“现行有效件数”见下方“表格原貌”。")
        components.notes_caption(notes)

    st.subheader("行政许可、行政处罚、行政强制")
    dec = df[["year", *_DECISIONS]]
    fig = charts.trend(dec, x="year", series=_DECISIONS, title="行政许可、处罚、强制的本年处理决定数量（件）")
    notes = components.marked_cells_trend(fig, f, dec, _DECISIONS)
    components.chart_block(fig, dec.rename(columns=_DECISIONS), key="pa_decisions", stem=f"主动公开_处理决定_{stem}",
                           definition="表二第二十条第（五）、（六）项“（本年）处理决定数量”之和；两种格式均有此列，可跨年比较。")
    components.notes_caption(notes)

    st.subheader("行政事业性收费")
    fee_key = "t2.art20_8.admin_fee.fee_amount"
    fees = df[["year", fee_key]].dropna()
    if fees.empty:
        st.caption("所选年份没有收费金额数据（2019年格式无“本年收费金额”一列，见下方表格原貌中的项目数量）。")
    else:
        fig = charts.bar(fees, x="year", y=fee_key, title="行政事业性收费：本年收费金额（万元）")
        fig.update_yaxes(tickformat=",.4~f")
        notes = components.marked_cells_trend(fig, f, fees, {fee_key: "本年收费金额（万元）"})
        components.chart_block(fig, fees.rename(columns={fee_key: "本年收费金额（万元）"}), key="pa_fees",
                               stem=f"主动公开_收费_{stem}",
                               definition="表二第二十条第（八）项“本年收费金额（单位：万元）”之和（2021年格式）。")
        components.notes_caption(notes)

    st.subheader("表格原貌（按格式分列）")
    tab21, tab19 = st.tabs(["2021年格式（2021年度起）", "2019年试行格式（2019–2020年度）"])
    with tab21:
        t = _as_published(df, F2021)
        components.table(t, key="pa_t2_2021") if not t.empty else st.caption("没有2021年格式的报告。")
        if not t.empty:
            components.download_buttons(components.chinese_headers(t), f"主动公开_表二_2021格式_{stem}", key="pa_t2_2021_dl")
    with tab19:
        t = _as_published(df, F2019)
        components.table(t, key="pa_t2_2019") if not t.empty else st.caption("没有2019年格式的报告。")
        if not t.empty:
            components.download_buttons(components.chinese_headers(t), f"主动公开_表二_2019格式_{stem}", key="pa_t2_2019_dl")
    st.caption("各项为所选范围内报告的合计；空白单元格不计为0，整列空白时不显示数值。")


if __name__ == "__main__":
    render()
