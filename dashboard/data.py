"""The dashboard's only door to the warehouse: cached, read-only, keyed by filters + data version.

* The warehouse path comes from ``--db FILE`` after ``--`` on the ``streamlit run`` command line,
  else env ``GONGKAI_DB``, else ``demo/gongkai.duckdb``.
* One read-only connection per published snapshot (``st.cache_resource`` keyed by the data
  version; the previous one is closed when evicted). Each query takes its own ``.cursor()``
  (P2: a DuckDB connection is not safe across Streamlit's script threads).
* Results are cached with ``st.cache_data`` keyed by the query name, the filters' ``key()``, the
  extra arguments and ``warehouse.connect.data_version`` — a new ingest publishes a new
  snapshot, the version changes, and every page re-queries (P3). The connection is passed as
  ``_con``-style (excluded from the key).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from warehouse import clerk_export, queries, review
from warehouse.connect import WarehouseNotFound, data_version, source_file
from warehouse.filters import Filters
from warehouse.schema import pending_migrations

DEFAULT_DB = "demo/gongkai.duckdb"


def db_path() -> str:
    """``-- --db FILE`` on the streamlit command line, else $GONGKAI_DB, else the demo path."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--db")
    known, _ = parser.parse_known_args(sys.argv[1:])
    return known.db or os.environ.get("GONGKAI_DB") or DEFAULT_DB


def version() -> str:
    """Changes exactly when a new snapshot is published or a review decision is recorded
    ("empty" when there is no warehouse)."""
    db = db_path()
    v = data_version(db)
    return v if v == "empty" else f"{v}+r{review.journal_key(db)}"


def _close(con: duckdb.DuckDBPyConnection | None) -> None:
    if con is not None:
        con.close()


@st.cache_resource(max_entries=2, show_spinner=False, on_release=_close)
def _reader(path: str, data_version: str) -> duckdb.DuckDBPyConnection | None:
    """The read-only connection to one snapshot with the review journal applied (reviewed values
    show at once, before the next publish folds them in); None when no warehouse exists yet."""
    try:
        return review.open_reviewed_reader(path)
    except WarehouseNotFound:
        return None


def available() -> bool:
    return _reader(db_path(), version()) is not None


def outdated() -> bool:
    """The warehouse was written by an older gongkai and lacks schema migrations the queries need."""
    return _outdated(db_path(), version())


@st.cache_data(max_entries=16, show_spinner=False)
def _outdated(path: str, data_version: str) -> bool:
    # Checked once per published snapshot, not on every rerun of every page.
    con = _reader(path, data_version)
    if con is None:
        return False
    cur = con.cursor()
    try:
        return bool(pending_migrations(cur))
    finally:
        cur.close()


@st.cache_data(max_entries=1024, show_spinner=False)
def _cached(name: str, path: str, data_version: str, filters_key: tuple, _filters: Filters,
            args: tuple) -> pd.DataFrame:
    return _run(_reader(path, data_version), name, _filters, args)


def _run(con, name: str, filters: Filters, args: tuple) -> pd.DataFrame:
    """The question ``name`` on its own cursor of ``con`` (an empty result when there is no warehouse)."""
    fn = queries.QUESTIONS[name]  # a registry of question functions, never an arbitrary name
    if con is None:
        return queries.empty_result(name)
    cur = con.cursor()
    try:
        return fn(cur, filters, *args)
    finally:
        cur.close()


def ask(name: str, filters: Filters, *args) -> pd.DataFrame:
    """Run the warehouse question ``name`` for this slice (cached until the data changes)."""
    return _cached(name, db_path(), version(), filters.key(), filters, tuple(args))


def later(name: str, filters: Filters, *args) -> Callable[[], pd.DataFrame]:
    """The question ``name`` for this slice as a zero-argument function, asked when called — a download's
    builder (run on click, off the script thread: it makes no Streamlit call), for a table whose page
    shows only its head. It reads the snapshot of now (its connection is looked up here)."""
    con = _reader(db_path(), version())
    queries.QUESTIONS[name]  # an unknown name fails here, on the page, not later in the download
    return lambda: _run(con, name, filters, tuple(args))


@st.cache_data(max_entries=16, show_spinner=False)
def _cached_whole(name: str, path: str, data_version: str) -> pd.DataFrame:
    return _cached.__wrapped__(name, path, data_version, (), Filters(), ())


def ask_whole(name: str) -> pd.DataFrame:
    """A question about the whole warehouse (the filter options): cached apart from the slices,
    so changing a filter never evicts or recomputes it."""
    return _cached_whole(name, db_path(), version())


@st.cache_resource(max_entries=2, show_spinner=False)
def _option_tree(path: str, data_version: str):
    from .state import OptionTree  # late: state builds on this module

    options = _cached_whole("filter_options", path, data_version)
    if options.empty:
        options = pd.DataFrame(columns=["province", "city", "county", "level", "category", "agencies"])
    return OptionTree(options)


def option_tree():
    """The sidebar's options (``state.OptionTree``), built once per data version for every session."""
    return _option_tree(db_path(), version())


def original_file(stored_path: str) -> Path:
    """Where the warehouse keeps a source document's original bytes."""
    return source_file(db_path(), stored_path)


@st.cache_data(max_entries=64, show_spinner=False)
def file_bytes(path: str, data_version: str) -> bytes | None:
    p = Path(path)
    return p.read_bytes() if p.is_file() else None


# ---------------------------------------------------------------- full-slice files (warehouse.clerk_export)


@st.cache_data(max_entries=256, show_spinner=False)
def _export_rows(dataset: str, path: str, data_version: str, filters_key: tuple, _filters: Filters) -> int:
    con = _reader(path, data_version)
    if con is None:
        return 0
    cur = con.cursor()
    try:
        return clerk_export.row_count(cur, clerk_export.plan(cur, dataset, _filters))
    finally:
        cur.close()


def export_rows(dataset: str, filters: Filters) -> int:
    """How many rows the full-slice file of ``dataset`` has (decides whether an XLSX can hold it)."""
    return _export_rows(dataset, db_path(), version(), filters.key(), filters)


def write_export(dataset: str, fmt: str, filters: Filters, dest: Path,
                 progress: clerk_export.Progress | None = None) -> int:
    """Stream the slice's ``dataset`` into ``dest`` as ``fmt`` (batches from DuckDB straight into
    the file; the table is never whole in memory). Returns the rows written."""
    con = _reader(db_path(), version())
    if con is None:
        raise WarehouseNotFound(db_path())
    cur = con.cursor()
    try:
        return clerk_export.write(cur, dataset, fmt, filters, dest, data_version=version(), progress=progress)
    finally:
        cur.close()
