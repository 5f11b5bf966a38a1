"""Cross-year findings (W1, W2, W3) and the agencies dimension, computed in the warehouse."""

from __future__ import annotations

from pathlib import Path

from wh_helpers import make_report

from warehouse import derive
from warehouse.connect import open_reader, open_writer
from warehouse.store import write_report


def _store(db: Path, reports) -> None:
    with open_writer(db) as w:
        for r, d in reports:
            write_report(w.con, r, d, files_dir=w.layout.files)
        derive.refresh(w.con)
        derive.refresh(w.con)  # recomputed from scratch: running it twice changes nothing
        w.publish()


def test_w1_continuity_per_agency(db: Path):
    _store(db, [
        make_report("a22", {"t3.carry_forward.total": 4, "t3.carry_forward.natural_person": 4}, year=2022),
        make_report("a23", {"t3.carried_over.total": 5, "t3.carried_over.natural_person": 4}, year=2023),
        # the same name in another city is another agency: no comparison across them
        make_report("b23", {"t3.carried_over.total": 99}, year=2023, city="示例第2市"),
        # continuity holds for this one
        make_report("c22", {"t3.carry_forward.total": 2}, year=2022, agency="丙局"),
        make_report("c23", {"t3.carried_over.total": 2}, year=2023, agency="丙局"),
    ])
    con = open_reader(db)
    rows = con.execute("SELECT r.agency, r.city, r.year, f.rule, f.keys, f.expected, f.found, f.message "
                       "FROM findings f JOIN reports r USING (report_id)").fetchall()
    assert len(rows) == 1
    agency, city, year, rule, keys, expected, found, message = rows[0]
    assert (agency, city, year, rule) == ("示例市人民政府", "示例市", 2023, "W1")
    assert keys == ["t3.carried_over.total", "t3.carry_forward.total"]
    assert (float(expected), float(found)) == (4.0, 5.0)
    assert "2022年“结转下年度继续办理”为 4" in message
    assert con.execute("SELECT COUNT(*) FROM agencies").fetchone()[0] == 3


def test_w2_and_w3_across_years(db: Path):
    _store(db, [
        make_report("r19", {"t2.art20_5.admin_license.prev_year_items": 10, "t2.art20_5.admin_license.change": 2},
                    year=2019, fmt="2019"),
        make_report("r20", {"t2.art20_5.admin_license.prev_year_items": 13}, year=2020, fmt="2019"),
        make_report("r21", {"t2.art20_1.regulation.in_force": 10}, year=2021),
        make_report("r22", {"t2.art20_1.regulation.in_force": 11, "t2.art20_1.regulation.issued": 2,
                            "t2.art20_1.regulation.repealed": 1}, year=2022),
        make_report("r23", {"t2.art20_1.regulation.in_force": 15, "t2.art20_1.regulation.issued": 2}, year=2023),
    ])
    con = open_reader(db)
    rows = con.execute("SELECT r.year, f.rule, f.expected, f.found FROM findings f JOIN reports r USING (report_id) "
                       "ORDER BY r.year").fetchall()
    assert [(y, rule, float(e), float(f)) for y, rule, e, f in rows] == [(2020, "W3", 12.0, 13.0),
                                                                         (2023, "W2", 13.0, 15.0)]
