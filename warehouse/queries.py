"""The dashboard's questions to the warehouse: one function per question, each returning a DataFrame.

Rules kept here (and only here — pages and charts never hold SQL):

* Every slice is restricted through ``warehouse.filters.where_clause`` (bound parameters).
* Column names in SQL come only from ``loaders.spec`` cell keys via ``schema.wide_column`` (a
  checked identifier) or from the fixed whitelists below — never from a widget's text. A
  widget-chosen indicator is looked up in ``indicators.INDICATOR_BY_KEY``; an unknown key raises.
* Aggregates keep "blank ≠ 0": a sum over cells none of which has a printed number is NULL, and
  a rate whose denominator is 0 or NULL is NULL (shown as '—'), never 0 %.

The functions take a DuckDB connection or cursor (``con``) and a ``Filters``; ``QUESTIONS``
registers them by name for the dashboard's cache layer.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

import duckdb
import pandas as pd

from loaders.spec import T4_GROUPS, T4_RESULTS
from loaders.spec.tables import T3_PART_COLUMNS

from . import indicators as ind
from . import rollups
from .filters import HARD_RULES, Filters, where_clause
from .schema import WIDE_KEYS, wide_column

Con = duckdb.DuckDBPyConnection

# ---------------------------------------------------------------- cell groups and indicators

# The six outcome groups of table 三 (both formats; a report has only its own format's keys).
OUTCOME_KEYS: dict[str, tuple[str, ...]] = {
    "grant": (ind.GRANT,),
    "partial": (ind.PARTIAL,),
    "deny": ind.DENY,
    "unable": ind.UNABLE,
    "not_processed": ind.NOT_PROCESSED,
    "other": ind.OTHER,
}
REASON_GROUPS = ("deny", "unable", "not_processed", "other")

# Headline indicators of the overview (keys of ``indicators.INDICATORS``, variant or None).
OVERVIEW_INDICATORS: tuple[tuple[str, str, str | None], ...] = (
    ("new_applications", "new_applications", None),
    ("handled", "handled", None),
    ("grant_rate", "grant_rate", None),
    ("review_count", "review_count", None),
    ("litigation_count", "litigation_count", None),
    ("correction_rate", "correction_rate", "decided"),
    ("correction_rate_filed", "correction_rate", "filed"),
)
# Items proactively disclosed: rules and normative documents made this year — 2021 format
# “本年制发件数”, 2019 format “本年新公开数量” (both table 二 indicators, summed).
PROACTIVE_KEYS: tuple[str, ...] = tuple(
    k for k in WIDE_KEYS if k.startswith("t2.art20_1.") and k.endswith((".issued", ".new_published"))
)


def indicator(key: str) -> ind.Indicator:
    """A widget-chosen indicator, looked up in the whitelist ``INDICATORS`` (unknown keys raise)."""
    try:
        return ind.INDICATOR_BY_KEY[key]
    except KeyError:
        raise ValueError(f"未知指标：{key!r}") from None


def rankable_indicators() -> tuple[ind.Indicator, ...]:
    """Indicators that can be computed per agency from ``reports_wide`` (all but report shares)."""
    return tuple(i for i in ind.INDICATORS if i.kind != ind.SHARE_OF_REPORTS)


# ---------------------------------------------------------------- SQL building blocks


def sum_sql(keys: Sequence[str]) -> str:
    """Σ over reports of the per-report term (NULL when no report printed a number in ``keys``)."""
    return f"SUM({ind.term_sql(keys)})"


def _df(con: Con, sql: str, params: list) -> pd.DataFrame:
    return con.execute(sql, params).df()

def _agg(key: str, variant: str | None = None) -> dict[str, str]:
    return ind.aggregate_sql(indicator(key), variant)


def _copy(f: Filters, **changes) -> Filters:
    fields = {k: getattr(f, k) for k in f.__dataclass_fields__ if k != "extra"}
    return Filters(**{**fields, **changes})


# ---------------------------------------------------------------- filter options


def report_years(con: Con, f: Filters) -> pd.DataFrame:
    """Years that have at least one current report (the filter ignores ``f``)."""
    return _df(con, "SELECT DISTINCT year FROM reports WHERE is_current AND year IS NOT NULL ORDER BY year", [])


def agency_options(con: Con, f: Filters) -> pd.DataFrame:
    """The agency dimension for the region / level / category / agency pickers (latest metadata)."""
    sql = """
        SELECT agency_key, arg_max(agency, year) AS agency, arg_max(province, year) AS province,
               arg_max(city, year) AS city, arg_max(county, year) AS county, arg_max(level, year) AS level,
               arg_max(category, year) AS category
        FROM reports WHERE is_current AND agency_key IS NOT NULL GROUP BY agency_key ORDER BY agency, agency_key
    """
    return label_agencies(_df(con, sql, []))


def label_agencies(df: pd.DataFrame) -> pd.DataFrame:
    """Give each agency a display name; the same name in two places gets its city / province added.

    Agencies are identified by ``agency_key`` (province|city|agency): 鼓楼区人民政府 exists in
    several cities. ``agency`` becomes the unambiguous display name; the key is kept.
    """
    if df.empty or "agency_key" not in df:
        return df
    out = df.copy()
    out["name"] = out["agency"]  # the name as the reports give it (what Filters.agencies matches)
    dup = out.groupby("agency")["agency_key"].transform("nunique") > 1
    place = out["agency_key"].str.split("|").map(lambda p: p[1] or p[0] if isinstance(p, list) else "")
    out.loc[dup, "agency"] = out.loc[dup, "agency"] + "（" + place[dup] + "）"
    return out


def agency_filters(f: Filters, agency_key: str) -> Filters:
    """The slice of one agency identified by its key (province|city|agency)."""
    province, city, name = [*agency_key.split("|", 2), "", ""][:3]
    return _copy(f, agencies=(name,), provinces=(province,) if province else (), cities=(city,) if city else ())


# ---------------------------------------------------------------- 总览


def overview_by_year(con: Con, f: Filters) -> pd.DataFrame:
    """Per year: reports, agencies, each headline indicator and proactive items (KPI cards, trends)."""
    w, p = where_clause(f)
    table, count = rollups.year_source(con, f)
    parts = ["r.year AS year", f"{count} AS reports"]
    for alias, key, variant in OVERVIEW_INDICATORS:
        parts.append(f"{rollups.aggregate_sql(indicator(key), variant, table)['value']} AS {alias}")
    parts.append(f"{sum_sql(PROACTIVE_KEYS)} AS proactive_docs")
    sql = f"SELECT {', '.join(parts)} FROM {table} r WHERE {w} GROUP BY r.year ORDER BY r.year"
    df = _df(con, sql, p)
    # distinct agency names per year are not additive over groups: counted on the narrow reports table
    names = _df(con, f"SELECT r.year AS year, COUNT(DISTINCT r.agency) AS agencies FROM reports r WHERE {w} "
                     "GROUP BY r.year", p)
    df = df.merge(names, on="year", how="left")
    df["agencies"] = df["agencies"].fillna(0).astype("int64")
    return df[["year", "reports", "agencies", *(a for a, _k, _v in OVERVIEW_INDICATORS), "proactive_docs"]]


# ---------------------------------------------------------------- 依申请公开


def _outcome_select() -> str:
    return ", ".join(f"{sum_sql(keys)} AS {code}" for code, keys in OUTCOME_KEYS.items())


def _long(wide: pd.DataFrame, by: str, columns: Sequence[str], var_name: str) -> pd.DataFrame:
    long = wide.melt(id_vars=[by], value_vars=list(columns), var_name=var_name, value_name="count")
    return long.dropna(subset=["count"]).reset_index(drop=True)


_APPLICANT_ROW = ind.NEW.removesuffix(".total")
_CARRY = ("carried_over", "new_received", "handled", "carry_forward", "backlog_rate")


def applications_by_year(con: Con, f: Filters) -> pd.DataFrame:
    """Per year, one scan for the whole 依申请公开 page: the six outcome groups, new applications
    by applicant type (``applicant:<col>``), every reason row (``reason:<row code>``) and the
    carry-over figures with the backlog rate. The functions below reshape it per chart."""
    w, p = where_clause(f)
    applicants = ", ".join(f"{sum_sql([f'{_APPLICANT_ROW}.{c}'])} AS \"applicant:{c}\"" for c in T3_PART_COLUMNS)
    reasons = ", ".join(f"{sum_sql([k])} AS \"reason:{k.removesuffix('.total')}\""
                        for g in REASON_GROUPS for k in OUTCOME_KEYS[g])
    table, _count = rollups.year_source(con, f)
    carry = (f"{sum_sql([ind.CARRIED_OVER])} AS carried_over, {sum_sql([ind.NEW])} AS new_received, "
             f"{sum_sql([ind.RESULT_TOTAL])} AS handled, {sum_sql([ind.CARRY_FORWARD])} AS carry_forward, "
             f"{rollups.aggregate_sql(indicator('backlog_rate'), None, table)['value']} AS backlog_rate")
    sql = (f"SELECT r.year AS year, {_outcome_select()}, {applicants}, {reasons}, {carry} "
           f"FROM {table} r WHERE {w} GROUP BY r.year ORDER BY r.year")
    return _df(con, sql, p)


def outcomes_long(wide: pd.DataFrame) -> pd.DataFrame:
    """Long: year, outcome code (grant … other), count — from ``applications_by_year``."""
    return _long(wide, "year", OUTCOME_KEYS, "outcome") if len(wide) else pd.DataFrame(columns=["year", "outcome", "count"])


def applicants_long(wide: pd.DataFrame) -> pd.DataFrame:
    """Long: year, applicant type code (natural_person, legal.*), new applications from that type."""
    if not len(wide):
        return pd.DataFrame(columns=["year", "applicant", "count"])
    cols = {f"applicant:{c}": c for c in T3_PART_COLUMNS}
    return _long(wide[["year", *cols]].rename(columns=cols), "year", T3_PART_COLUMNS, "applicant")


def reasons_long(wide: pd.DataFrame, group: str) -> pd.DataFrame:
    """Long: year, reason (t3 row code), count — the rows under one outcome heading (总计 column)."""
    if group not in REASON_GROUPS:
        raise ValueError(f"unknown reason group {group!r}")
    if not len(wide):
        return pd.DataFrame(columns=["year", "reason", "count"])
    rows = [k.removesuffix(".total") for k in OUTCOME_KEYS[group]]
    return _long(wide[["year", *(f"reason:{r}" for r in rows)]].rename(columns=lambda c: c.removeprefix("reason:")),
                 "year", rows, "reason")


def carry_over(wide: pd.DataFrame) -> pd.DataFrame:
    """Per year: carried over, new, handled, carried forward, backlog rate."""
    return wide[["year", *_CARRY]] if len(wide) else pd.DataFrame(columns=["year", *_CARRY])


def outcomes_by_year(con: Con, f: Filters) -> pd.DataFrame:
    """Long: year, outcome, count for the slice (``applications_by_year`` reshaped)."""
    return outcomes_long(applications_by_year(con, f))


# Per-agency questions over ``rollup_agency_year`` group by the integer ``agency_id`` — numbered in the
# order (name, key), so ordering by it is ordering by name and key — sort and cut the groups on it, and
# join the names (``rollup_agencies``) to the rows kept. Reports without an agency (stored with neither
# name nor key) have no id: they are one group, as they are one ``agency_key`` NULL group over
# reports_wide, with no name either way.
_NAMES = f"LEFT JOIN {rollups.AGENCY_TABLE} a ON a.agency_id = x.agency_id"


def outcomes_by_agency(con: Con, f: Filters, top_n: int = 20) -> pd.DataFrame:
    """Long: agency, outcome, count — the ``top_n`` agencies with the most handled applications."""
    w, p = where_clause(f)
    handled = sum_sql([ind.RESULT_TOTAL])
    if rollups.agency_year_source(con, f):
        # the top_n by one column first, then the outcome groups of those agencies only
        t = rollups.AGENCY_YEAR_TABLE
        sql = f"""
            WITH top AS (SELECT r.agency_id, {handled} AS handled FROM {t} r WHERE {w} GROUP BY r.agency_id
                         HAVING {handled} > 0 ORDER BY handled DESC, r.agency_id NULLS LAST LIMIT ?),
            x AS (SELECT top.agency_id, {_outcome_select()}, any_value(top.handled) AS handled
                  FROM {t} r JOIN top ON r.agency_id IS NOT DISTINCT FROM top.agency_id WHERE {w} GROUP BY top.agency_id)
            SELECT a.agency_key, a.agency, x.* EXCLUDE (agency_id) FROM x {_NAMES}
            ORDER BY x.handled DESC, x.agency_id NULLS LAST"""
        wide = _df(con, sql, [*p, int(top_n), *p])
    else:
        sql = (f"SELECT r.agency_key, any_value(r.agency) AS agency, {_outcome_select()}, {handled} AS handled "
               f"FROM reports_wide r WHERE {w} GROUP BY r.agency_key "
               f"HAVING {handled} > 0 ORDER BY handled DESC, agency, r.agency_key LIMIT ?")
        wide = _df(con, sql, [*p, int(top_n)])
    wide = label_agencies(wide)
    return _long(wide.drop(columns=["handled", "agency_key"]), "agency", OUTCOME_KEYS, "outcome")


def applicant_mix(con: Con, f: Filters) -> pd.DataFrame:
    """Long: year, applicant type, count for the slice."""
    return applicants_long(applications_by_year(con, f))


def reasons_by_year(con: Con, f: Filters, group: str) -> pd.DataFrame:
    """Long: year, reason row, count for one outcome heading (deny | unable | not_processed | other)."""
    return reasons_long(applications_by_year(con, f), group)


def carry_over_by_year(con: Con, f: Filters) -> pd.DataFrame:
    """Per year: carry-over figures and the backlog rate for the slice."""
    return carry_over(applications_by_year(con, f))


# ---------------------------------------------------------------- 复议诉讼


def review_litigation_by_year(con: Con, f: Filters) -> pd.DataFrame:
    """Long: year, group (review, lit_direct, lit_after_review), result code, count — table 四 side by side."""
    w, p = where_clause(f)
    sel = ", ".join(f"{sum_sql([f't4.{g.code}.{r.code}'])} AS \"{g.code}|{r.code}\"" for g in T4_GROUPS for r in T4_RESULTS)
    table, _count = rollups.year_source(con, f)
    wide = _df(con, f"SELECT r.year AS year, {sel} FROM {table} r WHERE {w} GROUP BY r.year ORDER BY r.year", p)
    cols = [c for c in wide.columns if c != "year"]
    long = wide.melt(id_vars=["year"], value_vars=cols, var_name="cell", value_name="count")
    if long.empty:
        return pd.DataFrame(columns=["year", "grp", "result", "count"])
    long[["grp", "result"]] = long["cell"].str.split("|", n=1, expand=True)
    return long.drop(columns=["cell"]).dropna(subset=["count"])[["year", "grp", "result", "count"]].reset_index(drop=True)


CORRECTION_INDICATORS = ("review_correction_rate", "litigation_correction_rate", "correction_rate")


def correction_rates_by_year(con: Con, f: Filters, variant: str) -> pd.DataFrame:
    """Per year: review, litigation and combined correction rates in one 口径 (decided | filed)."""
    if variant not in ("decided", "filed"):
        raise ValueError(f"unknown 口径 {variant!r}")
    w, p = where_clause(f)
    table, _count = rollups.year_source(con, f)
    parts = ["r.year AS year"]
    for key in CORRECTION_INDICATORS:
        a = rollups.aggregate_sql(indicator(key), variant, table)
        parts += [f"{a['value']} AS {key}", f"{a['denominator']} AS {key}_n"]
    return _df(con, f"SELECT {', '.join(parts)} FROM {table} r WHERE {w} GROUP BY r.year ORDER BY r.year", p)


# ---------------------------------------------------------------- 主动公开


def proactive_by_year(con: Con, f: Filters) -> pd.DataFrame:
    """Per year: every table 二 cell summed (both formats; a 2019 column is NULL for 2021 reports and back)."""
    w, p = where_clause(f)
    keys = [k for k in WIDE_KEYS if k.startswith("t2.")]
    sel = ", ".join(f"{sum_sql([k])} AS \"{k}\"" for k in keys)
    table, count = rollups.year_source(con, f)
    sql = (f"SELECT r.year AS year, {count} AS reports, {sel} FROM {table} r WHERE {w} "
           "GROUP BY r.year ORDER BY r.year")
    return _df(con, sql, p)


# ---------------------------------------------------------------- 机构对比


def _named_head(con: Con, groups: str, order: str, params: list, limit: int | None, columns: str) -> pd.DataFrame:
    """The first ``limit`` rows (all: None) of ``groups`` (per ``agency_id``) in ``order``, with names —
    ``label_agencies`` of the whole list, in SQL: a name that more than one agency of ``groups`` has gets
    its city (or province) added. Only names that more than one agency of the warehouse has
    (``rollup_agencies.n_same_name``) are counted over the groups."""
    sql = f"""
        WITH x AS MATERIALIZED ({groups}),
        top AS (SELECT * FROM x ORDER BY {order} {"LIMIT ?" if limit is not None else ""}),
        named AS (SELECT a.agency AS name, a.agency_key, a.n_same_name, top.* FROM top {_NAMES.replace("x.", "top.")}),
        shared AS (SELECT a.agency AS name, COUNT(*) AS n FROM x JOIN {rollups.AGENCY_TABLE} a ON a.agency_id = x.agency_id
                   WHERE a.agency IN (SELECT name FROM named WHERE n_same_name > 1) GROUP BY a.agency)
        SELECT CASE WHEN s.n > 1 THEN name || '（' || COALESCE(NULLIF(split_part(agency_key, '|', 2), ''),
                    split_part(agency_key, '|', 1)) || '）' ELSE name END AS agency, {columns}, agency_key, name
        FROM named LEFT JOIN shared s USING (name) ORDER BY {order}"""
    return _labelled(_df(con, sql, [*params, *([int(limit)] if limit is not None else [])]))


RANK_ORDERS = ("value", "size")


def _labelled(df: pd.DataFrame) -> pd.DataFrame:
    """A frame labelled in SQL (``_named_head``) as ``label_agencies`` leaves it (an empty one has no ``name``)."""
    return df.drop(columns=["name"]) if df.empty else df


def _head(df: pd.DataFrame, limit: int | None) -> pd.DataFrame:
    return df if limit is None else df.head(int(limit)).reset_index(drop=True)


def ranking(con: Con, f: Filters, key: str, variant: str | None = None, min_n: int = 10,
            limit: int | None = None, order: str = "value") -> pd.DataFrame:
    """Per agency over the slice: the indicator's value, numerator, denominator, reports (n).

    ``small_sample`` marks a rate whose denominator is below ``min_n`` (one case swings it).
    Sorted best-first by value (``order="size"``: largest denominator — a count's value — first);
    agencies with no value last; ``limit``: the first rows only (display names as in the whole list).
    """
    if order not in RANK_ORDERS:
        raise ValueError(f"unknown order {order!r}")
    i = indicator(key)
    table = rollups.agency_year_source(con, f)
    a = rollups.aggregate_sql(i, variant, table or "reports_wide")
    w, p = where_clause(f)
    small = f"COALESCE({a['denominator']}, 0) < ?" if i.kind == ind.RATE else "FALSE"
    small_p = [int(min_n)] if i.kind == ind.RATE else []
    size = "denominator" if i.kind == ind.RATE else "value"
    if table:
        inner = (f"SELECT r.agency_id, {a['value']} AS value, {a['numerator']} AS numerator, "
                 f"{a['denominator']} AS denominator, {a['n']} AS reports, {small} AS small_sample "
                 f"FROM {table} r WHERE {w} GROUP BY r.agency_id")
        by = ("value DESC NULLS LAST, denominator DESC NULLS LAST" if order == "value" else f"{size} DESC NULLS LAST")
        return _named_head(con, inner, f"{by}, agency_id NULLS LAST", [*small_p, *p], limit,
                           "value, numerator, denominator, reports, small_sample")
    sql = (f"SELECT any_value(r.agency) AS agency, {a['value']} AS value, {a['numerator']} AS numerator, "
           f"{a['denominator']} AS denominator, {a['n']} AS reports, {small} AS small_sample, r.agency_key "
           f"FROM reports_wide r WHERE {w} GROUP BY r.agency_key "
           "ORDER BY value DESC NULLS LAST, denominator DESC NULLS LAST, agency, r.agency_key")
    df = label_agencies(_df(con, sql, small_p + p))
    if order == "size" and len(df):
        df = df.sort_values([size, "name", "agency_key"], ascending=[False, True, True], na_position="last",
                            kind="stable").reset_index(drop=True)
    return _head(df, limit)


def ranking_counts(con: Con, f: Filters, key: str, variant: str | None = None) -> pd.DataFrame:
    """One row: how many agencies the slice has (``agencies``) and how many of them have no value of the
    indicator (``without_value``: no denominator, or nothing printed)."""
    i = indicator(key)
    table = rollups.agency_year_source(con, f)
    a = rollups.aggregate_sql(i, variant, table or "reports_wide")
    w, p = where_clause(f)
    group = "r.agency_id" if table else "r.agency_key"
    sql = (f"SELECT COUNT(*) AS agencies, COUNT(*) FILTER (WHERE value IS NULL) AS without_value FROM ("
           f"SELECT {a['value']} AS value FROM {table or 'reports_wide'} r WHERE {w} GROUP BY {group})")
    return _df(con, sql, p)


def indicator_by_agency_year(con: Con, f: Filters, key: str, variant: str | None,
                             agencies: tuple[str, ...]) -> pd.DataFrame:
    """Per agency × year for the chosen agencies: value and denominator (small multiples)."""
    f = _copy(f, agencies=tuple(agencies))
    table = rollups.agency_year_source(con, f)
    a = rollups.aggregate_sql(indicator(key), variant, table or "reports_wide")
    w, p = where_clause(f)
    if table:
        inner = (f"SELECT r.agency_id, r.year AS year, {a['value']} AS value, "
                 f"{a['denominator']} AS denominator FROM {table} r WHERE {w} GROUP BY r.agency_id, r.year")
        sql = (f"SELECT a.agency, x.year, x.value, x.denominator, a.agency_key "
               f"FROM ({inner}) x {_NAMES} ORDER BY x.agency_id NULLS LAST, x.year")
    else:
        sql = (f"SELECT any_value(r.agency) AS agency, r.year AS year, {a['value']} AS value, "
               f"{a['denominator']} AS denominator, r.agency_key "
               f"FROM reports_wide r WHERE {w} GROUP BY r.agency_key, r.year ORDER BY agency, r.agency_key, r.year")
    return label_agencies(_df(con, sql, p))


def movers(con: Con, f: Filters, key: str, variant: str | None = None, min_n: int = 10,
           limit: int | None = None) -> pd.DataFrame:
    """Per agency: the indicator in the slice's last year and the year before, and the change.

    Agencies without a value in either year are left out; for rates, a denominator below
    ``min_n`` in either year is flagged ``small_sample``. Largest change first; ``limit``: the
    first rows only (display names as in the whole list).
    """
    i = indicator(key)
    table = rollups.agency_year_source(con, f)
    a = rollups.aggregate_sql(i, variant, table or "reports_wide")
    w, p = where_clause(f)
    small = "LEAST(COALESCE(prev.den, 0), COALESCE(cur.den, 0)) < ?" if i.kind == ind.RATE else "FALSE"
    small_p = [int(min_n)] if i.kind == ind.RATE else []
    if table:
        # only the last two years are grouped (the join needs no other); no agency id: never joined
        sql = f"""
            WITH last AS (SELECT MAX(r.year) AS y FROM {table} r WHERE {w}),
            per AS (
                SELECT r.agency_id, r.year AS year, {a['value']} AS value, {a['denominator']} AS den
                FROM {table} r, last WHERE {w} AND r.agency_id IS NOT NULL AND r.year IN (last.y - 1, last.y)
                GROUP BY r.agency_id, r.year
            ), m AS (
                SELECT cur.agency_id, prev.year AS year_before, cur.year AS year, prev.value AS value_before,
                       cur.value AS value, cur.value - prev.value AS change, {small} AS small_sample
                FROM per cur JOIN per prev ON prev.agency_id = cur.agency_id AND prev.year = cur.year - 1, last
                WHERE cur.year = last.y AND cur.value IS NOT NULL AND prev.value IS NOT NULL
            ) SELECT * FROM m"""
        return _named_head(con, sql, "ABS(change) DESC, agency_id", [*p, *p, *small_p], limit,
                           "year_before, year, value_before, value, change, small_sample")
    sql = f"""
        WITH per AS (
            SELECT r.agency_key, any_value(r.agency) AS agency, r.year AS year, {a['value']} AS value,
                   {a['denominator']} AS den
            FROM reports_wide r WHERE {w} GROUP BY r.agency_key, r.year
        ), last AS (SELECT MAX(year) AS y FROM per)
        SELECT cur.agency, prev.year AS year_before, cur.year AS year, prev.value AS value_before,
               cur.value AS value, cur.value - prev.value AS change, {small} AS small_sample, cur.agency_key
        FROM per cur JOIN per prev ON prev.agency_key = cur.agency_key AND prev.year = cur.year - 1, last
        WHERE cur.year = last.y AND cur.value IS NOT NULL AND prev.value IS NOT NULL
        ORDER BY ABS(cur.value - prev.value) DESC, cur.agency, cur.agency_key
    """
    return _head(label_agencies(_df(con, sql, p + small_p)), limit)


# ---------------------------------------------------------------- 单位详情


def _years_only(f: Filters) -> Filters:
    """The slice's year range and nothing else (an agency's own pages show every version)."""
    return Filters(year_from=f.year_from, year_to=f.year_to, current_only=False)


def agency_reports(con: Con, f: Filters, agency_key: str) -> pd.DataFrame:
    """Every stored report of one agency in the slice's years (all versions), with its source document."""
    w, p = where_clause(_years_only(f))
    sql = f"""
        SELECT r.report_id, r.year, r.format, r.version, r.n_versions, r.is_current, r.publish_date,
               r.title, r.n_errors, r.n_warnings, r.n_parse_issues, r.consistency_ok, r.is_demo,
               d.name AS source_name, d.file_type, d.size_bytes, d.stored_path, d.ingested_at, r.sha256
        FROM reports r LEFT JOIN source_documents d USING (sha256)
        WHERE r.agency_key = ? AND {w}
        ORDER BY r.year DESC, r.version DESC
    """
    return _df(con, sql, [agency_key, *p])


def report_cells(con: Con, f: Filters, report_id: int) -> pd.DataFrame:
    """One report's cells as the source printed them: key, value, status, raw text, location."""
    sql = "SELECT key, value, status, raw, unit, note, location FROM cells WHERE report_id = ?"
    return _df(con, sql, [int(report_id)])


def agency_indicators(con: Con, f: Filters, agency_key: str) -> pd.DataFrame:
    """Long, per year for one agency (current versions, the slice's years): every indicator (default 口径)."""
    years = Filters(year_from=f.year_from, year_to=f.year_to)
    return ind.compute(con, agency_filters(years, agency_key), [i.key for i in rankable_indicators()], by=("year",))


def agency_findings(con: Con, f: Filters, agency_key: str) -> pd.DataFrame:
    """All findings on one agency's current reports in the slice's years."""
    w, p = where_clause(_years_only(f))
    sql = f"""
        SELECT r.year, fi.rule, fi.severity, fi.kind, fi.scope, fi.message, fi."where" AS location,
               array_to_string(fi.keys, '、') AS cells, fi.expected, fi.found
        FROM findings_in_force fi JOIN reports r USING (report_id)
        WHERE r.agency_key = ? AND r.is_current AND {w}
        ORDER BY r.year DESC, fi.severity, fi.rule
    """
    return _df(con, sql, [agency_key, *p])


# ---------------------------------------------------------------- 数据质量


def _findings(con: Con, f: Filters, condition: str, cond_params: list, extra: str = "") -> pd.DataFrame:
    """``extra``: further findings columns, a fixed string from this module, never user input."""
    w, p = where_clause(f)
    sql = f"""
        SELECT r.agency, r.year, r.format, fi.rule, fi.severity, fi.message, fi."where" AS location,
               array_to_string(fi.keys, '、') AS cells, fi.expected, fi.found, d.name AS source_name, r.report_id
               {extra}
        FROM findings_in_force fi JOIN reports r USING (report_id) LEFT JOIN source_documents d ON d.sha256 = r.sha256
        WHERE {w} AND {condition}
        ORDER BY r.agency, r.year, fi.rule
    """
    return _df(con, sql, [*p, *cond_params])


def inconsistent_reports(con: Con, f: Filters) -> pd.DataFrame:
    """Source findings of the hard rules (R1–R4): the report's own numbers don't add up, with the cells."""
    return _findings(con, f, "fi.kind = 'source' AND fi.rule IN (SELECT unnest(?::VARCHAR[]))", [list(HARD_RULES)])


def reports_to_return(con: Con, f: Filters) -> pd.DataFrame:
    """One row per report whose own numbers break a hard rule (R1–R4): what a clerk sends back —
    the agency, the file, how many equations fail and each one's message, in table order."""
    w, p = where_clause(f)
    sql = f"""
        SELECT r.agency, r.year, d.name AS source_name, count(*) AS n_problems,
               string_agg(fi.message, '；' ORDER BY fi.rule, fi.message) AS problems, r.report_id
        FROM findings_in_force fi JOIN reports r USING (report_id) LEFT JOIN source_documents d ON d.sha256 = r.sha256
        WHERE {w} AND fi.kind = 'source' AND fi.rule IN (SELECT unnest(?::VARCHAR[]))
        GROUP BY r.agency, r.year, d.name, r.report_id
        ORDER BY r.agency, r.year
    """
    return _df(con, sql, [*p, list(HARD_RULES)])


def parse_uncertain(con: Con, f: Filters) -> pd.DataFrame:
    """Findings about our reading (kind = parse): cells to check by hand, with the readings the
    parser could not choose between (``candidates``, as text) so the clerk compares them with the
    original, and ``settled`` (已核定) once a reviewer decided each of its cells."""
    df = _findings(con, f, "fi.kind = 'parse'", [], extra=SETTLED_SQL)
    readings = df.pop("candidates").map(readings_text)
    df.insert(df.columns.get_loc("cells") + 1, "candidates", readings)
    df["settled"] = df["settled"].map({True: "已核定", False: ""}).fillna("")
    return df


# Whether a reviewer decided a value for every cell of an uncertain reading (审查工作台).
SETTLED_SQL = (", fi.candidates, coalesce((SELECT list_has_all(list(rc.key), fi.keys) FROM reviewed_cells rc "
               "WHERE rc.report_id = fi.report_id) AND len(fi.keys) > 0, false) AS settled")


def readings_text(candidates: str | None) -> str:
    """The JSON list of readings stored with a P1 finding → "69 | 3 | 665；6 | 93 | 665" (a blank
    cell reads 空白); "" when there are none."""
    if not isinstance(candidates, str) or not candidates:
        return ""
    try:
        readings = json.loads(candidates)
    except ValueError:
        return candidates
    def cell(v: object) -> str:
        if v is None:
            return "空白"
        return f"{v:g}" if isinstance(v, float) else str(v)
    return "；".join(" | ".join(cell(v) for v in r) if isinstance(r, list) else cell(r) for r in readings)


def cross_year_breaks(con: Con, f: Filters) -> pd.DataFrame:
    """Findings across years (W1 carry-over continuity and other cross-year rules)."""
    return _findings(con, f, "fi.scope = 'cross_year'", [])


def missing_reports(con: Con, f: Filters) -> pd.DataFrame:
    """Roster entries (agency, year) with no stored report."""
    w, p = where_clause(f, "m", roster=True)
    sql = f"SELECT m.agency, m.year, m.region, m.level, m.category FROM missing_reports m WHERE {w} ORDER BY m.agency, m.year"
    return _df(con, sql, p)


def changed_reports(con: Con, f: Filters) -> pd.DataFrame:
    """Reports published in more than one version (changed after publication), one row per version."""
    w, p = where_clause(_copy(f, current_only=False))
    sql = f"""
        SELECT v.agency, v.year, v.version, v.n_versions, v.is_current, v.publish_date, v.source_name,
               v.ingested_at, v.report_id
        FROM report_versions v JOIN reports r USING (report_id)
        WHERE {w}
        ORDER BY v.agency, v.year, v.version
    """
    return _df(con, sql, p)


# ---------------------------------------------------------------- 数据下载


def slice_reports_wide(con: Con, f: Filters) -> pd.DataFrame:
    """One row per report in the slice: dimensions + every cell value (canonical keys as columns)."""
    w, p = where_clause(f)
    dims = "r.report_id, r.agency, r.province, r.city, r.county, r.level, r.category, r.year, r.format, r.version"
    sel = ", ".join(f"{wide_column(k)} AS \"{k}\"" for k in WIDE_KEYS)
    return _df(con, f"SELECT {dims}, {sel} FROM reports_wide r WHERE {w} ORDER BY r.agency, r.year", p)


def slice_cells_long(con: Con, f: Filters) -> pd.DataFrame:
    """One row per report × cell: value, status and the source text as printed."""
    w, p = where_clause(f)
    sql = f"""
        SELECT r.report_id, r.agency, r.year, r.format, c.key, c.value, c.status, c.raw
        FROM cells c JOIN reports r USING (report_id)
        WHERE {w}
        ORDER BY r.agency, r.year, c.key
    """
    return _df(con, sql, p)


def slice_indicators(con: Con, f: Filters) -> pd.DataFrame:
    """Long, per agency × year: every indicator in its default 口径 (NULL where no denominator)."""
    return ind.compute(con, f, [i.key for i in rankable_indicators()], by=("agency", "year"))


# ---------------------------------------------------------------- registry


QUESTIONS: dict[str, Callable[..., pd.DataFrame]] = {fn.__name__: fn for fn in (
    report_years, agency_options, overview_by_year, applications_by_year, outcomes_by_year, outcomes_by_agency, applicant_mix,
    reasons_by_year, carry_over_by_year, review_litigation_by_year, correction_rates_by_year,
    proactive_by_year, ranking, ranking_counts, indicator_by_agency_year, movers, agency_reports, report_cells,
    agency_indicators, agency_findings, reports_to_return, inconsistent_reports, parse_uncertain, cross_year_breaks,
    missing_reports, changed_reports, slice_reports_wide, slice_cells_long, slice_indicators,
)}


def empty_result(name: str) -> pd.DataFrame:
    """What a question returns when there is no warehouse at all: an empty frame."""
    return pd.DataFrame()


# ---------------------------------------------------------------- 报送情况 (warehouse.submission)
from . import submission as _submission  # noqa: E402

QUESTIONS.update(_submission.QUESTIONS)

# ---------------------------------------------------------------- the filter pickers (warehouse.options)
from . import options as _options  # noqa: E402

QUESTIONS.update(_options.QUESTIONS)

# ---------------------------------------------------------------- 内容雷同 (warehouse.similarity)
from . import similarity as _similarity  # noqa: E402

QUESTIONS.update(_similarity.QUESTIONS)


def structure_problems(con: Con, f: Filters) -> pd.DataFrame:
    """Findings about a report's layout (S1–S3): a section missing, out of order or misnumbered."""
    return _findings(con, f, "fi.kind = 'structure'", [])


QUESTIONS[structure_problems.__name__] = structure_problems


# ---------------------------------------------------------------- 审查工作台 (review overlay, migration 005)

# A case is one agency-year (it follows the report across versions); a report without an agency
# is its own case. The same expression names cases in the page's decisions (review.case_key).
CASE_KEY_SQL = "coalesce(r.agency_key, 'doc:' || r.sha256) || '|' || coalesce(CAST(r.year AS VARCHAR), '')"
# A finding's identity across re-parses: rule, cells and place (its report is the document hash).
FINDING_REF_SQL = ("fi.rule || '|' || coalesce(array_to_string(fi.keys, ','), '') || '|' || "
                   "coalesce(fi.\"where\", '')")
# The verdict in force on each finding (by document and finding ref).
VERDICTS_CTE = """verdicts AS (
            SELECT sha256, target, action, reviewer, decided_at, note
            FROM review_decisions WHERE kind = 'finding' AND in_force
            QUALIFY row_number() OVER (PARTITION BY sha256, target ORDER BY decision_id DESC) = 1)"""
COPIED_RULE = "C1"  # 内容雷同 (warehouse.similarity): found after the report is stored, not in reports.n_warnings


def review_queue(con: Con, f: Filters) -> pd.DataFrame:
    """Every current report with something to look at (findings of any kind, 内容雷同 included), a
    decided cell or a case, with the status of its case: 待复核 when nothing was decided; 已整改 when it was sent
    back and a newer version of the same agency-year is now current. ``n_errors`` counts the
    equations failing on the values in force (a decided cell can make one hold, or break one);
    ``n_errors_as_read`` those of the report as read; ``n_parse_issues`` the uncertain readings not
    yet settled by a decided value of each of their cells; ``n_source_changed`` the decided cells
    whose parsed value a re-parse changed since the decision (to look at again)."""
    w, p = where_clause(f)
    sql = f"""
        WITH copied AS (SELECT report_id, count(*) AS n FROM findings WHERE rule = '{COPIED_RULE}' GROUP BY report_id),
        settled AS (  -- uncertain readings every cell of which a reviewer decided
            SELECT fi.report_id, count(*) AS n FROM findings fi
            JOIN (SELECT report_id, list(key) AS ks FROM reviewed_cells GROUP BY report_id) d USING (report_id)
            WHERE fi.kind = 'parse' AND len(fi.keys) > 0 AND list_has_all(d.ks, fi.keys) GROUP BY fi.report_id),
        changed AS (  -- decided cells whose parsed value a re-parse changed since the decision
            SELECT report_id, count(*) AS n FROM reviewed_cells WHERE source_changed GROUP BY report_id)
        SELECT r.report_id, r.sha256, {CASE_KEY_SQL} AS case_key, r.agency, r.region, r.province, r.city,
               r.level, r.year, r.format, r.version, r.n_versions,
               r.n_errors - coalesce(rc.n_errors_as_read, 0) + coalesce(rc.n_errors_in_force, 0) AS n_errors,
               r.n_errors AS n_errors_as_read, r.n_warnings, coalesce(cp.n, 0) AS n_copied,
               r.n_parse_issues - coalesce(st.n, 0) AS n_parse_issues, r.n_parse_issues AS n_parse_issues_as_read,
               coalesce(ch.n, 0) AS n_source_changed,
               CASE WHEN c.status IS NULL THEN '待复核'
                    WHEN c.status = '已退回' AND c.sha256 IS DISTINCT FROM r.sha256 THEN '已整改'
                    ELSE c.status END AS status,
               c.sha256 AS case_sha256, c.deadline, c.reviewer, c.decided_at, c.note,
               (SELECT o.report_id FROM reports o WHERE o.sha256 = c.sha256) AS case_report_id
        FROM reports r LEFT JOIN review_cases c ON c.case_key = {CASE_KEY_SQL}
        LEFT JOIN review_rechecked rc ON rc.report_id = r.report_id
        LEFT JOIN copied cp ON cp.report_id = r.report_id
        LEFT JOIN settled st ON st.report_id = r.report_id
        LEFT JOIN changed ch ON ch.report_id = r.report_id
        WHERE {w} AND (r.n_errors + r.n_warnings + r.n_parse_issues + coalesce(cp.n, 0) > 0 OR c.status IS NOT NULL
                       OR rc.report_id IS NOT NULL
                       -- findings made after the store (cross-year W1–W3, 内容雷同 C1) are not in the counts
                       OR EXISTS (SELECT 1 FROM findings fi WHERE fi.report_id = r.report_id))
        ORDER BY r.agency, r.year
    """
    return _df(con, sql, p)


def report_review_findings(con: Con, f: Filters, report_id: int) -> pd.DataFrame:
    """One report's findings with their identity (``ref``), candidate readings, the verdict in
    force on each (NULL when none) and ``review_effect``: 'resolved' for an equation that failed as
    read and holds on the values in force, 'introduced' for one that fails only on them."""
    sql = f"""
        WITH {VERDICTS_CTE},
        now AS (SELECT fi.*, {FINDING_REF_SQL} AS ref FROM findings_in_force fi WHERE fi.report_id = ?),
        was AS (SELECT fi.*, {FINDING_REF_SQL} AS ref FROM findings fi WHERE fi.report_id = ?),
        x AS (
            SELECT n.*, CASE WHEN EXISTS (SELECT 1 FROM was WHERE was.ref = n.ref) THEN NULL
                             ELSE 'introduced' END AS review_effect FROM now n
            UNION ALL BY NAME
            SELECT w.*, 'resolved' AS review_effect FROM was w WHERE NOT EXISTS (SELECT 1 FROM now WHERE now.ref = w.ref))
        SELECT x.rule, x.severity, x.kind, x.scope, x.keys, x.expected, x.found, x.message,
               x."where" AS location, x.candidates, x.ref, x.review_effect,
               v.action AS verdict, v.reviewer AS verdict_by, v.decided_at AS verdict_at, v.note AS verdict_note
        FROM x JOIN reports r ON r.report_id = x.report_id
        LEFT JOIN verdicts v ON v.sha256 = r.sha256 AND v.target = x.ref
        ORDER BY x.kind DESC, x.severity, x.rule, x."where"
    """
    return _df(con, sql, [int(report_id), int(report_id)])


def report_cells_reviewed(con: Con, f: Filters, report_id: int) -> pd.DataFrame:
    """One report's cells as read, beside the value a reviewer decided (人工核定) where one did."""
    sql = """
        SELECT c.key, c.value, c.status, c.raw, c.location, rc.value AS reviewed_value,
               rc.value_status AS reviewed_status, rc.reviewer, rc.decided_at, rc.note AS review_note,
               rc.source_changed, rc.decision_id
        FROM cells c LEFT JOIN reviewed_cells rc ON rc.report_id = c.report_id AND rc.key = c.key
        WHERE c.report_id = ?
    """
    return _df(con, sql, [int(report_id)])


def report_document(con: Con, f: Filters, report_id: int) -> pd.DataFrame:
    """The report's source document (name, type, stored path) and identity."""
    sql = """
        SELECT r.report_id, r.sha256, r.agency, r.year, r.format, r.title, r.version, r.publish_date,
               d.name AS source_name, d.file_type, d.stored_path, d.ingested_at
        FROM reports r LEFT JOIN source_documents d USING (sha256) WHERE r.report_id = ?
    """
    return _df(con, sql, [int(report_id)])


def review_history(con: Con, f: Filters, sha256: str, case_key: str) -> pd.DataFrame:
    """Every decision about one document or its case, newest first (undos included)."""
    sql = """
        SELECT d.decision_id, d.decided_at, d.reviewer, d.kind, d.target, d.action, d.value, d.parser_value,
               d.note, d.deadline, d.in_force
        FROM review_decisions d
        WHERE d.sha256 = ? OR (d.kind = 'case' AND d.target = ?)
           OR (d.kind = 'undo' AND d.target IN (SELECT decision_id FROM review_decisions
                                               WHERE sha256 = ? OR (kind = 'case' AND target = ?)))
        ORDER BY d.decision_id DESC
    """
    return _df(con, sql, [sha256, case_key, sha256, case_key])


def reviewed_cells_list(con: Con, f: Filters) -> pd.DataFrame:
    """人工核定: every decided cell in the slice — source value, decided value, reviewer, date, note."""
    w, p = where_clause(f)
    sql = f"""
        SELECT r.agency, r.year, r.report_id, rc.key, rc.source_value, rc.source_raw, rc.value AS reviewed_value,
               rc.reviewer, CAST(rc.decided_at AS DATE) AS decided_on, rc.note, rc.source_changed
        FROM reviewed_cells rc JOIN reports r USING (report_id)
        WHERE {w}
        ORDER BY r.agency, r.year, rc.key
    """
    return _df(con, sql, p)


def returned_reports(con: Con, f: Filters, since: str | None = None) -> pd.DataFrame:
    """The batch list of a round: every case sent back (已退回 / 已整改) — on or after ``since``
    (an ISO date) when given — one row per report version sent, with the problems its notice
    lists: the errors in force not judged a reading problem or dismissed, and the warnings a
    reviewer confirmed as the source's own."""
    w, p = where_clause(_copy(f, current_only=False))
    sql = f"""
        WITH {VERDICTS_CTE},
        sent AS (
            SELECT fi.report_id, fi.rule, fi.message
            FROM findings_in_force fi JOIN reports s USING (report_id)
            LEFT JOIN verdicts v ON v.sha256 = s.sha256 AND v.target = {FINDING_REF_SQL}
            WHERE s.sha256 IN (SELECT sha256 FROM review_cases WHERE status = '已退回') AND fi.kind = 'source'
              AND ((fi.severity = 'error' AND coalesce(v.action, '') NOT IN ('reading_problem', 'dismissed'))
                   OR v.action = 'source_error'))
        SELECT r.agency, r.year, d.name AS source_name, c.decided_at AS returned_at, c.deadline, c.reviewer,
               c.note, r.report_id, r.sha256, c.case_key,
               (SELECT count(*) FROM sent WHERE sent.report_id = r.report_id) AS n_problems,
               (SELECT string_agg(sent.message, '；' ORDER BY sent.rule, sent.message) FROM sent
                 WHERE sent.report_id = r.report_id) AS problems
        FROM review_cases c JOIN reports r ON r.sha256 = c.sha256
        LEFT JOIN source_documents d ON d.sha256 = r.sha256
        WHERE {w} AND c.status = '已退回' AND (CAST(? AS DATE) IS NULL OR CAST(c.decided_at AS DATE) >= CAST(? AS DATE))
        ORDER BY c.decided_at, r.agency
    """
    return _df(con, sql, [*p, since, since])


def version_findings(con: Con, f: Filters, old_report_id: int, new_report_id: int) -> pd.DataFrame:
    """Findings of two versions of a report side by side: each finding (by rule, cells, place) with
    whether the old and the new version have it — gone, remaining or new."""
    sql = f"""
        WITH x AS (
            SELECT fi.report_id, {FINDING_REF_SQL} AS ref, fi.rule, fi.message, fi."where" AS location
            FROM findings_in_force fi WHERE fi.report_id IN (?, ?))
        SELECT ref, any_value(rule) AS rule, any_value(location) AS location,
               max(message) FILTER (WHERE report_id = ?) AS old_message,
               max(message) FILTER (WHERE report_id = ?) AS new_message,
               bool_or(report_id = ?) AS in_old, bool_or(report_id = ?) AS in_new
        FROM x GROUP BY ref ORDER BY rule, location
    """
    o, n = int(old_report_id), int(new_report_id)
    return _df(con, sql, [o, n, o, n, o, n])


QUESTIONS.update({fn.__name__: fn for fn in (
    review_queue, report_review_findings, report_cells_reviewed, report_document, review_history,
    reviewed_cells_list, returned_reports, version_findings,
)})


# ---------------------------------------------------------------- 地区 (issue 11)


def _region_select(level) -> tuple[str, str, str]:
    """(region label SQL, drill value SQL, GROUP BY SQL) for a ``regions.RegionLevel`` (fixed columns)."""
    if level.code == "agency":
        return "any_value(r.agency)", "any_value(r.agency)", "r.agency_key"
    col = f"r.{level.column}"
    return f"COALESCE({col}, ?)", col, col


def regions_by_year(con: Con, f: Filters, key: str, variant: str | None = None,
                    same_agencies: bool = False) -> pd.DataFrame:
    """Per region × year at the slice's level (``regions.level_of``): the indicator's value,
    numerator, denominator and the number of reports behind it.

    ``drill`` is the filter value that opens a region one level down (NULL for the group of
    agencies with no value at this level). With ``same_agencies`` (同口径) only agencies that
    reported in both the slice's last year and the year before are counted, in every year.
    """
    from .regions import level_of

    level = level_of(f)
    a = ind.aggregate_sql(indicator(key), variant)
    w, p = where_clause(f)
    label, drill, group = _region_select(level)
    label_params = [] if level.code == "agency" else [level.own_group]
    same, same_params = "TRUE", []
    if same_agencies:
        last = con.execute(f"SELECT MAX(r.year) FROM reports_wide r WHERE {w}", p).fetchone()[0]
        if last is not None:
            w2, p2 = where_clause(f, "r2")
            same = (f"r.agency_key IN (SELECT r2.agency_key FROM reports_wide r2 WHERE {w2} AND r2.year IN (?, ?) "
                    "GROUP BY r2.agency_key HAVING COUNT(DISTINCT r2.year) = 2)")
            same_params = [*p2, int(last) - 1, int(last)]
    sql = (f"SELECT {label} AS region, {drill} AS drill, r.year AS year, {a['value']} AS value, "
           f"{a['numerator']} AS numerator, {a['denominator']} AS denominator, {a['n']} AS reports "
           f"FROM reports_wide r WHERE {w} AND {same} GROUP BY {group}, r.year ORDER BY region, r.year")
    df = _df(con, sql, [*label_params, *p, *same_params])
    if level.code == "agency" and not df.empty:
        df["drill"] = df["drill"].astype(object)
    return df


def region_rollup(con: Con, f: Filters, key: str, variant: str | None = None,
                  same_agencies: bool = False) -> pd.DataFrame:
    """The 地区 table: per region, the last year against the year before, with ranks (``regions.rollup``)."""
    from .regions import rollup

    return rollup(regions_by_year(con, f, key, variant, same_agencies), indicator(key).kind == ind.RATE)


QUESTIONS.update({fn.__name__: fn for fn in (regions_by_year, region_rollup)})


# ---------------------------------------------------------------- 全省汇总 (issue 11)


def _summary_where(f: Filters, year: int) -> tuple[str, list]:
    return where_clause(_copy(f, year_from=int(year), year_to=int(year)))


_FAILING = ("r.report_id IN (SELECT fi.report_id FROM findings_in_force fi WHERE fi.kind = 'source' "
            "AND fi.rule IN (SELECT unnest(?::VARCHAR[])))")


def summary_cells(con: Con, f: Filters, year: int, leave_out_failing: bool = False) -> pd.DataFrame:
    """Tables 二–四 of one year summed over the slice's reports printed in that year's format:
    key, value (Σ of the printed numbers; NULL where no report printed one — never 0), reports
    (how many printed a number in the cell). ``leave_out_failing`` drops reports whose own
    numbers break R1–R4."""
    from .summary import cell_keys, format_of_year

    fmt = format_of_year(int(year))
    if fmt is None:
        return pd.DataFrame(columns=["key", "value", "reports"])
    keys = [k for k in cell_keys(fmt) if k in WIDE_KEYS]
    sliced = _copy(f, year_from=int(year), year_to=int(year))
    w, p = where_clause(sliced)
    rolled = not leave_out_failing and rollups.counts_available(con)
    table = rollups.year_source(con, sliced)[0] if rolled else "reports_wide"
    if table != "reports_wide":  # the grain's groups: sums and counts of the printed cells
        sel = ", ".join(f"SUM({wide_column(k)}) AS \"v|{k}\", COALESCE(SUM({rollups.count_column(k)}), 0) AS \"n|{k}\""
                        for k in keys)
    else:
        sel = ", ".join(f"SUM({wide_column(k)}) AS \"v|{k}\", COUNT({wide_column(k)}) AS \"n|{k}\"" for k in keys)
    failing = f"AND NOT {_FAILING}" if leave_out_failing else ""
    params = [*p, fmt, *([list(HARD_RULES)] if leave_out_failing else [])]
    row = _df(con, f"SELECT {sel} FROM {table} r WHERE {w} AND r.format = ? {failing}", params).iloc[0]
    return pd.DataFrame({"key": keys, "value": [row[f"v|{k}"] for k in keys],
                         "reports": [int(row[f"n|{k}"]) for k in keys]})


def _summary_rows(con: Con, f: Filters, year: int, leave_out_failing: bool) -> tuple[str, list]:
    """The slice's reports of one year with why the summary leaves one out (NULL: summed)."""
    from .summary import format_of_year

    fmt = format_of_year(int(year)) or ""
    w, p = _summary_where(f, year)
    table = rollups.agency_year_source(con, f) or "reports_wide"
    sql = f"""
        SELECT r.agency, r.format, r.report_id, r.sha256,
               CASE WHEN r.format IS DISTINCT FROM ? THEN 'format'
                    WHEN ? AND {_FAILING} THEN 'failing' END AS reason
        FROM {table} r WHERE {w}"""
    return sql, [fmt, bool(leave_out_failing), list(HARD_RULES), *p]


def summary_reports(con: Con, f: Filters, year: int, leave_out_failing: bool = False,
                    left_out_only: bool = False) -> pd.DataFrame:
    """Every report of the slice in one year and whether the summary sums it: agency, format,
    included, reason (why left out: another format; numbers that don't add up), source file.
    ``left_out_only``: the reports left out only (the page's list; the whole one is a download)."""
    rows, params = _summary_rows(con, f, year, leave_out_failing)
    sql = f"""
        SELECT r.agency, r.format, r.report_id, d.name AS source_name, r.reason
        FROM ({rows}) r LEFT JOIN source_documents d ON d.sha256 = r.sha256
        {"WHERE r.reason IS NOT NULL" if left_out_only else ""}
        ORDER BY r.reason NULLS FIRST, r.agency, r.report_id
    """
    df = _df(con, sql, params)
    df.insert(2, "included", df["reason"].isna())
    return df


def summary_same_agencies(con: Con, f: Filters, year: int, leave_out_failing: bool = False) -> pd.DataFrame:
    """同口径 for 全省汇总's 同比: agency_key of every agency of the slice with a summed report (its
    year's format; not failing R1–R4 when ``leave_out_failing``) in both ``year`` − 1 and ``year``."""
    from .summary import format_of_year

    years = (int(year) - 1, int(year))
    fmts = [format_of_year(y) or "" for y in years]
    w, p = where_clause(_copy(f, year_from=years[0], year_to=years[1]))
    failing = f"AND NOT {_FAILING}" if leave_out_failing else ""
    sql = (f"SELECT r.agency_key FROM reports_wide r WHERE {w} "
           f"AND r.format = CASE WHEN r.year = ? THEN ? ELSE ? END {failing} "
           "GROUP BY r.agency_key HAVING COUNT(DISTINCT r.year) = 2 ORDER BY 1")
    return _df(con, sql, [*p, years[0], fmts[0], fmts[1], *([list(HARD_RULES)] if leave_out_failing else [])])




def summary_report_counts(con: Con, f: Filters, year: int, leave_out_failing: bool = False) -> pd.DataFrame:
    """One row: how many of the slice's reports of one year the summary sums (``included``) and leaves
    out (``left_out``) — ``summary_reports`` counted."""
    rows, params = _summary_rows(con, f, year, leave_out_failing)
    return _df(con, f"SELECT COUNT(*) FILTER (WHERE reason IS NULL) AS included, "
                    f"COUNT(*) FILTER (WHERE reason IS NOT NULL) AS left_out FROM ({rows})", params)


QUESTIONS.update({fn.__name__: fn for fn in (summary_cells, summary_reports, summary_report_counts,
                                                     summary_same_agencies)})


# ---------------------------------------------------------------- data quality marks (issue 11)
from . import quality_marks as _quality_marks  # noqa: E402

QUESTIONS.update(_quality_marks.QUESTIONS)
