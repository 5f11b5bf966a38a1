"""Accuracy of the parser against hand-checked truth files (DIR/raw + DIR/truth/*.json).

Every cell is one of three things: **right** (the stored reading equals the truth, blank for
blank), **unread** (the parser stored no reading — the cell stays MISSING with its candidates — while
the truth has a number) or **wrong** (a reading was stored that differs from the truth: another
number, a number where the truth is blank, a blank/dash where the truth has a number). Unread costs
accuracy; a wrong number breaks the parser's promise, so ``evaluate`` fails on any, whatever the
accuracy.

Only ``parse_file`` output is compared — the same thing ``python -m loaders parse --json`` prints —
so an unseen corpus is measured the same way. No manifest is read here: metadata must come from
the documents themselves.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from .errors import LoaderError
from .model import ParsedReport
from .normalize import norm
from .parse import parse_file
from .spec import SOURCE, cell_keys
from .spec.values import ValueStatus

ANOMALY_RULES = ("R1", "R2", "R3", "R4")


@dataclass
class FileResult:
    file: str
    error: str = ""
    cells_total: int = 0
    cells_right: int = 0
    wrong: list[dict] = field(default_factory=list)  # a reading stored that differs from the truth
    unread: list[dict] = field(default_factory=list)  # no reading stored where the truth has a number
    format_ok: bool = False
    year_ok: bool = False
    agency_ok: bool = False
    found: dict = field(default_factory=dict)  # format/year/agency as parsed
    expected: dict = field(default_factory=dict)
    anomalies_expected: list[str] = field(default_factory=list)
    anomalies_reported: list[str] = field(default_factory=list)  # rule ids of source error findings
    anomalies_missed: list[str] = field(default_factory=list)
    false_source_errors: list[str] = field(default_factory=list)
    # legacy reports: the figures their prose/statistics state (applications_received …)
    legacy_total: int = 0
    legacy_right: int = 0
    legacy_wrong: list[dict] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.cells_right / self.cells_total if self.cells_total else 1.0

    @property
    def cells_wrong(self) -> int:
        return len(self.wrong)

    @property
    def cells_unread(self) -> int:
        return len(self.unread)

    def to_dict(self) -> dict:
        d = dict(self.__dict__)
        d["accuracy"] = self.accuracy
        d["cells_wrong"] = self.cells_wrong
        d["cells_unread"] = self.cells_unread
        return d


@dataclass
class Evaluation:
    files: list[FileResult]

    @property
    def cells_total(self) -> int:
        return sum(f.cells_total for f in self.files)

    @property
    def cells_right(self) -> int:
        return sum(f.cells_right for f in self.files)

    @property
    def cells_wrong(self) -> int:
        return sum(f.cells_wrong for f in self.files)

    @property
    def cells_unread(self) -> int:
        return sum(f.cells_unread for f in self.files)

    @property
    def cell_accuracy(self) -> float:
        return self.cells_right / self.cells_total if self.cells_total else 1.0

    def share(self, attr: str) -> float:
        return sum(1 for f in self.files if getattr(f, attr)) / len(self.files) if self.files else 1.0

    def to_dict(self) -> dict:
        return {
            "files": [f.to_dict() for f in self.files],
            "cells_total": self.cells_total,
            "cells_right": self.cells_right,
            "cell_accuracy": self.cell_accuracy,
            "cells_wrong": self.cells_wrong,
            "cells_unread": self.cells_unread,
            "format_accuracy": self.share("format_ok"),
            "year_accuracy": self.share("year_ok"),
            "agency_accuracy": self.share("agency_ok"),
            "anomalies_missed": sum(len(f.anomalies_missed) for f in self.files),
            "false_source_errors": sum(len(f.false_source_errors) for f in self.files),
            "legacy_figures_right": sum(f.legacy_right for f in self.files),
            "legacy_figures_total": sum(f.legacy_total for f in self.files),
        }


def same_value(a: object, b: object) -> bool:
    """Exact match; null must match null; 0 == 0.0 (a number's printed precision is not compared)."""
    if a is None or b is None:
        return a is None and b is None
    try:
        return abs(float(a) - float(b)) < 1e-9  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return a == b


RIGHT, UNREAD, WRONG = "right", "unread", "wrong"


def cell_outcome(found: object, status: object, expected: object) -> str:
    """right / unread / wrong for one cell. ``status`` is the parsed cell's ValueStatus (None when
    the parser has no cell): MISSING means no reading was stored; any other status is a reading
    (a number, or the claim that the source printed a blank, dash, slash or words)."""
    if same_value(found, expected):
        return RIGHT
    stored = found is not None or (status is not None and str(status) != str(ValueStatus.MISSING))
    return WRONG if stored else UNREAD


def _agency_ok(found: str | None, truth: dict) -> bool:
    if not found:
        return False
    names = [truth.get("agency") or "", *truth.get("agency_aliases", [])]
    return any(norm(found) == norm(n) for n in names if n)


def _anomaly_rule(entry: str) -> str | None:
    head = entry.strip().split()[0] if entry.strip() else ""
    return head if head in ANOMALY_RULES else None


def compare(report: ParsedReport, truth: dict) -> FileResult:
    res = FileResult(file=truth.get("file", report.file))
    fmt = str(truth.get("format"))
    res.expected = {"format": fmt, "year": truth.get("year"), "agency": truth.get("agency")}
    res.found = {"format": report.fmt, "year": report.year.value, "agency": report.agency.value}
    res.format_ok = report.fmt == fmt
    res.year_ok = report.year.value == truth.get("year")
    res.agency_ok = _agency_ok(report.agency.value, truth)
    got = report.values() if res.format_ok else {}
    expected_cells: dict = truth.get("cells") or {}
    keys = list(expected_cells) if expected_cells else list(cell_keys(fmt))
    for k in keys:
        res.cells_total += 1
        exp = expected_cells.get(k)
        val = got.get(k)
        cell = report.cells.get(k) if res.format_ok else None
        # a misread format stores its numbers under other keys: every cell counts as a wrong reading
        outcome = cell_outcome(val, cell.status if cell else None, exp) if res.format_ok else WRONG
        if outcome == RIGHT:
            res.cells_right += 1
            continue
        entry = {
            "key": k,
            "expected": exp,
            "found": val,
            "status": str(cell.status) if cell else "missing",
            "raw": cell.raw if cell else "",
            "note": cell.note if cell else "",
        }
        (res.wrong if outcome == WRONG else res.unread).append(entry)
    expected_legacy = {k: v for k, v in (truth.get("legacy_figures") or {}).items() if not k.endswith("_label")}
    for k, exp in expected_legacy.items():
        res.legacy_total += 1
        found = report.legacy_figures.get(k)
        if same_value(found, exp):
            res.legacy_right += 1
        else:
            res.legacy_wrong.append({"key": k, "expected": exp, "found": found})
    source_errors = sorted({f.rule for f in report.findings if f.kind == SOURCE and f.rule in ANOMALY_RULES})
    res.anomalies_reported = source_errors
    res.anomalies_expected = list(truth.get("source_anomalies") or [])
    expected_rules = {r for a in res.anomalies_expected if (r := _anomaly_rule(a))}
    res.anomalies_missed = sorted(expected_rules - set(source_errors))
    res.false_source_errors = sorted(set(source_errors) - expected_rules)
    return res


def _evaluate_file(path: Path, truth: dict, shown_as: str) -> FileResult:
    try:
        report = parse_file(path)
    except LoaderError as e:
        cells = truth.get("cells") or {}
        # nothing was stored: every cell is unread (a failed file never counts as right)
        unread = [{"key": k, "expected": v, "found": None, "status": "missing", "raw": "", "note": str(e)}
                  for k, v in cells.items()]
        return FileResult(file=shown_as, error=str(e), cells_total=len(cells), unread=unread)
    res = compare(report, truth)
    res.file = shown_as
    return res


def _with_truth(root: Path, suffix: str | None = None):
    raw_dir, truth_dir = root / "raw", root / "truth"
    for path in sorted(p for p in raw_dir.iterdir() if p.is_file()):
        truth_path = truth_dir / (path.stem + ".json")
        if truth_path.exists() and (suffix is None or path.suffix.lower() == suffix):
            yield path, json.loads(truth_path.read_text(encoding="utf-8"))


def evaluate_dir(root: str | Path) -> Evaluation:
    return Evaluation([_evaluate_file(path, truth, path.name) for path, truth in _with_truth(Path(root))])


# How the corpus's PDFs are turned into scans for ``evaluate_scans``: the middle of what the OCR
# issue asks the reader to survive (150–300 dpi, turned up to ±1°, sensor noise, JPEG).
SCAN_STYLE_FOR_EVALUATION = {"dpi": 200, "angle": 0.5, "noise": 6.0, "jpeg": 80}


def evaluate_scans(root: str | Path, seed: int = 1) -> Evaluation:
    """Every PDF of the corpus printed, scanned and read back through OCR: each page rasterised
    (pypdfium2), turned, noised and JPEG-compressed (``loaders.synth.scan``), saved as an image-only
    PDF under the same name in a temporary folder, parsed and scored against the same truth. Shows
    that a scan of a real report reads to its truth with no wrong number."""
    import tempfile

    from .synth.scan import ScanStyle, image_pdf, scan_pages

    style = ScanStyle(**SCAN_STYLE_FOR_EVALUATION)
    results = []
    with tempfile.TemporaryDirectory(prefix="gongkai-scans-") as tmp:
        for path, truth in _with_truth(Path(root), ".pdf"):
            scanned = Path(tmp) / path.name
            scanned.write_bytes(image_pdf(scan_pages(path.read_bytes(), style, seed=seed), dpi=style.dpi))
            results.append(_evaluate_file(scanned, truth, f"{path.name}（扫描件）"))
    return Evaluation(results)
