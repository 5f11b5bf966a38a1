"""政府信息公开年报看板 — the Streamlit entrypoint.

Run: ``GONGKAI_DB=仓库.duckdb streamlit run dashboard/app.py`` or
``streamlit run dashboard/app.py -- --db 仓库.duckdb``.

The entrypoint owns what every page shares: page config, the navigation (declared once, with
ASCII ``url_path``s so links survive a retitle), and the filters in the sidebar (rendered on every
run so their values persist across pages and live in the URL; see ``state.py``).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import auth, data, state
from dashboard.nav import PAGES

AGENCY_COLUMNS = ["agency_key", "agency", "name", "province", "city", "county", "level", "category"]


def run() -> None:
    st.set_page_config(page_title="政府信息公开年报看板", page_icon="📊", layout="wide")
    nav = st.navigation([
        st.Page(f"views/{file}", title=title, url_path=url, icon=icon, default=i == 0)
        for i, (file, title, url, icon) in enumerate(PAGES)
    ])
    if data.outdated():
        # Read-only here: the app never changes the warehouse; one command upgrades it in place.
        st.error(f"数据仓库 {data.db_path()} 由较早版本的程序建立，结构需要升级后才能显示。请运行："
                 f"`python -m warehouse init --db {data.db_path()}`（数据全部保留），然后刷新本页。",
                 icon=":material/upgrade:")
        st.stop()
    agencies = data.ask_whole("agency_options")
    if agencies.empty:
        agencies = pd.DataFrame(columns=AGENCY_COLUMNS)
    years_df = data.ask_whole("report_years")
    years = [int(y) for y in years_df["year"]] if not years_df.empty else []
    state.sidebar_filters(agencies, years)
    auth.sidebar_sign_in(data.db_path())
    with st.sidebar:
        st.divider()
        if data.available():
            st.caption(f"数据版本：{data.version()}　·　{len(agencies)} 个单位")
        else:
            st.caption("尚未找到数据仓库：请先运行 `python -m warehouse demo --db …` 或入库命令。")
    nav.run()


run()
