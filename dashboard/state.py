"""The one owner of the shared filter state: sidebar widgets ↔ URL query parameters.

The filter widgets live in the entrypoint (``app.py`` calls ``sidebar_filters`` before
``st.navigation(...).run()``), so they are rendered on every page and keep their values across
page switches (P7). Each is keyed by a name in ``FILTER_KEYS`` and bound to the URL with
``bind="query-params"`` (Streamlit ≥ 1.56): a view is a shareable link, survives a reload, and a
value equal to the default is dropped from the URL. Params bound in the entrypoint are kept on a
page switch (Streamlit filters URL params by the main script's and the page's bindings).

Pages never read widgets or ``st.query_params``: they call ``current()`` and get a ``warehouse.filters.Filters``.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from warehouse.filters import Filters

from .labels import CATEGORY_LABELS, LEVEL_LABELS

# URL parameter name of each filter (ASCII, stable: links survive a retitle).
YEARS, PROVINCE, CITY, COUNTY, LEVEL, CATEGORY, AGENCY = (
    "years", "province", "city", "county", "level", "category", "agency",
)
FILTER_KEYS = (YEARS, PROVINCE, CITY, COUNTY, LEVEL, CATEGORY, AGENCY)
_SELECTION_KEY = "_gongkai_filters"  # non-widget session key: the Filters of this run


def describe(f: Filters) -> list[tuple[str, str]]:
    """(筛选项, 值) pairs in Chinese — for download sheets and captions (codes shown by name)."""
    names = {"层级": LEVEL_LABELS, "类别": CATEGORY_LABELS}
    out = []
    for label, value in f.describe():
        table = names.get(label)
        if table and value != "全部":
            value = "、".join(table.get(v, v) for v in value.split("、"))
        out.append((label, value))
    return out


def stem(f: Filters) -> str:
    """A short file-name part naming the slice: years, region, single agency."""
    parts = [f"{f.year_from}-{f.year_to}" if f.year_from is not None else "全部年份"]
    parts += [*f.provinces, *f.cities, *f.counties]
    if len(f.agencies) == 1:
        parts.append(f.agencies[0])
    return "_".join(parts)


def _code_picker(sb, a: pd.DataFrame, title: str, column: str, names: dict[str, str], key: str):
    """A multiselect over the spec's codes present in ``a[column]``, shown by Chinese name, bound to
    the URL; returns the chosen codes and ``a`` narrowed to them."""
    present = set(a[column].dropna())
    chosen = sb.multiselect(title, [c for c in names if c in present], format_func=lambda c: names.get(c, c),
                            placeholder="全部", key=key, bind="query-params")
    return chosen, (a[a[column].isin(chosen)] if chosen else a)


def _options(values: pd.Series) -> list[str]:
    return sorted({v for v in values.dropna().tolist() if v})


def sidebar_filters(agencies: pd.DataFrame, years: list[int]) -> Filters:
    """Render the shared filters in the sidebar and return the selection (also stored for pages).

    ``agencies``: the agency dimension (agency, province, city, county, level, category);
    ``years``: report years present. Options cascade: province → city → county → agency.
    """
    sb = st.sidebar
    sb.header("筛选条件")
    year_from = year_to = None
    if len(years) >= 2:
        lo, hi = min(years), max(years)
        year_from, year_to = sb.slider("年份范围", min_value=lo, max_value=hi, value=(lo, hi), step=1,
                                       key=YEARS, bind="query-params", format="%d年")
    elif len(years) == 1:
        year_from = year_to = years[0]
        sb.caption(f"年份：{years[0]}年（仓库中只有这一年）")

    a = agencies
    province = sb.selectbox("省", _options(a["province"]), index=None, placeholder="全部",
                            key=PROVINCE, bind="query-params")
    if province:
        a = a[a["province"] == province]
    city = sb.selectbox("市", _options(a["city"]), index=None, placeholder="全部",
                        key=CITY, bind="query-params", disabled=not province)
    if city:
        a = a[a["city"] == city]
    county = sb.selectbox("县（区）", _options(a["county"]), index=None, placeholder="全部",
                          key=COUNTY, bind="query-params", disabled=not city)
    if county:
        a = a[a["county"] == county]

    levels, a = _code_picker(sb, a, "层级", "level", LEVEL_LABELS, LEVEL)
    categories, a = _code_picker(sb, a, "类别", "category", CATEGORY_LABELS, CATEGORY)
    # Options are the names the reports give (the filter matches reports.agency); the region
    # pickers above tell same-name agencies apart.
    chosen = sb.multiselect("单位（可输入名称搜索）", _options(a["name"]), placeholder="全部单位",
                            key=AGENCY, bind="query-params")

    sel = Filters(
        year_from=year_from, year_to=year_to,
        provinces=(province,) if province else (), cities=(city,) if city else (),
        counties=(county,) if county else (), levels=tuple(levels), categories=tuple(categories),
        agencies=tuple(chosen),
    )
    st.session_state[_SELECTION_KEY] = sel
    return sel


def current() -> Filters:
    """The slice chosen in the sidebar on this run (everything before the first render)."""
    return st.session_state.get(_SELECTION_KEY, Filters())
