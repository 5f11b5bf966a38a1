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
