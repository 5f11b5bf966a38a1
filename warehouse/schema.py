"""The warehouse schema: ordered migrations recorded in ``_migrations``, and the wide table.

Static DDL lives in ``warehouse/sql/NNN_*.sql``; the wide per-report table ``report_values`` is
generated from ``loaders.spec`` (one DOUBLE column per canonical cell key of any format) so a new
key in the spec becomes a new column without hand-written DDL.

Wide column naming: the canonical key with every ``.`` replaced by ``__`` — e.g.
``t3.new_received.total`` → ``t3__new_received__total``. Keys are lower-case ASCII with
underscores, so the result is a plain SQL identifier that needs no quoting. ``wide_column`` and
``key_of_column`` convert both ways.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from loaders.spec import FORMATS, cell_keys


def agency_key(agency: object, province: object = None, city: object = None) -> str | None:
    """The identity of an agency across reports: ``province|city|agency``.

    The name alone is not enough — districts of the same name exist in many cities (鼓楼区 …).
    ``AGENCY_KEY_SQL`` is the same expression in SQL.
    """
    if agency is None or agency == "":
        return None
    return f"{province or ''}|{city or ''}|{agency}"


AGENCY_KEY_SQL = "CASE WHEN agency IS NULL THEN NULL ELSE coalesce(province, '') || '|' || coalesce(city, '') || '|' || agency END"


def wide_column(key: str) -> str:
    """Canonical cell key → column name in ``report_values`` / ``reports_wide``."""
    col = key.replace(".", "__")
    if not col.replace("_", "").isalnum() or not col.isascii():
        raise ValueError(f"cell key {key!r} does not map to a safe column name")
    return col


def key_of_column(column: str) -> str:
    return column.replace("__", ".")


def all_cell_keys() -> tuple[str, ...]:
    """The union of canonical keys over every format, in spec order (2019's first, then 2021's new)."""
    seen: dict[str, None] = {}
    for fmt in FORMATS:
        for k in cell_keys(fmt):
            seen.setdefault(k, None)
    return tuple(seen)


WIDE_KEYS: tuple[str, ...] = all_cell_keys()
WIDE_COLUMNS: tuple[str, ...] = tuple(wide_column(k) for k in WIDE_KEYS)


def _sql_file(name: str) -> str:
    return (Path(__file__).parent / "sql" / name).read_text(encoding="utf-8")


def _wide_ddl() -> str:
    cols = ",\n    ".join(f"{c} DOUBLE" for c in WIDE_COLUMNS)
    return f"CREATE TABLE IF NOT EXISTS report_values (\n    report_id BIGINT PRIMARY KEY,\n    {cols}\n);"


# The dashboard-facing wide view: report dimensions + one column per cell key. Readers filter on
# reports columns (see warehouse.filters) and aggregate the value columns (see warehouse.indicators).
# An inner join (every report has its values row, written in the same transaction) lets DuckDB
# reorder and push filters through it — about twice as fast as a LEFT JOIN at 100k reports.
_SOURCE_WIDE_VIEW_DDL = """
CREATE OR REPLACE VIEW reports_wide AS
SELECT r.*, v.* EXCLUDE (report_id)
FROM reports r JOIN report_values v USING (report_id);
"""

# From migration 005 on, ``reports_wide`` takes a reviewer's decided value for a decided cell
# (``reviewed_report_values`` holds the whole wide row of each such report, rebuilt by
# warehouse.review at every publish); ``reports_wide_source`` keeps the values as read.
WIDE_VIEW_DDL = """
CREATE OR REPLACE VIEW reports_wide_source AS
SELECT r.*, v.* EXCLUDE (report_id)
FROM reports r JOIN report_values v USING (report_id);
CREATE OR REPLACE VIEW reports_wide AS
SELECT r.*, v.* EXCLUDE (report_id)
FROM reports r JOIN (
    SELECT * FROM report_values WHERE report_id NOT IN (SELECT report_id FROM reviewed_report_values)
    UNION ALL BY NAME
    SELECT * FROM reviewed_report_values
) v USING (report_id);
"""


def _hard_rules() -> tuple[str, ...]:
    from loaders.spec import sum_checks

    return tuple(sorted({c.rule for fmt in FORMATS for c in sum_checks(fmt)}))


# The findings in force (migration 009): the hard-rule findings of a report with a decided cell
# are those of its values in force (``reviewed_findings``, warehouse.review), every other finding
# as read. Rule ids are spec literals. Rebuilt by warehouse.review with the rest of the overlay.
FINDINGS_IN_FORCE_DDL = f"""
CREATE OR REPLACE VIEW findings_in_force AS
SELECT * FROM findings
WHERE NOT (kind = 'source' AND rule IN ({", ".join(f"'{r}'" for r in _hard_rules())})
           AND report_id IN (SELECT report_id FROM review_rechecked))
UNION ALL BY NAME
SELECT * FROM reviewed_findings;
"""

MIGRATIONS: tuple[tuple[int, str, str], ...] = (
    (1, "core tables", _sql_file("001_core.sql")),
    (2, "views", _sql_file("002_views.sql")),
    (3, "wide table from loaders.spec", _wide_ddl() + _SOURCE_WIDE_VIEW_DDL),
    (4, "candidate readings of parse-uncertain findings", _sql_file("004_finding_candidates.sql")),
    (5, "review decisions overlay", _sql_file("005_review.sql")),
    (6, "intake: deadlines, roster deadline classes, confirmed matches", _sql_file("006_intake.sql")),
    (7, "cells decided by an adjacent year", _sql_file("007_cross_year_cells.sql")),
    (8, "roster edits: former names and edit history", _sql_file("008_roster_edits.sql")),
    (9, "findings on the values in force", _sql_file("009_findings_in_force.sql") + FINDINGS_IN_FORCE_DDL),
)


def applied_migrations(con: duckdb.DuckDBPyConnection) -> list[int]:
    con.execute(
        "CREATE TABLE IF NOT EXISTS _migrations (version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMP)"
    )
    return [r[0] for r in con.execute("SELECT version FROM _migrations ORDER BY version").fetchall()]


def sync_wide_columns(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Add a column for any spec key the wide table lacks (spec grew since the table was made)."""
    have = {
        r[0]
        for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'report_values'"
        ).fetchall()
    }
    added = [c for c in WIDE_COLUMNS if c not in have]
    for c in added:  # c comes from wide_column(), a checked identifier — never user input
        con.execute(f"ALTER TABLE report_values ADD COLUMN {c} DOUBLE")
    con.execute(WIDE_VIEW_DDL)  # derived, cheap: always the current definition
    return added


def pending_migrations(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Migrations a warehouse (any connection, read-only too) has not had yet: an older gongkai
    wrote it. ``python -m warehouse init --db FILE`` (or any ingest) applies them."""
    try:
        done = {r[0] for r in con.execute("SELECT version FROM _migrations").fetchall()}
    except duckdb.CatalogException:
        done = set()
    return [v for v, _, _ in MIGRATIONS if v not in done]


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply pending migrations in order, each in its own transaction. Returns those applied."""
    done = set(applied_migrations(con))
    applied = []
    for version, name, sql in MIGRATIONS:
        if version in done:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(sql)
            con.execute("INSERT INTO _migrations VALUES (?, ?, now())", [version, name])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        applied.append(version)
    sync_wide_columns(con)
    return applied
