"""Review decisions: an append-only journal of atomic JSON files, folded into the warehouse as an overlay.

Why a journal and not rows written by the app: the app is read-only on published snapshots and
DuckDB allows one writer (stack-pitfalls P1). A reviewer's decision must not wait for, block or
be lost to an ingest, so it is one file ``<db>.d/decisions/<id>.json`` written under a temporary
name, fsynced and renamed (``os.replace``): after a SIGKILL it is there whole or not at all, and
two reviewers saving at once write two different files. The journal is the record; the warehouse
holds a copy of it:

* every ``Writer.publish`` (ingest, reparse, ``python -m warehouse review apply``) calls
  ``apply_review`` on its working copy — ``review_decisions`` (the journal, whole),
  ``reviewed_cells`` (the value in force per decided cell, beside the source value),
  ``review_cases`` (each report's case status) and ``reviewed_report_values`` (the wide row of
  every report with a decided cell) are rebuilt from the journal, so folding is idempotent and
  independent of how often it ran;
* readers of a snapshot that does not yet hold every journal entry get the same tables built in
  memory over the snapshot (``open_reviewed_reader``), so a decision shows at once.

Source values are never changed: ``cells`` and ``report_values`` stay as read; ``reports_wide``
(what indicators, charts and downloads read) takes a decided cell's value, ``reports_wide_source``
keeps the source-only view. Decisions attach to (document sha256, cell key): a re-parse keeps
them, and ``reviewed_cells.source_changed`` flags one whose parsed value changed since.

Undo is a new ``undo`` decision naming the one it reverts (undoing an undo restores it); the
history is the whole journal.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from loaders.spec import FORMATS, cell_keys

from .connect import Layout, open_reader

JOURNAL_DIR = "decisions"

CELL, FINDING, CASE, UNDO = "cell", "finding", "case", "undo"
KINDS = (CELL, FINDING, CASE, UNDO)

# Case statuses, in the order of the loop. 已整改 is not chosen by a clerk: a case sent back whose
# report has a newer version in the warehouse shows as 已整改（新版本已入库）.
PENDING, CONFIRMED, RETURNED, CORRECTED, RECHECKED, ARCHIVED = "待复核", "已确认", "已退回", "已整改", "已复核", "已归档"
CASE_STATUSES = (PENDING, CONFIRMED, RETURNED, CORRECTED, RECHECKED, ARCHIVED)
CORRECTED_LABEL = "已整改（新版本已入库）"

# Verdicts on a finding.
SOURCE_ERROR, READING_PROBLEM, DISMISSED = "source_error", "reading_problem", "dismissed"
VERDICTS = {SOURCE_ERROR: "源文件自身错误（应退回整改）", READING_PROBLEM: "读取问题（已更正数值）",
            DISMISSED: "不成立（已驳回）"}

# Tables and views ``apply_review`` (re)builds; a reader overlay builds them in memory.
DERIVED = ("review_decisions", "reviewed_cells", "review_cases", "reviewed_report_values", "reports_wide",
           "reviewed_findings", "review_rechecked", "findings_in_force",
           "rollup_year", "rollup_agency_year")  # warehouse.rollups: reports_wide's values, summed or per report
# (rollup_agencies holds no cell: mirrored)


class DecisionError(ValueError):
    """A decision that cannot be recorded (message in Chinese)."""


@dataclass(frozen=True)
class Decision:
    decision_id: str
    decided_at: str  # UTC ISO 8601
    reviewer: str
    kind: str  # cell | finding | case | undo
    target: str  # cell key | finding ref | case key | the decision_id an undo reverts
    sha256: str | None = None  # the source document (cell, finding; case: the version acted on)
    action: str | None = None  # cell: "number" | "blank"; finding: verdict; case: status
    value: float | None = None  # cell: the decided value (None with action "blank")
    parser_value: float | None = None  # cell: what the parser had (None = unread/blank)
    parser_status: str | None = None  # cell: cells.status when decided
    note: str = ""
    deadline: str | None = None  # case 已退回: the date the agency must answer by
    extra: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, d: dict) -> Decision:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in names})


def journal_dir(db: Path | str) -> Path:
    return Layout.of(db).home / JOURNAL_DIR


def new_id() -> str:
    """Time-ordered, unique across processes: ``20261202T184512123456Z-<12 hex>``."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ") + "-" + secrets.token_hex(6)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


_ALL_KEYS = frozenset(k for fmt in FORMATS for k in cell_keys(fmt))


def _check(d: Decision) -> None:
    if d.kind not in KINDS:
        raise DecisionError(f"未知的决定类型：{d.kind}")
    if not d.reviewer:
        raise DecisionError("决定必须记录审查员")
    if d.kind == CELL:
        if d.target not in _ALL_KEYS:
            raise DecisionError(f"不是规范单元格：{d.target}")
        if d.action not in ("number", "blank") or (d.action == "number") != (d.value is not None):
            raise DecisionError("单元格决定须为一个数值或“空白”")
        if d.value is not None and (d.value != d.value or abs(d.value) > 1e12):
            raise DecisionError("数值无效")
    if d.kind == FINDING and d.action not in VERDICTS:
        raise DecisionError("对校验发现的判断无效")
    if d.kind == CASE and d.action not in CASE_STATUSES:
        raise DecisionError("案件状态无效")
    if len(d.note) > 2000:
        raise DecisionError("说明过长（最多 2000 字）")


def record(db: Path | str, **fields_: object) -> Decision:
    """Record one decision in the journal (atomic: whole or not at all) and return it."""
    d = Decision(decision_id=new_id(), decided_at=_now(), **fields_)  # type: ignore[arg-type]
    _check(d)
    _write(journal_dir(db), d)
    return d


def _write(folder: Path, d: Decision) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    dest = folder / f"{d.decision_id}.json"
    tmp = folder / f".{d.decision_id}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(d.to_json(), f, ensure_ascii=False)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, dest)
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def undo(db: Path | str, reviewer: str, decision_id: str, note: str = "") -> Decision:
    if not any(d.decision_id == decision_id for d in load(db)):
        raise DecisionError(f"没有这条决定：{decision_id}")
    return record(db, reviewer=reviewer, kind=UNDO, target=decision_id, note=note)


def _names(db: Path | str) -> list[str]:
    try:
        return sorted(n for n in os.listdir(journal_dir(db)) if n.endswith(".json") and not n.startswith("."))
    except FileNotFoundError:
        return []


def journal_key(db: Path | str) -> str:
    """Changes whenever a decision is recorded or imported (for cache keys)."""
    names = _names(db)
    if not names:
        return "0"
    return f"{len(names)}-" + hashlib.blake2b("\n".join(names).encode(), digest_size=6).hexdigest()


def load(db: Path | str) -> list[Decision]:
    """Every decision in the journal, oldest first (temporary files of an interrupted save are not read)."""
    folder = journal_dir(db)
    out = []
    for n in _names(db):
        out.append(Decision.from_json(json.loads((folder / n).read_text(encoding="utf-8"))))
    return out


def active(decisions: list[Decision]) -> list[Decision]:
    """The decisions in force: not reverted by an undo that is itself in force."""
    undos: dict[str, list[str]] = {}
    for d in decisions:
        if d.kind == UNDO:
            undos.setdefault(d.target, []).append(d.decision_id)
    memo: dict[str, bool] = {}

    def in_force(i: str, depth: int = 0) -> bool:
        if i not in memo:
            memo[i] = depth > 100 or not any(in_force(u, depth + 1) for u in undos.get(i, ()))
        return memo[i]

    return [d for d in decisions if d.kind != UNDO and in_force(d.decision_id)]


def latest(decisions: list[Decision], kind: str) -> dict[tuple[str | None, str], Decision]:
    """The newest decision in force per (sha256, target) of one kind (cases: per target only)."""
    out: dict[tuple[str | None, str], Decision] = {}
    for d in active(decisions):
        if d.kind == kind:
            out[(None if kind == CASE else d.sha256, d.target)] = d
    return out


# Export / import (JSON and CSV): warehouse.review_file.


# ------------------------------------------------------------------------------ fold into SQL


def _frame(decisions: list[Decision]) -> pd.DataFrame:
    cols = [f.name for f in fields(Decision)]
    rows = [{**d.to_json(), "extra": json.dumps(d.extra, ensure_ascii=False)} for d in decisions]
    df = pd.DataFrame(rows, columns=cols)
    return df.astype({"value": "float64", "parser_value": "float64"})


def apply_review(con: duckdb.DuckDBPyConnection, decisions: list[Decision], *, build_rollups: bool = True) -> None:
    """(Re)build the review tables and ``reports_wide`` from the whole journal, in ``con``'s
    current catalog, and the pages' rollups over it (``build_rollups``). Idempotent; one
    transaction in a writer."""
    in_force = {d.decision_id for d in active(decisions)}
    all_df = _frame(decisions).assign(in_force=lambda df: df["decision_id"].isin(in_force) & (df["kind"] != UNDO))
    cells = _frame(list(latest(decisions, CELL).values()))
    cases = _frame(list(latest(decisions, CASE).values()))
    con.register("_rv_all", all_df)
    con.register("_rv_cells", cells)
    con.register("_rv_cases", cases)
    try:
        con.execute("""
            CREATE OR REPLACE TABLE review_decisions AS
            SELECT decision_id, CAST(decided_at AS TIMESTAMPTZ) AS decided_at, reviewer, kind, target, sha256, action,
                   value, parser_value, parser_status, note, deadline, extra, in_force
            FROM _rv_all""")
        con.execute("""
            CREATE OR REPLACE TABLE reviewed_cells AS
            SELECT r.report_id, e.sha256, e.target AS key, e.value, e.action AS value_status,
                   e.parser_value, e.parser_status, c.value AS source_value, c.status AS source_status,
                   c.raw AS source_raw, e.reviewer, CAST(e.decided_at AS TIMESTAMPTZ) AS decided_at, e.decision_id, e.note,
                   (c.status IS DISTINCT FROM e.parser_status OR c.value IS DISTINCT FROM e.parser_value) AS source_changed
            FROM _rv_cells e JOIN reports r ON r.sha256 = e.sha256
            LEFT JOIN cells c ON c.report_id = r.report_id AND c.key = e.target""")
        con.execute("""
            CREATE OR REPLACE TABLE review_cases AS
            SELECT target AS case_key, action AS status, sha256, reviewer, CAST(decided_at AS TIMESTAMPTZ) AS decided_at,
                   note, deadline, decision_id
            FROM _rv_cases""")
    finally:
        for n in ("_rv_all", "_rv_cells", "_rv_cases"):
            con.unregister(n)
    columns = [c[0] for c in con.execute("SELECT * FROM report_values LIMIT 0").description]
    value_columns = [c for c in columns if c != "report_id"]
    from .schema import key_of_column

    # Column names and key literals come from the spec (checked identifiers), never from a decision.
    # One map of decided keys per report, then one CASE per column (an aggregate per column is
    # ~10x slower to plan at 227 columns). Column names and key literals come from the spec
    # (checked identifiers), never from a decision.
    picks = ",\n".join(
        f"CASE WHEN list_contains(rc.ks, '{key_of_column(c)}') THEN rc.m['{key_of_column(c)}'] ELSE v.{c} END AS {c}"
        for c in value_columns
    )
    con.execute(f"""
        CREATE OR REPLACE TABLE reviewed_report_values AS
        SELECT v.report_id, {picks}
        FROM report_values v JOIN (
            SELECT report_id, list(key) AS ks, map(list(key), list(value)) AS m FROM reviewed_cells GROUP BY report_id
        ) rc USING (report_id)""")
    recheck(con)
    from .schema import WIDE_VIEW_DDL

    con.execute(WIDE_VIEW_DDL)
    if build_rollups:
        from . import rollups  # late: rollups builds on indicators, which builds on this package

        rollups.build(con)  # the pages' pre-aggregates follow the reviewed values (at every publish)


def recheck(con: duckdb.DuckDBPyConnection) -> None:
    """The 勾稽 equations (R1–R4) of every report with a decided cell, checked again on its values
    in force by the parser's own check (``loaders.validate.check_rules``): ``reviewed_findings``
    holds the failures, ``review_rechecked`` the counts as read and in force, and the view
    ``findings_in_force`` puts them in place of the findings as read (schema.FINDINGS_IN_FORCE_DDL).
    A decided cell that makes a failing equation hold clears it from the queue, 数据质量 and the
    notice; one that breaks an equation adds it."""
    from loaders.validate import check_rules

    from .schema import FINDINGS_IN_FORCE_DDL, key_of_column

    def rows(table: str) -> dict[int, tuple[str, dict[str, float | None]]]:
        cur = con.execute(f"SELECT r.format, v.* FROM {table} v JOIN reports r USING (report_id) "  # fixed names
                          "WHERE v.report_id IN (SELECT report_id FROM reviewed_report_values)")
        names = [key_of_column(c[0]) if c[0] not in ("format", "report_id") else c[0] for c in cur.description]
        out = {}
        for row in cur.fetchall():
            d = dict(zip(names, row, strict=True))
            out[int(d.pop("report_id"))] = (str(d.pop("format")), d)
        return out

    as_read, in_force = rows("report_values"), rows("reviewed_report_values")
    found, counts = [], []
    for rid, (fmt, values) in in_force.items():
        failing = check_rules(fmt, values) if fmt in FORMATS else []
        before = check_rules(fmt, as_read[rid][1]) if fmt in FORMATS and rid in as_read else []
        counts.append((rid, len(before), len(failing)))
        found += [(rid, f.rule, f.severity, f.kind, "report", list(f.keys), json.dumps(f.expected), json.dumps(f.found),
                   f.message, f.where) for f in failing]
    con.execute("CREATE OR REPLACE TABLE reviewed_findings (report_id BIGINT, rule VARCHAR, severity VARCHAR, "
                'kind VARCHAR, scope VARCHAR, keys VARCHAR[], expected VARCHAR, found VARCHAR, message VARCHAR, "where" VARCHAR)')
    con.execute("CREATE OR REPLACE TABLE review_rechecked (report_id BIGINT, n_errors_as_read INTEGER, "
                "n_errors_in_force INTEGER)")
    # One INSERT … SELECT from a registered frame each (executemany is a statement per row).
    for table, rows_, cols in (("reviewed_findings", found, ["report_id", "rule", "severity", "kind", "scope", "keys",
                                                             "expected", "found", "message", "where"]),
                               ("review_rechecked", counts, ["report_id", "n_errors_as_read", "n_errors_in_force"])):
        if rows_:
            con.register("_rv_rows", pd.DataFrame(rows_, columns=cols))
            try:
                con.execute(f"INSERT INTO {table} SELECT * FROM _rv_rows")  # fixed names
            finally:
                con.unregister("_rv_rows")
    con.execute(FINDINGS_IN_FORCE_DDL)


def fold_journal(con: duckdb.DuckDBPyConnection, db: Path | str) -> None:
    """The writer's step at every publish: the journal, whole, into the working copy."""
    con.execute("BEGIN TRANSACTION")
    try:
        apply_review(con, load(db))
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def _folded_ids(con: duckdb.DuckDBPyConnection) -> set[str] | None:
    try:
        return {r[0] for r in con.execute("SELECT decision_id FROM review_decisions").fetchall()}
    except duckdb.CatalogException:
        return None  # a warehouse from before migration 005


def open_reviewed_reader(db: Path | str) -> duckdb.DuckDBPyConnection:
    """A read-only view of the current snapshot with every journal decision applied.

    When the snapshot already holds the whole journal this is ``open_reader``. Otherwise an
    in-memory database attaches the snapshot read-only, mirrors each of its tables, views and
    macros by name, and builds the review tables over them (the snapshot file is not written).
    Cursors of the returned connection see the same (P2: one cursor per query).
    """
    decisions = load(db)
    con = open_reader(db)
    folded = _folded_ids(con)
    if folded is None or folded == {d.decision_id for d in decisions}:
        return con
    snap = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()[0]
    con.close()
    mem = duckdb.connect(":memory:")
    mem.execute("ATTACH ? AS snap (READ_ONLY)", [snap])
    for (name,) in mem.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = 'snap' AND schema_name = 'main' "
        "UNION ALL SELECT view_name FROM duckdb_views() WHERE database_name = 'snap' AND schema_name = 'main' "
        "AND NOT internal").fetchall():
        if name not in DERIVED:
            mem.execute(f'CREATE VIEW "{_ident(name)}" AS SELECT * FROM snap.main."{_ident(name)}"')
    for name, ftype, params, body in mem.execute(
        "SELECT function_name, function_type, parameters, macro_definition FROM duckdb_functions() "
        "WHERE database_name = 'snap' AND schema_name = 'main' AND function_type IN ('macro', 'table_macro')").fetchall():
        table = "TABLE " if ftype == "table_macro" else ""
        mem.execute(f'CREATE MACRO "{_ident(name)}"({", ".join(_ident(p) for p in params)}) AS {table}{body}')
    # The rollups are left out (DERIVED, not mirrored): until the next publish folds these decisions in,
    # the pages ask reports_wide itself — right at once, instead of re-aggregating a national
    # warehouse in the app after every decision.
    apply_review(mem, decisions, build_rollups=False)
    return mem


def _ident(name: str) -> str:
    if '"' in name or "\x00" in name:
        raise ValueError(f"unexpected identifier {name!r}")
    return name
