"""The pages' by-year questions give the same frames from the publish-time rollups as from every report,
and the pickers' search is bounded and agrees with the full agency list (real DuckDB warehouses)."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from warehouse import options, queries, rollups
from warehouse.connect import current_snapshot
from warehouse.filters import Filters

YEAR_QUESTIONS = (
    ("overview_by_year", ()), ("applications_by_year", ()), ("review_litigation_by_year", ()),
    ("correction_rates_by_year", ("decided",)), ("correction_rates_by_year", ("filed",)), ("proactive_by_year", ()),
)


def _slices(con) -> list[Filters]:
    a = queries.agency_options(con, Filters())
    row = a.dropna(subset=["city"]).iloc[len(a) // 3]
    years = sorted(queries.report_years(con, Filters())["year"])
    return [Filters(), Filters(year_from=years[1], year_to=years[-2]), Filters(provinces=(row["province"],)),
            Filters(provinces=(row["province"],), cities=(row["city"],), levels=(row["level"],)),
            Filters(categories=(row["category"],), include_demo=False),
            Filters(formats=("2021",)), Filters(counties=("没有这个县",)),
            Filters(provinces=(row["province"],), cities=(row["city"],), counties=(row["county"],)),
            Filters(provinces=(row["province"],), levels=(row["level"],), categories=(row["category"],),
                    year_from=years[-1], year_to=years[-1])]


@pytest.fixture(params=["demo_db", "fastpath_db"])
def both(request, tmp_path: Path):
    """(rollup reader, reports_wide reader): the same snapshot, the second without its rollups."""
    snap = current_snapshot(request.getfixturevalue(request.param))
    copy = tmp_path / "no_rollups.duckdb"
    shutil.copy(snap, copy)
    plain = duckdb.connect(str(copy))
    for t in rollups.TABLES:
        plain.execute(f"DROP TABLE {t}")
    rolled = duckdb.connect(str(snap), read_only=True)
    assert all(rollups.available(rolled, t) and not rollups.available(plain, t) for t in rollups.TABLES)
    yield rolled, plain
    rolled.close()
    plain.close()


def test_year_questions_equal_with_and_without_rollups(both):
    rolled, plain = both
    n_groups = rolled.execute("SELECT COUNT(*) FROM rollup_year WHERE grain = 'all'").fetchone()[0]
    n_reports = rolled.execute("SELECT COUNT(*) FROM reports WHERE is_current").fetchone()[0]
    assert 0 < n_groups < n_reports  # fewer rows to read than reports
    answered = 0
    for f in _slices(plain):
        answered += rollups.year_source(rolled, f)[0] != "reports_wide"
        for name, args in YEAR_QUESTIONS:
            got = queries.QUESTIONS[name](rolled, f, *args)
            want = queries.QUESTIONS[name](plain, f, *args)
            pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=1e-12, obj=f"{name} {f}")
        # a blank stays blank: a column nobody printed is NULL in both, never 0
        ov = queries.overview_by_year(rolled, f)
        assert ov.isna().sum().sum() == queries.overview_by_year(plain, f).isna().sum().sum()
    assert answered >= 5  # most slices read the rollup (a city with a level is asked of every report)


def test_an_agency_slice_is_asked_of_every_report(both):
    rolled, _plain = both
    one = queries.agency_options(rolled, Filters()).iloc[0]
    f = Filters(agencies=(one["name"],))
    assert not rollups.answers(f) and rollups.year_source(rolled, f)[0] == "reports_wide"


def test_agency_search_is_bounded_and_agrees_with_the_full_list(both):
    rolled, plain = both
    full = queries.agency_options(plain, Filters())
    for con in (rolled, plain):
        assert options.filter_options(con, Filters())["agencies"].sum() == len(full)
        first = options.search_agencies(con, Filters(), "", 5)
        assert len(first) == 5 and int(first["matches"].iloc[0]) == len(full)
        assert first["agency_key"].tolist() == full["agency_key"].head(5).tolist()
        assert first["agency"].tolist() == full["agency"].head(5).tolist()  # same display names
        word = full["name"].iloc[len(full) // 2][:2]
        hits = options.search_agencies(con, Filters(), word, 1000)
        expected = full[full["name"].str.contains(word, regex=False)]
        assert hits["agency_key"].tolist() == expected["agency_key"].tolist()
        row = full.dropna(subset=["city"]).iloc[-1]
        region = Filters(provinces=(row["province"],), cities=(row["city"],))
        inside = options.search_agencies(con, region, "", 10_000)
        assert set(inside["agency_key"]) == set(full[(full["province"] == row["province"]) & (full["city"] == row["city"])]["agency_key"])
        named = options.agencies_named(con, region, (row["name"], "不存在的单位"))
        assert set(named["name"]) == {row["name"]}
        # text with SQL/LIKE characters is only a value
        assert options.search_agencies(con, Filters(), "%' OR 1=1 --", 10).empty


def test_quality_switch_and_same_scope_slices_are_asked_of_every_report(both):
    """The rollups group reports by year and region, not by whether they fail R1–R4 or by agency:
    a slice leaving failing reports out, or limited to 同口径 agencies, must not be read from them."""
    rolled, plain = both
    keys = tuple(rolled.execute("SELECT DISTINCT agency_key FROM reports WHERE is_current ORDER BY 1 LIMIT 5")
                 .fetchnumpy()["agency_key"].tolist())
    failing = rolled.execute("SELECT COUNT(*) FROM findings WHERE kind = 'source'").fetchone()[0]
    for f in (Filters(leave_out_failing=True), Filters(agency_keys=keys)):
        assert not rollups.answers(f) and rollups.year_source(rolled, f)[0] == "reports_wide"
        for name, args in YEAR_QUESTIONS:
            got = queries.QUESTIONS[name](rolled, f, *args)
            want = queries.QUESTIONS[name](plain, f, *args)
            pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=1e-12, obj=f"{name} {f}")
    if failing:  # the switch really changes the figures on this warehouse, so the test could fail
        assert not queries.overview_by_year(rolled, Filters(leave_out_failing=True)).equals(
            queries.overview_by_year(rolled, Filters()))


# ---------------------------------------------------------------- per-agency questions (rollup_agency_year)


def _agency_questions(con, f: Filters) -> list[tuple[str, tuple]]:
    """(question, args) of the per-agency pages over ``f``: counts, rates in each 口径, every order and limit."""
    names = tuple(queries.agency_options(con, f)["name"].head(12))
    years = sorted(queries.report_years(con, Filters())["year"])
    out = [("outcomes_by_agency", (20,)), ("outcomes_by_agency", (3,))]
    for key, variant in (("new_applications", None), ("grant_rate", "all"), ("grant_rate", None),
                         ("correction_rate", "filed"), ("backlog_rate", None), ("review_count", None)):
        out += [("ranking", (key, variant, 10)), ("ranking", (key, variant, 3, 7)),
                ("ranking", (key, variant, 10, 5, "size")), ("ranking_counts", (key, variant)),
                ("movers", (key, variant, 10)), ("movers", (key, variant, 10, 4)),
                ("indicator_by_agency_year", (key, variant, names))]
    out += [("summary_cells", (years[-1], False)), ("summary_cells", (years[-1], True)),
            ("summary_reports", (years[-1], False)), ("summary_reports", (years[-1], True)),
            ("summary_report_counts", (years[-1], False)), ("summary_report_counts", (years[-1], True)),
            ("summary_reports", (years[-1], True, True)),
            # the marks of reports failing R1–R4 that move a figure (totals and per-report pieces)
            ("indicator_influence", (("handled", "grant_rate", "refusal_rate"),)), ("overview_influence", ()),
            ("review_influence", ("filed",)), ("region_influence", ("grant_rate", None, years[-1]))]
    return out


def _agency_slices(con) -> list[Filters]:
    keys = tuple(con.execute("SELECT DISTINCT agency_key FROM reports WHERE is_current ORDER BY 1 LIMIT 7")
                 .fetchnumpy()["agency_key"].tolist())
    one = queries.agency_options(con, Filters()).iloc[2]
    return [*_slices(con), Filters(leave_out_failing=True), Filters(agency_keys=keys),
            Filters(agency_keys=keys, leave_out_failing=True), Filters(agencies=(one["name"],)),
            Filters(provinces=(one["province"],), leave_out_failing=True, include_demo=False)]


def test_agency_questions_equal_with_and_without_rollups(both):
    """Rankings, movers, the top agencies and the yearly summary read rollup_agency_year — the same frames
    as over every report, for every slice incl. the quality switch (R1–R4 reports left out) and 同口径."""
    rolled, plain = both
    assert rolled.execute("SELECT COUNT(*) FROM rollup_agency_year").fetchone()[0] == \
        rolled.execute("SELECT COUNT(*) FROM reports WHERE is_current").fetchone()[0]
    compared = 0
    for f in _agency_slices(plain):
        assert rollups.agency_year_source(rolled, f) and not rollups.agency_year_source(plain, f)
        for name, args in _agency_questions(plain, f):
            got = queries.QUESTIONS[name](rolled, f, *args)
            want = queries.QUESTIONS[name](plain, f, *args)
            pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=1e-12, obj=f"{name}{args} {f}")
            compared += len(want) > 0
    assert compared > 100  # most questions had rows to compare
    failing = rolled.execute("SELECT COUNT(*) FROM findings WHERE kind = 'source' AND rule LIKE 'R%'").fetchone()[0]
    if failing:  # the switch really changes a per-agency figure here, so the comparison above could fail
        r_all = queries.ranking(rolled, Filters(), "new_applications")
        r_out = queries.ranking(rolled, Filters(leave_out_failing=True), "new_applications")
        assert not r_all.equals(r_out)


def test_all_versions_are_asked_of_every_report(both):
    """rollup_agency_year holds current reports only: a slice of every version is not read from it."""
    rolled, plain = both
    f = Filters(current_only=False)
    assert rollups.agency_year_source(rolled, f) is None
    pd.testing.assert_frame_equal(queries.ranking(rolled, f, "new_applications"),
                                  queries.ranking(plain, f, "new_applications"))


def test_a_limited_ranking_is_the_head_of_the_whole_one_with_its_names(both):
    """The pages ask for the first rows only: they are the whole list's first rows, display names
    included (a name shared in the slice keeps its place added though the other agency is cut off)."""
    rolled, _plain = both
    for con in both:
        whole = queries.ranking(con, Filters(), "grant_rate", "all", 10)
        head = queries.ranking(con, Filters(), "grant_rate", "all", 10, 25)
        pd.testing.assert_frame_equal(head, whole.head(25))
        counts = queries.ranking_counts(con, Filters(), "grant_rate", "all").iloc[0]
        assert counts["agencies"] == len(whole) and counts["without_value"] == whole["value"].isna().sum()
        moved = queries.movers(con, Filters(), "new_applications")
        pd.testing.assert_frame_equal(queries.movers(con, Filters(), "new_applications", None, 10, 6), moved.head(6))
    shared = rolled.execute("SELECT COUNT(*) FROM (SELECT agency FROM rollup_agencies GROUP BY agency "
                            "HAVING COUNT(*) > 1)").fetchone()[0]
    if shared:
        assert queries.ranking(rolled, Filters(), "new_applications")["agency"].str.contains("（").any()


def test_the_download_asks_the_whole_list_the_page_shows_the_head_of(demo_db, monkeypatch):
    """机构对比 and 全省汇总 show the first rows; their downloads ask the whole list on click
    (``data.later``), off the script thread, on the snapshot of the page."""
    import threading

    from dashboard import data
    from warehouse.connect import open_reader

    monkeypatch.setenv("GONGKAI_DB", str(demo_db))
    whole = data.later("ranking", Filters(), "grant_rate", "all", 10)
    report_list = data.later("summary_reports", Filters(), 2023, True)
    got: dict = {}
    t = threading.Thread(target=lambda: got.update(ranking=whole(), reports=report_list()))
    t.start()
    t.join()
    con = open_reader(demo_db)
    try:
        pd.testing.assert_frame_equal(got["ranking"], queries.ranking(con, Filters(), "grant_rate", "all", 10))
        pd.testing.assert_frame_equal(got["reports"], queries.summary_reports(con, Filters(), 2023, True))
        assert len(got["ranking"]) > 12 and len(got["reports"]) > 0
    finally:
        con.close()


def test_a_snapshot_from_before_the_agency_rollup_is_asked_of_every_report(demo_db, tmp_path: Path):
    """A snapshot published by the code before rollup_agency_year (its rollup_year without the cell
    counts, no per-agency table) still answers every per-agency question, from reports_wide."""
    copy = tmp_path / "old.duckdb"
    shutil.copy(current_snapshot(demo_db), copy)
    old = duckdb.connect(str(copy))
    try:
        old.execute("DROP TABLE rollup_agency_year")
        counts = [r[0] for r in old.execute("SELECT column_name FROM duckdb_columns() WHERE table_name = 'rollup_year' "
                                            "AND column_name LIKE 'n\\_\\_%' ESCAPE '\\'").fetchall()]
        assert counts
        for c in counts:
            old.execute(f'ALTER TABLE rollup_year DROP COLUMN "{c}"')
        assert rollups.available(old) and not rollups.counts_available(old) and not rollups.agency_year_source(old, Filters())
        new = duckdb.connect(str(current_snapshot(demo_db)), read_only=True)
        try:
            for name, args in _agency_questions(old, Filters()):
                pd.testing.assert_frame_equal(queries.QUESTIONS[name](old, Filters(), *args),
                                              queries.QUESTIONS[name](new, Filters(), *args), check_exact=False,
                                              rtol=1e-12, obj=f"{name}{args}")
        finally:
            new.close()
    finally:
        old.close()
