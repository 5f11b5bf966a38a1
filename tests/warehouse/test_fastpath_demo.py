"""Fast path bulk load and the demo warehouse (real synth CLI + real ingest, small)."""

from __future__ import annotations

from pathlib import Path

import pytest

from warehouse.connect import data_version, open_reader, open_writer
from warehouse.demo import build_demo
from warehouse.fastpath import load, n_errors_sql
from warehouse.filters import Filters
from warehouse.indicators import compute


def test_fastpath_loads_and_computes_consistency(db: Path):
    r = load(db, 700, seed=3, with_cells=True)
    assert r.n_reports == 700
    con = open_reader(db)
    assert con.execute("SELECT COUNT(*), bool_and(is_demo) FROM reports").fetchone() == (700, True)
    assert con.execute("SELECT COUNT(*) FROM cells").fetchone()[0] > 700 * 190
    # synthetic values satisfy R1–R4 and W1: nothing found
    assert con.execute("SELECT SUM(n_errors) FROM reports").fetchone()[0] == 0
    assert con.execute("SELECT COUNT(*) FROM findings WHERE rule = 'W1'").fetchone()[0] == 0
    df = compute(con, Filters(), keys=["new_applications", "grant_rate"])
    assert (df[df.indicator == "new_applications"].value > 0).all()
    con.close()
    # the consistency SQL does find a broken equation
    with open_writer(db) as w:
        w.con.execute("UPDATE report_values SET t3__new_received__total = t3__new_received__total + 1 "
                      "WHERE report_id = 5")
        broken = w.con.execute(f"SELECT report_id FROM (SELECT report_id, {n_errors_sql()} AS n FROM reports_wide) "
                               "WHERE n > 0").fetchall()
    assert broken == [(5,)]
    with pytest.raises(RuntimeError):
        load(db, 10)  # never mixes into a warehouse that has reports


@pytest.mark.slow
def test_demo_through_real_ingest_and_reuse(db: Path):
    r = build_demo(db, agencies=2, workers=2)
    assert not r.reused and r.synthetic is not None and r.synthetic.failed == 0
    con = open_reader(db)
    demo = con.execute("SELECT COUNT(*) FROM reports WHERE is_demo").fetchone()[0]
    assert demo == r.synthetic.stored > 0
    assert con.execute("SELECT bool_and(title LIKE '%示例数据%') FROM reports WHERE is_demo").fetchone()[0]
    real = con.execute("SELECT agency, year, is_demo FROM reports WHERE NOT is_demo").fetchall()
    assert real == [("三门峡经济开发区党政办公室", 2021, False)]
    assert con.execute("SELECT COUNT(*) FROM roster").fetchone()[0] > 0
    assert con.execute("SELECT COUNT(*) FROM ingest_runs").fetchone()[0] == 2
    con.close()
    version = data_version(db)
    again = build_demo(db, agencies=2, workers=2)
    assert again.reused and data_version(db) == version
