"""Round trip: parse_file(render(record)) gives back the truth, for every renderer and both formats,
and every injected defect the documents can show is found by the checks.

The sample holds, for each format (2019 trial, 2021), one report carrying each defect kind a
document can show plus defect-free small and large reports. Real files are written by the real
libraries (fpdf2, python-docx) and read by the project's real readers and parser.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from loaders.evaluate import RIGHT, UNREAD, WRONG, cell_outcome
from loaders.parse import parse_file
from loaders.spec import SOURCE
from loaders.spec.values import ValueStatus
from loaders.synth import generate_reports
from loaders.synth.render import RENDERERS
from loaders.synth.truth import write_report

# Defects a single document shows (W1 is cross-year, late/missing are about publication).
pytestmark = pytest.mark.slow

DOCUMENT_DEFECTS = ("R1", "R2", "R3", "R4", "blank", "dash", "split_number", "missing_table", "W4")
BLANK_WAYS = ("legal_zeros", "totals_only", "total_column")
# Renderers whose cell boundaries survive: every cell must come back exactly.
# Space-aligned text keeps them too: a word's position under the header is its column (layout_text);
# the paged renderers put a page footer, the running header and the repeated table header mid-table.
EXACT = ("html-cms", "html-word", "pdf", "docx", "txt-tsv", "txt-lines", "txt-pipe", "txt-layout",
         "txt-layout-paged", "txt-lines-paged")
# Renderers that lose blank cells' columns (blank cells gone): a row with blanks may stay unread —
# a table 三 printing only its 总计 column leaves one number per row and nothing says which column
# it is in — but no wrong number may be stored.
BLANKS_LOST = ("txt-lines-gone", "txt-label-apart")


def _kind(d: dict) -> str:
    return f"{d['kind']}:{d['way']}" if "way" in d else d["kind"]


def _sample() -> list:
    kinds = [k for k in DOCUMENT_DEFECTS if k != "blank"] + [f"blank:{w}" for w in BLANK_WAYS]
    wanted = {(fmt, kind) for fmt in ("2019", "2021") for kind in kinds}
    picked, clean = [], {"2019": [], "2021": []}
    for rec in generate_reports(agencies=80, years="2020-2021", seed=11, defect_rate=0.6):
        kinds = [_kind(d) for d in rec.defects]
        key = (rec.format, kinds[0]) if kinds else None
        if key in wanted:
            wanted.discard(key)
            picked.append(rec)
        elif not kinds and len(clean[rec.format]) < 2 and (
            not clean[rec.format] or rec.clean_values["t3.new_received.total"] > 100
        ):
            clean[rec.format].append(rec)
    assert not wanted, f"sample misses {sorted(wanted)}"
    return picked + clean["2019"] + clean["2021"]


SAMPLE = _sample()


@pytest.fixture(scope="module")
def parsed(tmp_path_factory) -> dict:
    """(renderer, report_id) → (record, ParsedReport or the exception parse_file raised)."""
    out: Path = tmp_path_factory.mktemp("synth_roundtrip")
    results = {}
    for rec in SAMPLE:
        for renderer in RENDERERS:
            row = write_report(out, rec, renderer)
            try:
                results[(renderer, rec.report_id)] = (rec, parse_file(out / "raw" / row["file"]))
            except Exception as e:  # recorded; the tests below fail with it
                results[(renderer, rec.report_id)] = (rec, e)
    return results


def _reports(parsed: dict, renderer: str):
    for (name, _), (rec, rep) in parsed.items():
        if name == renderer:
            assert not isinstance(rep, Exception), f"{renderer}: parse_file raised {rep!r}"
            yield rec, rep


@pytest.mark.parametrize("renderer", EXACT)
def test_every_cell_comes_back(parsed, renderer):
    wrong = []
    formats = set()
    for rec, rep in _reports(parsed, renderer):
        formats.add(rec.format)
        assert rep.fmt == rec.format, (rec.report_id, rep.fmt)
        got = rep.values()
        wrong += [(rec.report_id, k, got.get(k), v) for k, v in rec.values.items() if got.get(k) != v]
    assert formats == {"2019", "2021"}
    assert wrong == [], f"{renderer}: {len(wrong)} cells differ, e.g. {wrong[:5]}"


@pytest.mark.parametrize("renderer", EXACT)
def test_metadata_comes_back(parsed, renderer):
    for rec, rep in _reports(parsed, renderer):
        assert rep.year.value == rec.year
        assert rep.agency.value in (rec.agency, rec.short_name), (rec.report_id, rep.agency.value)
        assert (rep.level.value, rep.category.value) == (rec.level, rec.category), rec.report_id


@pytest.mark.parametrize("renderer", EXACT)
def test_injected_defects_are_found(parsed, renderer):
    for rec, rep in _reports(parsed, renderer):
        source_rules = {f.rule for f in rep.findings if f.kind == SOURCE}
        for d in rec.defects:
            kind = d["kind"]
            if kind in ("R1", "R2", "R3", "R4", "W4"):
                assert kind in source_rules, (renderer, rec.report_id, d, source_rules)
            elif kind in ("blank", "dash"):
                want = {ValueStatus.BLANK} if kind == "blank" else {ValueStatus.DASH}
                assert all(rep.cells[k].status in want for k in d["keys"]), (renderer, rec.report_id, kind)
            elif kind == "missing_table":
                keys = [k for k in rec.values if k.startswith(d["table"] + ".")]
                assert all(rep.cells[k].status == ValueStatus.MISSING for k in keys), (renderer, rec.report_id)
        if not rec.defects:
            assert not any(f.rule.startswith("R") for f in rep.findings if f.kind == SOURCE), (
                renderer, rec.report_id, [f.message for f in rep.findings])


def test_crawler_text_never_invents_a_number(parsed):
    """Flattened runs lose cell boundaries and blank cells: a cell may come back unread (None) when
    the run is ambiguous, but a reading that comes back must be the printed one (a number for a
    number, blank for blank: evaluate's outcomes)."""
    read = total = 0
    wrong = []
    for rec, rep in _reports(parsed, "txt-crawler"):
        for k, v in rec.values.items():
            total += 1
            cell = rep.cells.get(k)
            outcome = cell_outcome(rep.value(k), cell.status if cell else None, v)
            read += outcome == RIGHT
            if outcome == WRONG:
                wrong.append((rec.report_id, k, rep.value(k), v))
    assert wrong == [], wrong[:5]
    # Cells right: 4,379 / 5,174 (0.846) on parser 0.6.x (3,785 of them numbers, the rest blanks
    # read as blank; "3,785 / 5,174" when this test was written counted the numbers only). The 795
    # cells left are ones the text does not decide (issue 12's note, cause by cause): 463 table 三
    # cells of tables whose blank cells vanished (every applicant column obeys the same equations,
    # so without the blanks' places a reading shifted into another column adds up just as well),
    # 214 table 二 cells (no equation inside a report), 60 table 四 cells (two cuts keep every group
    # sum and the prose's total), 58 cells of rows whose every cut breaks their own sum (the
    # source's R3/R4 error: each of their cells may be the misprinted one, so nothing cuts them).
    # The wrong number issue 4 recorded here (a run cut by its row sum alone) is no longer stored.
    assert read / total > 0.84


@pytest.mark.parametrize("renderer", BLANKS_LOST)
def test_text_losing_blank_cells_stores_no_wrong_number(parsed, renderer):
    """Blank cells gone (one cell per line without empty lines, space-aligned columns, numbers on
    the line under their label): a row with blanks loses its columns, so it may stay unread; a
    reading stored must be the printed one (blank for blank)."""
    read = total = 0
    wrong = []
    for rec, rep in _reports(parsed, renderer):
        for k, v in rec.values.items():
            total += 1
            cell = rep.cells.get(k)
            outcome = cell_outcome(rep.value(k), cell.status if cell else None, v)
            read += outcome == RIGHT
            if outcome == WRONG:
                wrong.append((rec.report_id, k, rep.value(k), v))
    assert wrong == [], wrong[:5]
    assert read / total > 0.9  # this sample is rich in blank-cell defects (4,723 / 5,174 read when written)


@pytest.mark.parametrize("renderer", ("txt-crawler", *BLANKS_LOST))
def test_every_unread_cell_has_a_finding_with_its_cause(parsed, renderer):
    """A cell the parser leaves unread is never silently absent: a P1 finding covers it and says why
    (the run's cuts, blank cells lost, a sum no cut keeps) — the review queue's work list."""
    silent = []
    for rec, rep in _reports(parsed, renderer):
        covered = {k: f.message for f in rep.findings if f.rule == "P1" for k in f.keys}
        for k, v in rec.values.items():
            cell = rep.cells.get(k)
            if cell_outcome(rep.value(k), cell.status if cell else None, v) != UNREAD:
                continue
            # the last guard's "标签后有数字，但未能读取为该行各列" counts too: txt-label-apart rows of two
            # numbers for seven columns ("0 0" under 1.属于国家秘密, zero legal-person cells blank) are
            # not taken as that row's numbers at all — unread either way, the text does not place them
            causes = ("拆分", "读法", "空白", "合计", "对齐", "未能读取为该行各列")
            if k not in covered or not any(w in covered[k] for w in causes):
                silent.append((rec.report_id, k, covered.get(k)))
    assert silent == [], silent[:5]
