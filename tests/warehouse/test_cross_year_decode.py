"""Cross-year evidence at ingest (issue 12): a table 二 row printed as a digit run that no single
report decides is decided by the agency's neighbour years (W2 stock identity), marked
由相邻年度衔接确定, and undone when the neighbour is replaced by a version that no longer decides it.

Real files (the synth TSV renderer, one row flattened into a run as crawler text prints it), the
real parser in the real ingest, a real DuckDB file.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from loaders.synth import generate_reports
from loaders.synth.render.txt import render_tsv
from warehouse.connect import open_reader
from warehouse.ingest import ingest

AGENCY = "C01"
KEYS = ("t2.art20_1.regulation.issued", "t2.art20_1.regulation.repealed", "t2.art20_1.regulation.in_force")
# (issued, repealed, in_force) per year: the stock identity holds 2023 → 2024 with every figure read;
# 2022's row is printed as the run "3039" (3|0|39 or 30|3|9) — only 2021's stock 36 tells which.
ROWS = {2021: (5, 1, 36), 2022: (3, 0, 39), 2023: (1, 0, 40), 2024: (2, 1, 41)}


def _records() -> dict[int, object]:
    recs = {r.year: r for r in generate_reports(3, "2021-2024", seed=5, defect_rate=0.0) if r.agency_id == AGENCY}
    assert sorted(recs) == [2021, 2022, 2023, 2024]
    return recs


def _write(folder: Path, rec, row: tuple[int, int, int], flattened: bool = False, name: str = "") -> Path:
    text = render_tsv(rec)
    lines = text.split("\n")
    i = next(i for i, ln in enumerate(lines) if ln.split("\t")[0] == "规章")
    lines[i] = f"规章 {''.join(map(str, row))}" if flattened else "规章\t" + "\t".join(map(str, row))
    path = folder / (name or f"{rec.year}_{AGENCY}.txt")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _cells_2022(db: Path) -> tuple[list, list]:
    con = open_reader(db)
    cells = con.execute(
        "SELECT c.key, c.value, c.status, c.note FROM cells c JOIN reports r USING (report_id) "
        "WHERE r.year = 2022 AND r.is_current AND list_contains(?::VARCHAR[], c.key) ORDER BY c.key", [list(KEYS)]).fetchall()
    p1 = con.execute(
        "SELECT f.candidates FROM findings f JOIN reports r USING (report_id) "
        "WHERE r.year = 2022 AND f.rule = 'P1' AND list_contains(f.keys, 't2.art20_1.regulation.in_force')").fetchall()
    con.close()
    return cells, p1


def test_neighbour_year_decides_a_table2_run_and_replacing_it_undoes(tmp_path: Path):
    recs = _records()
    db = tmp_path / "wh" / "gongkai.duckdb"
    files = tmp_path / "in"

    # 2022 alone: the run has two readings and no sum inside the report decides it
    _write(files, recs[2022], ROWS[2022], flattened=True)
    ingest([files], db, workers=1)
    cells, p1 = _cells_2022(db)
    assert {c[2] for c in cells} == {"missing"} and all(c[1] is None for c in cells)
    assert len(p1) == 1 and "39" in p1[0][0] and "30" in p1[0][0]  # both readings listed

    # the neighbour years arrive: 2021's stock 36 + 3 − 0 = 39 decides 3|0|39 (and 2023 → 2024 held)
    for y in (2021, 2023, 2024):
        _write(files, recs[y], ROWS[y])
    ingest([files], db, workers=1)
    cells, p1 = _cells_2022(db)
    got = {k: (v, status) for k, v, status, _ in cells}
    assert got == {KEYS[0]: (3.0, "number"), KEYS[1]: (0.0, "number"), KEYS[2]: (39.0, "number")}
    assert all(note.startswith("由相邻年度衔接确定") and "现行有效件数逐年衔接" in note for *_, note in cells)
    assert p1 == []  # the parse-uncertain finding is settled (held aside, not lost)
    con = open_reader(db)
    wide = con.execute("SELECT t2__art20_1__regulation__in_force FROM reports_wide WHERE year = 2022").fetchone()
    con.close()
    assert wide == (39.0,)

    # 2021 is replaced by a later version whose stock (50) fits neither reading: the decision is undone
    later = dataclasses.replace(recs[2021], publish_date=recs[2021].publish_date + dt.timedelta(days=30))
    _write(files, later, (5, 1, 50), name="2021_C01_v2.txt")
    ingest([files], db, workers=1)
    cells, p1 = _cells_2022(db)
    assert {c[2] for c in cells} == {"missing"} and all(c[1] is None for c in cells)
    assert all(not (note or "").startswith("由相邻年度衔接确定") for *_, note in cells)
    assert len(p1) == 1  # the finding is back, with its readings
