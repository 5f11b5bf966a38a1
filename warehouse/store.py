"""Store one parsed report: whole or not at all (one transaction per report).

``write_report`` is the only way a report enters the warehouse — the ingest CLI, the demo and the
tests all call it. It keeps the original file content-addressed under the warehouse's files
directory, and is idempotent by content hash: the same bytes again change nothing.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import os
from collections.abc import Iterable, Sequence
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
    n_versions: int = 1  # versions of its (agency, year) once this report was stored
    has_findings: bool = False


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def stored_path_for(sha256: str, file_type: str | None) -> str:
    ext = (file_type or "bin").lower().strip(".") or "bin"
    return f"{sha256[:2]}/{sha256}.{ext}"


def save_original(files_dir: Path, sha256: str, file_type: str | None, data: bytes, *, sync: bool = True) -> str:
    """Write the original bytes content-addressed (atomically); return the relative stored path.

    ``sync=False`` leaves the flush to the caller (``sync_files``), who syncs a whole batch at once."""
    rel = stored_path_for(sha256, file_type)
    dest = files_dir / rel
    if dest.exists() and dest.stat().st_size == len(data):
        return rel
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        if sync:
            os.fsync(f.fileno())
    os.replace(tmp, dest)
    return rel


def sync_files(files_dir: Path, rels: Sequence[str]) -> None:
    """Make a batch's originals durable before the transaction that names them commits.

    One ``syncfs`` of the files' file system (Linux) instead of an fsync per file: a batch of
    hundreds of originals costs one flush. Elsewhere, each of the batch's files is fsynced."""
    fd = os.open(files_dir, os.O_RDONLY)
    try:
        if _syncfs is not None and _syncfs(fd) == 0:
            return
    finally:
        os.close(fd)
    for rel in rels:
        with open(files_dir / rel, "rb") as f:
            os.fsync(f.fileno())


def _load_syncfs():
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return None


_syncfs = _load_syncfs()


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


@dataclass(frozen=True)
class ToStore:
    """One parsed report and the bytes (or path) of its source, as ``write_reports`` takes them."""

    report: ParsedReport
    source: bytes | str | Path
    origin: str | None = None
    is_demo: bool = False


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
    """Store one report: ``write_reports`` with a batch of one."""
    return write_reports(con, [ToStore(report, source, origin, is_demo)], files_dir=files_dir, run_id=run_id,
                         replace=replace)[0]


def write_reports(
    con: duckdb.DuckDBPyConnection,
    items: Sequence[ToStore],
    *,
    files_dir: Path | str,
    run_id: int | None = None,
    replace: bool = False,
) -> list[StoreResult]:
    """Store a batch of reports and their source files in one transaction: all of them or none.

    * Same content hash already stored (or earlier in the batch) and ``replace`` false →
      ``UNCHANGED``, nothing written.
    * ``replace`` true (re-parse) → the report keeps its id and ingest order; its cells, findings
      and metadata are replaced by the new reading.
    * Another report for the same (agency, year) → versions are renumbered by publication date
      (then ingest order); the newest is current; each later version carries a V1 finding.

    Every table gets one bulk insert per batch (Arrow), so the writer's cost per report is a
    share of a few statements and of one commit, not ~10 statements and a commit of its own.
    """
    files_dir = Path(files_dir)
    prepared = []
    for it in items:
        data = Path(it.source).read_bytes() if isinstance(it.source, (str, Path)) else bytes(it.source)
        sha = sha256_of(data)
        if it.report.sha256 and it.report.sha256 != sha:
            raise ValueError(f"{it.report.file}: report.sha256 does not match the source bytes")
        prepared.append((it, data, sha))
    if not prepared:
        return []
    # Written before the transaction: content-addressed, so a crash leaves at worst an unused file.
    rels = [save_original(files_dir, sha, it.report.file_type, data, sync=len(prepared) == 1)
            for it, data, sha in prepared]
    if len(prepared) > 1:
        sync_files(files_dir, rels)

    con.execute("BEGIN TRANSACTION")
    try:
        results = _write_batch(con, prepared, rels, run_id=run_id, replace=replace)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return results


def _write_batch(con, prepared, rels, *, run_id, replace) -> list[StoreResult]:
    shas = [sha for _, _, sha in prepared]
    existing = {sha: (rid, seq) for sha, rid, seq in con.execute(
        "SELECT sha256, report_id, ingest_seq FROM reports WHERE sha256 IN (SELECT unnest(?::VARCHAR[]))",
        [shas]).fetchall()}
    next_id, next_seq = con.execute(
        "SELECT COALESCE(MAX(report_id), 0) + 1, COALESCE(MAX(ingest_seq), 0) + 1 FROM reports").fetchall()[0]
    plan: list[tuple[str, int, int, ToStore, bytes, str, str] | tuple[str, int]] = []
    seen: dict[str, int] = {}
    reparsed_ids: list[int] = []
    new_docs: list[tuple[ToStore, bytes, str, str]] = []
    for (it, data, sha), rel in zip(prepared, rels, strict=True):
        if sha in seen or (sha in existing and not replace):
            plan.append((UNCHANGED, seen.get(sha) or existing[sha][0]))
            continue
        if sha in existing:
            report_id, ingest_seq = existing[sha]
            status = REPARSED
            reparsed_ids.append(report_id)
        else:
            report_id, ingest_seq = next_id, next_seq
            next_id += 1
            next_seq += 1
            status = STORED
            new_docs.append((it, data, sha, rel))
        seen[sha] = report_id
        plan.append((status, report_id, ingest_seq, it, data, sha, rel))
    written = [p for p in plan if p[0] != UNCHANGED]
    if not written:
        return [StoreResult(UNCHANGED, p[1]) for p in plan]

    old_groups: set[tuple[str, int]] = set()
    if reparsed_ids:
        old_groups = {(k, y) for k, y in con.execute(
            "SELECT agency_key, year FROM reports WHERE report_id IN (SELECT unnest(?::BIGINT[]))",
            [reparsed_ids]).fetchall()}
        for table in ("cells", "report_sections", "findings", "report_values", "reports"):
            con.execute(f"DELETE FROM {table} WHERE report_id IN (SELECT unnest(?::BIGINT[]))",  # fixed names
                        [reparsed_ids])
        by_sha = {p[5]: p[3].report for p in written if p[0] == REPARSED}
        _insert_arrow_sql(con, "UPDATE source_documents SET parser_version = u.parser_version, "
                               "doc_status = u.doc_status FROM {t} u WHERE source_documents.sha256 = u.sha256",
                          pa.table({"sha256": list(by_sha), "parser_version": [r.parser_version for r in by_sha.values()],
                                    "doc_status": [r.doc_status for r in by_sha.values()]}))
    if new_docs:
        _insert_arrow_sql(
            con,
            "INSERT INTO source_documents SELECT sha256, name, origin, file_type, size_bytes, stored_path, "
            "now()::TIMESTAMP, run_id, parser_version, doc_status, is_demo FROM {t} ON CONFLICT (sha256) DO NOTHING",
            pa.table({
                "sha256": [sha for _, _, sha, _ in new_docs],
                "name": [Path(it.report.file).name or it.report.file for it, _, _, _ in new_docs],
                "origin": [it.origin or it.report.file for it, _, _, _ in new_docs],
                "file_type": [it.report.file_type for it, _, _, _ in new_docs],
                "size_bytes": pa.array([len(data) for _, data, _, _ in new_docs], pa.int64()),
                "stored_path": [rel for _, _, _, rel in new_docs],
                "run_id": pa.array([run_id] * len(new_docs), pa.int64()),
                "parser_version": [it.report.parser_version for it, _, _, _ in new_docs],
                "doc_status": [it.report.doc_status for it, _, _, _ in new_docs],
                "is_demo": [it.is_demo for it, _, _, _ in new_docs],
            }),
        )
    rows = _BatchRows()
    for _status, report_id, ingest_seq, it, _data, sha, _rel in written:
        rows.add(it.report, report_id, ingest_seq, sha, it.is_demo)
    rows.insert(con)

    group_of = {p[1]: (report_key(p[3].report), _int(p[3].report.year.value)) for p in written}
    sizes = _renumber_groups(con, (set(group_of.values()) | old_groups))
    ids = [p[1] for p in written]
    versions = dict(con.execute(
        "SELECT report_id, version FROM reports WHERE report_id IN (SELECT unnest(?::BIGINT[]))", [ids]).fetchall())
    # n_versions as a one-by-one write would have seen it: the group's size once this report was in
    # (so the first of several versions arriving in one batch still counts as the first).
    later_new = {g: sum(1 for p in written if p[0] == STORED and group_of[p[1]] == g) for g in sizes}
    out = []
    for p in plan:
        if p[0] == UNCHANGED:
            out.append(StoreResult(UNCHANGED, p[1]))
            continue
        g = group_of[p[1]]
        n = sizes.get(g, 1)
        if p[0] == STORED and g in later_new:
            later_new[g] -= 1
            n -= later_new[g]
        out.append(StoreResult(p[0], p[1], versions[p[1]], n, has_findings=bool(p[3].report.findings)))
    return out


def report_key(report: ParsedReport) -> str | None:
    return agency_key(_str(report.agency.value), _str(report.province.value), _str(report.city.value))


class _BatchRows:
    """The rows of every table for a batch of reports, built column-wise and inserted with one
    statement per table.

    ``add`` only collects each report's objects (its cell values in long-form key order, its
    findings); ``insert`` turns them into Arrow columns once per batch, one list comprehension per
    column — no per-cell row objects."""

    def __init__(self) -> None:
        self.reports: list[list] = []
        self.cell_ids: list[int] = []  # report_id of each long-form cell row
        self.cell_keys: list[str] = []
        self.cell_values: list = []  # CellValue, or None where the parser never met the key (missing)
        self.wide_index: list[int] = []  # each cell row's column in report_values (-1: none)
        self.wide_rows: list[int] = []  # first cell row of each report, in report order
        self.wide_ids: list[int] = []
        self.sections: dict[str, list] = {f.name: [] for f in _SECTIONS_SCHEMA}
        self.finding_ids: list[int] = []
        self.findings: list = []

    def add(self, report: ParsedReport, report_id: int, ingest_seq: int, sha: str, is_demo: bool) -> None:
        fmt = report.fmt
        findings = report.findings
        n_errors = sum(1 for f in findings if f.kind == SOURCE and f.severity == ERROR)
        n_warnings = sum(1 for f in findings if f.kind == SOURCE and f.severity != ERROR)
        n_parse = sum(1 for f in findings if f.kind == PARSE)
        fmt_keys, known, fmt_wide = _format_keys(fmt)
        consistency_ok = (n_errors == 0) if fmt_keys else None
        meta = {f: getattr(report, f).to_dict() for f in META_FIELDS}
        self.reports.append([
            report_id, sha, ingest_seq,
            _str(report.agency.value), report_key(report), _str(report.region.value), _str(report.province.value),
            _str(report.city.value), _str(report.county.value), _str(report.level.value),
            _str(report.category.value), _int(report.year.value), _str(fmt), _date(report.publish_date.value),
            report.title, 1, 1, True,
            is_demo, report.parser_version, report.doc_status, n_errors, n_warnings, n_parse, consistency_ok,
            _json(meta), _json(report.narrative or {}), _json(report.legacy_figures or {}),
        ])
        # Cells, long form: every canonical key of the format (keys the parser never met are MISSING),
        # then the report's other keys in its own order.
        cells = report.cells
        extra = cells.keys() - known
        keys = fmt_keys + tuple(k for k in cells if k in extra) if extra else fmt_keys
        self.wide_rows.append(len(self.cell_keys))
        self.wide_ids.append(report_id)
        self.cell_ids.extend([report_id] * len(keys))
        self.cell_keys.extend(keys)
        self.cell_values.extend(map(cells.get, keys))
        self.wide_index.extend(fmt_wide)
        if extra:
            self.wide_index.extend(_WIDE_INDEX.get(k, -1) for k in keys[len(fmt_keys):])
        for section, text in (report.sections or {}).items():
            self.sections["report_id"].append(report_id)
            self.sections["section"].append(section)
            self.sections["text"].append(text)
        self.finding_ids.extend([report_id] * len(findings))
        self.findings.extend(findings)

    def insert(self, con: duckdb.DuckDBPyConnection) -> None:
        if self.reports:
            cols = list(zip(*self.reports, strict=True))
            _insert_arrow(con, "reports", pa.table([pa.array(c, t) for c, t in zip(cols, _REPORTS_SCHEMA.types,
                                                                                    strict=True)],
                                                   schema=_REPORTS_SCHEMA))
        cs = self.cell_values
        values = [None if c is None or c.value is None else float(c.value) for c in cs]
        if cs:
            _insert_arrow(con, "cells", pa.table({
                "report_id": self.cell_ids,
                "key": self.cell_keys,
                "value": values,
                "status": ["missing" if c is None else str(c.status) for c in cs],
                "raw": [None if c is None else c.raw for c in cs],
                "unit": [None if c is None else c.unit for c in cs],
                "note": [None if c is None else (c.note or None) for c in cs],
                "location": [c.loc.describe() if c is not None and c.loc else None for c in cs],
            }, schema=_CELLS_SCHEMA))
        if self.wide_ids:
            # Wide form: one column per canonical key, NULL unless a number was printed — the long
            # form's numbers moved to their columns.
            grid = [[None] * len(self.wide_ids) for _ in WIDE_KEYS]
            ends = [*self.wide_rows[1:], len(cs)]
            for row, (start, end) in enumerate(zip(self.wide_rows, ends, strict=True)):
                for col, v in zip(self.wide_index[start:end], values[start:end], strict=True):
                    if v is not None and col >= 0:
                        grid[col][row] = v
            _insert_arrow_sql(con, f"INSERT INTO report_values (report_id, {', '.join(WIDE_COLUMNS)}) SELECT * FROM {{t}}",
                              pa.table([pa.array(self.wide_ids, pa.int64())] + [pa.array(c, pa.float64()) for c in grid],
                                       names=["report_id", *WIDE_COLUMNS]))
        if self.sections["report_id"]:
            _insert_arrow(con, "report_sections", pa.table(self.sections, schema=_SECTIONS_SCHEMA))
        fs = self.findings
        if fs:
            _insert_arrow(con, "findings", pa.table({
                "report_id": self.finding_ids,
                "rule": [f.rule for f in fs],
                "severity": [f.severity for f in fs],
                "kind": [f.kind for f in fs],
                "scope": ["report"] * len(fs),
                "keys": [list(f.keys) for f in fs],
                "expected": [_json(f.expected) for f in fs],
                "found": [_json(f.found) for f in fs],
                "message": [f.message for f in fs],
                "where": [f.where for f in fs],
                "related_report_id": [None] * len(fs),
                "candidates": [_json(f.candidates) if f.candidates else None for f in fs],
            }, schema=FINDINGS_SCHEMA))


@functools.cache
def _format_keys(fmt: str | None) -> tuple[tuple[str, ...], frozenset[str], tuple[int, ...]]:
    """A format's canonical cell keys in table order, as a set, and each key's column in report_values."""
    keys = cell_keys(fmt) if fmt else ()
    return keys, frozenset(keys), tuple(_WIDE_INDEX.get(k, -1) for k in keys)


_WIDE_INDEX = {k: i for i, k in enumerate(WIDE_KEYS)}
_S, _I, _B = pa.string(), pa.int32(), pa.bool_()
_REPORTS_SCHEMA = pa.schema([
    ("report_id", pa.int64()), ("sha256", _S), ("ingest_seq", pa.int64()), ("agency", _S), ("agency_key", _S),
    ("region", _S), ("province", _S), ("city", _S), ("county", _S), ("level", _S), ("category", _S),
    ("year", _I), ("format", _S), ("publish_date", pa.date32()), ("title", _S), ("version", _I),
    ("n_versions", _I), ("is_current", _B), ("is_demo", _B), ("parser_version", _S), ("doc_status", _S),
    ("n_errors", _I), ("n_warnings", _I), ("n_parse_issues", _I), ("consistency_ok", _B), ("meta", _S),
    ("narrative", _S), ("legacy_figures", _S),
])
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
    _insert_arrow_sql(con, f"INSERT INTO {table} SELECT * FROM {{t}}", data)  # fixed table names only


def _insert_arrow_sql(con: duckdb.DuckDBPyConnection, sql: str, data: pa.Table) -> None:
    """Run ``sql`` (fixed text; ``{t}`` names the registered Arrow table) over ``data``."""
    name = "_in_batch"
    con.register(name, data)
    try:
        con.execute(sql.format(t=name))
    finally:
        con.unregister(name)


def _insert_findings(con: duckdb.DuckDBPyConnection, rows: list[dict]) -> None:
    if rows:
        cols = {f.name: [r[f.name] for r in rows] for f in FINDINGS_SCHEMA}
        _insert_arrow(con, "findings", pa.table(cols, schema=FINDINGS_SCHEMA))


def _renumber_groups(con: duckdb.DuckDBPyConnection,
                     groups: Iterable[tuple[str | None, int | None]]) -> dict[tuple[str, int], int]:
    """Renumber the versions of every (agency, year) a batch touched; returns each group's size.

    Most groups hold one report: those are set to version 1 of 1 in one statement; only groups
    with several versions go through ``_renumber_versions`` one by one."""
    keys = [(k, y) for k, y in groups if k is not None and y is not None]
    if not keys:
        return {}
    counts = con.execute(
        "SELECT g.k, g.y, count(r.report_id) FROM (SELECT unnest(?::VARCHAR[]) AS k, unnest(?::INTEGER[]) AS y) g "
        "LEFT JOIN reports r ON r.agency_key = g.k AND r.year = g.y GROUP BY g.k, g.y",
        [[k for k, _ in keys], [y for _, y in keys]],
    ).fetchall()
    single = [(k, y) for k, y, n in counts if n == 1]
    if single:
        ids = [r[0] for r in con.execute(
            "SELECT r.report_id FROM reports r JOIN (SELECT unnest(?::VARCHAR[]) AS k, unnest(?::INTEGER[]) AS y) g "
            "ON r.agency_key = g.k AND r.year = g.y", [[k for k, _ in single], [y for _, y in single]]).fetchall()]
        con.execute("UPDATE reports SET version = 1, n_versions = 1, is_current = TRUE "
                    "WHERE report_id IN (SELECT unnest(?::BIGINT[])) AND NOT (version = 1 AND n_versions = 1 AND is_current)",
                    [ids])
        con.execute("DELETE FROM findings WHERE scope = 'version' AND report_id IN (SELECT unnest(?::BIGINT[]))", [ids])
    for k, y, n in sorted(counts):
        if n > 1:
            _renumber_versions(con, k, y)
    return {(k, y): n for k, y, n in counts}


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
