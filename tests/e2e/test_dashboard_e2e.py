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
    # a wait, not a timed assertion: the first run of a cold server on a loaded machine takes longer
    # than expect's 5 s default (it timed out at load 20 with the page still blank)
    expect(page.locator('[data-testid="stMain"] h1').first).to_be_visible(timeout=60_000)
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


def _generate_and_download(page: Page, title: str, kind: str, dest):
    """「生成」 writes the file on the server (progress bar), then 「下载」 hands it over."""
    page.get_by_role("button", name=f"生成{title} {kind}").click()
    download = page.get_by_role("button", name=f"下载{title} {kind}")
    expect(download).to_be_visible(timeout=60_000)
    with page.expect_download() as info:
        download.click()
    info.value.save_as(dest)
    return dest


def test_city_slice_csv_downloaded_through_the_buttons_has_chinese_headers_filters_and_the_warehouse_numbers(
        page, server, demo_warehouse, tmp_path):
    import csv

    con = open_reader(demo_warehouse)
    province, city = con.execute("SELECT province, city FROM reports WHERE city IS NOT NULL "
                                 "GROUP BY ALL ORDER BY COUNT(*) DESC, city LIMIT 1").fetchone()
    f = Filters(year_from=2021, year_to=2023, provinces=(province,), cities=(city,))
    want = queries.slice_reports_wide(con, f)
    con.close()
    open_path(page, server, "download?" + urllib.parse.urlencode(
        {"years": [2021, 2023], "province": province, "city": city}, doseq=True))
    raw = _generate_and_download(page, "按报告（宽表）", "CSV", tmp_path / "wide.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: opens ungarbled in Excel

    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    blank = rows.index([])
    about = {r[0]: r[1] for r in rows[:blank]}
    assert about["市"] == city and about["年度"] == "2021–2023" and about["数据版本"]
    header, keys = rows[blank + 1], rows[blank + 2]
    assert header[:3] == ["报告编号", "单位", "省"] and keys[:3] == ["report_id", "agency", "province"]
    got = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig", skiprows=blank + 2)  # the key row as header
    assert len(got) == len(want) > 0
    assert got["report_id"].tolist() == want["report_id"].tolist()
    assert got["agency"].tolist() == want["agency"].tolist()  # Chinese intact
    numeric = [c for c in got.columns if c.startswith(("t2.", "t3.", "t4."))]
    assert numeric and set(numeric) < set(want.columns)  # only the slice's formats' columns
    pd.testing.assert_frame_equal(got[numeric].astype("float64"), want[numeric].astype("float64"),
                                  check_dtype=False)
    assert set(got["year"]) == set(want["year"])


def test_xlsx_download_opens_on_the_filters_and_carries_the_definitions(page, server, demo_warehouse, tmp_path):
    import openpyxl

    open_path(page, server, "download?years=2022&years=2023")
    path = _generate_and_download(page, "按指标", "Excel", tmp_path / "indicators.xlsx")
    book = openpyxl.load_workbook(path, read_only=True)
    assert book.sheetnames == ["说明", "数据", "字段说明", "指标定义"]
    about = {row[0]: row[1] for row in book["说明"].iter_rows(values_only=True)}
    assert about["年度"] == "2022–2023"
    con = open_reader(demo_warehouse)
    (want,) = con.execute("SELECT COUNT(DISTINCT (agency_key, year)) FROM reports "
                          "WHERE is_current AND year BETWEEN 2022 AND 2023").fetchone()
    con.close()
    assert book["数据"].max_row - 1 == want > 0  # one row per agency and year
    header = [c.value for c in next(book["指标定义"].iter_rows(max_row=1))]
    assert "口径" in header and "空值规则" in header
