"""Statistics that know their data's quality, on the real demo warehouse: the sidebar switch that
leaves out reports failing R1–R4 changes the 2022 review figures by exactly those reports' own
numbers (computed here from the long cells, not by the app's SQL), and a figure a failing report
moves by more than the set share is marked with a note naming the report."""

from __future__ import annotations

import pytest
from test_pages import frame_with, open_page

from dashboard.nav import PAGES
from loaders.spec import RULE_BY_ID
from warehouse import indicators as ind
from warehouse import quality_marks as qm
from warehouse import queries
from warehouse.filters import Filters

HARD = [r for r in RULE_BY_ID if r.startswith("R")]
REVIEW_KEYS = ind.INDICATOR_BY_KEY["review_count"].default.numerator


def _failing(reader, year: int) -> list[tuple[int, str]]:
    return reader.execute(
        "SELECT DISTINCT r.report_id, r.agency FROM reports r JOIN findings f USING (report_id) "
        "WHERE r.is_current AND r.year = ? AND f.kind = 'source' AND f.rule IN (SELECT unnest(?::VARCHAR[])) "
        "ORDER BY r.report_id", [year, HARD]).fetchall()


def _review_total(reader, year: int, leave_out: list[int]) -> float:
    """Σ of the printed review cells over the year's current reports, from the long ``cells`` table."""
    (v,) = reader.execute(
        "SELECT SUM(c.value) FROM cells c JOIN reports r USING (report_id) WHERE r.is_current AND r.year = ? "
        "AND c.key IN (SELECT unnest(?::VARCHAR[])) AND c.status = 'number' "
        "AND r.report_id NOT IN (SELECT unnest(?::BIGINT[]))", [year, list(REVIEW_KEYS), leave_out]).fetchone()
    return float(v)


def test_leaving_out_failing_reports_changes_2022_review_figures_by_their_own_numbers(reader):
    failing = _failing(reader, 2022)
    assert failing, "the demo has reports whose own tables don't add up in 2022"
    ids = [i for i, _ in failing]
    every = queries.overview_by_year(reader, Filters(year_from=2022, year_to=2022)).iloc[0]
    kept = queries.overview_by_year(reader, Filters(year_from=2022, year_to=2022, leave_out_failing=True)).iloc[0]
    assert every["review_count"] == _review_total(reader, 2022, [])
    assert kept["review_count"] == _review_total(reader, 2022, ids) < every["review_count"]
    assert int(every["reports"]) - int(kept["reports"]) == len(failing)


def test_the_switch_in_the_sidebar_changes_the_kpis_and_says_so(make_app, demo_db, reader):
    failing = _failing(reader, 2022)
    at = open_page(make_app(demo_db), "overview.py", years=["2019", "2022"])
    name = ind.INDICATOR_BY_KEY["review_count"].name

    def review_kpi():
        return next(m for m in at.metric if m.label.endswith(name))

    before = review_kpi()
    assert before.value == f"{_review_total(reader, 2022, []):,.0f}"
    assert any("表格勾稽关系不成立" in c.value and "已计入统计" in c.value for c in at.caption)
    at.toggle(key="quality").set_value(True).run()
    assert not at.exception
    assert review_kpi().value == f"{_review_total(reader, 2022, [i for i, _ in failing]):,.0f}"
    assert any(c.value.startswith("已剔除") for c in at.caption)
    # the switch is part of the link: opening ?quality=true shows the same figures
    linked = open_page(make_app(demo_db), "overview.py", years=["2019", "2022"], quality="true")
    assert next(m for m in linked.metric if m.label.endswith(name)).value == review_kpi().value


def test_a_figure_a_failing_report_moves_beyond_the_share_is_marked_with_the_report(make_app, demo_db, reader):
    # independently: each failing 2022 report's share of the review total
    total = _review_total(reader, 2022, [])
    movers = []
    for rid, agency in _failing(reader, 2022):
        share = (total - _review_total(reader, 2022, [rid])) / total
        if share > qm.INFLUENCE_SHARE:
            movers.append((rid, agency))
    assert movers, "the demo has a failing report that moves the 2022 review count"
    marks = qm.overview_influence(reader, Filters(year_from=2022, year_to=2022))
    got = marks[marks["alias"] == "review_count"]
    assert sorted(zip(got["report_id"], got["agency"], strict=True)) == sorted(movers)

    at = open_page(make_app(demo_db), "overview.py", years=["2019", "2022"])
    name = ind.INDICATOR_BY_KEY["review_count"].name
    kpi = next(m for m in at.metric if m.label.endswith(name))
    assert kpi.label.startswith(qm.MARK)
    notes = " ".join(c.value for c in at.caption)
    for rid, agency in movers:
        assert f"{agency}（报告编号 {rid}）" in notes
    # the switch on: nothing left to mark
    assert qm.overview_influence(reader, Filters(year_from=2022, year_to=2022, leave_out_failing=True)).empty


def test_overview_same_agencies_counts_equal_a_direct_query(make_app, demo_db, reader):
    y1 = reader.execute("SELECT MAX(year) FROM reports WHERE is_current").fetchone()[0]
    both = [k for (k,) in reader.execute(
        "SELECT agency_key FROM reports WHERE is_current AND year IN (?, ?) GROUP BY agency_key "
        "HAVING COUNT(DISTINCT year) = 2", [y1 - 1, y1]).fetchall()]
    per_year = dict(reader.execute(
        "SELECT year, COUNT(*) FROM reports WHERE is_current AND year IN (?, ?) "
        "AND agency_key IN (SELECT unnest(?::VARCHAR[])) GROUP BY year", [y1 - 1, y1, both]).fetchall())
    new_now = reader.execute(
        f"SELECT SUM({ind.term_sql(ind.INDICATOR_BY_KEY['new_applications'].default.numerator)}) FROM reports_wide "
        "WHERE is_current AND year = ? AND agency_key IN (SELECT unnest(?::VARCHAR[]))", [y1, both]).fetchone()[0]
    all_now = reader.execute("SELECT COUNT(*) FROM reports WHERE is_current AND year = ?", [y1]).fetchone()[0]
    assert per_year[y1] < all_now  # the demo has an agency missing in one of the years: 同口径 differs

    at = open_page(make_app(demo_db), "overview.py")
    at.toggle(key="ov_same").set_value(True).run()
    assert not at.exception
    caption = next(c.value for c in at.caption if c.value.startswith("同口径："))
    assert f"本年 {per_year[y1]} 份报告" in caption and f"上年 {per_year[y1 - 1]} 份报告" in caption
    name = ind.INDICATOR_BY_KEY["new_applications"].name
    assert next(m for m in at.metric if m.label.removeprefix(f"{qm.MARK} ") == name).value == f"{new_now:,.0f}"


def test_the_review_page_names_the_failing_report_that_moves_its_2022_count(make_app, demo_db, reader):
    total = _review_total(reader, 2022, [])
    movers = [(rid, agency) for rid, agency in _failing(reader, 2022)
              if (total - _review_total(reader, 2022, [rid])) / total > qm.INFLUENCE_SHARE]
    assert movers
    at = open_page(make_app(demo_db), "review.py", years=["2019", "2022"])
    name = ind.INDICATOR_BY_KEY["review_count"].name
    notes = [c.value for c in at.caption if f"2022年{name}" in c.value]
    assert notes and all(f"{agency}（报告编号 {rid}）" in notes[0] for rid, agency in movers)
    at.toggle(key="quality").set_value(True).run()
    assert not [c.value for c in at.caption if f"2022年{name}" in c.value]  # left out: nothing to mark


def test_the_region_table_names_the_failing_report_that_moves_a_regions_figure(make_app, demo_db, reader):
    # independently, from the long cells: the province's own departments (no city), 2022 review count
    def group_total(leave_out: list[int]) -> float:
        (v,) = reader.execute(
            "SELECT SUM(c.value) FROM cells c JOIN reports r USING (report_id) WHERE r.is_current AND r.year = 2022 "
            "AND r.province = '示例省' AND r.city IS NULL AND c.key IN (SELECT unnest(?::VARCHAR[])) "
            "AND c.status = 'number' AND r.report_id NOT IN (SELECT unnest(?::BIGINT[]))",
            [list(REVIEW_KEYS), leave_out]).fetchone()
        return float(v or 0)

    total = group_total([])
    in_group = reader.execute("SELECT report_id FROM reports WHERE year = 2022 AND province = '示例省' "
                              "AND city IS NULL").fetchall()
    movers = [(rid, agency) for rid, agency in _failing(reader, 2022)
              if (rid,) in in_group and abs(total - group_total([rid])) / total > qm.INFLUENCE_SHARE]
    assert movers
    at = open_page(make_app(demo_db), "regions.py", province="示例省", years=["2019", "2022"], rg_ind="review_count")
    shown = frame_with(at, "市", "数据质量")
    flagged = shown.set_index("市")["数据质量"]
    for rid, agency in movers:
        assert f"{agency}（报告编号 {rid}）" in flagged["省直单位"]


def test_compare_flags_agencies_whose_figure_rests_on_a_failing_report(make_app, demo_db, reader):
    failing = reader.execute(
        "SELECT DISTINCT r.agency, r.year, r.report_id FROM reports r JOIN findings f USING (report_id) "
        "WHERE r.is_current AND r.year BETWEEN 2022 AND 2023 AND f.kind = 'source' "
        "AND f.rule IN (SELECT unnest(?::VARCHAR[]))", [HARD]).fetchall()
    assert failing
    at = open_page(make_app(demo_db), "compare.py", years=["2022", "2023"], rank_top="100")
    table = frame_with(at, "单位", "数据质量")
    flagged = {a: q for a, q in zip(table["单位"], table["数据质量"], strict=True) if q}
    for agency, year, rid in failing:
        assert any(a.startswith(agency) and f"{year}年（报告编号 {rid}）" in q for a, q in flagged.items()), agency
    assert len(flagged) == len({a for a, _, _ in failing})


def test_the_applications_page_names_the_failing_report_that_moves_new_applications(make_app, demo_db, reader):
    keys = ind.INDICATOR_BY_KEY["new_applications"].default.numerator

    def total(leave_out):
        (v,) = reader.execute(
            "SELECT SUM(c.value) FROM cells c JOIN reports r USING (report_id) WHERE r.is_current AND r.year = 2022 "
            "AND c.key IN (SELECT unnest(?::VARCHAR[])) AND c.status = 'number' "
            "AND r.report_id NOT IN (SELECT unnest(?::BIGINT[]))", [list(keys), leave_out]).fetchone()
        return float(v)

    t = total([])
    movers = [(rid, a) for rid, a in _failing(reader, 2022) if (t - total([rid])) / t > qm.INFLUENCE_SHARE]
    at = open_page(make_app(demo_db), "applications.py", years=["2019", "2022"])
    name = ind.INDICATOR_BY_KEY["new_applications"].name
    notes = " ".join(c.value for c in at.caption if f"2022年{name}：" in c.value)
    assert movers and all(f"{a}（报告编号 {rid}）" in notes for rid, a in movers)


def test_pages_about_the_failing_reports_keep_them_when_the_switch_is_on(make_app, demo_db, reader):
    """数据质量 and 审查工作台 list the reports whose numbers don't add up: the switch leaving them out
    of the statistics must not empty those lists (it did: their queries went through the same
    filter), and the page says the switch does not apply to it."""
    every = Filters(year_from=2019, year_to=2022)
    to_return = queries.reports_to_return(reader, every)
    assert len(to_return) > 0
    at = open_page(make_app(demo_db), "quality.py", years=["2019", "2022"], quality="true")
    shown = frame_with(at, "单位", "问题数", "问题说明")
    assert shown["问题数"].tolist() == to_return["n_problems"].tolist()
    assert any("开关不作用于本页" in c.value for c in at.caption)
    assert not any(c.value.startswith("已剔除") for c in at.caption)

    queue = queries.review_queue(reader, every)
    failing_ids = {i for i, _ in _failing(reader, 2022)}
    assert failing_ids <= set(queue["report_id"])  # the queue holds the failing reports
    at = open_page(make_app(demo_db), "workbench.py", years=["2019", "2022"], quality="true")
    counts = {m.label: int(m.value) for m in at.metric if m.label in set(queue["status"])}
    assert sum(counts.values()) == len(queue)
    assert any("开关不作用于本页" in c.value for c in at.caption)


def test_the_submission_page_does_not_claim_to_leave_reports_out(make_app, demo_db):
    """报送情况 counts reports received (a failing report was still submitted): no '已剔除' line."""
    at = open_page(make_app(demo_db), "submission.py", quality="true")
    assert not any(c.value.startswith("已剔除") for c in at.caption)
    assert any("开关不作用于本页" in c.value for c in at.caption)


def test_the_proactive_page_names_the_failing_report_that_moves_a_table_two_trend(make_app, demo_db, reader):
    """主动公开: computed here from the long cells — per year and table 二 cell charted, the failing
    reports whose own number is more than the set share of the year's sum are named under the chart."""
    from dashboard.views.proactive import _DECISIONS, _DOCS_2021

    keys = [f"{r}.{c}" for r in _DOCS_2021 for c in ("issued", "repealed")] + list(_DECISIONS)
    expected = set()
    for year in range(2021, 2024):
        sums = dict(reader.execute(
            "SELECT c.key, SUM(c.value) FROM cells c JOIN reports r USING (report_id) WHERE r.is_current "
            "AND r.year = ? AND c.key IN (SELECT unnest(?::VARCHAR[])) AND c.value IS NOT NULL GROUP BY 1",
            [year, keys]).fetchall())
        for rid, agency in _failing(reader, year):
            own = dict(reader.execute("SELECT key, value FROM cells WHERE report_id = ? AND value IS NOT NULL "
                                      "AND key IN (SELECT unnest(?::VARCHAR[]))", [rid, keys]).fetchall())
            for k, v in own.items():
                if v and (sums[k] == 0 or abs(v) / abs(sums[k]) > qm.INFLUENCE_SHARE):
                    expected.add((year, k, rid, agency))
    assert expected, "the demo has a failing report moving a table 二 figure"
    at = open_page(make_app(demo_db), "proactive.py", years=["2021", "2023"])
    notes = " ".join(c.value for c in at.caption)
    from loaders.spec import CELL_BY_KEY, F2021
    for year, k, rid, agency in expected:
        spec = CELL_BY_KEY[F2021][k]
        name = _DECISIONS.get(k) or f"{spec.row_label}·{spec.col_label}"
        assert f"{year}年{name}：{agency}（报告编号 {rid}）表格勾稽关系不成立" in notes, (year, k)
    marked_notes = [n for c in at.caption for n in c.value.split("；") if n.startswith(f"{qm.MARK} 20")]
    assert len(marked_notes) == len(expected)
    # the point itself carries the mark on the chart
    import json

    texts = [a.get("text") for c in at.get("plotly_chart") for a in json.loads(c.proto.spec)["layout"].get("annotations", [])]
    assert texts.count(qm.MARK) == len(expected)


def test_the_agency_page_marks_the_year_whose_report_fails_and_keeps_it_with_the_switch_on(make_app, demo_db, reader):
    """单位详情 lists one agency's own reports as published: its year whose report breaks R1–R4 is
    marked in 历年指标 with the report named; the switch does not hide the agency's report and the
    page says so (it said '已剔除' while showing every report)."""
    rid, _ = _failing(reader, 2022)[0]
    key, = reader.execute("SELECT agency_key FROM reports WHERE report_id = ?", [rid]).fetchone()
    rules = sorted({r for (r,) in reader.execute(
        "SELECT rule FROM findings WHERE report_id = ? AND kind = 'source' AND rule IN (SELECT unnest(?::VARCHAR[]))",
        [rid, HARD]).fetchall()})
    failing_years = {y for (y,) in reader.execute(
        "SELECT DISTINCT r.year FROM reports r JOIN findings f USING (report_id) WHERE r.agency_key = ? AND r.is_current "
        "AND f.kind = 'source' AND f.rule IN (SELECT unnest(?::VARCHAR[]))", [key, HARD]).fetchall()}
    for quality in ("false", "true"):
        at = open_page(make_app(demo_db), "agency.py", quality=quality)
        at.selectbox(key="unit").set_value(key).run()
        table = frame_with(at, "指标", f"2022年 {qm.MARK}")
        marked = {int(c[:4]) for c in table.columns if c.endswith(qm.MARK)}
        assert marked == failing_years
        notes = " ".join(c.value for c in at.caption)
        assert f"2022年报告（报告编号 {rid}）表格勾稽关系不成立（{'、'.join(rules)}）" in notes
        assert not any(c.value.startswith("已剔除") for c in at.caption)
    assert any("开关不作用于本页" in c.value for c in at.caption)


def test_compare_movers_say_they_compare_each_agency_with_itself_and_how_many(make_app, demo_db, reader):
    """机构对比's 同比 movers: only agencies with a value in both years (same agencies, 同口径), counted
    as a direct query counts them."""
    y1 = reader.execute("SELECT MAX(year) FROM reports WHERE is_current").fetchone()[0]
    col = ind.term_sql(ind.INDICATOR_BY_KEY["new_applications"].default.numerator)
    (n,) = reader.execute(
        f"SELECT COUNT(*) FROM (SELECT agency_key FROM reports_wide WHERE is_current AND year IN (?, ?) "
        f"AND {col} IS NOT NULL GROUP BY agency_key HAVING COUNT(DISTINCT year) = 2)", [y1 - 1, y1]).fetchone()
    at = open_page(make_app(demo_db), "compare.py", ind="new_applications")
    caption = next(c.value for c in at.caption if c.value.startswith("同口径：每个单位与其自身"))
    assert f"（{n:,} 个单位，{y1 - 1}年与{y1}年各 {n:,} 份报告）" in caption


STATISTICS_PAGES = [file for file, *_ in PAGES if file != "upload.py"]  # 上传年报 is a form, no figures


@pytest.mark.parametrize("file", STATISTICS_PAGES, ids=[f.removesuffix(".py") for f in STATISTICS_PAGES])
def test_every_page_says_what_the_switch_does_to_it(make_app, demo_db, reader, file):
    """The switch is in the sidebar of every page; with it on, every page with figures says either
    how many failing reports it left out, or that the switch does not apply to it — never silent."""
    (failing,) = reader.execute(
        "SELECT COUNT(DISTINCT r.report_id) FROM reports r JOIN findings f USING (report_id) WHERE r.is_current "
        "AND f.kind = 'source' AND f.rule IN (SELECT unnest(?::VARCHAR[]))", [HARD]).fetchone()
    assert failing
    at = open_page(make_app(demo_db), file, quality="true")
    assert at.toggle(key="quality").value is True
    said = [c.value for c in at.caption
            if c.value.startswith(f"已剔除 {failing:,} 份") or ("开关不作用于本页" in c.value and f"{failing:,} 份" in c.value)]
    assert len(said) == 1, [c.value for c in at.caption]
