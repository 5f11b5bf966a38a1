"""Cached questions refresh when the warehouse publishes new data (the data_version key), and
the app only ever reads (read-only snapshot connections)."""

from __future__ import annotations

from pathlib import Path

from warehouse_fixture import build_warehouse, parsed_from_record

from loaders.synth.records import generate_reports
from warehouse import queries
from warehouse.connect import Layout, data_version, open_reader, open_writer
from warehouse.filters import Filters
from warehouse.store import write_report


def _kpi(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_a_new_snapshot_is_shown_without_restarting_the_app(make_app, tmp_path: Path):
    db = tmp_path / "gongkai.duckdb"
    build_warehouse(db, agencies=6, years=range(2023, 2025), defect_rate=0.0)
    before_version = data_version(db)
    at = make_app(db).run()
    assert not at.exception
    shown_before = _kpi(at, "本年新收申请")

    # A later ingest publishes one more 2024 report (another agency of the same province).
    con = open_reader(db)
    stored = set(queries.agency_options(con, Filters())["name"])
    con.close()
    extra = next(r for r in generate_reports(40, [2024], seed=99)
                 if r.published and r.agency not in stored and r.values["t3.new_received.total"])
    rep, data = parsed_from_record(extra)
    with open_writer(db) as w:
        write_report(w.con, rep, data, files_dir=Layout.of(db).files, is_demo=True)
        w.publish()
    assert data_version(db) != before_version

    at = make_app(db).run()  # same process, same Streamlit caches: only the data version changed
    assert not at.exception
    con = open_reader(db)
    expected = queries.overview_by_year(con, Filters()).iloc[-1]["new_applications"]
    con.close()
    assert _kpi(at, "本年新收申请") == f"{expected:,.0f}"
    assert _kpi(at, "本年新收申请") != shown_before


def test_the_app_holds_no_write_lock(make_app, demo_db):
    at = make_app(demo_db).run()
    assert not at.exception
    # While the app's read-only connection is open, a writer can still publish (build-and-swap).
    with open_writer(demo_db) as w:
        w.publish()
