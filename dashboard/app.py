"""政府信息公开年报看板 — the Streamlit entrypoint.

Run: ``GONGKAI_DB=仓库.duckdb streamlit run dashboard/app.py`` or
``streamlit run dashboard/app.py -- --db 仓库.duckdb``.

The entrypoint owns what every page shares: page config, the navigation (declared once, with
ASCII ``url_path``s so links survive a retitle), and the filters in the sidebar (rendered on every
run so their values persist across pages and live in the URL; see ``state.py``).
"""

from __future__ import annotations

import streamlit as st

from dashboard import auth, data, state
from dashboard.nav import PAGES

# Internal name of the default page (Streamlit shows it at the root URL, never under this name).
HOME = "home"


def _url_params() -> dict[str, list[str]]:
    """The link's query parameters, repeated ones included (``?years=2020&years=2022``)."""
    return {k: st.query_params.get_all(k) for k in st.query_params}


def run() -> None:
    st.set_page_config(page_title="政府信息公开年报看板", page_icon="📊", layout="wide")
    pages = [st.Page(f"views/{file}", title=title, url_path=url if i else HOME, icon=icon, default=i == 0)
             for i, (file, title, url, icon) in enumerate(PAGES)]
    # The default page is served at the root URL; its own url path (the one the page list names)
    # forwards there with the link's parameters instead of Streamlit's English "Page not found".
    # Forwarded before any widget binds a parameter (a bound one cannot be set by code).
    alias = st.Page(lambda: None, title=PAGES[0][1], url_path=PAGES[0][2], visibility="hidden")
    # every page listed (13 pages; Streamlit folds a list past 10 behind "View more")
    nav = st.navigation([*pages, alias], expanded=True)
    if nav is alias:
        st.switch_page(pages[0], query_params=_url_params())
    if data.outdated():
        # Read-only here: the app never changes the warehouse; one command upgrades it in place.
        st.error(f"数据仓库 {data.db_path()} 由较早版本的程序建立，结构需要升级后才能显示。请运行："
                 f"`python -m warehouse init --db {data.db_path()}`（数据全部保留），然后刷新本页。",
                 icon=":material/upgrade:")
        st.stop()
    # The region / level / category options, built once per data version and shared by every session;
    # the agency picker searches the warehouse (state._agency_picker) instead of listing every agency.
    tree = data.option_tree()
    years_df = data.ask_whole("report_years")
    years = [int(y) for y in years_df["year"]] if not years_df.empty else []
    state.sidebar_filters(tree, years)
    auth.sidebar_sign_in(data.db_path())
    with st.sidebar:
        st.divider()
        if data.available():
            st.caption(f"数据版本：{data.version()}　·　{tree.n_agencies:,} 个单位")
        else:
            st.caption("尚未找到数据仓库：请先运行 `python -m warehouse demo --db …` 或入库命令。")
    nav.run()


run()
