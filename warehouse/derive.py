"""What the warehouse derives across reports after each ingest run (one transaction, recomputed whole).

* W1 跨年度结转衔接 per agency: 结转下年度(Y) vs 上年结转(Y+1), every table-三 column.
* W2 规范性文件存量衔接 across years (2021 format): 现行有效(Y) vs 现行有效(Y−1) + 制发(Y) − 废止(Y).
* W3 (2019 format) across years: 上一年项目数量(Y) + 本年增/减(Y) vs 上一年项目数量(Y+1).
* Cells an adjacent year decides (warehouse.crossyear: W1/W2 as evidence for rows left unread).
* The agencies dimension, from current reports and the roster.
* 内容雷同 (C1): prose similarity to the previous year and to the same year's reports (warehouse.similarity).

Recomputing from scratch (rather than patching) keeps the result independent of how the reports
arrived — in one run, several, or a run killed and resumed.
"""

from __future__ import annotations

import duckdb

from loaders.spec import RULE_BY_ID, SOURCE, T3_COLUMNS
from loaders.spec.tables import T2_2019, T2_2021

from . import crossyear, similarity
from .schema import AGENCY_KEY_SQL, wide_column

# The columns the cross-year SELECTs below produce, in their order (findings.candidates stays NULL).
CROSS_YEAR_COLUMNS = 'report_id, rule, severity, kind, scope, keys, expected, found, message, "where", related_report_id'


def _w1_sql() -> str:
    """One SELECT per table-三 column, comparing consecutive years of the same agency."""
    rule = RULE_BY_ID["W1"]
    parts = []
    for col in T3_COLUMNS:
        fwd = wide_column(f"t3.carry_forward.{col.code}")
        over = wide_column(f"t3.carried_over.{col.code}")
        parts.append(f"""
        SELECT cur.report_id, '{rule.id}' AS rule, '{rule.severity}' AS severity, '{SOURCE}' AS kind,
               'cross_year' AS scope,
               ['t3.carried_over.{col.code}', 't3.carry_forward.{col.code}'] AS keys,
               CAST(prev.{fwd} AS VARCHAR) AS expected, CAST(cur.{over} AS VARCHAR) AS found,
               format('表三「{col.label}」列：{{}}年“结转下年度继续办理”为 {{}}，{{}}年“上年结转”为 {{}}，两者应相等',
                      prev.year, CAST(prev.{fwd} AS BIGINT), cur.year, CAST(cur.{over} AS BIGINT)) AS message,
               '表三「{col.label}」列' AS "where", prev.report_id AS related_report_id
        FROM reports_wide cur JOIN reports_wide prev
          ON prev.agency_key = cur.agency_key AND prev.year = cur.year - 1 AND prev.is_current
        WHERE cur.is_current AND prev.{fwd} IS NOT NULL AND cur.{over} IS NOT NULL
          AND prev.{fwd} <> cur.{over}""")
    return " UNION ALL ".join(parts)


def _w2_sql() -> str:
    rule = RULE_BY_ID["W2"]
    art = next(b for b in T2_2021.blocks if b.code == "art20_1")
    parts = []
    for row in art.rows:
        base = f"t2.art20_1.{row.code}"
        inf, iss, rep = (wide_column(f"{base}.{c}") for c in ("in_force", "issued", "repealed"))
        parts.append(f"""
        SELECT cur.report_id, '{rule.id}', '{rule.severity}', '{SOURCE}', 'cross_year',
               ['{base}.in_force', '{base}.issued', '{base}.repealed'],
               CAST(prev.{inf} + COALESCE(cur.{iss}, 0) - COALESCE(cur.{rep}, 0) AS VARCHAR),
               CAST(cur.{inf} AS VARCHAR),
               format('表二「{row.label}」：{{}}年现行有效 {{}}，而上年现行有效 {{}} + 本年制发 {{}} − 本年废止 {{}} = {{}}',
                      cur.year, CAST(cur.{inf} AS BIGINT), CAST(prev.{inf} AS BIGINT),
                      CAST(COALESCE(cur.{iss}, 0) AS BIGINT), CAST(COALESCE(cur.{rep}, 0) AS BIGINT),
                      CAST(prev.{inf} + COALESCE(cur.{iss}, 0) - COALESCE(cur.{rep}, 0) AS BIGINT)),
               '表二「{row.label}」', prev.report_id
        FROM reports_wide cur JOIN reports_wide prev
          ON prev.agency_key = cur.agency_key AND prev.year = cur.year - 1 AND prev.is_current AND prev.format = '2021'
        WHERE cur.is_current AND cur.format = '2021' AND cur.{inf} IS NOT NULL AND prev.{inf} IS NOT NULL
          AND (cur.{iss} IS NOT NULL OR cur.{rep} IS NOT NULL)
          AND cur.{inf} <> prev.{inf} + COALESCE(cur.{iss}, 0) - COALESCE(cur.{rep}, 0)""")
    return " UNION ALL ".join(parts)


def _w3_sql() -> str:
    rule = RULE_BY_ID["W3"]
    parts = []
    for block in T2_2019.blocks:
        if not {c.code for c in block.columns} >= {"prev_year_items", "change"}:
            continue
        for row in block.rows:
            base = f"t2.{block.code}.{row.code}"
            prev_items, change = wide_column(f"{base}.prev_year_items"), wide_column(f"{base}.change")
            parts.append(f"""
        SELECT cur.report_id, '{rule.id}', '{rule.severity}', '{SOURCE}', 'cross_year',
               ['{base}.prev_year_items', '{base}.change'],
               CAST(prev.{prev_items} + prev.{change} AS VARCHAR), CAST(cur.{prev_items} AS VARCHAR),
               format('表二「{row.label}」：{{}}年上一年项目数量 {{}} + 本年增/减 {{}} = {{}}，而{{}}年“上一年项目数量”为 {{}}',
                      prev.year, CAST(prev.{prev_items} AS BIGINT), CAST(prev.{change} AS BIGINT),
                      CAST(prev.{prev_items} + prev.{change} AS BIGINT), cur.year, CAST(cur.{prev_items} AS BIGINT)),
               '表二「{row.label}」', prev.report_id
        FROM reports_wide cur JOIN reports_wide prev
          ON prev.agency_key = cur.agency_key AND prev.year = cur.year - 1 AND prev.is_current AND prev.format = '2019'
        WHERE cur.is_current AND cur.format = '2019' AND prev.{prev_items} IS NOT NULL AND prev.{change} IS NOT NULL
          AND cur.{prev_items} IS NOT NULL AND cur.{prev_items} <> prev.{prev_items} + prev.{change}""")
    return " UNION ALL ".join(parts)


AGENCIES_SQL = """
INSERT INTO agencies
WITH cur AS (
    SELECT agency_key, arg_max(agency, year) AS agency, arg_max(region, year) AS region, arg_max(province, year) AS province,
           arg_max(city, year) AS city, arg_max(county, year) AS county, arg_max(level, year) AS level,
           arg_max(category, year) AS category, MIN(year) AS first_year, MAX(year) AS last_year,
           COUNT(*) AS n_reports, bool_and(is_demo) AS is_demo
    FROM reports WHERE is_current AND agency_key IS NOT NULL GROUP BY agency_key
), ros AS (
    SELECT {ros_key} AS agency_key, arg_max(agency, year) AS agency, arg_max(region, year) AS region, arg_max(province, year) AS province,
           arg_max(city, year) AS city, arg_max(county, year) AS county, arg_max(level, year) AS level,
           arg_max(category, year) AS category, bool_and(is_demo) AS is_demo
    FROM roster GROUP BY 1
)
SELECT COALESCE(cur.agency_key, ros.agency_key), COALESCE(cur.agency, ros.agency),
       COALESCE(ros.region, cur.region), COALESCE(ros.province, cur.province), COALESCE(ros.city, cur.city),
       COALESCE(ros.county, cur.county), COALESCE(ros.level, cur.level), COALESCE(ros.category, cur.category),
       cur.first_year, cur.last_year, COALESCE(cur.n_reports, 0), ros.agency IS NOT NULL,
       COALESCE(cur.is_demo, ros.is_demo)
FROM cur FULL JOIN ros ON cur.agency_key = ros.agency_key
ORDER BY 1
""".replace("{ros_key}", AGENCY_KEY_SQL)


def refresh(con: duckdb.DuckDBPyConnection) -> None:
    """Recompute cross-year findings and the agencies dimension, atomically."""
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM findings WHERE scope = 'cross_year'")
        crossyear.refresh(con)  # rows an adjacent year decides (由相邻年度衔接确定), undone and redone whole
        for sql in (_w1_sql(), _w2_sql(), _w3_sql()):
            con.execute(f"INSERT INTO findings ({CROSS_YEAR_COLUMNS}) {sql} ORDER BY 1, 2, 6")
        con.execute("DELETE FROM agencies")
        con.execute(AGENCIES_SQL)
        similarity.refresh(con)  # 内容雷同 (C1): best matches and findings, recomputed whole
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
