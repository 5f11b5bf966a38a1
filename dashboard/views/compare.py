"""机构对比: rank agencies on any indicator (with N, small samples marked), small multiples, biggest movers."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, components, data, state
from warehouse.indicators import INDICATOR_BY_KEY, RATE
from warehouse.queries import rankable_indicators

_KEYS = [i.key for i in rankable_indicators()]


def render() -> None:
    f = state.current()
    components.page_header("机构对比", f)
    c1, c2, c3 = st.columns([3, 2, 1])
    key = c1.selectbox("指标", _KEYS, format_func=lambda k: INDICATOR_BY_KEY[k].name, key="ind",
                       bind="query-params")
    ind = INDICATOR_BY_KEY[key]
    variants = [v.code for v in ind.variants]
    variant = c2.selectbox("口径", variants, format_func=lambda c: ind.variant(c).name, key=f"variant_{key}", bind="query-params",
                           disabled=len(variants) == 1)
    min_n = int(c3.number_input("小样本阈值（分母）", min_value=1, max_value=1000, value=10, step=1, key="min_n",
                                bind="query-params",
                                help="分母小于此数的单位标为小样本（灰色），其比率容易因一两件申请大幅波动"))
    rate = ind.kind == RATE
    # The slice may hold ~150k agencies: the page asks for the ranking's first rows and its counts; the
    # whole list is asked when a download is clicked.
    ranked = data.ask("ranking", f, key, variant, min_n, components.MAX_TABLE_ROWS)
    if ranked.empty:
        components.empty_state()
        return
    counts = data.ask("ranking_counts", f, key, variant).iloc[0]
    stem = state.stem(f)
    definition = components.definition(key, variant)

    failing = data.ask("failing_by_agency", f)
    flags = {k: f"{components.MARK} " + "、".join(f"{y}年（报告编号 {r}）" for y, r in zip(ys, rs, strict=True))
             + "报告表格勾稽关系不成立" for k, ys, rs in failing[["agency_key", "years", "report_ids"]].itertuples(index=False)} \
        if not failing.empty else {}

    def flagged(df):
        return df.assign(数据质量=df["agency_key"].map(flags).fillna("")) if flags else df

    ranked = flagged(ranked)
    whole_ranking = data.later("ranking", f, key, variant, min_n)
    st.subheader(f"单位排名：{ind.name}")
    top = st.slider("显示前几名", 5, 100, 30, step=5, key="rank_top", bind="query-params")
    shown = ranked.dropna(subset=["value"]).head(top).copy()
    if shown.empty:
        st.caption("所选范围内没有单位有该指标的数值（分母为0或数据空白）。")
    else:
        if rate:
            shown["agency"] = shown["agency"] + shown["small_sample"].map({True: "（小样本）", False: ""})
        if "数据质量" in shown:
            shown["agency"] = shown["agency"] + shown["数据质量"].map(lambda v: f" {components.MARK}" if v else "")
        fig = charts.bar(shown, x="agency", y="value", rate=rate, horizontal=True, highlight="small_sample",
                         height=max(360, 26 * len(shown) + 120),
                         title=f"{ind.name}：单位排名（前{len(shown)}名，所选年份合计" + ("，灰色为小样本）" if rate else "）"))
        components.chart_block(fig, ranked, key="cmp_rank", definition=definition + f" N为分母；分母小于{min_n}为小样本。",
                               stem=f"机构对比_{ind.name}_{stem}", rate_cols=("value",) if rate else (),
                               whole=lambda: flagged(whole_ranking()), total=int(counts["agencies"]))
    n_missing = int(counts["without_value"])
    if n_missing:
        st.caption(f"另有 {n_missing} 个单位无法计算（分母为0或数据空白），显示为“—”，未参与排名。")
    if "数据质量" in ranked:
        st.caption(f"标有 {components.MARK} 的单位，所选范围内有报告自身表格勾稽关系不成立（R1–R4），其数值包含该报告；"
                   "见表格“数据质量”列，或在左侧剔除这些报告。")

    st.subheader("小图对比：各单位历年走势")
    chosen = f.agencies or tuple(data.ask("ranking", f, key, variant, min_n, 12, "size")["agency"])
    multiples = data.ask("indicator_by_agency_year", f, key, variant, tuple(chosen))
    if multiples.empty or multiples["value"].isna().all():
        st.caption("没有可比较的历年数据。")
    else:
        own_axes = st.toggle("各单位使用独立纵轴", key="cmp_own_axes", bind="query-params",
                             help="默认各小图纵轴相同，便于比较规模；打开后每个单位按自身数值定纵轴，小单位的走势也能看清")
        fig = charts.small_multiples(multiples, facet="agency", x="year", y="value", rate=rate, shared_y=not own_axes,
                                     title=f"{ind.name}：{len(chosen)}个单位的历年走势（"
                                           + ("左侧所选单位" if f.agencies else "按规模取前12个单位") + "）")
        components.chart_block(fig, multiples, key="cmp_multiples", definition=definition,
                               stem=f"机构对比_小图_{ind.name}_{stem}", rate_cols=("value",) if rate else ())

    st.subheader("同比变化最大的单位")
    moved = data.ask("movers", f, key, variant, min_n, components.MAX_TABLE_ROWS + 1)  # + 1: are there more?
    more = len(moved) > components.MAX_TABLE_ROWS
    moved = moved.head(components.MAX_TABLE_ROWS)
    if moved.empty:
        st.caption("需要所选范围内连续两个年度的数据。")
    else:
        y0, y1 = int(moved["year_before"].iloc[0]), int(moved["year"].iloc[0])
        head = moved.head(15).copy()
        head["agency"] = head["agency"] + head["small_sample"].map({True: "（小样本）", False: ""})
        fig = charts.bar(head, x="agency", y="change", points=rate, horizontal=True, highlight="small_sample",
                         height=max(320, 26 * len(head) + 120),
                         title=f"{ind.name}：{y1}年比{y0}年变化最大的{len(head)}个单位"
                               + ("（百分点）" if rate else "（件）"))
        components.chart_block(fig, moved, key="cmp_movers", definition=definition, stem=f"机构对比_变化_{ind.name}_{stem}",
                               rate_cols=("value", "value_before", "change") if rate else (),
                               whole=data.later("movers", f, key, variant, min_n) if more else None)
        st.caption(f"同口径：每个单位与其自身{y0}年相比，只含两年都有报告且都有数值的单位"
                   f"（{len(moved):,} 个单位，{y0}年与{y1}年各 {len(moved):,} 份报告）。")


if __name__ == "__main__":
    render()
