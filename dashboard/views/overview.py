"""总览: KPI cards with the change on the year before, and the trends across years."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, components, data, state
from warehouse.indicators import INDICATOR_BY_KEY

# (column of overview_by_year, indicator key, 口径, is rate) — names and definitions from indicators.
KPIS = (
    ("new_applications", "new_applications", None, False),
    ("handled", "handled", None, False),
    ("grant_rate", "grant_rate", None, True),
    ("review_count", "review_count", None, False),
    ("litigation_count", "litigation_count", None, False),
    ("correction_rate", "correction_rate", "decided", True),
)
PROACTIVE_NAME = "主动公开规章和规范性文件"
PROACTIVE_DEFINITION = ("主动公开规章和规范性文件：2021年格式为表二第二十条第（一）项“本年制发件数”（规章 + 行政规范性文件），"
                        "2019年格式为“本年新公开数量”；两种格式的口径不同，2021年前后不宜直接比较。")


def render() -> None:
    f = state.current()
    components.page_header("总览", f)
    df = data.ask("overview_by_year", f)
    if df.empty:
        components.empty_state()
        return
    last = df.iloc[-1]
    prev = df.iloc[-2] if len(df) > 1 and int(df.iloc[-2]["year"]) == int(last["year"]) - 1 else None
    same = prev is not None and st.toggle("同口径（只比较两年都有报告的单位）", key="ov_same", bind="query-params",
                                          help="指标卡的本年与上年都只统计这两年都报送了年报的单位")
    if same:
        both = data.ask("overview_same_agencies", f, int(last["year"]))
        if len(both) == 2:
            prev, last = both.iloc[0], both.iloc[1]
    st.subheader(f"{int(last['year'])}年主要指标" + (f"（与{int(last['year']) - 1}年相比）" if prev is not None else ""))
    marks = data.ask("overview_influence", f)
    names = {col: _name(key, variant) for col, key, variant, _ in KPIS}
    rates = tuple(col for col, _, _, rate in KPIS if rate)
    marked_now = marks[marks["year"] == last["year"]] if not marks.empty else marks
    cols = st.columns(4)
    for i, (col, key, variant, rate) in enumerate(KPIS):
        flag = f"{components.MARK} " if col in set(marked_now["alias"]) else ""
        components.kpi(cols[i % 4], flag + names[col], last[col], None if prev is None else prev[col], rate=rate,
                       help=components.definition(key, variant))
    components.kpi(cols[len(KPIS) % 4], PROACTIVE_NAME, last["proactive_docs"],
                   None if prev is None else prev["proactive_docs"], help=PROACTIVE_DEFINITION)
    sides = (f"本年 {int(last['reports'])} 份报告、{int(last['agencies'])} 个单位"
             + (f"，上年 {int(prev['reports'])} 份报告、{int(prev['agencies'])} 个单位" if prev is not None else ""))
    st.caption(("同口径：" if same else "") + f"本年共 {int(last['reports'])} 份报告、{int(last['agencies'])} 个单位。"
               + (f"对比两侧：{sides}" + ("（仅两年都有报告的单位）。" if same else "（两年单位范围可能不同，可打开“同口径”）。")
                  if prev is not None else "")
               + "变化为同比；比率的变化以百分点计；无分母时显示“—”。")
    notes = components.influence_notes(marked_now, names, rates)
    if notes:
        st.caption("；".join(notes) + "。")

    st.subheader("历年趋势")
    years = df["year"].astype(int).tolist()
    if len(years) < 2:
        st.caption("只有一个年度，无法显示趋势。")
    left, right = st.columns(2)
    with left:
        _indicator_trend(df, (("new_applications", None), ("handled", None)), "依申请公开：新收与办结申请数（件）",
                         key="ov_apps", stem=f"总览_申请数_{state.stem(f)}")
    with right:
        _indicator_trend(df, (("grant_rate", None), ("correction_rate", "decided")), "予以公开率与纠错率",
                         key="ov_rates", stem=f"总览_比率_{state.stem(f)}", rate=True,
                         extra=("correction_rate_filed",))
    left, right = st.columns(2)
    with left:
        _indicator_trend(df, (("review_count", None), ("litigation_count", None)), "行政复议与行政诉讼案件数（件）",
                         key="ov_review", stem=f"总览_复议诉讼_{state.stem(f)}")
    with right:
        fig = charts.trend(df, x="year", series={"proactive_docs": PROACTIVE_NAME},
                           title="主动公开规章和规范性文件（件）")
        components.chart_block(fig, df[["year", "proactive_docs", "reports"]], key="ov_proactive",
                               definition=PROACTIVE_DEFINITION, stem=f"总览_主动公开_{state.stem(f)}")
    st.caption("虚线处为报告格式变更：2021年度起执行国办公开办函〔2021〕30号格式，此前为2019年试行格式。")




def _indicator_trend(df, series: tuple[tuple[str, str | None], ...], title: str, *, key: str, stem: str,
                     rate: bool = False, extra: tuple[str, ...] = ()) -> None:
    """A trend of overview_by_year columns named after their indicators (names and 口径 from
    warehouse.indicators, not retyped here)."""
    names = {}
    for col, variant in series:
        ind = INDICATOR_BY_KEY[col]
        names[col] = ind.name + (f"（{ind.variant(variant).name}）" if variant else "")
    fig = charts.trend(df, x="year", series=names, title=title, rate=rate)
    cols = [c for c, _ in series]
    marks = data.ask("overview_influence", state.current())
    shown = marks[marks["alias"].isin(cols)] if not marks.empty else marks
    components.mark_points(fig, shown, df, {c: c for c in cols})
    components.chart_block(fig, df[["year", *cols, *extra]], key=key,
                           definition=" ".join(components.definition(c, v) for c, v in series),
                           stem=stem, rate_cols=(*cols, *extra) if rate else ())
    notes = components.influence_notes(shown, names, cols if rate else ())
    if notes:
        st.caption("；".join(notes) + "。")


def _name(key: str, variant: str | None) -> str:
    ind = INDICATOR_BY_KEY[key]
    return ind.name + (f"（{ind.variant(variant).name}）" if variant else "")


if __name__ == "__main__":
    render()
