"""复议诉讼: review and litigation counts and trends, correction rates with a 口径 switch, three groups side by side."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, components, data, labels, state
from warehouse.indicators import INDICATOR_BY_KEY

_VARIANTS = {v.code: v.name for v in INDICATOR_BY_KEY["correction_rate"].variants}
_RATE_NAMES = {k: INDICATOR_BY_KEY[k].name for k in ("review_correction_rate", "litigation_correction_rate",
                                                     "correction_rate")}
_T4_DEFINITION = "表四按行政复议、未经复议直接起诉、复议后起诉三组，各分结果维持、结果纠正、其他结果、尚未审结和总计。"


def render() -> None:
    f = state.current()
    components.page_header("复议诉讼", f)
    long = data.ask("review_litigation_by_year", f)
    if long.empty:
        components.empty_state()
        return
    stem = state.stem(f)
    long = long.assign(类别=long["grp"].map(labels.T4_GROUP_NAMES), 结果=long["result"].map(labels.T4_RESULT_NAMES))

    st.subheader("案件数量")
    totals = long[long["result"] == "total"]
    fig = charts.grouped_bar(totals, x="year", y="count", colour="类别",
                             title="各年度行政复议、行政诉讼案件数（件，三类并列）")
    components.chart_block(fig, totals[["year", "类别", "count"]], key="rv_counts",
                           definition=components.definition("review_count") + " " + components.definition("litigation_count"),
                           stem=f"复议诉讼_案件数_{stem}")
    counts_marks = data.ask("review_influence", f, "decided")
    notes = components.influence_notes(counts_marks, {k: INDICATOR_BY_KEY[k].name for k in ("review_count", "litigation_count")})
    if notes:
        st.caption("；".join(notes) + "。")

    parts = long[long["result"] != "total"]
    summed = parts.groupby(["类别", "结果"], sort=False, as_index=False)["count"].sum()
    fig = charts.stacked_bar(summed, x="类别", y="count", colour="结果", colours=labels.T4_RESULT_COLOURS,
                             order=[r for r in labels.T4_RESULT_NAMES.values() if r != labels.T4_RESULT_NAMES["total"]],
                             title="三类案件的审理结果（件，所选年份合计）")
    components.chart_block(fig, summed, key="rv_results", definition=_T4_DEFINITION, stem=f"复议诉讼_结果_{stem}")

    st.subheader("纠错率")
    variant = st.segmented_control("纠错率口径", list(_VARIANTS), format_func=_VARIANTS.get, default="decided",
                                   key="kouj", bind="query-params", required=True) or "decided"
    rates = data.ask("correction_rates_by_year", f, variant)
    fig = charts.trend(rates, x="year", series=_RATE_NAMES, rate=True,
                       title=f"复议、诉讼与综合纠错率（{_VARIANTS[variant]}）")
    marks = data.ask("review_influence", f, variant)
    marks = marks[marks["alias"].isin(list(_RATE_NAMES))] if not marks.empty else marks
    components.mark_points(fig, marks, rates, {k: k for k in _RATE_NAMES})
    renamed = {**_RATE_NAMES, **{f"{k}_n": f"{n}分母" for k, n in _RATE_NAMES.items()}}
    components.chart_block(
        fig, rates.rename(columns=renamed), key="rv_rates", stem=f"复议诉讼_纠错率_{variant}_{stem}",
        definition=" ".join(components.definition(k, variant) for k in _RATE_NAMES),
        rate_cols=tuple(_RATE_NAMES.values()),
    )
    notes = components.influence_notes(marks, _RATE_NAMES, tuple(_RATE_NAMES))
    if notes:
        st.caption("；".join(notes) + "。")


if __name__ == "__main__":
    render()
