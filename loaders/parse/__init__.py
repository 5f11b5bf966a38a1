"""Parser: Document → ParsedReport (sections, metadata, version, tables, findings).

``parse_document`` is the one entry point every later stage uses; ``parse_file`` = read + parse.
Steps, each a plain function of its own module: sections (sections.py) → metadata (metadata.py) →
format version (version.py) → row observations (rows.py) → cells of tables 二/三/四 (tables.py,
runs.py, cellvalue.py) → narrative / legacy figures → consistency findings (loaders.validate).
"""

from __future__ import annotations

import os

from ..document import Document
from ..errors import NotAnAnnualReport, ScannedDocument
from ..manifest import MANIFEST_SOURCE
from ..model import Finding, Meta, ParsedReport
from ..spec import INFO, LEGACY, PARSE, SOURCE, cell_keys
from ..spec.rules import CELL_MISSING, PARSE_UNCERTAIN
from ..validate import validate_report
from .labels import label_index, match_form
from .ocrcheck import check_ocr_cells
from .rows import observe
from .settings import ParseSettings, resolve_settings
from .tables import build_tables, report_silent_rows
from .version import detect_version

PARSER_VERSION = "0.6.1"  # 0.6.1: table 二 prose figures through the joint decode (a figure no cut gives is no evidence; notes 由正文数字确定), numbered short t3 labels reach the unread-row guard; 0.6.0: space-aligned text tables, one joint solve for tables 三 and 四 (displaced numbers as candidates); 0.5.0: joint decoding of table 三 (CP-SAT); 0.4.3: structure findings S1–S3

_META_FIELDS = ("year", "agency", "region", "province", "city", "county", "level", "category", "publish_date")
_TABLE_NAMES = {"t2": "表二（主动公开）", "t3": "表三（依申请公开）", "t4": "表四（复议诉讼）"}


def parse_document(doc: Document, settings: ParseSettings | None = None, manifest_row: dict | None = None) -> ParsedReport:
    """One document → one validated ParsedReport with every canonical cell of its format."""
    from .legacy import legacy_figures, legacy_findings
    from .metadata import extract_metadata, is_non_report_title, report_title
    from .narrative import narrative_figures, t2_figures
    from .sections import find_sections
    from .structure import structure_findings

    settings = resolve_settings(settings)
    sections = find_sections(doc)
    meta = extract_metadata(doc, sections, manifest_row)
    year = meta["year"].value
    doc_form = match_form(doc.text())
    has_tables = has_standard_tables(doc_form)
    title = report_title(doc, sections) or doc.title
    if is_non_report_title(title) and not has_tables and not (manifest_row and manifest_row.get("format")):
        # the readers' gate passes any text quoting "年度报告"; a 函/通知 without the tables is not one
        raise NotAnAnnualReport(doc.source.name, f"标题为「{title}」（函/通知等公文，非年度报告），且无标准统计表")
    fmt_meta = detect_version(doc_form, year if isinstance(year, int) else None, has_tables)
    if manifest_row and manifest_row.get("format"):
        fmt_meta = Meta(str(manifest_row["format"]), 1.0, MANIFEST_SOURCE)
    fmt = fmt_meta.value
    report = ParsedReport(
        file=doc.source.name,
        sha256=doc.source.sha256,
        file_type=doc.source.file_type,
        format=fmt_meta,
        year=meta["year"],
        agency=meta["agency"],
        region=meta["region"],
        title=title,
        sections=sections.to_dict(),
        parser_version=PARSER_VERSION,
        doc_status=doc.status,
    )
    for f in _META_FIELDS[3:]:
        setattr(report, f, meta.get(f, Meta(None)))
    report.narrative = narrative_figures(sections)
    if fmt != LEGACY:
        # table 二 cells the prose states, by cell key: evidence for splitting digit runs
        report.narrative.update(t2_figures(sections, fmt, year if isinstance(year, int) else None))
    if fmt == LEGACY:
        report.legacy_figures = legacy_figures(doc, sections)
        report.findings.extend(legacy_findings(report.legacy_figures))
    else:
        report.findings.extend(structure_findings(sections))
        result = build_tables(observe(doc, label_index(fmt), settings), fmt, settings, report.narrative)
        report_silent_rows(doc_form, fmt, result, settings)
        report.cells.update(result.cells)
        report.findings.extend(result.findings)
        check_ocr_cells(report, settings)
        for t, name in _TABLE_NAMES.items():
            if not any(k.startswith(f"{t}.") for k in result.cells):
                report.findings.append(
                    Finding(CELL_MISSING.id, INFO, PARSE, f"未找到{name}", keys=(), where=name)
                )
    report.ensure_all_cells()
    validate_report(report)
    _drop_source_checks_on_unread_cells(report)
    return report


def _drop_source_checks_on_unread_cells(report: ParsedReport) -> None:
    """An equation over a cell we could not read (P1) says nothing about the source: the P1
    finding already names those cells, so the equation's 'source' finding is withdrawn."""
    unread = {k for f in report.findings if f.rule == PARSE_UNCERTAIN.id for k in f.keys}
    if unread:
        report.findings = [f for f in report.findings if not (f.kind == SOURCE and unread & set(f.keys))]


def has_standard_tables(doc_form: str) -> bool:
    """The document prints table 三's first rows or table 二's sub-table headers (either format)."""
    index = label_index("2021")
    t3_first = [f for r in index.rows_of("t3")[:2] for f in r.forms]
    t2_headers = [f for m in index.markers if m.table == "t2" and m.kind == "header" and m.code.startswith("art20")
                  for f in m.forms]
    return any(f in doc_form for f in t3_first) or sum(1 for f in t2_headers if f in doc_form) >= 2


def parse_file(path: str | os.PathLike, settings: ParseSettings | None = None, manifest_row: dict | None = None) -> ParsedReport:
    """Read a file (loaders.readers) and parse it. LoaderError for unreadable input; a scanned PDF
    raises ScannedDocument (no text to parse)."""
    from ..readers import read_file

    doc = read_file(path)
    if doc.status == "scanned":
        raise ScannedDocument(doc.source.name)
    return parse_document(doc, settings, manifest_row)


__all__ = ["PARSER_VERSION", "ParseSettings", "cell_keys", "parse_document", "parse_file", "resolve_settings"]
