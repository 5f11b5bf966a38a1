"""Words the browser shows that are not ours: the chart toolbar's tooltips are Chinese."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from test_dashboard_e2e import open_path

pytestmark = pytest.mark.e2e


def test_chart_toolbar_tooltips_are_chinese(page, server):
    """Plotly's toolbar said "Download plot as a PNG", "Zoom", "Reset axes" (issue 11)."""
    open_path(page, server, "overview")
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    chart.hover()
    buttons = chart.locator(".modebar-btn")
    expect(buttons.first).to_be_attached()
    titles = [buttons.nth(i).get_attribute("data-title") for i in range(buttons.count())]
    assert titles and "下载为 PNG 图片" in titles, titles
    # no English left among Plotly's buttons; "Fullscreen" is Streamlit's own button added to the
    # toolbar, whose text Streamlit does not let an app set
    assert not [t for t in titles if t and t.isascii() and t != "Fullscreen"], titles
