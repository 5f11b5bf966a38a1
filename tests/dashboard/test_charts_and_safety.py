"""Charts render Chinese (browser and static export), rates without a denominator read '—',
and the app never renders data as raw HTML."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from dashboard import charts
from dashboard.components import display_table

DASHBOARD = Path(__file__).resolve().parents[2] / "dashboard"


def test_rate_without_denominator_is_a_dash_never_zero_percent():
    assert charts.rate_text(float("nan")) == "—"
    assert charts.rate_text(None) == "—"
    assert charts.rate_text(0.0) == "0.0%"  # a real zero rate (numerator 0, denominator > 0) stays 0
    shown = display_table(pd.DataFrame({"r": [0.25, float("nan")]}), ["r"])
    assert shown["r"].tolist() == ["25.0%", "—"]


def test_trend_hover_text_marks_undefined_rates_and_the_format_change():
    df = pd.DataFrame({"year": [2019, 2020, 2021, 2022], "rate": [0.5, float("nan"), 0.7, 0.2]})
    fig = charts.trend(df, x="year", series={"rate": "予以公开率"}, title="予以公开率", rate=True)
    assert list(fig.data[0].text) == ["50.0%", "—", "70.0%", "20.0%"]
    assert fig.layout.shapes[0].x0 == 2020.5  # the 2021 format change is marked
    assert "2021" in fig.layout.annotations[0].text
    assert "CJK" in fig.layout.font.family


def test_cjk_font_family_is_installed_and_static_export_renders():
    fc_match = shutil.which("fc-match")
    assert fc_match, "fontconfig is installed by scripts/test.sh"
    first_family = charts.CJK_FONT.split(",")[0].strip()
    resolved = subprocess.run([fc_match, first_family], capture_output=True, text=True, check=True).stdout
    assert "CJK" in resolved or "WenQuanYi" in resolved, resolved  # not a Latin fallback
    fig = charts.bar(pd.DataFrame({"单位": ["示例市人民政府", "示例县教育局"], "n": [3, 5]}), x="单位", y="n",
                     title="中文标题：各单位申请数")
    png = charts.to_png(fig, width=600, height=300)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5000


def test_no_page_renders_raw_html():
    offenders = [str(p) for p in DASHBOARD.rglob("*.py")
                 if re.search(r"unsafe_allow_html\s*=\s*True|st\.html\(|components\.v1\.html", p.read_text())]
    assert offenders == []


def test_lines_of_one_chart_get_distinct_colours_with_one_blue():
    df = pd.DataFrame({"year": [2021, 2022], "a": [1, 2], "b": [2, 3], "c": [3, 1]})
    fig = charts.trend(df, x="year", series={"a": "甲", "b": "乙", "c": "丙"}, title="三条线")
    colours = [t.line.color for t in fig.data]
    assert len(set(colours)) == 3
    blues = [c for c in colours if c.upper() in ("#0072B2", "#56B4E9", "#0068C9", "#83C9FF")]
    assert len(blues) == 1


def test_stacked_legend_follows_the_stack():
    df = pd.DataFrame({"year": [2021, 2021], "k": ["甲", "乙"], "n": [1, 2]})
    upright = charts.stacked_bar(df, x="year", y="n", colour="k", title="t", order=["甲", "乙"])
    assert upright.layout.legend.traceorder == "reversed"  # top segment (last trace) listed first
    lying = charts.stacked_bar(df, x="year", y="n", colour="k", title="t", horizontal=True)
    assert lying.layout.legend.traceorder == "normal"


def test_small_multiples_can_give_each_panel_its_own_axis():
    df = pd.DataFrame({"agency": ["大", "大", "小", "小"], "year": [2021, 2022] * 2, "v": [1000, 900, 3, 5]})
    shared = charts.small_multiples(df, facet="agency", x="year", y="v", title="t")
    own = charts.small_multiples(df, facet="agency", x="year", y="v", title="t", shared_y=False)
    assert shared.layout.yaxis2.range == shared.layout.yaxis.range
    assert own.layout.yaxis2.range[1] == pytest.approx(5 * 1.1)


def test_a_rate_change_is_labelled_in_percentage_points():
    df = pd.DataFrame({"agency": ["甲", "乙"], "change": [-1.0, 0.012]})
    fig = charts.bar(df, x="agency", y="change", points=True, horizontal=True, title="变化（百分点）")
    assert list(fig.data[0].text) == ["-100.0", "+1.2"]
    assert "%" not in "".join(fig.data[0].text)
