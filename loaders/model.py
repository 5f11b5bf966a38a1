"""The parsed report: the domain model every stage after the parser passes along.

A ``ParsedReport`` holds metadata (each value with how it was found), one ``CellValue`` per
canonical key of its format (value, status, raw text, source location), the narrative sections,
the figures their prose states, and findings. ``to_json`` is the public ``parse --json`` shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .document import Location
from .spec import ERROR, F2019, F2021, LEGACY, SOURCE, cell_keys
from .spec.values import ValueStatus

Number = int | float


@dataclass
class Meta:
    """A metadata value with its provenance: how sure we are and where it came from."""

    value: Any
    confidence: float = 0.0  # 0–1
    source: str = ""  # e.g. "标题", "第六部分正文", "清单(manifest)", "按年份推断"

    def to_dict(self) -> dict:
        return {"value": self.value, "confidence": round(self.confidence, 3), "source": self.source}


@dataclass
class CellValue:
    value: Number | None
    status: ValueStatus
    raw: str = ""  # the source text exactly as read ("", "—", "0", "251000元" …)
    loc: Location | None = None
    unit: str | None = None  # a unit printed in the cell ("元", "万元")
    note: str = ""  # how it was read, when not plainly ("由连写数字拆分", "跨页合并" …)

    @classmethod
    def missing(cls, note: str = "") -> CellValue:
        return cls(None, ValueStatus.MISSING, "", None, None, note)

    def to_dict(self) -> dict:
        d: dict[str, Any] = {"value": self.value, "status": str(self.status), "raw": self.raw}
        if self.loc:
            d["loc"] = self.loc.to_dict()
        if self.unit:
            d["unit"] = self.unit
        if self.note:
            d["note"] = self.note
        return d


@dataclass
class Finding:
    rule: str  # R1–R4, W1–W5, P1 (parse uncertain), P2 …
    severity: str  # error | warning | info
    kind: str  # "source" (the document's own numbers) | "parse" (our reading is uncertain)
    message: str  # Chinese, for a clerk
    keys: tuple[str, ...] = ()
    expected: Any = None
    found: Any = None
    where: str = ""  # "表三「总计」列" …
    candidates: list[Any] = field(default_factory=list)  # parse-uncertain alternatives

    def to_dict(self) -> dict:
        d = {
            "rule": self.rule,
            "severity": self.severity,
            "kind": self.kind,
            "message": self.message,
            "keys": list(self.keys),
            "expected": self.expected,
            "found": self.found,
            "where": self.where,
        }
        if self.candidates:
            d["candidates"] = self.candidates
        return d

    @property
    def is_source_error(self) -> bool:
        return self.kind == SOURCE and self.severity == ERROR


@dataclass
class ParsedReport:
    file: str
    sha256: str
    file_type: str
    format: Meta  # "2019" | "2021" | "legacy"
    year: Meta
    agency: Meta
    region: Meta  # full region string, e.g. "江苏省淮安市洪泽区"
    province: Meta = field(default_factory=lambda: Meta(None))
    city: Meta = field(default_factory=lambda: Meta(None))
    county: Meta = field(default_factory=lambda: Meta(None))
    level: Meta = field(default_factory=lambda: Meta(None))  # province|city|county|township|devzone
    category: Meta = field(default_factory=lambda: Meta(None))  # spec.agencies category code
    publish_date: Meta = field(default_factory=lambda: Meta(None))  # ISO date string
    title: str | None = None
    cells: dict[str, CellValue] = field(default_factory=dict)
    sections: dict[str, str] = field(default_factory=dict)  # s1…s6 → text
    narrative: dict[str, Number] = field(default_factory=dict)  # figures stated in prose
    legacy_figures: dict[str, Any] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    parser_version: str = ""
    doc_status: str = "ok"

    @property
    def fmt(self) -> str:
        return self.format.value

    def value(self, key: str) -> Number | None:
        c = self.cells.get(key)
        return c.value if c else None

    def values(self) -> dict[str, Number | None]:
        """Every canonical key of the report's format → number or None (the truth-file shape)."""
        return {k: self.value(k) for k in cell_keys(self.fmt)}

    def ensure_all_cells(self) -> None:
        """Give every canonical key a cell; keys the parser never met are MISSING, not 0."""
        for k in cell_keys(self.fmt):
            self.cells.setdefault(k, CellValue.missing())
        if self.fmt == LEGACY:
            self.cells = {}

    def to_json(self) -> dict:
        """The public ``python -m loaders parse --json`` shape. Keep it stable."""
        meta_fields = ("format", "year", "agency", "region", "province", "city", "county", "level",
                       "category", "publish_date")
        return {
            "file": self.file,
            "sha256": self.sha256,
            "file_type": self.file_type,
            "year": self.year.value,
            "format": self.format.value,
            "agency": self.agency.value,
            "region": self.region.value,
            "level": self.level.value,
            "category": self.category.value,
            "publish_date": self.publish_date.value,
            "title": self.title,
            "meta": {f: getattr(self, f).to_dict() for f in meta_fields},
            "cells": self.values(),
            "cell_status": {k: str(self.cells[k].status) if k in self.cells else ValueStatus.MISSING.value
                            for k in cell_keys(self.fmt)},
            "cell_detail": {k: c.to_dict() for k, c in self.cells.items()},
            "narrative": self.narrative,
            "legacy_figures": self.legacy_figures,
            "sections": {k: len(v) for k, v in self.sections.items()},
            "findings": [f.to_dict() for f in self.findings],
            "parser_version": self.parser_version,
            "doc_status": self.doc_status,
        }


def empty_report(file: str, sha256: str = "", file_type: str = "", fmt: str = F2021) -> ParsedReport:
    """A report skeleton with every cell MISSING — for tests, generators and the fast path."""
    r = ParsedReport(
        file=file,
        sha256=sha256,
        file_type=file_type,
        format=Meta(fmt, 1.0, "given"),
        year=Meta(None),
        agency=Meta(None),
        region=Meta(None),
    )
    r.ensure_all_cells()
    return r


__all__ = ["F2019", "F2021", "LEGACY", "CellValue", "Finding", "Meta", "ParsedReport", "empty_report"]
