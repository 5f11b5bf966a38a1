"""Defects found in a real browser, each pinned by a test that failed before its fix: reversed or
junk values in a shared link, 'None' in tables, 单位详情 outside the sidebar's slice.

Links are set the way a shared link sets them — URL query parameters before the first run.
"""

from __future__ import annotations

import pandas as pd
from test_pages import frame_with, open_page

from warehouse import queries
from warehouse.filters import Filters


def _sidebar_warnings(at) -> str:
    return " ".join(w.value for w in at.sidebar.warning)


def test_reversed_years_in_the_link_open_the_same_range_in_order(make_app, demo_db, reader):
    at = open_page(make_app(demo_db), "overview.py", years=["2022", "2020"])
    assert at.slider(key="years").value == (2020, 2022)
    assert any("2020–2022" in c.value for c in at.caption)
    expected = queries.overview_by_year(reader, Filters(year_from=2020, year_to=2022))
    assert frame_with(at, "年度")["年度"].tolist() == expected["year"].tolist()
    assert not at.sidebar.warning  # a reversed range is understood, not an error


def test_junk_values_in_the_link_are_dropped_and_named(make_app, demo_db, reader):
    province = queries.agency_options(reader, Filters())["province"].dropna().iloc[0]
    at = open_page(make_app(demo_db), "overview.py", years=["abc"], province=province, city="不存在的市",
                   level=["no_such_level"])
    said = _sidebar_warnings(at)
    for part in ("「abc」", "「不存在的市」", "「no_such_level」"):
        assert part in said
    assert province not in said  # what could be applied is kept
    assert at.selectbox(key="province").value == province


def test_years_beyond_the_data_are_clamped_and_said(make_app, demo_db):
    at = open_page(make_app(demo_db), "overview.py", years=["2030", "2021"])
    assert at.slider(key="years").value == (2021, 2025)
    assert "2021–2030" in _sidebar_warnings(at)


def test_a_valid_link_raises_no_warning(make_app, demo_db):
    at = open_page(make_app(demo_db), "overview.py", years=["2020", "2022"])
    assert not at.sidebar.warning


def _no_none(df: pd.DataFrame) -> bool:
    return not df.isna().any().any() and not (df.astype(str) == "None").any().any()


def test_a_table_cell_no_report_printed_shows_a_dash_not_none(reader):
    """主动公开's 表格原貌 at 100k: a year in which no report printed one cell showed 'None'."""
    from dashboard.components import BLANK, display_table
    from dashboard.views.proactive import _as_published
    from loaders.spec import F2021

    wide = queries.proactive_by_year(reader, Filters(year_from=2022, year_to=2023))
    key = "t2.art20_6.admin_penalty.decisions"
    wide.loc[wide["year"] == 2023, key] = None  # as when every 2023 report left it blank
    shown = display_table(_as_published(wide, F2021))
    assert _no_none(shown)
    column = shown.filter(like="行政处罚").columns[0]
    assert shown[column].tolist()[-1] == BLANK  # blank stays blank: never 0
    assert shown[column].tolist()[0] == str(int(wide[key].iloc[0]))  # a whole number stays whole


def test_agency_published_tables_show_no_none(make_app, demo_db):
    at = open_page(make_app(demo_db), "agency.py")
    t2 = frame_with(at, "项目", "本年制发件数")
    assert _no_none(t2)


def test_agency_page_keeps_to_the_sidebar_slice(make_app, demo_db, reader):
    options = queries.agency_options(reader, Filters())
    # the last city in sort order: its agencies are not first in the unfiltered list
    row = options.dropna(subset=["city"]).sort_values("city").iloc[-1]
    at = open_page(make_app(demo_db), "agency.py", province=row["province"], city=row["city"], years=["2022", "2023"])
    choice = at.selectbox(key="unit")
    names = options.set_index("agency_key")["agency"]
    inside = options[(options["province"] == row["province"]) & (options["city"] == row["city"])]["agency_key"]
    assert choice.options and set(choice.options) == {names[k] for k in inside}
    assert choice.value in set(inside)  # opens on an agency of the slice
    shown = frame_with(at, "年度", "版本", "源文件")
    assert set(shown["年度"]) <= {2022, 2023} and len(shown)
