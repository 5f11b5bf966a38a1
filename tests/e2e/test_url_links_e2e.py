"""Shared links in a real browser: the pages' own url paths and repaired link values."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from test_dashboard_e2e import params, wait_idle

from dashboard.nav import PAGES

pytestmark = pytest.mark.e2e


def test_the_first_pages_url_path_opens_it_not_page_not_found(page, server):
    """/overview (the path the page list gives the default page) showed an English "Page not found"."""
    page.goto(f"{server}/{PAGES[0][2]}?years=2020&years=2022")
    wait_idle(page)
    expect(page.locator('[data-testid="stMain"] h1').first).to_have_text(PAGES[0][1])
    assert page.locator('[data-testid="stDialog"]').count() == 0
    page.wait_for_function("() => new URL(location.href).searchParams.getAll('years').length === 2")
    assert params(page)["years"] == ["2020", "2022"]
    expect(page.locator('[data-testid="stMain"]').get_by_text("2020–2022", exact=False).first).to_be_visible()


def test_reversed_years_in_a_link_show_the_range_in_order(page, server):
    page.goto(f"{server}/review?years=2023&years=2020")
    wait_idle(page)
    expect(page.locator('[data-testid="stMain"]').get_by_text("2020–2023", exact=False).first).to_be_visible()
    thumbs = page.locator('[data-testid="stSidebar"] [data-testid="stSliderThumbValue"]')
    expect(thumbs).to_have_text(["2020年", "2023年"])


def _pick(page, label: str, option: str) -> None:
    page.locator('[data-testid="stMain"]').get_by_role("combobox", name=label, exact=True).click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_idle(page)


def test_drill_from_the_province_to_an_agency_by_clicks_and_every_url_reopens_its_view(page, server, demo_warehouse):
    from warehouse.connect import open_reader

    con = open_reader(demo_warehouse)
    province, city, county, agency = con.execute(
        "SELECT province, city, county, agency FROM reports WHERE is_current AND county IS NOT NULL "
        "ORDER BY province, city, county, agency LIMIT 1").fetchone()
    con.close()
    heading = page.locator('[data-testid="stMain"] h3').first

    page.goto(f"{server}/regions")
    wait_idle(page)
    steps = [("进入下一级：选择省", province, "province", "按市汇总"), ("进入下一级：选择市", city, "city", "按县（区）汇总"),
             ("进入下一级：选择县（区）", county, "county", "按单位汇总")]
    for label, option, param, level in steps:
        _pick(page, label, option)
        page.wait_for_function("([k, v]) => new URL(location.href).searchParams.get(k) === v", arg=[param, option])
        expect(heading).to_contain_text(level)
        shown, url = heading.inner_text(), page.url
        page.goto(url)  # the link alone reopens the same view
        wait_idle(page)
        expect(heading).to_have_text(shown)
    _pick(page, "选择单位（进入单位详情前先选定）", agency)
    page.wait_for_function("a => new URL(location.href).searchParams.getAll('agency').includes(a)", arg=agency)
    page.locator('[data-testid="stMain"]').get_by_role("link", name=f"查看单位详情：{agency}").click()
    page.wait_for_url("**/agency**")
    wait_idle(page)
    expect(page.locator('[data-testid="stMain"] h1').first).to_have_text("单位详情")
    chosen = f'combobox "选择单位（可输入名称搜索）": {agency}'  # the agency page opens on it
    assert chosen in page.locator('[data-testid="stMain"]').aria_snapshot()
    assert params(page)["county"] == [county]
    page.goto(page.url)
    wait_idle(page)
    assert chosen in page.locator('[data-testid="stMain"]').aria_snapshot()
