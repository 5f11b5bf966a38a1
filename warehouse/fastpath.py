"""Fast path: bulk-load N synthetic reports straight into a warehouse — no rendering, no parsing.

For scale benchmarks (10k / 100k / 1M reports). The records come from ``loaders.synth.generate_wide``
(the same value model as the rendered demo reports) and go in as bulk INSERTs from Arrow, a year
of values at a time, then through the same derive step and snapshot publish as a real ingest.
Every row is 示例数据 (``is_demo``), and its source hash is a hash of the synthetic record id, not
of a file — the fast path stores no source documents and, unless ``with_cells``, no long-form cells
(a million reports × 226 keys is 2×10⁸ rows the indicator queries never read).

The consistency flag is computed, not assumed: every R1–R4 equation of ``loaders.spec.sum_checks``
becomes one SQL predicate over the wide columns.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass

import duckdb
import pandas as pd
import pyarrow as pa

from loaders.spec import FORMATS, sum_checks

from . import derive
from .connect import open_writer
from .schema import AGENCY_KEY_SQL, WIDE_COLUMNS, WIDE_KEYS, wide_column

CHUNK = 100_000
VALUE_CHUNK = 25_000  # rows of the ~230-column values per Arrow table (~45 MB)
# DuckDB's share of the build's memory (it spills to disk past it): with the Python side's year of
# values (~0.3 GB at 1M reports) the whole build stays within 2 GB
DUCKDB_MEMORY = "1GB"


@dataclass
class FastpathResult:
    n_reports: int
    seconds: float
    data_version: str


def _side(keys: tuple[str, ...]) -> tuple[str, str]:
    cols = [wide_column(k) for k in keys]
    return f"list_sum([{', '.join(cols)}])", " AND ".join(f"{c} IS NULL" for c in cols)


def n_errors_sql() -> str:
    """Per report: how many R1–R4 equations fail (checked only when each side has a number)."""
    per_format = []
    for fmt in FORMATS:
        terms = []
        for chk in sum_checks(fmt):
            lsum, lnull = _side(chk.left)
            rsum, rnull = _side(chk.right)
            terms.append(f"CASE WHEN ({lnull}) OR ({rnull}) THEN 0 WHEN abs({lsum} - {rsum}) < 1e-9 THEN 0 ELSE 1 END")
        per_format.append(f"WHEN format = '{fmt}' THEN {' + '.join(terms)}")
    return f"CASE {' '.join(per_format)} ELSE 0 END"


def load(db_path: str | os.PathLike, n_reports: int, *, seed: int = 0, with_cells: bool = False,
         replace: bool = False, memory_limit: str | None = DUCKDB_MEMORY) -> FastpathResult:
    """Bulk-load ``n_reports`` synthetic reports into the warehouse at ``db_path`` and publish.

    Memory stays bounded on any ``n_reports``: the records are made and inserted a year (values) or
    ``CHUNK`` rows (metadata) at a time (``WidePlan``), and DuckDB works within ``memory_limit``,
    spilling to the warehouse's scratch directory beyond it.
    """
    from loaders.synth.wide import WidePlan

    t0 = time.perf_counter()
    plan = WidePlan(n_reports, seed)
    with open_writer(db_path) as w:
        con = w.con
        assert con is not None
        if memory_limit:
            w.layout.scratch.mkdir(parents=True, exist_ok=True)
            con.execute(f"SET memory_limit = '{_size(memory_limit)}'")
            con.execute("SET temp_directory = ?", [str(w.layout.scratch)])
            con.execute("SET preserve_insertion_order = false")  # lets big statements stream and spill
        n_existing = con.execute("SELECT COUNT(*) FROM reports").fetchone()[0]
        if n_existing and not replace:
            raise RuntimeError(f"{db_path}: 数据库已有 {n_existing} 份报告；快速导入只用于新库（或 replace=True）")
        # Each statement commits on its own: one transaction over a million rows keeps them all in
        # memory until the end (3.1 GB peak at 1M against 1.1 GB). Readers never see a partial load
        # (nothing is published before ``w.publish()``), and neither does the next writer: without
        # its work.json a working copy left by a killed or failed load is discarded, not resumed
        # (connect.Writer._open_work), and publish removes the file anyway.
        w.layout.work_meta.unlink(missing_ok=True)
        for table in ("cells", "findings", "report_sections", "report_values", "reports", "source_documents"):
            con.execute(f"DELETE FROM {table}")  # fixed names
        for lo, values in plan.values():  # a year at a time: the values are never all in memory
            for start in range(0, len(values), VALUE_CHUNK):
                _load_values(con, values[start:start + VALUE_CHUNK], lo + start)
            del values
        for start in range(0, n_reports, CHUNK):
            _load_meta(con, plan.meta(start, min(n_reports, start + CHUNK)), start, seed)
        con.execute("BEGIN TRANSACTION")
        con.execute(f"UPDATE reports SET n_errors = e.n, consistency_ok = (e.n = 0) "
                    f"FROM (SELECT report_id, {n_errors_sql()} AS n FROM reports_wide) e "
                    f"WHERE reports.report_id = e.report_id")
        if with_cells:
            unpivot_cells(con)
        con.execute("INSERT INTO ingest_runs VALUES ((SELECT COALESCE(MAX(run_id), 0) + 1 FROM ingest_runs), "
                    "now()::TIMESTAMP, now()::TIMESTAMP, 'fastpath', 'synthetic', ?, ?, 0, 0, 0, 'done')",
                    [n_reports, n_reports])
        con.execute("COMMIT")
        derive.refresh(con)
        version = w.publish()
    return FastpathResult(n_reports, time.perf_counter() - t0, version)


def _size(limit: str) -> str:
    if not re.fullmatch(r"\d+(\.\d+)?\s*(KB|MB|GB|KiB|MiB|GiB)", limit.strip()):
        raise ValueError(f"bad memory limit {limit!r}")
    return limit.strip()


def _load_meta(con: duckdb.DuckDBPyConnection, meta: pd.DataFrame, offset: int, seed: int) -> None:
    n = len(meta)
    ids = pa.array(range(offset + 1, offset + n + 1), pa.int64())

    def text(col: str) -> pa.Array:
        return pa.array([None if pd.isna(x) else str(x) for x in meta[col]], pa.string())

    dims = pa.table({
        "report_id": ids,
        "synthetic_id": text("report_id"),
        "agency": text("agency"),
        "region": text("region"),
        "province": text("province"),
        "city": text("city"),
        "county": text("county"),
        "level": text("level"),
        "category": text("category"),
        "year": pa.array(meta["year"].astype("int32").tolist()),
        "format": text("format"),
        "publish_date": pa.array(pd.to_datetime(meta["publish_date"]).dt.date.tolist()),
        "title": text("title"),
    })
    con.register("_fp_dims", dims)
    con.execute(f"""
        INSERT INTO reports (report_id, sha256, ingest_seq, agency, agency_key, region, province, city, county, level,
                             category, year, format, publish_date, title, is_demo, parser_version, doc_status,
                             meta)
        SELECT report_id, sha256('fastpath:{int(seed)}:' || synthetic_id), report_id, agency, {AGENCY_KEY_SQL}, region, province,
               city, county, level, category, year, format, publish_date, title, TRUE, 'synthetic', 'ok',
               json_object('source', 'fastpath')
        FROM _fp_dims
    """)
    con.unregister("_fp_dims")


def _load_values(con: duckdb.DuckDBPyConnection, values, offset: int) -> None:
    """Rows ``offset+1 …`` of report_values from a (rows × WIDE_KEYS) float array (synth key order)."""
    from loaders.synth import WIDE_KEYS as SYNTH_KEYS

    n = len(values)
    cols = {"report_id": pa.array(range(offset + 1, offset + n + 1), pa.int64())}
    at = {k: i for i, k in enumerate(SYNTH_KEYS)}
    for k, c in zip(WIDE_KEYS, WIDE_COLUMNS, strict=True):
        cols[c] = (pa.array(values[:, at[k]], pa.float64(), from_pandas=True) if k in at
                   else pa.nulls(n, pa.float64()))
    con.register("_fp_vals", pa.table(cols))
    con.execute(f"INSERT INTO report_values (report_id, {', '.join(WIDE_COLUMNS)}) "
                f"SELECT report_id, {', '.join(WIDE_COLUMNS)} FROM _fp_vals")
    con.unregister("_fp_vals")


def unpivot_cells(con: duckdb.DuckDBPyConnection) -> None:
    """Long-form cells from the wide table (status number/missing; no raw text exists to keep)."""
    con.execute(f"""
        INSERT INTO cells
        SELECT report_id, replace(col, '__', '.'), value, 'number', CAST(value AS VARCHAR), NULL, '快速导入', NULL
        FROM (UNPIVOT report_values ON {', '.join(WIDE_COLUMNS)} INTO NAME col VALUE value)
    """)
