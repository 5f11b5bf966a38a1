"""Every page renders on a demo-like and on an empty warehouse, and filters change the numbers
to exactly what the warehouse query returns for that slice (AppTest, real DuckDB).

Shared filters are set the way a shared link sets them — URL query parameters before the first
run. AppTest (1.67) rebuilds only the page's own elements on a rerun of an ``st.navigation``
app, so the entrypoint's sidebar widgets cannot be driven after the first run; driving them in
a real browser is covered by the Playwright tests in tests/e2e.
"""

from __future__ import annotations

import urllib.parse

import pandas as pd
import pytest

from dashboard.nav import PAGES
from warehouse import queries
from warehouse.filters import Filters

PAGE_IDS = [file.removesuffix(".py") for file, *_ in PAGES]
YEARS = (2021, 2023)
F = Filters(year_from=YEARS[0], year_to=YEARS[1])
URL = {"years": [str(y) for y in YEARS]}


def open_page(at, file: str, **params):
    """Open ``file`` with URL query ``params`` (lists for repeated params), as a shared link would."""
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, at.exception
    if file != PAGES[0][0]:
        at.switch_page(f"views/{file}").run()
    assert not at.exception, at.exception
    return at


def frame_with(at, *columns: str) -> pd.DataFrame:
    """The first data table on the page that has all these (Chinese) headers."""
    for df in at.dataframe:
        if set(columns) <= set(df.value.columns):
            return df.value
    raise AssertionError(f"no table with columns {columns}: {[list(d.value.columns) for d in at.dataframe]}")


def _kpi(at, label: str) -> str:
    """A KPI card's value by its label (a card a failing report moves carries a leading ⚠)."""
    return next(m.value for m in at.metric if m.label.removeprefix("⚠ ") == label)


@pytest.mark.parametrize(("file", "title"), [(p[0], p[1]) for p in PAGES], ids=PAGE_IDS)
def test_page_renders_on_demo_warehouse(make_app, demo_db, file, title):
    at = open_page(make_app(demo_db), file)
    assert [t.value for t in at.title] == [title]
    assert not at.error
    assert len(at.dataframe) + len(at.metric) > 0  # every page shows numbers


@pytest.mark.parametrize(("file", "title"), [(p[0], p[1]) for p in PAGES], ids=PAGE_IDS)
def test_page_renders_friendly_empty_state_on_empty_warehouse(make_app, empty_db, file, title):
    at = open_page(make_app(empty_db), file)
    assert [t.value for t in at.title] == [title]
    assert not at.error
    assert "没有" in " ".join(i.value for i in at.info)  # a Chinese empty state, not a traceback
    assert not at.dataframe


def test_missing_warehouse_is_a_friendly_message(make_app, tmp_path):
    at = make_app(tmp_path / "nowhere.duckdb").run()
    assert not at.exception
    assert any("尚未找到数据仓库" in c.value for c in at.sidebar.caption)
    assert any("没有" in i.value for i in at.info)


def test_overview_year_filter_changes_kpis_to_the_query_result(make_app, demo_db, reader):
    before = _kpi(open_page(make_app(demo_db), "overview.py"), "本年新收申请")
    at = open_page(make_app(demo_db), "overview.py", years=["2020", "2022"])
    assert at.slider(key="years").value == (2020, 2022)
    expected = queries.overview_by_year(reader, Filters(year_from=2020, year_to=2022)).iloc[-1]
    assert _kpi(at, "本年新收申请") == f"{expected['new_applications']:,.0f}"
    assert _kpi(at, "行政复议数") == f"{expected['review_count']:,.0f}"
    assert _kpi(at, "本年新收申请") != before  # 2022 differs from the latest year


def test_overview_region_filter_cascades_and_matches_the_query(make_app, demo_db, reader):
    options = queries.agency_options(reader, Filters())
    province = options["province"].dropna().iloc[0]
    at = open_page(make_app(demo_db), "overview.py", province=province)
    cities = list(at.selectbox(key="city").options)
    assert cities == sorted(options.loc[options["province"] == province, "city"].dropna().unique().tolist())
    city = cities[0]
    at = open_page(make_app(demo_db), "overview.py", province=province, city=city)
    assert at.selectbox(key="city").value == city
    expected = queries.overview_by_year(reader, Filters(provinces=(province,), cities=(city,))).iloc[-1]
    assert _kpi(at, "本年办结") == f"{expected['handled']:,.0f}"
    assert any(city in c.value for c in at.caption)  # the scope line names the slice


def test_a_city_outside_the_province_is_ignored(make_app, demo_db, reader):
    province = queries.agency_options(reader, Filters())["province"].dropna().iloc[0]
    at = open_page(make_app(demo_db), "overview.py", province=province, city="不存在的市")
    assert at.selectbox(key="city").value is None


def test_filters_survive_a_page_switch(make_app, demo_db):
    at = open_page(make_app(demo_db), "review.py", **URL)
    assert any("2021–2023" in c.value for c in at.caption)
    assert sorted(set(frame_with(at, "年度", "类别", "件数")["年度"])) == [2021, 2022, 2023]
    at.switch_page("views/applications.py").run()
    assert sorted(set(frame_with(at, "年度", "办理结果", "件数")["年度"])) == [2021, 2022, 2023]


def test_applications_outcomes_table_equals_the_query(make_app, demo_db, reader):
    at = open_page(make_app(demo_db), "applications.py", **URL)
    shown = frame_with(at, "年度", "办理结果", "件数")
    expected = queries.outcomes_by_year(reader, F)
    assert shown["件数"].tolist() == expected["count"].tolist()
    assert sorted(set(shown["年度"])) == list(range(YEARS[0], YEARS[1] + 1))


def test_review_counts_table_equals_the_query(make_app, demo_db, reader):
    at = open_page(make_app(demo_db), "review.py", **URL)
    shown = frame_with(at, "年度", "类别", "件数")
    expected = queries.review_litigation_by_year(reader, F)
    assert shown["件数"].tolist() == expected[expected["result"] == "total"]["count"].tolist()


def test_review_kouj_switch_changes_the_correction_rates(make_app, demo_db, reader):
    at = open_page(make_app(demo_db), "review.py", **URL)
    decided = frame_with(at, "年度", "综合纠错率")["综合纠错率"].tolist()
    at.segmented_control(key="kouj").set_value("filed").run()
    filed = frame_with(at, "年度", "综合纠错率")["综合纠错率"].tolist()
    expected = queries.correction_rates_by_year(reader, F, "filed")
    assert filed == [f"{v * 100:.1f}%" if pd.notna(v) else "—" for v in expected["correction_rate"]]
    assert filed != decided


def test_proactive_decisions_table_equals_the_query(make_app, demo_db, reader):
    at = open_page(make_app(demo_db), "proactive.py", **URL)
    shown = frame_with(at, "年度", "行政许可", "行政处罚", "行政强制")
    expected = queries.proactive_by_year(reader, F)
    assert shown["行政处罚"].tolist() == expected["t2.art20_6.admin_penalty.decisions"].tolist()


def test_compare_ranking_equals_the_query_with_n_and_small_samples(make_app, demo_db, reader):
    at = open_page(make_app(demo_db), "compare.py", **URL)
    at.selectbox(key="ind").set_value("grant_rate").run()
    shown = frame_with(at, "单位", "指标值", "分母（N）", "小样本")
    expected = queries.ranking(reader, F, "grant_rate", "all", 10)
    assert shown["单位"].tolist() == expected["agency"].tolist()
    assert shown["分母（N）"].tolist() == expected["denominator"].tolist()
    assert shown["小样本"].tolist() == expected["small_sample"].tolist()
    assert expected["small_sample"].any()  # the demo has township offices with a handful of cases
    undefined = expected["value"].isna().to_numpy()
    assert (shown.loc[undefined, "指标值"] == "—").all()  # no denominator: '—', never 0 %


def test_agency_page_shows_the_chosen_agencys_reports(make_app, demo_db, reader):
    key = queries.agency_options(reader, Filters())["agency_key"].iloc[3]
    at = open_page(make_app(demo_db), "agency.py")
    at.selectbox(key="unit").set_value(key).run()
    assert not at.exception
    shown = frame_with(at, "年度", "版本", "源文件")
    expected = queries.agency_reports(reader, Filters(), key)
    assert shown["年度"].tolist() == expected["year"].tolist()
    assert shown["源文件"].tolist() == expected["source_name"].tolist()
    labels = [b.proto.label for b in at.get("download_button")]
    assert any(label.startswith("下载原始文件") for label in labels)
    # the chosen (current) report links to 审查工作台, opened on it by the picker's label
    chosen = expected[expected["report_id"] == at.selectbox(key="ag_report").value].iloc[0]
    links = [(pl.proto.label, pl.proto.page, pl.proto.query_string) for pl in at.get("page_link")]
    agency = queries.agency_options(reader, Filters()).set_index("agency_key").loc[key, "agency"]
    linked = [(label, page, qs) for label, page, qs in links if label == "在审查工作台处理该报告"]
    assert bool(linked) == bool(chosen["is_current"])
    assert all(page.endswith("workbench") and urllib.parse.parse_qs(qs)["report"] == [f"{agency} · {int(chosen['year'])}年"]
               for _, page, qs in linked), links


def test_quality_lists_equal_the_queries(make_app, demo_db, reader):
    at = open_page(make_app(demo_db), "quality.py", **URL)
    expected = queries.inconsistent_reports(reader, F)
    assert len(expected) > 0
    assert next(m for m in at.metric if m.label == "不成立的勾稽关系").value == f"{len(expected):,}"
    shown = frame_with(at, "单位", "规则", "涉及单元格")
    assert shown["单位"].tolist() == expected["agency"].tolist()
    assert shown["涉及单元格"].tolist() == expected["cells"].tolist()
    missing = queries.missing_reports(reader, F)
    assert next(m for m in at.metric if m.label == "应报未报").value == f"{len(missing):,}"
    # the send-back list: one row per inconsistent report, every failing equation in it
    to_return = queries.reports_to_return(reader, F)
    assert len(to_return) == expected["report_id"].nunique()
    assert to_return["n_problems"].sum() == len(expected)
    shown = frame_with(at, "单位", "问题数", "问题说明")
    assert shown["问题数"].tolist() == to_return["n_problems"].tolist()
    first = to_return.iloc[0]
    for message in expected[expected["report_id"] == first["report_id"]]["message"]:
        assert message in first["problems"]
    # each actionable list opens a report of it in 审查工作台: the first by default, another when picked
    def links():
        return [(pl.proto.label, pl.proto.page, urllib.parse.parse_qs(pl.proto.query_string).get("report"))
                for pl in at.get("page_link") if pl.proto.label == "打开该报告的审查工作台"]
    lists = (to_return, queries.parse_uncertain(reader, F))
    assert len(links()) == sum(not df.empty for df in lists) and all(p.endswith("workbench") for _, p, _ in links())
    assert links()[0][2] == [f"{first['agency']} · {int(first['year'])}年"]
    if len(to_return) > 1:
        at.selectbox(key="q_reports_to_return_pick").set_value(1).run()
        second = to_return.iloc[1]
        assert links()[0][2] == [f"{second['agency']} · {int(second['year'])}年"]


def test_download_page_counts_the_slice(make_app, demo_db, reader):
    at = open_page(make_app(demo_db), "download.py", **URL)
    expected = int(queries.overview_by_year(reader, F)["reports"].sum())
    assert next(m for m in at.metric if m.label == "当前范围内的报告数").value == f"{expected:,}"
    labels = [b.label for b in at.button]
    for name in ("按报告（宽表）", "按单元格（长表）", "按指标"):
        assert {f"生成{name} CSV", f"生成{name} Excel", f"生成{name} Parquet"} <= set(labels)
    n_wide = reader.execute("SELECT COUNT(*) FROM reports WHERE is_current AND year BETWEEN ? AND ?",
                            [F.year_from, F.year_to]).fetchone()[0]
    assert any(f"本范围共 {n_wide:,} 行" in c.value for c in at.caption)
    # 生成 writes the file (streamed), then its 下载 button replaces the 生成 button
    at.button(key="mk_reports_wide_csv").click().run()
    assert not at.exception
    assert "下载按报告（宽表） CSV" in [b.proto.label for b in at.get("download_button")]
    assert "生成按报告（宽表） CSV" not in [b.label for b in at.button]


def test_a_slice_too_big_for_one_excel_sheet_offers_csv_and_parquet(make_app, demo_db, reader, monkeypatch):
    from warehouse import clerk_export

    n_long = reader.execute("SELECT COUNT(*) FROM cells c JOIN reports r USING (report_id) WHERE r.is_current "
                            "AND r.year BETWEEN ? AND ?", [F.year_from, F.year_to]).fetchone()[0]
    monkeypatch.setattr(clerk_export, "XLSX_MAX_ROWS", n_long)  # a sheet one row too small for the long table
    at = open_page(make_app(demo_db), "download.py", **URL)
    assert at.button(key="mk_cells_long_xlsx").disabled
    assert not at.button(key="mk_cells_long_csv").disabled and not at.button(key="mk_cells_long_parquet").disabled
    assert not at.button(key="mk_reports_wide_xlsx").disabled
    assert any("超过 Excel 单个工作表的上限" in w.value and "CSV 或 Parquet" in w.value for w in at.warning)


@pytest.mark.parametrize(("file", "title"), [(p[0], p[1]) for p in PAGES], ids=PAGE_IDS)
def test_page_renders_on_a_bulk_loaded_warehouse_without_sources_or_cells(make_app, fastpath_db, file, title):
    at = open_page(make_app(fastpath_db), file)
    assert [t.value for t in at.title] == [title]
    assert not at.error


def test_a_warehouse_from_an_older_gongkai_asks_for_the_upgrade_then_shows(make_app, tmp_path):
    """Read-only app, older schema: a Chinese message naming the upgrade command — not a traceback;
    after that command (`python -m warehouse init`) the same data shows."""
    from warehouse_fixture import build_warehouse

    from warehouse.connect import ensure_warehouse, open_writer
    from warehouse.schema import MIGRATIONS

    db = tmp_path / "old.duckdb"
    build_warehouse(db, agencies=4, years=range(2022, 2024))
    last = MIGRATIONS[-1][0]
    with open_writer(db) as w:  # as an older gongkai left it: without the newest migration
        w.con.execute("DELETE FROM _migrations WHERE version = ?", [last])
        w.publish()
    at = open_page(make_app(db), "quality.py")
    assert not at.exception
    assert any("python -m warehouse init" in e.value for e in at.error)
    ensure_warehouse(db)
    at = open_page(make_app(db), "quality.py")
    assert not at.exception and not at.error
    assert [t.value for t in at.title] == ["数据质量"]


def test_quality_lists_parse_uncertain_cells_with_their_candidate_readings(make_app, tmp_path, seed_report):
    from loaders.parse import parse_file
    from warehouse.connect import open_reader, open_writer
    from warehouse.store import write_report

    src = tmp_path / "ambiguous.txt"
    src.write_text(seed_report.read_text(encoding="utf-8").replace("行政规范性文件\t0\t0\t0", "行政规范性文件\t693665", 1),
                   encoding="utf-8")
    db = tmp_path / "w.duckdb"
    with open_writer(db) as w:
        write_report(w.con, parse_file(src), src.read_bytes(), files_dir=w.layout.files)
        w.publish()
    at = open_page(make_app(db), "quality.py")
    shown = frame_with(at, "涉及单元格", "可能的读法")
    con = open_reader(db)
    expected = queries.parse_uncertain(con, Filters())
    con.close()
    assert shown["可能的读法"].tolist() == expected["candidates"].tolist()
    row = shown[shown["涉及单元格"].str.contains("normative_doc.issued", regex=False)].iloc[0]
    assert "69 | 3 | 665" in row["可能的读法"].split("；")


def test_agency_tables_mark_numbers_not_read_from_their_own_cell(make_app, tmp_path, seed_report):
    """The seed prints 8 numbers for table 三's 7 columns on most rows: each number kept from such a
    row is marked ※ and the notes list says how it was read; plainly read cells carry no mark."""
    from dashboard.views.agency import READ_MARK
    from loaders.parse import parse_file
    from loaders.parse.tables import NOTE_EXTRA
    from warehouse.connect import open_writer
    from warehouse.store import write_report

    report = parse_file(seed_report)
    noted = {k for k, c in report.cells.items() if c.note and c.value is not None}
    assert noted and all(k.startswith("t3.") for k in noted)
    db = tmp_path / "w.duckdb"
    with open_writer(db) as w:
        write_report(w.con, report, seed_report.read_bytes(), files_dir=w.layout.files)
        w.publish()
    at = open_page(make_app(db), "agency.py")
    t3 = frame_with(at, "项目", "自然人", "总计")
    marked = t3.drop(columns="项目").map(lambda v: v.endswith(READ_MARK))
    assert int(marked.to_numpy().sum()) == len(noted) and not marked.all().all()
    t2 = frame_with(at, "项目", "本年制发件数")
    assert not t2.drop(columns="项目").map(lambda v: str(v).endswith(READ_MARK)).any().any()
    notes = frame_with(at, "读取方式", "规范键")
    assert set(notes["规范键"]) == noted
    assert set(notes["读取方式"]) == {NOTE_EXTRA}
