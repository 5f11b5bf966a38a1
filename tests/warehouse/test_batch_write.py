"""Batched writes: a batch is one transaction, batches equal one-by-one writes, a report the
warehouse refuses fails alone and the rest of its batch is stored."""

from __future__ import annotations

from pathlib import Path

import pytest
from wh_helpers import make_report, seed_variants

from loaders.model import CellValue
from loaders.spec import ValueStatus
from loaders.synth import generate_reports
from loaders.synth.truth import write_report
from warehouse.connect import open_reader, open_writer
from warehouse.ingest import Parsed, RunSummary, _Storer, ingest
from warehouse.store import STORED, UNCHANGED, ToStore, write_reports

TABLES = ("source_documents", "reports", "cells", "findings", "report_values", "report_sections")


def _counts(con) -> dict[str, int]:
    return {t: con.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in TABLES}


def _bad(name: str, agency: str):
    r, d = make_report(name, {"t3.new_received.total": 3}, agency=agency)
    # not a number where a number must be: the insert fails in the middle of the batch
    r.cells["t3.carried_over.total"] = CellValue("not a number", ValueStatus.NUMBER, "x")  # type: ignore[arg-type]
    return r, d


def test_a_batch_is_stored_whole_or_not_at_all(db: Path):
    first, d0 = make_report("first.txt", {"t3.new_received.total": 1}, agency="甲局")
    a, d1 = make_report("a.txt", {"t3.new_received.total": 7}, agency="乙局")
    b, d2 = make_report("b.txt", {"t3.new_received.total": 8}, agency="丙局")
    bad, d3 = _bad("bad.txt", "丁局")
    with open_writer(db) as w:
        write_reports(w.con, [ToStore(first, d0)], files_dir=w.layout.files)
        before = _counts(w.con)
        with pytest.raises(ValueError):
            write_reports(w.con, [ToStore(a, d1), ToStore(b, d2), ToStore(bad, d3)], files_dir=w.layout.files)
        assert _counts(w.con) == before  # nothing of the batch, everything from before
        results = write_reports(w.con, [ToStore(a, d1), ToStore(b, d2), ToStore(a, d1)], files_dir=w.layout.files)
        assert [r.status for r in results] == [STORED, STORED, UNCHANGED]  # the same bytes twice in a batch
        assert results[2].report_id == results[0].report_id
        assert w.con.execute("SELECT COUNT(*) FROM reports").fetchone()[0] == 3


def test_the_refused_report_fails_alone_and_its_batch_goes_on(db: Path):
    good = [make_report(f"g{i}.txt", {"t3.new_received.total": i}, agency=f"第{i}局") for i in range(5)]
    bad = _bad("bad.txt", "坏局")
    items = [*good[:2], bad, *good[2:]]
    with open_writer(db) as w:
        s = RunSummary(run_id=1)
        storer = _Storer(w, s, is_demo=False, replace=False, progress=None, batch_size=100, batch_seconds=3600)
        for r, d in items:
            storer.add(Parsed(r.file, r.sha256, r, d))
        storer.flush()
        assert (s.stored, s.failed) == (5, 1)
        assert s.failures[0]["file"] == "bad.txt" and s.failures[0]["reason"] == "入库失败"
        stored = {r[0] for r in w.con.execute("SELECT agency FROM reports").fetchall()}
        assert stored == {f"第{i}局" for i in range(5)}
        logged = w.con.execute("SELECT origin, outcome, reason FROM ingest_log").fetchall()
        assert logged == [("bad.txt", "failed", "入库失败")]


def _content(db: Path) -> dict[str, tuple[list[str], list[tuple]]]:
    """Every row of every table, every column but the clock's (timestamps differ run to run)."""
    con = open_reader(db)
    try:
        tables = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' ORDER BY 1").fetchall()]
        out = {}
        for t in tables:
            cols = [c for c, typ in con.execute(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? "
                "ORDER BY ordinal_position", [t]).fetchall() if not typ.startswith("TIMESTAMP")]
            select = ", ".join(f'"{c}"' for c in cols)  # names from the catalogue, not from input
            out[t] = (cols, sorted(con.execute(f'SELECT {select} FROM "{t}"').fetchall(), key=repr))
        return out
    finally:
        con.close()


def _mixed_source(out: Path, seed_text: str) -> None:
    """HTML and TXT reports of 12 agencies over 2 years, 40 % with a planted defect (findings, some
    unread cells with candidates), and 3 versions of one more report (renumbered, V1 findings)."""
    for i, rec in enumerate(generate_reports(6, [2022, 2023], seed=3, defect_rate=0.4)):
        write_report(out, rec, ("html-cms", "txt-crawler", "html-word", "txt-tsv")[i % 4])
    seed_variants(seed_text, out / "versions", 3)


def test_batches_store_exactly_what_one_by_one_writes_store(tmp_path: Path, seed_report: Path):
    src = tmp_path / "in"
    _mixed_source(src, seed_report.read_text(encoding="utf-8"))
    one = tmp_path / "one" / "w.duckdb"
    many = tmp_path / "many" / "w.duckdb"
    ingest([src], one, workers=1, batch_size=1)
    s = ingest([src], many, workers=1, batch_size=256)
    assert s.stored == 27 and s.versions_added == 2 and s.failed == 0
    a, b = _content(one), _content(many)
    # the comparison covers what a batch writes: provenance, unread cells' candidates, findings, versions
    (fcols, findings), (ccols, cells) = a["findings"], a["cells"]
    assert {t for t, (_, rows) in a.items() if rows} >= {"source_documents", "reports", "cells", "report_values",
                                                          "report_sections", "findings", "ingest_runs"}
    assert any(r[fcols.index("candidates")] for r in findings)
    assert any(r[fcols.index("scope")] == "version" for r in findings)
    assert any(r[ccols.index("location")] for r in cells)
    for t in a:
        assert a[t] == b[t], t
