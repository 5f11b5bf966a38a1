"""地区: the roll-up at every level (province → cities → counties → agencies) equals a direct count
on the warehouse (SQL written here, not the app's), with report counts, '—' and 同口径."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from test_pages import frame_with, open_page

from warehouse import indicators as ind
from warehouse.schema import wide_column

NEW = wide_column(ind.NEW)
GRANT, HANDLED = wide_column(ind.GRANT), wide_column(ind.RESULT_TOTAL)


def _direct(reader, group: str, where: str, params: list, year: int) -> dict[str, tuple[float, int]]:
    """Σ new applications and the number of reports that printed it, per region, one year."""
    rows = reader.execute(
        f"SELECT {group} AS g, SUM({NEW}), COUNT({NEW}) FROM reports_wide "
        f"WHERE is_current AND year = ? AND {where} GROUP BY g", [year, *params]).fetchall()
    return {g: (v, n) for g, v, n in rows}


def _last_year(reader) -> int:
    return reader.execute("SELECT MAX(year) FROM reports WHERE is_current").fetchone()[0]


LEVELS = [
    # (URL params, level header, SQL group expression, SQL condition)
    ({}, "省", "province", "TRUE"),
    ({"province": "示例省"}, "市", "COALESCE(city, '省直单位')", "province = '示例省'"),
    ({"province": "示例省", "city": "样例市"}, "县（区）", "COALESCE(county, '市直单位')",
     "province = '示例省' AND city = '样例市'"),
    ({"province": "示例省", "city": "样例市", "county": "样北县"}, "单位", "agency",
     "province = '示例省' AND city = '样例市' AND county = '样北县'"),
]


@pytest.mark.parametrize(("url", "header", "group", "where"), LEVELS, ids=["province", "city", "county", "agency"])
def test_region_table_equals_a_direct_count_at_every_level(make_app, demo_db, reader, url, header, group, where):
    at = open_page(make_app(demo_db), "regions.py", **url)
    y1 = _last_year(reader)
    shown = frame_with(at, "排名", header, f"{y1}年", f"{y1}年报告数", f"{y1 - 1}年", f"{y1 - 1}年报告数")
    now, before = _direct(reader, group, where, [], y1), _direct(reader, group, where, [], y1 - 1)
    assert set(shown[header]) == set(now) | set(before)
    for _, row in shown.iterrows():
        v, n = now.get(row[header], (None, 0))
        assert pd.isna(row[f"{y1}年"]) if v is None else int(row[f"{y1}年"]) == int(v)
        assert int(row[f"{y1}年报告数"]) == n
        b, nb = before.get(row[header], (None, 0))
        assert int(row[f"{y1 - 1}年报告数"]) == nb
        if v is not None and b is not None:
            assert int(row["变化（件）"]) == int(v - b)
            assert pd.isna(row["同比"]) if b == 0 else row["同比"] == pytest.approx(round((v - b) / b * 100, 1))
    ranks = [int(r) for r in shown["排名"].dropna()]
    assert ranks == sorted(ranks) and ranks[0] == 1
    if header == "市":
        assert "省直单位" in set(shown[header])  # province-level agencies are a group, not lost


def test_a_rate_changes_in_percentage_points_and_blank_denominators_show_a_dash(make_app, demo_db, reader):
    at = open_page(make_app(demo_db), "regions.py", province="示例省")
    at.selectbox(key="rg_ind").set_value("grant_rate").run()
    y1 = _last_year(reader)
    shown = frame_with(at, "市", f"{y1}年", "变化（百分点）")
    rows = reader.execute(
        f"SELECT COALESCE(city, '省直单位'), year, SUM({GRANT}) FILTER (WHERE {GRANT} IS NOT NULL AND {HANDLED} IS NOT NULL),"
        f" SUM({HANDLED}) FILTER (WHERE {GRANT} IS NOT NULL AND {HANDLED} IS NOT NULL) FROM reports_wide "
        "WHERE is_current AND province = '示例省' AND year >= ? GROUP BY ALL", [y1 - 1]).fetchall()
    rate = {(g, y): (n / d if d else None) for g, y, n, d in rows}
    for _, row in shown.iterrows():
        r1, r0 = rate.get((row["市"], y1)), rate.get((row["市"], y1 - 1))
        assert pd.isna(row[f"{y1}年"]) if r1 is None else row[f"{y1}年"] == pytest.approx(round(r1 * 100, 1))
        if r1 is not None and r0 is not None:
            assert float(row["变化（百分点）"]) == pytest.approx(round((r1 - r0) * 100, 1))
    assert "同比" not in shown.columns  # a rate's change is in 百分点, not a % of a %


def test_same_agencies_counts_only_agencies_reporting_in_both_years(make_app, demo_db, reader):
    y1 = _last_year(reader)
    at = open_page(make_app(demo_db), "regions.py", province="示例省")
    at.toggle(key="rg_same").set_value(True).run()
    shown = frame_with(at, "市", f"{y1}年报告数", f"{y1 - 1}年报告数")
    both = reader.execute(
        "SELECT agency_key FROM reports_wide WHERE is_current AND province = '示例省' AND year IN (?, ?) "
        "GROUP BY agency_key HAVING COUNT(DISTINCT year) = 2", [y1 - 1, y1]).fetchall()
    keys = [k for (k,) in both]
    counts = dict(reader.execute(
        f"SELECT year, COUNT({NEW}) FROM reports_wide WHERE is_current AND province = '示例省' AND year IN (?, ?) "
        "AND agency_key IN (SELECT unnest(?::VARCHAR[])) GROUP BY year", [y1 - 1, y1, keys]).fetchall())
    assert int(shown[f"{y1}年报告数"].astype(int).sum()) == counts[y1]
    assert int(shown[f"{y1 - 1}年报告数"].astype(int).sum()) == counts[y1 - 1]
    all_now = reader.execute(f"SELECT COUNT({NEW}) FROM reports_wide WHERE is_current AND province = '示例省' "
                             "AND year = ?", [y1]).fetchone()[0]
    assert counts[y1] < all_now  # the demo has agencies new in the last year: 同口径 differs


def test_choosing_a_region_opens_the_next_level_and_the_link_follows(make_app, demo_db):
    at = open_page(make_app(demo_db), "regions.py", province="示例省")
    at.selectbox(key="region_drill").set_value("样例市").run()
    assert not at.exception
    assert at.query_params["city"] == ["样例市"] or at.query_params["city"] == "样例市"
    assert frame_with(at, "排名", "县（区）") is not None
    at.button(key="rg_up").click().run()
    assert "city" not in at.query_params
    assert frame_with(at, "排名", "市") is not None


def test_the_region_table_sorts_by_value_and_shows_a_dash_for_no_value(make_app, demo_db):
    """Sortable: the grid sorts a column by its values, so numbers must stay numbers (as text, with
    '—' for a blank, "10" sorted before "9"); the grid itself writes '—' for a missing value, and a
    rate is shown in percent."""
    at = open_page(make_app(demo_db), "regions.py", province="示例省")
    at.selectbox(key="rg_ind").set_value("grant_rate").run()
    grid = next(d for d in at.dataframe if "排名" in d.value.columns)
    df = grid.value
    numeric = [c for c in df.columns if c not in ("市", "数据质量")]
    assert all(pd.api.types.is_numeric_dtype(df[c]) for c in numeric), df.dtypes.to_dict()
    assert grid.proto.placeholder == "—"
    y1 = next(c for c in df.columns if c.endswith("年") and not c.endswith("报告数"))
    assert json.loads(grid.proto.columns)[y1]["type_config"]["format"] == "%.1f%%"
    assert df[y1].dropna().between(0, 100).all()  # percent, not a share
