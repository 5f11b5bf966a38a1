"""Links carry every setting a reader changes (小样本阈值, Top-N, 占比) and stable codes, not
display labels — a shared link reopens the same view (issue 11's browser-found defects)."""

from __future__ import annotations

from test_pages import frame_with, open_page

from warehouse import queries
from warehouse.filters import Filters


def test_small_sample_threshold_and_top_n_come_from_the_link(make_app, demo_db, reader):
    at = open_page(make_app(demo_db), "compare.py", min_n="40", rank_top="10")
    assert at.number_input(key="min_n").value == 40
    assert at.slider(key="rank_top").value == 10
    shown = frame_with(at, "单位", "指标值", "分母（N）", "小样本")
    key = at.selectbox(key="ind").value
    want = queries.ranking(reader, Filters(), key, None, 40)
    assert sorted(shown["小样本"].tolist()) == sorted(want["small_sample"].tolist())


def test_share_and_top_n_of_the_applications_page_come_from_the_link(make_app, demo_db):
    at = open_page(make_app(demo_db), "applications.py", apps_share="true", apps_top_n="10")
    assert at.toggle(key="apps_share").value is True
    assert at.slider(key="apps_top_n").value == 10


def test_level_and_category_links_use_codes_and_labels_are_not_codes(make_app, demo_db, reader):
    at = open_page(make_app(demo_db), "overview.py", level="county")
    assert at.multiselect(key="level").value == ["county"]
    n = reader.execute("SELECT COUNT(*) FROM reports WHERE is_current AND level = 'county' "
                       "AND year = (SELECT MAX(year) FROM reports)").fetchone()[0]
    assert any(c.value.startswith(f"本年共 {n} 份报告") for c in at.caption)
    # the display label is not a link value: it is dropped and said so
    at2 = open_page(make_app(demo_db), "overview.py", level="县级")
    assert at2.multiselect(key="level").value == []
    assert any("县级" in w.value and "已忽略" in w.value for w in at2.sidebar.warning)
