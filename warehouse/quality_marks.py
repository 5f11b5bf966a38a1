"""Statistics that know their data's quality: how much each report whose own numbers don't add
up (an R1–R4 source finding) moves a figure.

By default every report counts (the sidebar's switch can leave the failing ones out, see
``Filters.leave_out_failing``). A figure — a KPI, a point of a trend — that one failing report
moves by more than ``INFLUENCE_SHARE`` of its value is marked on the page with ``MARK`` and a note
naming the report: the figure with it, the figure without it. One report printing a 行政复议 total
of 0 against parts summing to 511 makes a province-wide dip; the mark says which report did it.

"Moves": for a count, the report's own term against the sum; for a rate, the rate with all
reports against the rate with this report's numerator and denominator taken out (the same
both-terms-present rule as ``indicators.aggregate_sql``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import duckdb
import pandas as pd

from . import indicators as ind
from . import rollups
from .filters import HARD_RULES, Filters, where_clause
from .schema import wide_column

INFLUENCE_SHARE = 0.05  # a failing report moving a figure by more than 5 % of it is named
MARK = "⚠"

_FAILING = ("r.report_id IN (SELECT fi.report_id FROM findings_in_force fi WHERE fi.kind = 'source' "
            "AND fi.rule IN (SELECT unnest(?::VARCHAR[])))")


def _terms(key: str, variant: str | None) -> tuple[str, str | None]:
    """Per-report numerator and denominator (None for a count) of a figure: an indicator in a
    口径, or a printed cell of the form (a count: the cell itself, ``schema.WIDE_KEYS``)."""
    if key not in ind.INDICATOR_BY_KEY:
        return ind.term_sql([key]), None
    i = ind.INDICATOR_BY_KEY[key]
    v = i.variant(variant)
    num = ind.term_sql(v.numerator)
    den = ind.term_sql(v.denominator) if v.denominator else None
    if den is None:
        return num, None
    both = f"({num}) IS NOT NULL AND ({den}) IS NOT NULL"
    return f"CASE WHEN {both} THEN {num} END", f"CASE WHEN {both} THEN {den} END"


def failing_count(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """reports, failing: the slice's reports (the switch off) and how many of them fail R1–R4."""
    w, p = where_clause(dataclasses.replace(f, leave_out_failing=False))
    sql = f"SELECT COUNT(*) AS reports, COUNT(*) FILTER (WHERE {_FAILING}) AS failing FROM reports r WHERE {w}"
    return con.execute(sql, [list(HARD_RULES), *p]).df()


def influence(con: duckdb.DuckDBPyConnection, f: Filters,
              figures: Sequence[tuple[str, str, str | None]], by: str = "year") -> pd.DataFrame:
    """Per figure (alias, indicator key or cell key, 口径) × ``by`` value × failing report of the slice that
    moves it by more than ``INFLUENCE_SHARE``: alias, <by>, report_id, agency, value (with every
    report), without (this report left out), share (|value − without| ÷ |value|; inf when the
    value is 0 and the report alone makes it differ).

    Empty when the slice already leaves failing reports out.
    """
    cols = ["alias", by, "report_id", "agency", "value", "without", "share"]
    if f.leave_out_failing or not figures:
        return pd.DataFrame(columns=cols)
    if by not in ind.GROUP_COLUMNS:
        raise ValueError(f"cannot group by {by!r}")
    w, p = where_clause(f)
    # The pieces are the rollups' when they hold the slice (the same masked terms, summed per group or
    # kept per report: warehouse.rollups), else computed from every report.
    # A printed cell (not an indicator) is a column of rollup_year (its sum) but of rollup_agency_year
    # only when it is one of its cells: else the failing reports' values are read from reports_wide.
    year_table = rollups.year_source(con, f)[0] if by == "year" else "reports_wide"
    report_table = rollups.agency_year_source(con, f) or "reports_wide"
    if any(k not in ind.INDICATOR_BY_KEY and k not in rollups.AGENCY_YEAR_KEYS for _, k, _ in figures):
        report_table = "reports_wide"
    sel_tot, sel_rep = [], []
    for i, (_, key, variant) in enumerate(figures):
        num, den = _terms(key, variant)
        if key in ind.INDICATOR_BY_KEY:
            pieces = {part: rollups.piece_column(key, variant, part) for part in ("numerator", "denominator")}
        else:
            pieces = {"numerator": wide_column(key), "denominator": None}
        tot_num, tot_den = (num, den) if year_table == "reports_wide" else \
            (f"r.{pieces['numerator']}", den and f"r.{pieces['denominator']}")
        rep_num, rep_den = (num, den) if report_table == "reports_wide" else \
            (f"r.{pieces['numerator']}", den and f"r.{pieces['denominator']}")
        sel_tot.append(f"SUM({tot_num}) AS n{i}")
        sel_rep.append(f"{rep_num} AS n{i}")
        sel_tot.append(f"SUM({tot_den}) AS d{i}" if den else f"NULL AS d{i}")
        sel_rep.append(f"{rep_den} AS d{i}" if den else f"NULL AS d{i}")
    # a report with no value at ``by`` (a province's own department has no city) is its own group ''
    g = f"COALESCE(CAST(r.{by} AS VARCHAR), '')" if by != "year" else "r.year"
    totals = con.execute(f"SELECT {g} AS g, {', '.join(sel_tot)} FROM {year_table} r WHERE {w} GROUP BY 1",
                         p).df().set_index("g")
    failing = con.execute(f"SELECT {g} AS g, r.report_id, r.agency, {', '.join(sel_rep)} FROM {report_table} r "
                          f"WHERE {w} AND {_FAILING} ORDER BY 1, r.agency, r.report_id", [*p, list(HARD_RULES)]).df()
    rows = []
    for rep in failing.itertuples(index=False):
        rep = rep._asdict()
        tot = totals.loc[rep["g"]]
        for i, (alias, key, _) in enumerate(figures):
            rate = key in ind.INDICATOR_BY_KEY and ind.INDICATOR_BY_KEY[key].kind == ind.RATE
            n_all, n_rep = tot[f"n{i}"], rep[f"n{i}"]
            if pd.isna(n_rep) or pd.isna(n_all):
                continue
            if rate:
                d_all, d_rep = tot[f"d{i}"], rep[f"d{i}"]
                value = n_all / d_all if d_all else None
                without = (n_all - n_rep) / (d_all - d_rep) if d_all - d_rep else None
            else:
                value, without = float(n_all), float(n_all - n_rep)
            if value is None or without is None:
                share = float("inf") if (value is None) != (without is None) else 0.0
            elif value == without:
                share = 0.0
            else:
                share = abs(value - without) / abs(value) if value else float("inf")
            if share > INFLUENCE_SHARE:
                rows.append((alias, rep["g"], int(rep["report_id"]), rep["agency"], value, without, share))
    return pd.DataFrame(rows, columns=cols)


def overview_influence(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """``influence`` on the 总览 figures (``queries.OVERVIEW_INDICATORS``) per year."""
    from .queries import OVERVIEW_INDICATORS

    return influence(con, f, OVERVIEW_INDICATORS)


def overview_same_agencies(con: duckdb.DuckDBPyConnection, f: Filters, year: int) -> pd.DataFrame:
    """同口径 for the 总览 KPIs: ``queries.overview_by_year`` for ``year`` − 1 and ``year`` over only
    the agencies that reported in both years (their ``reports`` column: how many on each side)."""
    from .queries import _df, overview_by_year

    both = _df(con, "SELECT r.agency_key FROM reports r WHERE " + where_clause(f)[0]
               + " AND r.year IN (?, ?) GROUP BY r.agency_key HAVING COUNT(DISTINCT r.year) = 2",
               [*where_clause(f)[1], int(year) - 1, int(year)])
    if both.empty:
        return overview_by_year(con, dataclasses.replace(f, year_from=int(year), year_to=int(year))).iloc[0:0]
    keys = tuple(both["agency_key"])
    scoped = dataclasses.replace(f, year_from=int(year) - 1, year_to=int(year), agency_keys=keys)
    return overview_by_year(con, scoped)


REVIEW_FIGURES = ("review_count", "litigation_count", "review_correction_rate", "litigation_correction_rate",
                  "correction_rate")


def review_influence(con: duckdb.DuckDBPyConnection, f: Filters, variant: str = "decided") -> pd.DataFrame:
    """``influence`` on the 复议诉讼 figures per year (the rates in the chosen 口径)."""
    figures = [(k, k, variant if len(ind.INDICATOR_BY_KEY[k].variants) > 1 else None) for k in REVIEW_FIGURES]
    return influence(con, f, figures)


def region_influence(con: duckdb.DuckDBPyConnection, f: Filters, key: str, variant: str | None,
                     year: int) -> pd.DataFrame:
    """``influence`` on one indicator per region of the 地区 table (``regions.level_of``) in ``year``;
    the region column is named ``region`` ('' for the group with no value at the level)."""
    from .regions import level_of

    level = level_of(f)
    one_year = dataclasses.replace(f, year_from=int(year), year_to=int(year))
    out = influence(con, one_year, [(key, key, variant)], by=level.column)
    return out.rename(columns={level.column: "region"})


def indicator_influence(con: duckdb.DuckDBPyConnection, f: Filters, keys: tuple[str, ...]) -> pd.DataFrame:
    """``influence`` per year on indicators in their default 口径 (alias = indicator key)."""
    return influence(con, f, [(k, k, None) for k in keys if k in ind.INDICATOR_BY_KEY])


def cells_influence(con: duckdb.DuckDBPyConnection, f: Filters, keys: tuple[str, ...]) -> pd.DataFrame:
    """``influence`` per year on printed cells summed over the slice (alias = cell key): the 全省汇总
    tables and the 主动公开 table 二 — a cell one failing report moves by more than the set share."""
    from .schema import WIDE_KEYS

    return influence(con, f, [(k, k, None) for k in keys if k in WIDE_KEYS])


def summary_influence(con: duckdb.DuckDBPyConnection, f: Filters, year: int) -> pd.DataFrame:
    """``cells_influence`` on every cell of the year's form over the reports 全省汇总 sums (that
    year, printed in that year's format)."""
    from .summary import cell_keys, format_of_year

    fmt = format_of_year(int(year))
    if fmt is None:
        return influence(con, f, [])
    one = dataclasses.replace(f, year_from=int(year), year_to=int(year), formats=(fmt,))
    return cells_influence(con, one, tuple(cell_keys(fmt)))


def failing_by_agency(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """agency_key, report_ids, years: each agency of the slice with a report failing R1–R4 — a
    per-agency figure (机构对比) rests on that report itself."""
    w, p = where_clause(f)
    sql = (f"SELECT r.agency_key, list(r.report_id ORDER BY r.year) AS report_ids, list(r.year ORDER BY r.year) AS years "
           f"FROM reports r WHERE {w} AND {_FAILING} GROUP BY r.agency_key")
    return con.execute(sql, [*p, list(HARD_RULES)]).df()


QUESTIONS = {fn.__name__: fn for fn in (failing_by_agency, indicator_influence, failing_count, overview_influence,
                                        overview_same_agencies, review_influence, region_influence,
                                        cells_influence, summary_influence)}
