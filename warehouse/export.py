"""Exports of a warehouse slice: CSV (Excel-ready), XLSX (with filters and definitions), Parquet.

Formula-injection rule (decided here, stated once, applied by ``neutralise_text`` to every cell,
header and filter line of every CSV and XLSX sheet): a *text* cell whose first character is one of
``= + - @`` or a tab / carriage return — or their fullwidth forms ``＝ ＋ － ＠``, which Excel's
input method turns into the ASCII ones — gets a leading apostrophe, so Excel shows it as text
instead of running it. Control characters an XLSX file cannot hold (openpyxl refuses them: the
whole download would fail) are removed. *Numeric* columns are written as numbers — a negative
number such as ``-3`` (2019 format's 本年增/减) stays ``-3`` and is still a number when read back.
Chinese text is written UTF-8 with a BOM so Excel opens it ungarbled.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Sequence
from pathlib import Path

import duckdb
import pandas as pd

from .filters import Filters
from .indicators import definition_rows

INJECTION_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
# what XLSX (XML 1.0) cannot hold: C0 controls except tab, LF, CR (the set openpyxl refuses)
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet could run ``text`` as a formula (its first character is in ``INJECTION_PREFIXES``)."""
    return text.startswith(INJECTION_PREFIXES)


def neutralise_text(value: object) -> object:
    """A text value made safe for a spreadsheet (see the module's rule); anything else unchanged."""
    if not isinstance(value, str):
        return value
    value = _XLSX_ILLEGAL.sub("", value)
    if looks_like_formula(value):
        return "'" + value
    return value


def neutralise(df: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text (object/string) column and every header neutralised; numeric columns untouched."""
    out = df.copy()
    for col in out.columns:
        if not pd.api.types.is_numeric_dtype(out[col]) and not pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].map(neutralise_text)
    out.columns = [neutralise_text(c) for c in out.columns]
    return out


def to_csv_bytes(df: pd.DataFrame, about: Sequence[tuple[str, str]] = ()) -> bytes:
    """UTF-8 with BOM, injection-neutralised, no index. ``about``: (项目, 取值) lines — the filters
    and data version — written first, then a blank line, then the table (as ``clerk_export`` does:
    Excel shows them as plain rows above the table)."""
    buf = io.StringIO()
    if about:
        pd.DataFrame(list(about)).pipe(neutralise).to_csv(buf, index=False, header=False, lineterminator="\r\n")
        buf.write("\r\n")
    neutralise(df).to_csv(buf, index=False, lineterminator="\r\n")
    return buf.getvalue().encode("utf-8-sig")


def filters_frame(filters: Filters | None) -> pd.DataFrame:
    rows = filters.describe() if filters is not None else [("筛选条件", "全部")]
    return pd.DataFrame(rows, columns=["筛选项", "取值"])


def to_xlsx_bytes(
    sheets: dict[str, pd.DataFrame],
    filters: Filters | None = None,
    *,
    data_version: str | None = None,
) -> bytes:
    """An XLSX workbook: the data sheets, then 「筛选条件」 and 「指标定义」 sheets (openpyxl).

    Text cells are neutralised as in CSV (openpyxl would otherwise store "=…" as a formula).
    """
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        for name, df in sheets.items():
            neutralise(df).to_excel(xw, sheet_name=name[:31], index=False)
        f = filters_frame(filters)
        if data_version:
            f = pd.concat([f, pd.DataFrame([("数据版本", data_version)], columns=f.columns)], ignore_index=True)
        neutralise(f).to_excel(xw, sheet_name="筛选条件", index=False)
        neutralise(pd.DataFrame(definition_rows())).to_excel(xw, sheet_name="指标定义", index=False)
    return buf.getvalue()


# Tables exported to Parquet, each partitioned by year (cells/findings get the report's year).
PARQUET_TABLES: dict[str, str] = {
    "reports_wide": "SELECT * FROM reports_wide",
    "cells": "SELECT r.year, c.* FROM cells c JOIN reports r USING (report_id)",
    "findings": "SELECT r.year, f.* FROM findings f JOIN reports r USING (report_id)",
}


def export_parquet(con: duckdb.DuckDBPyConnection, out_dir: str | os.PathLike,
                   tables: Sequence[str] = tuple(PARQUET_TABLES)) -> list[Path]:
    """Hive-partitioned Parquet (``<table>/year=2023/….parquet``) that DuckDB, Spark, Trino read.

    Reports without a year go to ``year=__HIVE_DEFAULT_PARTITION__`` (the Hive convention).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in tables:
        sql = PARQUET_TABLES[name]  # fixed queries; out paths are bound below as literals via params
        dest = out / name
        con.execute(
            f"COPY ({sql}) TO '{_sql_path(dest)}' (FORMAT parquet, PARTITION_BY (year), OVERWRITE_OR_IGNORE true)"
        )
        written.append(dest)
    return written


def _sql_path(p: Path) -> str:
    """A filesystem path as a SQL string literal body (COPY … TO takes no bound parameter)."""
    s = str(p.absolute())
    if "\x00" in s:
        raise ValueError("bad path")
    return s.replace("'", "''")
