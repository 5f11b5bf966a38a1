"""The dashboard in a real browser: a real ``streamlit run`` server over the demo warehouse,
driven by the system's headless Chromium (Playwright). Waits on the app's own state (the
run-status widget and page elements), never fixed sleeps."""

from __future__ import annotations

import io
import urllib.parse

import pandas as pd
import pytest
from playwright.sync_api import Page, expect

from dashboard.nav import PAGES
from warehouse import queries
from warehouse.connect import open_reader
from warehouse.filters import Filters

pytestmark = pytest.mark.e2e


def wait_idle(page: Page) -> None:
    """Wait until the page has rendered: a title is shown, the script run is over, and no element
    is still a loading skeleton (charts and widgets load their code lazily)."""
    expect(page.locator('[data-testid="stMain"] h1').first).to_be_visible()
    page.wait_for_function(
        """() => {
            const app = document.querySelector('[data-testid="stApp"]');
            return app && app.getAttribute('data-test-script-state') !== 'running'
                && !document.querySelector('[data-testid="stSkeleton"]');
        }"""
    )


def open_path(page: Page, base: str, path: str) -> None:
    """Open a page by its url path; the default page (总览) lives at the root URL."""
    if path.split("?")[0] == PAGES[0][2]:
        path = path[len(PAGES[0][2]):]
    page.goto(f"{base}/{path}")
    wait_idle(page)
    # a mistyped page would show Streamlit's "Page not found" dialog
    assert page.locator('[data-testid="stDialog"]').count() == 0


def params(page: Page) -> dict[str, list[str]]:
    return urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)


@pytest.mark.parametrize(("number", "title", "url_path"), [(i + 1, p[1], p[2]) for i, p in enumerate(PAGES)],
                         ids=[p[2] for p in PAGES])
def test_every_page_loads_without_error_and_is_screenshotted(page, server, screenshots, number, title, url_path):
    open_path(page, server, url_path)
    expect(page.locator('[data-testid="stMain"] h1').first).to_have_text(title)
    assert page.locator('[data-testid="stException"]').count() == 0
    # the navigation lists every page by its Chinese title
    nav = page.locator('[data-testid="stSidebarNav"]')
    expect(nav).to_be_visible()
    for _, t, _, _ in PAGES:
        expect(nav).to_contain_text(t)
    charts = page.locator('[data-testid="stPlotlyChart"]')
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=stPlotlyChart]')].every(e => e.querySelector('.main-svg'))")
    if title not in ("单位详情", "数据质量", "数据下载", "上传年报", "全省汇总", "审查工作台"):  # tables, lists, forms
        assert charts.count() > 0
        expect(charts.first.locator(".gtitle")).not_to_be_empty()  # every chart states what it shows
    page.screenshot(path=str(screenshots / f"{number:02d}_{url_path}.png"), full_page=True)


def choose(page: Page, label: str, option: str) -> None:
    """Pick ``option`` in the sidebar selectbox labelled ``label``, as a user does."""
    page.locator('[data-testid="stSidebar"]').get_by_role("combobox", name=label, exact=True).click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_idle(page)


def test_a_filter_set_in_the_ui_is_in_the_url_and_survives_reload_and_page_switch(page, server, demo_warehouse):
    con = open_reader(demo_warehouse)
    options = queries.agency_options(con, Filters())
    province = options["province"].dropna().iloc[0]
    city = sorted(options.loc[options["province"] == province, "city"].dropna().unique())[0]
    expected = queries.overview_by_year(con, Filters(provinces=(province,), cities=(city,))).iloc[-1]
    con.close()

    open_path(page, server, "overview")
    choose(page, "省", province)
    page.wait_for_function("p => new URL(location.href).searchParams.get('province') === p", arg=province)
    choose(page, "市", city)
    page.wait_for_function("c => new URL(location.href).searchParams.get('city') === c", arg=city)
    assert params(page)["province"] == [province] and params(page)["city"] == [city]

    kpi = page.locator('[data-testid="stMetric"]').filter(has_text="本年办结").locator('[data-testid="stMetricValue"]')
    expect(kpi).to_have_text(f"{expected['handled']:,.0f}")

    page.reload()
    wait_idle(page)
    assert params(page)["city"] == [city]
    expect(kpi).to_have_text(f"{expected['handled']:,.0f}")
    expect(page.locator('[data-testid="stMain"]').get_by_text(f"市：{city}", exact=False).first).to_be_visible()

    page.locator('[data-testid="stSidebarNav"]').get_by_text("复议诉讼", exact=True).click()
    page.wait_for_url("**/review**")
    wait_idle(page)
    expect(page.locator('[data-testid="stMain"] h1').first).to_have_text("复议诉讼")
    assert params(page).get("city") == [city], page.url
    expect(page.locator('[data-testid="stMain"]').get_by_text(f"市：{city}", exact=False).first).to_be_visible()


def test_csv_downloaded_through_the_button_equals_the_warehouse_query(page, server, demo_warehouse, tmp_path):
    f = Filters(year_from=2021, year_to=2023)
    open_path(page, server, "download?years=2021&years=2023")
    button = page.get_by_role("button", name="下载按报告（宽表） CSV")
    with page.expect_download() as info:
        button.click()
    path = tmp_path / "wide.csv"
    info.value.save_as(path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: opens ungarbled in Excel

    got = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig")
    con = open_reader(demo_warehouse)
    want = queries.slice_reports_wide(con, f)
    con.close()
    assert len(got) == len(want) > 0
    assert list(got.columns) == list(want.columns)
    assert got["report_id"].tolist() == want["report_id"].tolist()
    assert got["agency"].tolist() == want["agency"].tolist()  # Chinese intact
    numeric = [c for c in want.columns if c.startswith(("t2.", "t3.", "t4."))]
    pd.testing.assert_frame_equal(got[numeric].astype("float64"), want[numeric].astype("float64"),
                                  check_dtype=False)
    assert set(got["year"]) == {2021, 2022, 2023}


def test_xlsx_download_carries_the_filters_and_the_definitions(page, server, demo_warehouse, tmp_path):
    import openpyxl

    open_path(page, server, "download?years=2022&years=2023")
    with page.expect_download() as info:
        page.get_by_role("button", name="下载按指标 Excel").click()
    path = tmp_path / "indicators.xlsx"
    info.value.save_as(path)
    book = openpyxl.load_workbook(path, read_only=True)
    assert book.sheetnames == ["按指标", "筛选条件", "指标定义"]
    filters = {row[0]: row[1] for row in book["筛选条件"].iter_rows(min_row=2, values_only=True)}
    assert filters["年度"] == "2022–2023"
    con = open_reader(demo_warehouse)
    want = queries.slice_indicators(con, Filters(year_from=2022, year_to=2023))
    con.close()
    assert book["按指标"].max_row - 1 == len(want)
    header = [c.value for c in next(book["指标定义"].iter_rows(max_row=1))]
    assert "口径" in header and "空值规则" in header
