"""Pre-aggregated tables, rebuilt wherever ``reports_wide`` is (every publish, and a reviewed reader):
the pages' by-year questions read a few thousand group rows instead of scanning every report.

* ``rollup_year``: current reports per year × format × is_demo and, at each grain of ``GRAINS``, the
  region / level / category dimensions the grain groups by (column ``grain`` names it). A slice
  without an agency filter whose restricted dimensions a grain has is a set of whole groups of it.
  Per group: ``n_reports``; every wide column summed under its own name and counted (``n__<column>``: the
  reports that printed it — the yearly summary's "how many printed"); and for every indicator
  variant its additive pieces (``indicators.aggregate_sql``: numerator and denominator summed over the
  reports that have both, and that count).
* ``rollup_agencies``: one row per agency with current reports, its latest metadata — the filter
  pickers' source (``warehouse.options``) — with ``agency_id``, its rank by (name, key), and how many
  agencies have its name (``n_same_name``).
* ``rollup_agency_year``: the per-agency questions' table (rankings, movers, the top agencies, the
  yearly summary's report list). One row per current report — an agency has one current report per
  year, so one row per agency-year — with the report's dimensions (the columns ``filters.where_clause``
  restricts, so every current-only slice, the quality switch and 同口径 included, is answered from it),
  ``agency_id`` (an integer to group by: ~4x faster than the text key at 1M reports) and, instead of the
  227 cells, each indicator variant's per-report pieces (the same pieces as ``rollup_year``'s, for one
  report) and the few cells ``AGENCY_YEAR_KEYS`` the per-agency questions sum. No join to the value
  table, a few columns to read and an integer to group by.

Why the same SQL gives the same numbers over ``rollup_year``: a page's sum is ``SUM(term(keys))``
with ``term`` = Σ of the printed cells, NULL when none is printed (``indicators.term_sql``). Over
groups whose columns already hold ``SUM(cell)`` (NULL when no report printed it), Σ_groups term(group
sums) adds the same printed numbers and is NULL exactly when no report printed any of them. Blank
stays blank; counts are whole numbers, so the order of addition does not change them. A rate's
pieces are summed the same way and divided at the end (NULL, shown '—', on a zero denominator).
"""

from __future__ import annotations

import re

import duckdb

from . import indicators as ind
from .filters import Filters
from .schema import WIDE_COLUMNS, wide_column

YEAR_TABLE = "rollup_year"
AGENCY_TABLE = "rollup_agencies"
AGENCY_YEAR_TABLE = "rollup_agency_year"
TABLES = (YEAR_TABLE, AGENCY_TABLE, AGENCY_YEAR_TABLE)
# The cells (summed under their own names) the per-agency questions read besides indicator pieces: the
# outcome groups of table 三 and its total (queries.outcomes_by_agency).
AGENCY_YEAR_KEYS: tuple[str, ...] = (ind.GRANT, ind.PARTIAL, *ind.DENY, *ind.UNABLE, *ind.NOT_PROCESSED, *ind.OTHER,
                                     ind.RESULT_TOTAL)
# Every group row has the year, format and is_demo (always restricted or always summed over); the other
# dimensions are grouped at several grains, smallest first. A slice reads the first grain that has every
# dimension it restricts (an extra grouped dimension is summed over); a slice no grain has (e.g. a city
# and a level together) is asked of reports_wide. The finest grains would have about as many rows as
# there are reports and are not built.
ALWAYS = ("year", "format", "is_demo")
DIMENSIONS = ("province", "city", "county", "level", "category")
GRAINS: tuple[tuple[str, ...], ...] = (
    (), ("level",), ("category",), ("level", "category"),
    ("province",), ("province", "level"), ("province", "category"), ("province", "level", "category"),
    ("province", "city"), ("province", "city", "county"),
)
# The report columns of rollup_agency_year (what where_clause restricts, and the names the pages show).
AGENCY_YEAR_DIMENSIONS = ("report_id", "sha256", "agency_key", "agency", "year", "format", "is_demo", "is_current",
                          *DIMENSIONS)
_FILTER_DIMENSIONS = (("provinces", "province"), ("cities", "city"), ("counties", "county"), ("levels", "level"),
                      ("categories", "category"))


def count_column(key: str) -> str:
    """The rollup_year column of how many reports of a group printed a number in the cell ``key``."""
    return f"n__{wide_column(key)}"


def piece_column(key: str, variant: str | None, part: str) -> str:
    """The rollup column of one additive piece (numerator | denominator | n) of an indicator variant."""
    i = ind.INDICATOR_BY_KEY[key]
    name = f"ind__{i.key}__{i.variant(variant).code}__{part}".replace(".", "_")
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise ValueError(f"unexpected indicator identifier {name!r}")
    return name


def _pieces() -> list[str]:
    out = []
    for i in ind.INDICATORS:
        for v in i.variants:
            a = ind.aggregate_sql(i, v.code)
            out += [f"{a['numerator']} AS {piece_column(i.key, v.code, 'numerator')}",
                    f"{a['n']} AS {piece_column(i.key, v.code, 'n')}"]
            if a["denominator"] != "NULL":
                out.append(f"{a['denominator']} AS {piece_column(i.key, v.code, 'denominator')}")
    names = [o.rsplit(" AS ", 1)[1] for o in out]
    if len(set(names)) != len(names):  # two keys that differ only by '.' vs '_' would share a column
        raise ValueError("indicator piece columns are not unique")
    return out


def _report_pieces() -> list[str]:
    """``_pieces`` for one report (rollup_agency_year's row): the aggregate over a group of one report,
    written as a row expression — SUM(x) FILTER (WHERE both) over one row is x when both terms are
    there, else NULL; COUNT(*) FILTER (WHERE both) is 1 or 0; a count's COUNT(x) is 1 when x is printed."""
    out = []
    for i in ind.INDICATORS:
        for v in i.variants:
            num, den = ind.report_terms(i, v)
            if den is None:
                out += [f"{num} AS {piece_column(i.key, v.code, 'numerator')}",
                        f"CAST(({num}) IS NOT NULL AS INTEGER) AS {piece_column(i.key, v.code, 'n')}"]
                continue
            both = f"({num}) IS NOT NULL AND ({den}) IS NOT NULL"
            out += [f"CASE WHEN {both} THEN {num} END AS {piece_column(i.key, v.code, 'numerator')}",
                    f"CASE WHEN {both} THEN {den} END AS {piece_column(i.key, v.code, 'denominator')}",
                    f"CAST({both} AS INTEGER) AS {piece_column(i.key, v.code, 'n')}"]
    names = [o.rsplit(" AS ", 1)[1] for o in out]
    if sorted(names) != sorted(p.rsplit(" AS ", 1)[1] for p in _pieces()):  # the same columns as rollup_year
        raise ValueError("per-report pieces differ from the rollup's")
    return out


# the agency dimension of the pickers: as ``queries.agency_options`` (latest metadata of current reports);
# agency_id numbers the agencies in the pickers' order (name, key); n_same_name: how many have its name
AGENCY_SELECT = """
    SELECT agency_key, arg_max(agency, year) AS agency, arg_max(province, year) AS province,
           arg_max(city, year) AS city, arg_max(county, year) AS county, arg_max(level, year) AS level,
           arg_max(category, year) AS category, bool_and(is_demo) AS is_demo,
           CAST(row_number() OVER (ORDER BY arg_max(agency, year), agency_key) AS INTEGER) AS agency_id,
           CAST(COUNT(*) OVER (PARTITION BY arg_max(agency, year)) AS INTEGER) AS n_same_name
    FROM reports WHERE is_current AND agency_key IS NOT NULL GROUP BY agency_key ORDER BY agency, agency_key"""


def build(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)build the rollups from ``reports_wide`` / ``reports`` in ``con``'s current catalog: one
    statement per grain (each aggregate's memory is that grain's groups, not all of them)."""
    sums = ", ".join(f"SUM({c}) AS {c}, COUNT({c}) AS n__{c}" for c in WIDE_COLUMNS)  # names: the spec's (checked)
    pieces = ", ".join(_pieces())
    for i, grain in enumerate(GRAINS):
        dims = ", ".join(d if d in grain else f"CAST(NULL AS VARCHAR) AS {d}" for d in DIMENSIONS)
        groups = ", ".join((*ALWAYS, *grain))
        select = (f"SELECT '{_grain_name(grain)}' AS grain, year, format, is_demo, {dims}, TRUE AS is_current, "
                  f"COUNT(*) AS n_reports, {sums}, {pieces} FROM reports_wide WHERE is_current GROUP BY {groups}")
        con.execute(f"CREATE OR REPLACE TABLE {YEAR_TABLE} AS {select}" if i == 0 else
                    f"INSERT INTO {YEAR_TABLE} {select}")
    con.execute(f"CREATE OR REPLACE TABLE {AGENCY_TABLE} AS {AGENCY_SELECT}")
    dims = ", ".join(f"r.{d}" for d in AGENCY_YEAR_DIMENSIONS)
    cells = ", ".join(f"r.{wide_column(k)}" for k in AGENCY_YEAR_KEYS)  # names from the spec (checked)
    con.execute(f"CREATE OR REPLACE TABLE {AGENCY_YEAR_TABLE} AS SELECT a.agency_id, {dims}, {cells}, "
                f"{', '.join(_report_pieces())} FROM reports_wide r LEFT JOIN {AGENCY_TABLE} a "
                "ON a.agency_key = r.agency_key WHERE r.is_current")


def available(con: duckdb.DuckDBPyConnection, table: str = YEAR_TABLE) -> bool:
    """The connection has that rollup: a snapshot published before them does not, nor does a reviewed
    reader's ``rollup_year`` (review.DERIVED) — then the same questions are asked of every report."""
    if table not in TABLES:
        raise ValueError(f"not a rollup: {table!r}")
    return con.execute("SELECT COUNT(*) FROM duckdb_tables() t WHERE t.database_name = current_database() "
                       "AND t.schema_name = 'main' AND t.table_name = ?", [table]).fetchone()[0] > 0 or \
        con.execute("SELECT COUNT(*) FROM duckdb_views() v WHERE v.database_name = current_database() "
                    "AND v.schema_name = 'main' AND v.view_name = ?", [table]).fetchone()[0] > 0


def counts_available(con: duckdb.DuckDBPyConnection) -> bool:
    """``rollup_year`` has the per-cell counts (a snapshot published before they were added has not)."""
    return available(con) and con.execute(
        "SELECT COUNT(*) FROM duckdb_columns() c WHERE c.database_name = current_database() AND c.schema_name = 'main' "
        "AND c.table_name = ? AND c.column_name = ?", [YEAR_TABLE, f"n__{WIDE_COLUMNS[0]}"]).fetchone()[0] > 0


def _grain_name(grain: tuple[str, ...]) -> str:
    return ",".join(grain) or "all"


def grain_for(f: Filters) -> tuple[str, ...] | None:
    """The smallest grain whose groups make up the slice ``f`` exactly, or None (current versions
    only, no agency or quality filter, and a grain with every restricted dimension)."""
    # Sets of reports no grain groups by: named agencies, 同口径 (agency keys), and the quality
    # switch's leave-out of reports failing R1–R4 — those slices are asked of every report.
    if not f.current_only or f.agencies or f.agency_keys or f.leave_out_failing:
        return None
    used = {dim for attr, dim in _FILTER_DIMENSIONS if getattr(f, attr)}
    return next((g for g in GRAINS if used <= set(g)), None)


def answers(f: Filters) -> bool:
    return grain_for(f) is not None


def year_source(con: duckdb.DuckDBPyConnection, f: Filters) -> tuple[str, str]:
    """``(FROM target, report count expression)`` for a by-year question over the slice ``f``: that
    grain of the rollup when one answers the slice, else ``reports_wide`` itself."""
    grain = grain_for(f)
    if grain is not None and available(con):
        # the grain's name is one of GRAINS (fixed here), never caller text
        return (f"(SELECT * FROM {YEAR_TABLE} WHERE grain = '{_grain_name(grain)}')",
                "CAST(SUM(r.n_reports) AS BIGINT)")
    return "reports_wide", "COUNT(*)"


def agency_year_source(con: duckdb.DuckDBPyConnection, f: Filters) -> str | None:
    """``rollup_agency_year`` when it answers the per-agency questions over ``f`` (a current-only slice:
    it holds current reports only), else None — then they are asked of ``reports_wide``."""
    return AGENCY_YEAR_TABLE if f.current_only and available(con, AGENCY_YEAR_TABLE) else None


def agency_source(con: duckdb.DuckDBPyConnection) -> str:
    """The pickers' agency table: the rollup, or the same rows computed from ``reports``."""
    return AGENCY_TABLE if available(con, AGENCY_TABLE) else f"({AGENCY_SELECT})"


def aggregate_sql(i: ind.Indicator, variant: str | None, table: str) -> dict[str, str]:
    """``indicators.aggregate_sql`` over ``table``: the same expressions over reports_wide, the
    pieces summed over the rollup."""
    if not (table.startswith(f"(SELECT * FROM {YEAR_TABLE} ") or table == AGENCY_YEAR_TABLE):
        return ind.aggregate_sql(i, variant)
    v = i.variant(variant)
    num = f"SUM(r.{piece_column(i.key, v.code, 'numerator')})"
    n = f"CAST(COALESCE(SUM(r.{piece_column(i.key, v.code, 'n')}), 0) AS BIGINT)"
    if not v.denominator and i.kind != ind.SHARE_OF_REPORTS:
        return {"value": num, "numerator": num, "denominator": "NULL", "n": n}
    den = f"SUM(r.{piece_column(i.key, v.code, 'denominator')})"
    return {"value": f"CAST({num} AS DOUBLE) / NULLIF({den}, 0)", "numerator": num, "denominator": den, "n": n}
