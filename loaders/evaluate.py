"""Accuracy of the parser against hand-checked truth files (DIR/raw + DIR/truth/*.json).

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

ANOMALY_RULES = ("R1", "R2", "R3", "R4")


@dataclass
class FileResult:
    file: str
    error: str = ""
    cells_total: int = 0
    cells_right: int = 0
    wrong: list[dict] = field(default_factory=list)
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

    def to_dict(self) -> dict:
        d = dict(self.__dict__)
        d["accuracy"] = self.accuracy
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
        if same_value(val, exp):
            res.cells_right += 1
        else:
            cell = report.cells.get(k)
            res.wrong.append({
                "key": k,
                "expected": exp,
                "found": val,
                "status": str(cell.status) if cell else "missing",
                "raw": cell.raw if cell else "",
                "note": cell.note if cell else "",
            })
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


def evaluate_dir(root: str | Path) -> Evaluation:
    root = Path(root)
    raw_dir, truth_dir = root / "raw", root / "truth"
    results: list[FileResult] = []
    for path in sorted(p for p in raw_dir.iterdir() if p.is_file()):
        truth_path = truth_dir / (path.stem + ".json")
        if not truth_path.exists():
            continue
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        try:
            report = parse_file(path)
        except LoaderError as e:
            total = len(truth.get("cells") or {})
            results.append(FileResult(file=path.name, error=str(e), cells_total=total))
            continue
        results.append(compare(report, truth))
    return Evaluation(results)
