"""依申请公开: outcomes by year and by agency, applicant types, refusal and other reasons, carry-over."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, components, data, labels, state
from warehouse import queries

_OUTCOME_ORDER = [name for _, name in labels.OUTCOME_GROUPS]
_REASON_SECTIONS = (
    ("deny", "不予公开的8项理由", labels.DENY_REASONS, "refusal_rate"),
    ("unable", "无法提供的原因", labels.UNABLE_REASONS, "cannot_provide_rate"),
    ("not_processed", "不予处理的原因", labels.NOT_PROCESSED_REASONS, "not_processed_rate"),
)
_OUTCOME_DEFINITION = ("按表三“三、本年度办理结果”（总计列）分为六类：予以公开、部分公开、不予公开（8项理由之和）、"
                       "无法提供（3项之和）、不予处理（5项之和）、其他处理；空白单元格不计为0，全部空白的年份不显示。")


def _outcomes(df):
    out = df.copy()
    out["办理结果"] = out["outcome"].map(labels.OUTCOME_NAMES)
    return out


def render() -> None:
    f = state.current()
    components.page_header("依申请公开", f)
    wide = data.ask("applications_by_year", f)
    by_year = queries.outcomes_long(wide)
    if by_year.empty:
        components.empty_state()
        return
    stem = state.stem(f)

    st.subheader("办理结果")
    share = st.toggle("按占比显示", key="apps_share", bind="query-params", help="按各年办理结果总数的占比显示")
    shown = _outcomes(by_year)
    if share:
        shown["占比"] = shown["count"] / shown.groupby("year")["count"].transform("sum").where(lambda s: s > 0)
    fig = charts.stacked_bar(shown, x="year", y="占比" if share else "count", colour="办理结果",
                             order=_OUTCOME_ORDER, percent=share,
                             title="各年度依申请公开办理结果构成" + ("（占比）" if share else "（件）"))
    components.chart_block(fig, shown[["year", "办理结果", "count"] + (["占比"] if share else [])], key="apps_outcomes_year",
                           definition=_OUTCOME_DEFINITION, stem=f"依申请_办理结果_按年_{stem}",
                           rate_cols=("占比",))
    components.influence_caption(f, ("handled", "grant_rate", "refusal_rate"))

    top_n = st.slider("显示办结量最多的单位数", 5, 50, 20, step=5, key="apps_top_n", bind="query-params")
    by_agency = data.ask("outcomes_by_agency", f, top_n)
    if by_agency.empty:
        st.caption("所选范围内没有办结申请的单位。")
    else:
        shown = _outcomes(by_agency)
        fig = charts.stacked_bar(shown, x="agency", y="count", colour="办理结果", order=_OUTCOME_ORDER,
                                 horizontal=True, height=max(360, 28 * shown["agency"].nunique() + 120),
                                 title=f"办结量最多的{shown['agency'].nunique()}个单位的办理结果构成（件，所选年份合计）")
        components.chart_block(fig, shown[["agency", "办理结果", "count"]], key="apps_outcomes_agency",
                               definition=_OUTCOME_DEFINITION, stem=f"依申请_办理结果_按单位_{stem}")

    st.subheader("申请人类型")
    mix = queries.applicants_long(wide)
    if mix.empty:
        st.caption("没有申请人类型数据。")
    else:
        mix = mix.assign(申请人=mix["applicant"].map(labels.APPLICANT_NAMES))
        fig = charts.stacked_bar(mix, x="year", y="count", colour="申请人", colours=labels.APPLICANT_COLOURS,
                                 order=list(labels.APPLICANT_NAMES.values()),
                                 title="各年度新收申请的申请人构成（件）")
        components.chart_block(fig, mix[["year", "申请人", "count"]], key="apps_applicants",
                               definition=components.definition("natural_person_share")
                               + " 表三“一、本年新收”行按自然人与五类法人或其他组织分列。",
                               stem=f"依申请_申请人_{stem}")

    for group, heading, reasons, rate_key in _REASON_SECTIONS:
        st.subheader(heading)
        df = queries.reasons_long(wide, group)
        if df.empty:
            st.caption("所选范围内没有相关数据。")
            continue
        names = dict(reasons)
        df = df.assign(原因=df["reason"].map(names))
        total = df.groupby("原因", sort=False, as_index=False)["count"].sum()
        total["原因"] = total["原因"].astype(str)
        order = [n for _, n in reasons]
        total = total.set_index("原因").reindex(order).dropna().reset_index()
        fig = charts.bar(total, x="原因", y="count", horizontal=True, height=max(260, 40 * len(total) + 100),
                         title=f"{heading}（件，所选年份合计）")
        components.chart_block(fig, df[["year", "原因", "count"]], key=f"apps_reason_{group}",
                               definition=components.definition(rate_key), stem=f"依申请_{heading}_{stem}")

    st.subheader("结转情况")
    carry = queries.carry_over(wide)
    fig = charts.trend(carry, x="year", series={"carried_over": "上年结转", "carry_forward": "结转下年度继续办理"},
                       title="上年结转与结转下年度的申请数（件）")
    components.chart_block(fig, carry, key="apps_carry", definition=components.definition("backlog_rate"),
                           stem=f"依申请_结转_{stem}", rate_cols=("backlog_rate",))
    components.influence_caption(f, ("new_applications", "backlog_rate"))


if __name__ == "__main__":
    render()
