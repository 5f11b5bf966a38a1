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
from streamlit.runtime.scriptrunner import get_script_run_ctx

from warehouse.filters import Filters

from . import data
from .labels import CATEGORY_LABELS, LEVEL_LABELS

# URL parameter name of each filter (ASCII, stable: links survive a retitle).
YEARS, PROVINCE, CITY, COUNTY, LEVEL, CATEGORY, AGENCY, QUALITY = (
    "years", "province", "city", "county", "level", "category", "agency", "quality",
)
FILTER_KEYS = (YEARS, PROVINCE, CITY, COUNTY, LEVEL, CATEGORY, AGENCY, QUALITY)
AGENCY_SEARCH = "_agency_search"  # the text typed to search agencies (this session only, not in links)
SEARCH_LIMIT = 50  # names offered at once by the agency picker
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


def _keep_valid(key: str, title: str, allowed, notes: list[str], *, names: dict[str, str] | None = None) -> None:
    """Drop from the URL the values of ``key`` that are not among ``allowed``, noting each one.

    Streamlit drops an unknown value of a bound widget silently; a clerk who opens a mistyped or
    outdated link must be told which part of it was not applied. Runs before the widget exists,
    so the widget starts from the cleaned value.
    """
    qp = st.query_params
    if key not in qp:
        return
    raw = qp.get_all(key)
    allowed = set(allowed)
    kept = [v for v in raw if v in allowed]
    if len(kept) == len(raw):
        return
    bad = "、".join(f"「{v}」" for v in raw if v not in allowed)
    notes.append(f"{title}{bad}不在数据中")
    if kept:
        qp[key] = kept
    else:
        del qp[key]


def _clean_years(lo: int, hi: int, notes: list[str]) -> None:
    """Make the URL's year range two years in order within [lo, hi] (a link may give them reversed
    or out of range); anything that is not two years is dropped and noted."""
    qp = st.query_params
    if YEARS not in qp:
        return
    raw = qp.get_all(YEARS)
    try:
        pair = sorted(int(v) for v in raw)
    except ValueError:
        pair = []
    if len(pair) != 2:
        notes.append(f"年份范围「{'、'.join(raw)}」不是两个年份")
        del qp[YEARS]
        return
    clamped = [min(max(y, lo), hi) for y in pair]
    if clamped != pair:
        notes.append(f"年份范围{pair[0]}–{pair[1]}超出数据中的{lo}–{hi}年，已改为{clamped[0]}–{clamped[1]}")
    if [str(y) for y in clamped] != raw:
        qp[YEARS] = [str(y) for y in clamped]
        _reseed_from_url()


def _reseed_from_url() -> None:
    """Make bound widgets start from the URL as corrected above, not as first opened.

    On a session's first run a bound widget seeds itself from the query string as the browser
    sent it (Streamlit keeps that copy apart), so a corrected value would lose to the original
    (``?years=2025&years=2019`` gave a reversed slider and an empty slice). Streamlit has no public
    call for this; its own MPA page switch uses ``set_initial_query_params_from_current``.
    """
    ctx = get_script_run_ctx()
    if ctx is None:
        return
    with ctx.session_state.query_params() as params:
        params.set_initial_query_params_from_current()


def _code_picker(sb, a: pd.DataFrame, title: str, column: str, names: dict[str, str], key: str,
                 notes: list[str] | None = None):
    """A multiselect over the spec's codes present in ``a[column]``, shown by Chinese name, kept in
    the URL as the codes; returns the chosen codes and ``a`` narrowed to them.

    Not ``bind="query-params"``: a bound widget writes and reads its *displayed* option
    (``?level=县级``), so a link would carry labels that change with a retitle, and ``?level=county``
    would be dropped without a word. The link's codes seed the widget on a session's first run and
    the chosen codes are written back on every run.
    """
    present = set(a[column].dropna())
    options = [c for c in names if c in present]
    if notes is not None:
        _keep_valid(key, title, options, notes)
    if key not in st.session_state:
        st.session_state[key] = [c for c in st.query_params.get_all(key) if c in options]
    else:  # options narrow as other filters change: a chosen code no longer offered is let go
        st.session_state[key] = [c for c in st.session_state[key] if c in options]
    chosen = sb.multiselect(title, options, format_func=lambda c: names.get(c, c), placeholder="全部", key=key)
    if chosen:
        st.query_params[key] = chosen
    elif key in st.query_params:
        del st.query_params[key]
    return chosen, (a[a[column].isin(chosen)] if chosen else a)


def _options(values: pd.Series) -> list[str]:
    return sorted({v for v in values.dropna().tolist() if v})


def _chosen_now(key: str) -> list[str]:
    """The values a bound multiselect holds before it is drawn: this session's, else the link's."""
    if key in st.session_state:
        return list(st.session_state[key] or [])
    return st.query_params.get_all(key)


def _agency_picker(sb, region: Filters, notes: list[str]) -> list[str]:
    """Type to search: the multiselect offers the agencies chosen so far plus at most
    ``options.SEARCH_LIMIT`` names of the slice that contain the typed text — asked of the warehouse
    (``search_agencies``), so nothing sized by the number of agencies is built or sent on a run."""
    chosen = _chosen_now(AGENCY)
    if chosen:
        # Options are the names the reports give (the filter matches reports.agency); the region
        # pickers above tell same-name agencies apart. Only the chosen names are looked up.
        named = data.ask("agencies_named", region, tuple(sorted(set(chosen))))
        known = set(named["name"]) if len(named) else set()
        _keep_valid(AGENCY, "单位", known, notes)
        valid = [c for c in chosen if c in known]
        if valid != chosen and AGENCY in st.session_state:
            st.session_state[AGENCY] = valid  # before the widget exists: it starts from the valid ones
        chosen = valid
    text = sb.text_input("搜索单位", key=AGENCY_SEARCH, placeholder="输入单位名称中的字词")
    found = data.ask("search_agencies", region, text.strip(), SEARCH_LIMIT)
    names = list(dict.fromkeys([*chosen, *found["name"].tolist()])) if len(found) else list(chosen)
    matches = int(found["matches"].iloc[0]) if len(found) else 0
    picked = sb.multiselect("单位（可输入名称搜索）", names, placeholder="全部单位", key=AGENCY, bind="query-params")
    if matches > len(found):
        sb.caption(f"{'含「' + text.strip() + '」的' if text.strip() else ''}单位共 {matches:,} 个，"
                   f"列出前 {len(found)} 个；输入更多字词可缩小范围。")
    elif text.strip() and not matches:
        sb.caption(f"没有名称含「{text.strip()}」的单位。")
    return picked


class OptionTree:
    """The sidebar's cascading options from ``filter_options`` (one row per distinct province, city,
    county, level, category), answered from a memo: built once per data version (``data.option_tree``)
    and shared by every session, so a rerun looks options up instead of filtering a frame whose size
    grows with the number of agencies."""

    def __init__(self, options: pd.DataFrame) -> None:
        self.frame = options
        self.n_agencies = int(options["agencies"].sum()) if len(options) else 0
        self._memo: dict[tuple, object] = {}

    def _rows(self, prefix: tuple[str, ...]) -> pd.DataFrame:
        a = self.frame
        for col, value in zip(("province", "city", "county"), prefix, strict=False):
            a = a[a[col] == value]
        return a

    def _get(self, key: tuple, make):
        if key not in self._memo:
            self._memo[key] = make()  # idempotent: two sessions racing store the same value
        return self._memo[key]

    def below(self, prefix: tuple[str, ...]) -> list[str]:
        """The next level's names under ``prefix`` (() → provinces, (p,) → cities, (p, c) → counties)."""
        col = ("province", "city", "county")[len(prefix)]
        return self._get(("below", *prefix), lambda: _options(self._rows(prefix)[col]))

    def pairs(self, prefix: tuple[str, ...]) -> frozenset[tuple[str, str]]:
        """(level, category) pairs present under the region ``prefix``."""
        return self._get(("pairs", *prefix), lambda: frozenset(
            self._rows(prefix)[["level", "category"]].itertuples(index=False, name=None)))


def sidebar_filters(tree: OptionTree, years: list[int]) -> Filters:
    """Render the shared filters in the sidebar and return the selection (also stored for pages).

    ``tree``: the region / level / category options (``OptionTree``); ``years``: report years present.
    Options cascade: province → city → county → level → category → agency (searched in the
    warehouse, see ``_agency_picker``).
    """
    sb = st.sidebar
    sb.header("筛选条件")
    notes: list[str] = []  # parts of the link that could not be applied (shown, never silent)
    year_from = year_to = None
    if len(years) >= 2:
        lo, hi = min(years), max(years)
        _clean_years(lo, hi, notes)
        year_from, year_to = sorted(sb.slider("年份范围", min_value=lo, max_value=hi, value=(lo, hi), step=1,
                                              key=YEARS, bind="query-params", format="%d年"))
    elif len(years) == 1:
        year_from = year_to = years[0]
        sb.caption(f"年份：{years[0]}年（仓库中只有这一年）")

    prefix: tuple[str, ...] = ()
    provinces = tree.below(prefix)
    _keep_valid(PROVINCE, "省", provinces, notes)
    province = sb.selectbox("省", provinces, index=None, placeholder="全部", key=PROVINCE, bind="query-params")
    if province:
        prefix = (province,)
    cities = tree.below(prefix) if province else []
    _keep_valid(CITY, "市", cities, notes)
    city = sb.selectbox("市", cities, index=None, placeholder="全部", key=CITY, bind="query-params",
                        disabled=not province)
    if city:
        prefix = (province, city)
    counties = tree.below(prefix) if city else []
    _keep_valid(COUNTY, "县（区）", counties, notes)
    county = sb.selectbox("县（区）", counties, index=None, placeholder="全部", key=COUNTY, bind="query-params",
                          disabled=not city)
    if county:
        prefix = (province, city, county)

    pairs = tree.pairs(prefix)
    a = pd.DataFrame(sorted(pairs, key=lambda p: tuple(map(str, p))), columns=["level", "category"])
    levels, a = _code_picker(sb, a, "层级", "level", LEVEL_LABELS, LEVEL, notes)
    categories, a = _code_picker(sb, a, "类别", "category", CATEGORY_LABELS, CATEGORY, notes)
    region = Filters(provinces=(province,) if province else (), cities=(city,) if city else (),
                     counties=(county,) if county else (), levels=tuple(levels), categories=tuple(categories))
    chosen = _agency_picker(sb, region, notes)

    leave_out = sb.toggle("剔除表格勾稽关系不成立的报告（R1–R4）", key=QUALITY, bind="query-params",
                          help="默认统计全部报告，页面顶部注明其中有几份报告自身表格数字对不上；"
                               "打开后，这些报告不参与本应用所有页面的统计。")

    if notes:
        sb.warning("链接中的部分筛选条件无法使用，已忽略：" + "；".join(notes) + "。", icon=":material/link_off:")

    sel = Filters(
        year_from=year_from, year_to=year_to,
        provinces=(province,) if province else (), cities=(city,) if city else (),
        counties=(county,) if county else (), levels=tuple(levels), categories=tuple(categories),
        agencies=tuple(chosen), leave_out_failing=bool(leave_out),
    )
    st.session_state[_SELECTION_KEY] = sel
    return sel


def current() -> Filters:
    """The slice chosen in the sidebar on this run (everything before the first render)."""
    return st.session_state.get(_SELECTION_KEY, Filters())
