"""Store one parsed report: whole or not at all (one transaction per report).

``write_report`` is the only way a report enters the warehouse — the ingest CLI, the demo and the
tests all call it. It keeps the original file content-addressed under the warehouse's files
directory, and is idempotent by content hash: the same bytes again change nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from loaders.model import ParsedReport
from loaders.spec import ERROR, PARSE, SOURCE, cell_keys
from loaders.spec.rules import VERSION_CHANGED

from .schema import WIDE_COLUMNS, WIDE_KEYS, agency_key

STORED = "stored"  # new source document, new report
UNCHANGED = "unchanged"  # same content already in the warehouse: nothing changed
REPARSED = "reparsed"  # same source, newer reading replaced the old one

META_FIELDS = ("format", "year", "agency", "region", "province", "city", "county", "level", "category",
               "publish_date")


@dataclass(frozen=True)
class StoreResult:
    status: str
    report_id: int
    version: int = 1
    n_versions: int = 1
    has_findings: bool = False


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def stored_path_for(sha256: str, file_type: str | None) -> str:
    ext = (file_type or "bin").lower().strip(".") or "bin"
    return f"{sha256[:2]}/{sha256}.{ext}"


def save_original(files_dir: Path, sha256: str, file_type: str | None, data: bytes) -> str:
    """Write the original bytes content-addressed (atomically); return the relative stored path."""
    rel = stored_path_for(sha256, file_type)
    dest = files_dir / rel
    if dest.exists() and dest.stat().st_size == len(data):
        return rel
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, dest)
    return rel


def _json(v: object) -> str | None:
    if v is None:
        return None
    return json.dumps(v, ensure_ascii=False, default=str)


def _date(v: object) -> dt.date | None:
    if v is None or v == "":
        return None
    if isinstance(v, dt.date):
        return v
    try:
        return dt.date.fromisoformat(str(v)[:10])
    except ValueError:
        return None


def _int(v: object) -> int | None:
    try:
        return int(v) if v is not None and v != "" else None
    except (TypeError, ValueError):
        return None


def _str(v: object) -> str | None:
    return None if v is None or v == "" else str(v)


def write_report(
    con: duckdb.DuckDBPyConnection,
    report: ParsedReport,
    source: bytes | str | Path,
    *,
    files_dir: Path | str,
    origin: str | None = None,
    run_id: int | None = None,
    is_demo: bool = False,
    replace: bool = False,
) -> StoreResult:
    """Store ``report`` and its source file in one transaction.

    * Same content hash already stored and ``replace`` false → ``UNCHANGED``, nothing written.
    * ``replace`` true (re-parse) → the report keeps its id and ingest order; its cells, findings
      and metadata are replaced by the new reading.
    * Another report for the same (agency, year) → versions are renumbered by publication date
      (then ingest order); the newest is current; each later version carries a V1 finding.
    """
    data = Path(source).read_bytes() if isinstance(source, (str, Path)) else bytes(source)
    sha = sha256_of(data)
    if report.sha256 and report.sha256 != sha:
        raise ValueError(f"{report.file}: report.sha256 does not match the source bytes")
    files_dir = Path(files_dir)
    # Written before the transaction: content-addressed, so a crash leaves at worst an unused file.
    rel = save_original(files_dir, sha, report.file_type, data)

    con.execute("BEGIN TRANSACTION")
    try:
        existing = con.execute("SELECT report_id, ingest_seq FROM reports WHERE sha256 = ?", [sha]).fetchone()
        if existing and not replace:
            con.execute("ROLLBACK")
            return StoreResult(UNCHANGED, existing[0])
        old_group = None
        if existing:
            report_id, ingest_seq = existing
            status = REPARSED
            old_group = con.execute("SELECT agency_key, year FROM reports WHERE report_id = ?", [report_id]).fetchone()
            _delete_report_rows(con, report_id)
            con.execute(
                "UPDATE source_documents SET parser_version = ?, doc_status = ? WHERE sha256 = ?",
                [report.parser_version, report.doc_status, sha],
            )
        else:
            report_id, ingest_seq = con.execute(
                "SELECT COALESCE(MAX(report_id), 0) + 1, COALESCE(MAX(ingest_seq), 0) + 1 FROM reports"
            ).fetchone()
            status = STORED
            con.execute(
                "INSERT INTO source_documents VALUES (?, ?, ?, ?, ?, ?, now()::TIMESTAMP, ?, ?, ?, ?) "
                "ON CONFLICT (sha256) DO NOTHING",
                [sha, Path(report.file).name or report.file, origin or report.file, report.file_type, len(data),
                 rel, run_id, report.parser_version, report.doc_status, is_demo],
            )
        _insert_report(con, report, report_id, ingest_seq, sha, is_demo)
        group = (report_key(report), _int(report.year.value))
        version, n_versions = _renumber_versions(con, *group)
        if old_group is not None and tuple(old_group) != group:
            _renumber_versions(con, *old_group)  # a re-read moved the report out of its old group
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return StoreResult(status, report_id, version, n_versions, has_findings=bool(report.findings))


def report_key(report: ParsedReport) -> str | None:
    return agency_key(_str(report.agency.value), _str(report.province.value), _str(report.city.value))


def _delete_report_rows(con: duckdb.DuckDBPyConnection, report_id: int) -> None:
    for table in ("cells", "report_sections", "findings", "report_values", "reports"):
        con.execute(f"DELETE FROM {table} WHERE report_id = ?", [report_id])  # table: fixed names


def _insert_report(
    con: duckdb.DuckDBPyConnection, report: ParsedReport, report_id: int, ingest_seq: int, sha: str, is_demo: bool
) -> None:
    fmt = report.fmt
    findings = report.findings
    n_errors = sum(1 for f in findings if f.kind == SOURCE and f.severity == ERROR)
    n_warnings = sum(1 for f in findings if f.kind == SOURCE and f.severity != ERROR)
    n_parse = sum(1 for f in findings if f.kind == PARSE)
    has_tables = bool(cell_keys(fmt))
    consistency_ok = (n_errors == 0) if has_tables else None
    meta = {f: getattr(report, f).to_dict() for f in META_FIELDS}
    con.execute(
        "INSERT INTO reports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 1, TRUE, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            report_id, sha, ingest_seq,
            _str(report.agency.value), report_key(report), _str(report.region.value), _str(report.province.value),
            _str(report.city.value), _str(report.county.value), _str(report.level.value),
            _str(report.category.value), _int(report.year.value), _str(fmt), _date(report.publish_date.value),
            report.title,
            is_demo, report.parser_version, report.doc_status, n_errors, n_warnings, n_parse, consistency_ok,
            _json(meta), _json(report.narrative or {}), _json(report.legacy_figures or {}),
        ],
    )
    # Cells, long form: every canonical key of the format (keys the parser never met are MISSING).
    fmt_keys = cell_keys(fmt)
    known = set(fmt_keys)
    keys = list(fmt_keys) + [k for k in report.cells if k not in known]
    rows: dict[str, list] = {c: [] for c in ("report_id", "key", "value", "status", "raw", "unit", "note", "location")}
    for k in keys:
        c = report.cells.get(k)
        rows["report_id"].append(report_id)
        rows["key"].append(k)
        rows["value"].append(None if c is None or c.value is None else float(c.value))
        rows["status"].append("missing" if c is None else str(c.status))
        rows["raw"].append(None if c is None else c.raw)
        rows["unit"].append(None if c is None else c.unit)
        rows["note"].append(None if c is None else (c.note or None))
        rows["location"].append(c.loc.describe() if c is not None and c.loc else None)
    if keys:
        _insert_arrow(con, "cells", pa.table(rows, schema=_CELLS_SCHEMA))
    # Wide form: one column per canonical key (NULL unless a number was printed).
    values = [None] * len(WIDE_KEYS)
    index = {k: i for i, k in enumerate(WIDE_KEYS)}
    for k, c in report.cells.items():
        if k in index and c.value is not None:
            values[index[k]] = float(c.value)
    # One row of 227 columns: bound parameters beat an Arrow registration here (~25 vs ~100 ms).
    con.execute(_WIDE_INSERT, [report_id, *values])
    if report.sections:
        _insert_arrow(
            con,
            "report_sections",
            pa.table(
                {
                    "report_id": [report_id] * len(report.sections),
                    "section": list(report.sections),
                    "text": list(report.sections.values()),
                },
                schema=_SECTIONS_SCHEMA,
            ),
        )
    if findings:
        _insert_findings(con, [
            {
                "report_id": report_id, "rule": f.rule, "severity": f.severity, "kind": f.kind, "scope": "report",
                "keys": list(f.keys), "expected": _json(f.expected), "found": _json(f.found), "message": f.message,
                "where": f.where, "related_report_id": None,
                "candidates": _json(f.candidates) if f.candidates else None,
            }
            for f in findings
        ])


_WIDE_INSERT = (
    f"INSERT INTO report_values (report_id, {', '.join(WIDE_COLUMNS)}) VALUES ({', '.join(['?'] * (len(WIDE_COLUMNS) + 1))})"
)
_CELLS_SCHEMA = pa.schema([
    ("report_id", pa.int64()), ("key", pa.string()), ("value", pa.float64()), ("status", pa.string()),
    ("raw", pa.string()), ("unit", pa.string()), ("note", pa.string()), ("location", pa.string()),
])
_SECTIONS_SCHEMA = pa.schema([("report_id", pa.int64()), ("section", pa.string()), ("text", pa.string())])
FINDINGS_SCHEMA = pa.schema([
    ("report_id", pa.int64()), ("rule", pa.string()), ("severity", pa.string()), ("kind", pa.string()),
    ("scope", pa.string()), ("keys", pa.list_(pa.string())), ("expected", pa.string()), ("found", pa.string()),
    ("message", pa.string()), ("where", pa.string()), ("related_report_id", pa.int64()),
    ("candidates", pa.string()),
])


def _insert_arrow(con: duckdb.DuckDBPyConnection, table: str, data: pa.Table) -> None:
    name = f"_in_{table}"
    con.register(name, data)
    try:
        con.execute(f"INSERT INTO {table} SELECT * FROM {name}")  # fixed table names only
    finally:
        con.unregister(name)


def _insert_findings(con: duckdb.DuckDBPyConnection, rows: list[dict]) -> None:
    if rows:
        cols = {f.name: [r[f.name] for r in rows] for f in FINDINGS_SCHEMA}
        _insert_arrow(con, "findings", pa.table(cols, schema=FINDINGS_SCHEMA))


def _renumber_versions(con: duckdb.DuckDBPyConnection, key: str | None, year: int | None) -> tuple[int, int]:
    """Order the reports of one (agency, year); newest current; V1 finding on each later version.

    Returns (version, n_versions) of the most recently stored report of the group.
    """
    if key is None or year is None:
        row = con.execute("SELECT version, n_versions FROM reports ORDER BY ingest_seq DESC LIMIT 1").fetchone()
        return (row[0], row[1]) if row else (1, 1)
    group = con.execute(
        "SELECT report_id, agency FROM reports WHERE agency_key = ? AND year = ? "
        "ORDER BY publish_date NULLS FIRST, ingest_seq",
        [key, year],
    ).fetchall()
    n = len(group)
    if n == 1:
        # The common case: the only report of its (agency, year) — inserted as version 1 of 1,
        # current; make sure of it (a re-read may have left it alone in its group).
        con.execute("UPDATE reports SET version = 1, n_versions = 1, is_current = TRUE WHERE report_id = ? "
                    "AND NOT (version = 1 AND n_versions = 1 AND is_current)", [group[0][0]])
        con.execute("DELETE FROM findings WHERE scope = 'version' AND report_id = ?", [group[0][0]])
        return 1, 1
    if n == 0:
        return 1, 1
    agency = group[-1][1]
    ids = [g[0] for g in group]
    con.execute(
        "UPDATE reports SET version = v.version, n_versions = ?, is_current = (v.version = ?) "
        "FROM (SELECT unnest(?::BIGINT[]) AS report_id, unnest(range(1, ? + 1)) AS version) v "
        "WHERE reports.report_id = v.report_id",
        [n, n, ids, n],
    )
    con.execute(
        "DELETE FROM findings WHERE scope = 'version' AND report_id IN (SELECT unnest(?::BIGINT[]))", [ids]
    )
    rule = VERSION_CHANGED
    rows = []
    for i in range(1, n):
        cur, prev = ids[i], ids[i - 1]
        changed = con.execute(
            "SELECT key FROM (SELECT * FROM cells WHERE report_id = ?) a "
            "FULL JOIN (SELECT * FROM cells WHERE report_id = ?) b USING (key) "
            "WHERE a.value IS DISTINCT FROM b.value OR a.status IS DISTINCT FROM b.status ORDER BY key",
            [cur, prev],
        ).fetchall()
        keys = [k[0] for k in changed]
        rows.append({
            "report_id": cur, "rule": rule.id, "severity": rule.severity, "kind": SOURCE, "scope": "version",
            "keys": keys[:50], "expected": None, "found": _json(len(keys)),
            "message": f"{agency}{year}年度年报第{i + 1}版（共{n}版）：与第{i}版内容不同，"
                       f"{len(keys)}个表格单元格的数值或状态有变化",
            "where": f"第{i}版 → 第{i + 1}版", "related_report_id": prev, "candidates": None,
        })
    _insert_findings(con, rows)
    last = con.execute(
        "SELECT version, n_versions FROM reports WHERE report_id = "
        "(SELECT report_id FROM reports WHERE agency_key = ? AND year = ? ORDER BY ingest_seq DESC LIMIT 1)",
        [key, year],
    ).fetchone()
    return last[0], last[1]
