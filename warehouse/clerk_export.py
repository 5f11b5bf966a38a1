"""Full-slice downloads a clerk can hand on — at any size.

What makes a file fit to hand on (decided here once, for every dataset and every file type):

* **Chinese headers** from ``loaders.spec`` (a cell's table · block · row · column labels) and the
  indicators' names; each column's machine key is kept beside it (CSV: a second header row; XLSX:
  a 「字段说明」 sheet; Parquet: the keys are the column names and the Chinese headers travel in
  the file's metadata).
* **Codes in Chinese**: level, category, format and a cell's status are written as their names.
* **Only the format(s) in the slice**: a 2021-only slice has no 2019-only columns, and back.
* **The filters and the data version inside the file**: XLSX opens on a 「说明」 sheet; CSV starts
  with a short block of ``项目,取值`` lines, a blank line, then the two header rows. A leading
  block (not a ``#`` comment, not a sidecar) because Excel shows it as ordinary rows above the
  table — nothing to unzip, nothing that can get separated from the data on its way to the next
  desk; the block's first line says on which row the table starts (``pd.read_csv(skiprows=…)``).
* **Rates as percentages** (×100, e.g. ``37.5``) with the unit and the 口径 in the header.

How it stays small at any size: the slice is never built as one table in Python, nor as one
sorted result in DuckDB. The slice's units (reports; agencies for indicators) are listed in file
order, then read a chunk at a time (``Plan``); DuckDB hands each chunk over as Arrow record batches
of at most ``BATCH`` rows; each batch is written to the file
(CSV by ``pyarrow.csv``, XLSX by XlsxWriter in ``constant_memory`` mode, Parquet by
``pyarrow.parquet.ParquetWriter``) and dropped. Text is neutralised in the SQL (the same rule as
``warehouse.export.neutralise_text``) so no batch needs a pandas pass. An XLSX sheet holds at
most ``XLSX_MAX_ROWS`` rows: ``xlsx_fits`` says whether the slice fits; bigger slices go to CSV or
Parquet (the writer refuses rather than cut rows).
"""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from loaders.spec import CATEGORY_BY_CODE, CELL_BY_KEY, LEVEL_NAMES, TABLES, VERSIONS
from loaders.spec.values import STATUS_NAMES

from .export import INJECTION_PREFIXES, filters_frame
from .filters import HARD_RULES, Filters, where_clause
from .indicators import RATE, aggregate_sql, definition_rows
from .schema import WIDE_KEYS, wide_column

BATCH = 20_000  # rows per Arrow record batch: bounded memory, few Python round-trips
XLSX_MAX_ROWS = 1_048_576  # Excel's rows per sheet, header included
ZIP64_CELLS = 20_000_000  # past ~20M cells a sheet's XML may pass 4 GB (ZIP64 needed)
Progress = Callable[[int, int], None]  # (rows written, rows in total)


@dataclass(frozen=True)
class Column:
    header: str  # Chinese, as the clerk reads it
    key: str  # machine key (canonical cell key, indicator key, or dimension name)
    sql: str  # expression over ``r`` — built in this module from spec constants, never from input
    note: str = ""  # unit / 口径 / meaning, for the 字段说明 sheet


@dataclass(frozen=True)
class Plan:
    """One dataset of one slice: its columns, and how its rows come out in order, a chunk at a time.

    The rows are read in chunks of *units* (reports, or agencies for indicators): ``units_sql``
    lists the slice's units in file order (a small list), and ``chunk_body`` reads the rows of one
    chunk of them, in the same order. One query over the whole slice would let DuckDB hold the
    whole sorted result (and the wide join's build side) in memory at once — 546 MB more at 100k
    reports; a chunk holds only its own rows.
    """

    dataset: str
    title: str
    columns: tuple[Column, ...]
    body: str  # FROM … WHERE … [GROUP BY …] — the whole slice, unordered (for counting)
    params: tuple
    formats: tuple[str, ...]
    units_sql: str  # SELECT unit … ORDER BY … (params: ``params``)
    unit_type: str  # BIGINT | VARCHAR
    chunk_body: str  # FROM … WHERE … unit IN (SELECT unnest(?)) … ORDER BY … (params: ``params`` + the chunk)
    chunk: int  # units per chunk

    def select(self) -> str:
        return "SELECT " + ", ".join(f'{c.sql} AS "c{i}"' for i, c in enumerate(self.columns))

    def count_sql(self) -> str:
        return f"SELECT COUNT(*) FROM (SELECT 1 {self.body})"


# ---------------------------------------------------------------- SQL pieces (constants only)


def _lit(s: str) -> str:
    """A spec constant as a SQL string literal (never used for user input)."""
    return "'" + s.replace("'", "''") + "'"


def _text(expr: str) -> str:
    """Text made safe for a spreadsheet inside the query (rule: ``export.neutralise_text``)."""
    clean = f"regexp_replace(CAST({expr} AS VARCHAR), '[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f]', '', 'g')"
    firsts = ", ".join(f"chr({ord(p)})" for p in INJECTION_PREFIXES)
    return f"(CASE WHEN list_contains([{firsts}], left({clean}, 1)) THEN '''' || {clean} ELSE {clean} END)"


def _named(expr: str, names: dict[str, str]) -> str:
    """A code column written as its Chinese name (unknown codes as they are)."""
    whens = " ".join(f"WHEN {_lit(code)} THEN {_lit(name)}" for code, name in names.items())
    return f"(CASE {expr} {whens} ELSE {_text(expr)} END)"


LEVELS_ZH = dict(LEVEL_NAMES)
CATEGORIES_ZH = {code: c.name for code, c in CATEGORY_BY_CODE.items()}
FORMATS_ZH = {code: v.name for code, v in VERSIONS.items()}
STATUS_ZH = {str(getattr(k, "value", k)): v for k, v in STATUS_NAMES.items()}

_DIMENSIONS = (
    Column("单位", "agency", _text("r.agency")),
    Column("省", "province", _text("r.province")),
    Column("市", "city", _text("r.city")),
    Column("县（区）", "county", _text("r.county")),
    Column("层级", "level", _named("r.level", LEVELS_ZH)),
    Column("类别", "category", _named("r.category", CATEGORIES_ZH)),
    Column("年度", "year", "r.year"),
    Column("格式", "format", _named("r.format", FORMATS_ZH)),
)


def cell_header(fmt: str, key: str) -> str:
    """'表三·（三）不予公开 4.保护第三方合法权益·商业企业' — the form's own labels for one cell."""
    spec = CELL_BY_KEY[fmt][key]
    table = next(t for t in TABLES[fmt] if t.code == spec.table)
    parts = ["表" + table.title.split("、", 1)[0]]
    block = next(b for b in table.blocks if b.code == spec.block)
    if spec.block:
        parts.append(block.header)
    parts += [spec.row_label, spec.col_label]
    return "·".join(parts)


def _cell_columns(formats: tuple[str, ...]) -> list[Column]:
    """One column per canonical key printed by a format of the slice, in spec order; a key the
    two formats label differently carries both labels."""
    cols = []
    # the newest format's own order first, then what only the older one prints
    order = dict.fromkeys(k for fmt in reversed(formats) for k in CELL_BY_KEY[fmt] if k in WIDE_KEYS)
    for key in order:
        labels = []
        for fmt in formats:
            if key in CELL_BY_KEY.get(fmt, {}):
                h = cell_header(fmt, key)
                if h not in labels:
                    labels.append(h)
        if labels:
            cols.append(Column("／".join(labels), key, f"r.{wide_column(key)}",
                               "、".join(FORMATS_ZH[f] for f in formats if key in CELL_BY_KEY.get(f, {}))))
    return cols


def slice_formats(con: duckdb.DuckDBPyConnection, f: Filters) -> tuple[str, ...]:
    """The statistical-table formats present in the slice (2019 / 2021), oldest first."""
    w, p = where_clause(f)
    rows = con.execute(f"SELECT DISTINCT r.format FROM reports r WHERE {w}", p).fetchall()
    present = {r[0] for r in rows}
    return tuple(fmt for fmt in CELL_BY_KEY if fmt in present)


# ---------------------------------------------------------------- the three datasets

_IN_CHUNK = "{unit} IN (SELECT unnest(?::{type}[]))"


# The wide table holds the values in force (a reviewer's decided value where one was decided);
# this column says which cells of the row are 人工核定, by whom and when.
_REVIEWED_IN_REPORT = Column(
    "人工核定的单元格", "reviewed_cells",
    _text("(SELECT string_agg(rc.key || '（' || rc.reviewer || '，' || CAST(CAST(rc.decided_at AS DATE) AS VARCHAR)"
          " || '）', '；' ORDER BY rc.key) FROM reviewed_cells rc WHERE rc.report_id = r.report_id)"),
    "本行中经审查员人工核定的单元格（键、核定人、日期）；这些单元格的数值为人工核定值")


# The quality mark of a report row: the hard rules (R1–R4) its own numbers break ('' when all hold);
# with the sidebar switch on these reports are not in the file at all (筛选条件 says which).
_FAILING_IN_REPORT = Column(
    "表格勾稽关系不成立（R1–R4）", "failing_rules",
    "(SELECT string_agg(DISTINCT fi.rule, '、' ORDER BY fi.rule) FROM findings fi WHERE fi.report_id = r.report_id "
    f"AND fi.kind = 'source' AND fi.rule IN ({', '.join(_lit(r) for r in HARD_RULES)}))",
    "该报告自身表格数字不相加所违反的规则（R1–R4）；空白为全部成立。统计时是否计入见「说明」中的报告范围")


# The same over an agency-year of 按指标 (its reports; one with 仅最新版本).
_FAILING_IN_AGENCY_YEAR = Column(
    _FAILING_IN_REPORT.header, _FAILING_IN_REPORT.key,
    f"string_agg(DISTINCT {_FAILING_IN_REPORT.sql}, '；')",
    "该单位该年度报告自身表格数字不相加所违反的规则（R1–R4）；空白为全部成立。这些报告的数字已计入本行指标，"
    "除非「说明」中的报告范围为剔除")


def _plan_wide(con, f: Filters) -> Plan:
    formats = slice_formats(con, f)
    w, p = where_clause(f)
    cols = (Column("报告编号", "report_id", "r.report_id"), *_DIMENSIONS,
            Column("版本", "version", "r.version"), *_cell_columns(formats), _REVIEWED_IN_REPORT, _FAILING_IN_REPORT)
    order = "ORDER BY r.agency, r.year, r.report_id"
    return Plan("reports_wide", "按报告（宽表）", cols, f"FROM reports_wide r WHERE {w}", tuple(p), formats,
                f"SELECT r.report_id FROM reports_wide r WHERE {w} {order}", "BIGINT",
                f"FROM reports_wide r WHERE {w} AND {_IN_CHUNK.format(unit='r.report_id', type='BIGINT')} {order}", 5_000)


def _label_case(formats: tuple[str, ...]) -> str:
    """The Chinese label of ``c.key`` in the report's format ``r.format`` (spec constants)."""
    whens = []
    for fmt in formats:
        for key in CELL_BY_KEY[fmt]:
            whens.append(f"WHEN r.format = {_lit(fmt)} AND c.key = {_lit(key)} THEN {_lit(cell_header(fmt, key))}")
    return f"(CASE {' '.join(whens)} ELSE NULL END)" if whens else "NULL"


def _plan_long(con, f: Filters) -> Plan:
    formats = slice_formats(con, f)
    w, p = where_clause(f)
    cols = (Column("报告编号", "report_id", "r.report_id"), Column("单位", "agency", _text("r.agency")),
            Column("年度", "year", "r.year"), Column("格式", "format", _named("r.format", FORMATS_ZH)),
            Column("单元格", "cell", _label_case(formats), "报告所用格式中的表·栏目·行·列"),
            Column("单元格键", "key", _text("c.key")),
            Column("数值", "value", "c.value", "仅“数字”状态有数值；空白、横线、斜线不是0"),
            Column("状态", "status", _named("c.status", STATUS_ZH)),
            Column("原文", "raw", _text("c.raw"), "报告中印出的文字"),
            Column("人工核定值", "reviewed_value", "rc.value",
                   "审查员在审查工作台核定的数值（人工核定）；“数值”列仍是原文读取值"),
            Column("人工核定状态", "reviewed_status", f"(CASE WHEN rc.key IS NULL THEN NULL ELSE "
                   f"{_named('rc.value_status', STATUS_ZH)} END)", "有值即该单元格经人工核定"),
            Column("核定人", "reviewer", _text("rc.reviewer")),
            Column("核定日期", "reviewed_on", "CAST(CAST(rc.decided_at AS DATE) AS VARCHAR)"))
    order = "ORDER BY r.agency, r.year, r.report_id"
    joined = ("FROM cells c JOIN reports r USING (report_id) "
              "LEFT JOIN reviewed_cells rc ON rc.report_id = c.report_id AND rc.key = c.key")
    return Plan("cells_long", "按单元格（长表）", cols, f"{joined} WHERE {w}",
                tuple(p), formats, f"SELECT r.report_id FROM reports r WHERE {w} {order}", "BIGINT",
                f"{joined} WHERE {w} "
                f"AND {_IN_CHUNK.format(unit='r.report_id', type='BIGINT')} {order}, c.key", 200)


def _plan_indicators(con, f: Filters) -> Plan:
    from .queries import rankable_indicators  # queries imports this module's neighbours; avoid a cycle

    formats = slice_formats(con, f)
    w, p = where_clause(f)
    dims = [Column(c.header, c.key, f"any_value({c.sql})") for c in _DIMENSIONS if c.key not in ("year", "format")]
    cols = [*dims, Column("年度", "year", "r.year"),
            Column("报告数", "reports", "COUNT(*)", "该单位该年度参与统计的报告（仅最新版本）")]
    for ind in rankable_indicators():
        if not set(ind.formats) & set(formats):
            continue
        v = ind.default
        agg = aggregate_sql(ind, v.code)
        if ind.kind == RATE:
            header = f"{ind.name}（%，口径：{v.name}）"
            sql = f"round(100 * ({agg['value']}), 4)"
            note = f"百分数；分母为0或无数据时为空（不是0）。{v.description}"
        else:
            header = f"{ind.name}（{ind.unit}）"
            sql = agg["value"]
            note = f"所涉单元格全部空白的报告不计入。{v.description}"
        cols.append(Column(header, ind.key if len(ind.variants) == 1 else f"{ind.key}:{v.code}", sql, note))
    cols.append(_FAILING_IN_AGENCY_YEAR)
    return Plan("indicators", "按指标", tuple(cols), f"FROM reports_wide r WHERE {w} GROUP BY r.agency_key, r.year",
                tuple(p), formats,
                f"SELECT r.agency_key FROM reports_wide r WHERE {w} GROUP BY r.agency_key ORDER BY min(r.agency), r.agency_key",
                "VARCHAR",
                f"FROM reports_wide r WHERE {w} AND {_IN_CHUNK.format(unit='r.agency_key', type='VARCHAR')} "
                "GROUP BY r.agency_key, r.year "
                # the agency's name over all its years, as in units_sql (a chunk keeps the file order)
                "ORDER BY min(min(r.agency)) OVER (PARTITION BY r.agency_key), r.agency_key, r.year", 5_000)


PLANS: dict[str, Callable[[duckdb.DuckDBPyConnection, Filters], Plan]] = {
    "reports_wide": _plan_wide,
    "cells_long": _plan_long,
    "indicators": _plan_indicators,
}
TITLES = {"reports_wide": "按报告（宽表）", "cells_long": "按单元格（长表）", "indicators": "按指标"}


def plan(con: duckdb.DuckDBPyConnection, dataset: str, f: Filters) -> Plan:
    return PLANS[dataset](con, f)  # a fixed registry, never an arbitrary name


def row_count(con: duckdb.DuckDBPyConnection, p: Plan) -> int:
    return int(con.execute(p.count_sql(), list(p.params)).fetchone()[0])


def xlsx_fits(n_rows: int) -> bool:
    """Whether ``n_rows`` data rows fit one Excel sheet under its header row."""
    return n_rows + 1 <= XLSX_MAX_ROWS


# ---------------------------------------------------------------- the 说明 block


def about_rows(p: Plan, f: Filters, data_version: str, n_rows: int) -> list[tuple[str, str]]:
    """(项目, 取值) lines written at the head of every file: what, which slice, which data."""
    rows = [("数据集", f"政府信息公开年报 · {p.title}")]
    rows += [(k, v) for k, v in filters_frame(f).itertuples(index=False)]
    rows += [("报告格式", "、".join(FORMATS_ZH[x] for x in p.formats) or "无"),
             ("数据版本", data_version), ("导出时间", dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")),
             ("行数", f"{n_rows}"),
             ("说明", "空白单元格表示报告未填数字（空白、横线、斜线），不是0；比率为百分数，口径写在列名中。")]
    return rows


def _batches(con: duckdb.DuckDBPyConnection, p: Plan):
    cur = con.cursor()
    try:
        # one Arrow column (8 bytes a report), not a million Python tuples
        units = cur.sql(p.units_sql, params=list(p.params)).to_arrow_table().column(0).to_numpy(zero_copy_only=False)
        sql = f"{p.select()} {p.chunk_body}"
        for i in range(0, len(units), p.chunk):
            # The relation API streams: DuckDB makes each batch when asked (a DB-API result
            # would first copy every row).
            yield from cur.sql(sql, params=[*p.params, units[i:i + p.chunk].tolist()]).to_arrow_reader(BATCH)
    finally:
        cur.close()


def _csv_line(values: list[str]) -> str:
    return ",".join('"' + str(v).replace('"', '""') + '"' for v in values) + "\r\n"


def write_csv(con: duckdb.DuckDBPyConnection, p: Plan, f: Filters, path: str | os.PathLike, *,
              data_version: str, progress: Progress | None = None) -> int:
    """The slice as UTF-8 CSV with a BOM: the 说明 block, a blank line, the Chinese header row,
    the key row, then the rows. Returns the number of data rows."""
    total = row_count(con, p)
    about = about_rows(p, f, data_version, total)
    start = len(about) + 2  # 1-based row of the Chinese header
    about[0] = (about[0][0], about[0][1] + f"（第{start}行为中文列名，第{start + 1}行为字段键，第{start + 2}行起为数据）")
    done = 0
    with open(path, "wb") as out:
        out.write("\ufeff".encode())
        out.write("".join(_csv_line([k, v]) for k, v in about).encode())
        out.write(b"\r\n")
        out.write(_csv_line([c.header for c in p.columns]).encode())
        out.write(_csv_line([c.key for c in p.columns]).encode())
        opts = pacsv.WriteOptions(include_header=False, delimiter=",", eol="\r\n")
        for batch in _batches(con, p):
            buf = io.BytesIO()
            pacsv.write_csv(batch, buf, opts)
            out.write(buf.getvalue())
            done += batch.num_rows
            if progress:
                progress(done, total)
    return done


def write_xlsx(con: duckdb.DuckDBPyConnection, p: Plan, f: Filters, path: str | os.PathLike, *,
               data_version: str, progress: Progress | None = None) -> int:
    """An XLSX workbook: 「说明」 (filters, data version) first, then 「数据」 with Chinese headers,
    then 「字段说明」 (header ↔ key ↔ note) and, for indicators, 「指标定义」. Raises
    ``ValueError`` when the slice has more rows than one sheet holds."""
    import xlsxwriter  # write-only, row by row, flushed to disk: made for big sheets

    total = row_count(con, p)
    if not xlsx_fits(total):
        raise ValueError(f"{total:,} 行超过 Excel 单个工作表的上限（{XLSX_MAX_ROWS:,} 行），请下载 CSV 或 Parquet")
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False,
                                         "strings_to_urls": False, "strings_to_numbers": False})
    try:
        if total * len(p.columns) > ZIP64_CELLS:
            wb.use_zip64()  # the sheet's XML passes 4 GB: the zip needs 64-bit sizes (Excel 2010+ reads it)
        bold = wb.add_format({"bold": True})
        about = wb.add_worksheet("说明")
        about.set_column(0, 0, 14)
        about.set_column(1, 1, 80)
        for i, (k, v) in enumerate(about_rows(p, f, data_version, total)):
            about.write_string(i, 0, k, bold)
            about.write_string(i, 1, v)
        ws = wb.add_worksheet("数据")
        ws.write_row(0, 0, [c.header for c in p.columns], bold)
        ws.freeze_panes(1, 0)
        row = 1
        for batch in _batches(con, p):
            # Python objects for a thousand rows at a time (a whole batch of a wide slice as
            # Python objects would be ~100 bytes × rows × columns)
            for start in range(0, batch.num_rows, 1_000):
                part = batch.slice(start, 1_000)
                for values in zip(*(col.to_pylist() for col in part.columns), strict=True):
                    ws.write_row(row, 0, values)
                    row += 1
            if progress:
                progress(row - 1, total)
        keys = wb.add_worksheet("字段说明")
        keys.write_row(0, 0, ["中文列名", "字段键", "说明"], bold)
        for i, c in enumerate(p.columns, start=1):
            keys.write_row(i, 0, [c.header, c.key, c.note])
        if p.dataset == "indicators":
            defs = wb.add_worksheet("指标定义")
            rows = definition_rows()
            defs.write_row(0, 0, list(rows[0]), bold)
            for i, r in enumerate(rows, start=1):
                defs.write_row(i, 0, [str(v) for v in r.values()])
    finally:
        wb.close()
    return row - 1


def write_parquet(con: duckdb.DuckDBPyConnection, p: Plan, f: Filters, path: str | os.PathLike, *,
                  data_version: str, progress: Progress | None = None) -> int:
    """Parquet (zstd) with the machine keys as column names; the Chinese headers and the 说明
    lines are in the file's key-value metadata (``gongkai.headers``, ``gongkai.about``)."""
    import json

    total = row_count(con, p)
    meta = {"gongkai.headers": json.dumps({c.key: c.header for c in p.columns}, ensure_ascii=False),
            "gongkai.about": json.dumps(about_rows(p, f, data_version, total), ensure_ascii=False)}
    writer = None
    done = 0
    try:
        for batch in _batches(con, p):
            batch = batch.rename_columns([c.key for c in p.columns])
            if writer is None:
                writer = pq.ParquetWriter(str(path), batch.schema.with_metadata(meta), compression="zstd")
            writer.write_batch(batch)
            done += batch.num_rows
            if progress:
                progress(done, total)
        if writer is None:  # an empty slice still gives a file with the columns
            empty = con.cursor().sql(f"{p.select()} {p.body} LIMIT 0", params=list(p.params)).to_arrow_table()
            empty = empty.rename_columns([c.key for c in p.columns])
            writer = pq.ParquetWriter(str(path), empty.schema.with_metadata(meta), compression="zstd")
    finally:
        if writer is not None:
            writer.close()
    return done


WRITERS = {"csv": write_csv, "xlsx": write_xlsx, "parquet": write_parquet}
SUFFIX = {"csv": ".csv", "xlsx": ".xlsx", "parquet": ".parquet"}


def write(con: duckdb.DuckDBPyConnection, dataset: str, fmt: str, f: Filters, path: str | os.PathLike, *,
          data_version: str, progress: Progress | None = None) -> int:
    """Write one dataset of the slice to ``path`` as ``fmt`` (csv | xlsx | parquet); rows written."""
    return WRITERS[fmt](con, plan(con, dataset, f), f, Path(path), data_version=data_version, progress=progress)
