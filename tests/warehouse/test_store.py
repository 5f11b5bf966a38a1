"""write_report: idempotence by content hash, versions, atomicity, and the snapshot swap."""

from __future__ import annotations

from pathlib import Path

import pytest
from wh_helpers import make_report

from loaders.model import CellValue
from loaders.spec import ValueStatus, cell_keys
from warehouse.connect import NotAWarehouse, WriterBusy, data_version, open_reader, open_writer, source_file
from warehouse.store import REPARSED, STORED, UNCHANGED, write_report

TABLES = ("source_documents", "reports", "cells", "findings", "report_values", "report_sections")


def _dump(con) -> dict[str, list]:
    return {t: con.execute(f"SELECT * EXCLUDE ({'ingested_at' if t == 'source_documents' else 'report_id'}) "
                           f"FROM {t} ORDER BY ALL").fetchall() if t != "reports" else
            con.execute("SELECT * FROM reports ORDER BY report_id").fetchall() for t in TABLES}


def test_same_file_twice_changes_nothing(db: Path):
    r, data = make_report("a.txt", {"t3.new_received.total": 7})
    with open_writer(db) as w:
        first = write_report(w.con, r, data, files_dir=w.layout.files)
        before = _dump(w.con)
        again = write_report(w.con, r, data, files_dir=w.layout.files)
        assert (first.status, again.status) == (STORED, UNCHANGED)
        assert again.report_id == first.report_id
        assert _dump(w.con) == before
        w.publish()
    con = open_reader(db)
    # every canonical key is stored, a blank stays blank (NULL), never 0
    n_cells = con.execute("SELECT COUNT(*) FROM cells").fetchone()[0]
    assert n_cells == len(cell_keys("2021"))
    status = dict(con.execute("SELECT key, status FROM cells").fetchall())
    assert status["t3.new_received.total"] == "number" and status["t3.carried_over.total"] == "missing"
    # the original is kept content-addressed and can be handed out
    stored = con.execute("SELECT stored_path FROM source_documents").fetchone()[0]
    assert source_file(db, stored).read_bytes() == data


def test_new_file_same_agency_year_is_a_new_version(db: Path):
    old, d1 = make_report("v1.txt", {"t3.new_received.total": 7}, publish_date="2024-01-20")
    new, d2 = make_report("v2.txt", {"t3.new_received.total": 9}, publish_date="2024-03-01")
    other, d3 = make_report("x.txt", {"t3.new_received.total": 1}, agency="乙局")
    with open_writer(db) as w:
        # stored newest first: versions follow publication dates, not arrival order
        write_report(w.con, new, d2, files_dir=w.layout.files)
        write_report(w.con, old, d1, files_dir=w.layout.files)
        write_report(w.con, other, d3, files_dir=w.layout.files)
        w.publish()
    con = open_reader(db)
    rows = con.execute("SELECT agency, version, n_versions, is_current, t3__new_received__total "
                       "FROM reports_wide ORDER BY agency, version").fetchall()
    assert rows == [("乙局", 1, 1, True, 1.0), ("示例市人民政府", 1, 2, False, 7.0), ("示例市人民政府", 2, 2, True, 9.0)]
    f = con.execute("SELECT rule, scope, keys, message FROM findings").fetchall()
    assert len(f) == 1 and f[0][0] == "V1" and f[0][1] == "version"
    assert f[0][2] == ["t3.new_received.total"]  # the one cell that changed
    assert "第2版" in f[0][3]


def test_reparse_keeps_id_and_replaces_reading(db: Path):
    r, data = make_report("a.txt", {"t3.new_received.total": 7})
    with open_writer(db) as w:
        first = write_report(w.con, r, data, files_dir=w.layout.files)
        r.cells["t3.new_received.total"] = CellValue(8, ValueStatus.NUMBER, "8")
        again = write_report(w.con, r, data, files_dir=w.layout.files, replace=True)
        assert again.status == REPARSED and again.report_id == first.report_id
        assert w.con.execute("SELECT t3__new_received__total FROM report_values").fetchall() == [(8.0,)]
        assert w.con.execute("SELECT COUNT(*) FROM reports").fetchone()[0] == 1


def test_a_report_is_stored_whole_or_not_at_all(db: Path):
    good, d1 = make_report("good.txt", {"t3.new_received.total": 7})
    bad, d2 = make_report("bad.txt", {"t3.new_received.total": 3}, agency="乙局")
    # A value that cannot be stored as a number fails in the middle of the write (after the
    # report row and before the cells): the whole report must vanish with the transaction.
    bad.cells["t3.carried_over.total"] = CellValue("not a number", ValueStatus.NUMBER, "x")  # type: ignore[arg-type]
    with open_writer(db) as w:
        write_report(w.con, good, d1, files_dir=w.layout.files)
        with pytest.raises(ValueError):
            write_report(w.con, bad, d2, files_dir=w.layout.files)
        counts = {t: w.con.execute(f"SELECT COUNT(DISTINCT {'sha256' if t == 'source_documents' else 'report_id'}) "
                                   f"FROM {t}").fetchone()[0] for t in TABLES if t != "report_sections"}
        assert counts == {"source_documents": 1, "reports": 1, "cells": 1, "findings": 0, "report_values": 1}
        # and the writer goes on: the same report, fixed, stores fine
        bad.cells["t3.carried_over.total"] = CellValue(0, ValueStatus.NUMBER, "0")
        assert write_report(w.con, bad, d2, files_dir=w.layout.files).status == STORED


def test_snapshot_swap_readers_keep_their_snapshot(db: Path):
    r1, d1 = make_report("a.txt", {"t3.new_received.total": 1})
    r2, d2 = make_report("b.txt", {"t3.new_received.total": 2}, agency="乙局")
    with open_writer(db) as w:
        write_report(w.con, r1, d1, files_dir=w.layout.files)
        v1 = w.publish(reopen=True)
        old_reader = open_reader(db)
        # a second writer is refused while the first holds the lock
        with pytest.raises(WriterBusy), open_writer(db):
            pass
        write_report(w.con, r2, d2, files_dir=w.layout.files)
        # unpublished writes are invisible; readers open fine while the writer is open
        assert open_reader(db).execute("SELECT COUNT(*) FROM reports").fetchone()[0] == 1
        v2 = w.publish()
    assert v1 != v2 == data_version(db)
    assert old_reader.execute("SELECT COUNT(*) FROM reports").fetchone()[0] == 1  # its snapshot is immutable
    assert open_reader(db).execute("SELECT COUNT(*) FROM reports").fetchone()[0] == 2
    # <db> itself is a plain DuckDB file holding the current snapshot (for other tools)
    import duckdb

    assert duckdb.connect(str(db), read_only=True).execute("SELECT COUNT(*) FROM reports").fetchone()[0] == 2


def test_never_overwrites_a_foreign_file(tmp_path: Path):
    foreign = tmp_path / "mine.duckdb"
    foreign.write_bytes(b"somebody else's data")
    with pytest.raises(NotAWarehouse), open_writer(foreign):
        pass
    assert foreign.read_bytes() == b"somebody else's data"


def test_old_snapshots_collected_while_a_reader_still_reads_one(db: Path):
    r1, d1 = make_report("a.txt", {"t3.new_received.total": 1})
    with open_writer(db) as w:
        write_report(w.con, r1, d1, files_dir=w.layout.files)
        w.publish(reopen=True)
        reader = open_reader(db)
        first = reader.execute("SELECT COUNT(*) FROM cells").fetchone()[0]
        for i in range(4):  # more publishes than snapshots kept: the reader's file is unlinked
            r, d = make_report(f"n{i}.txt", {"t3.new_received.total": i}, agency=f"局{i}")
            write_report(w.con, r, d, files_dir=w.layout.files)
            w.publish(reopen=True)
    snaps = list((Path(str(db) + ".d") / "snapshots").glob("snap-*.duckdb"))
    assert len(snaps) == 3
    # the open connection keeps reading its (now unlinked) snapshot, whole and unchanged
    assert reader.execute("SELECT COUNT(*) FROM cells").fetchone()[0] == first
    assert reader.execute("SELECT COUNT(*) FROM reports_wide").fetchone()[0] == 1
    assert open_reader(db).execute("SELECT COUNT(*) FROM reports").fetchone()[0] == 5


def test_a_crashed_writers_working_copy_is_resumed_and_an_unreadable_one_discarded(db: Path):
    from warehouse.connect import Layout

    r1, d1 = make_report("a.txt", {"t3.new_received.total": 1})
    r2, d2 = make_report("b.txt", {"t3.new_received.total": 2}, agency="乙局")
    with open_writer(db) as w:
        write_report(w.con, r1, d1, files_dir=w.layout.files)
        w.publish(reopen=True)
        write_report(w.con, r2, d2, files_dir=w.layout.files)
        w.con.close()  # the writer "dies": its working copy holds b.txt, unpublished
        w.con = None
    with open_writer(db) as w:
        assert w.resumed
        assert w.con.execute("SELECT COUNT(*) FROM reports").fetchone()[0] == 2
        w.con.close()
        w.con = None
    lay = Layout.of(db)
    lay.work.write_bytes(b"\0" * 100)  # a leftover no DuckDB can open (e.g. a disk error)
    with open_writer(db) as w:
        assert not w.resumed
        assert w.con.execute("SELECT COUNT(*) FROM reports").fetchone()[0] == 1  # the published state
        w.publish()
    assert open_reader(db).execute("SELECT COUNT(*) FROM reports").fetchone()[0] == 1


def test_parse_uncertain_cells_keep_their_candidate_readings(db: Path, seed_report: Path, tmp_path: Path):
    """A digit run the parser cannot cut (no sums in table 二): the warehouse keeps the readings it
    listed, and the data-quality query shows them for the clerk to compare with the original."""
    from loaders.parse import parse_file
    from warehouse import queries
    from warehouse.filters import Filters

    text = seed_report.read_text(encoding="utf-8").replace("行政规范性文件\t0\t0\t0", "行政规范性文件\t693665", 1)
    src = tmp_path / "ambiguous.txt"
    src.write_text(text, encoding="utf-8")
    rep = parse_file(src)
    p1 = next(f for f in rep.findings if f.rule == "P1" and "t2.art20_1.normative_doc.issued" in f.keys)
    assert [69, 3, 665] in p1.candidates and rep.value("t2.art20_1.normative_doc.issued") is None
    with open_writer(db) as w:
        write_report(w.con, rep, src.read_bytes(), files_dir=w.layout.files)
        w.publish()
    con = open_reader(db)
    df = queries.parse_uncertain(con, Filters())
    row = df[df["cells"].str.contains("t2.art20_1.normative_doc.issued", regex=False)].iloc[0]
    readings = row["candidates"].split("；")
    assert "69 | 3 | 665" in readings and "6 | 93 | 665" in readings
    assert len(readings) == len(p1.candidates)
    assert queries.readings_text('[[1, null], [null, 2.5]]') == "1 | 空白；空白 | 2.5"
