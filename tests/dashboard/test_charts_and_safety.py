"""Charts render Chinese (browser and static export), rates without a denominator read '—',
and the app never renders data as raw HTML."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd

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
