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
