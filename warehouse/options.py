"""The filter pickers' questions, sized by the answer and never by the number of agencies.

A national warehouse holds ~150k agencies. Sending all of them to every page load (and rebuilding
option sets over them on every rerun) cost more than the pages' own questions, so:

* ``filter_options``: the region tree with the levels and categories under it — one row per distinct
  (province, city, county, level, category), a few thousand at national scale; the sidebar cascades
  over it in memory. Cached per data version by the app.
* ``search_agencies``: the agencies of a slice whose name contains the typed text, at most ``limit``
  rows (type to search), with how many matched in all.
* ``agencies_named`` / ``agencies_by_key``: look up only the agencies a link or session already names
  (to keep a valid choice and report an invalid one).

All read ``rollup_agencies`` (one row per agency with current reports, its latest metadata — the
rows the report filters select; rebuilt at every publish by ``warehouse.rollups``). A name shared by agencies in different places gets its city (or province) added, as
``queries.label_agencies`` does for the whole list.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pandas as pd

from . import rollups
from .filters import Filters

Con = duckdb.DuckDBPyConnection

SEARCH_LIMIT = 50
AGENCY_COLUMNS = ["agency_key", "agency", "name", "province", "city", "county", "level", "category"]

# filter attribute → column of ``agencies`` it narrows (the agency filter matches the reports' name)
_NARROWING = (("provinces", "province"), ("cities", "city"), ("counties", "county"), ("levels", "level"),
              ("categories", "category"), ("agencies", "agency"))


def _where(f: Filters, *, with_agencies: bool = True) -> tuple[str, list]:
    parts, params = ["TRUE"], []
    if not f.include_demo:
        parts.append("NOT a.is_demo")
    for attr, col in _NARROWING:
        values = getattr(f, attr)
        if values and (with_agencies or attr != "agencies"):
            parts.append(f"a.{col} IN (SELECT unnest(?::VARCHAR[]))")  # col: fixed names above
            params.append([str(v) for v in values])
    return " AND ".join(parts), params


def filter_options(con: Con, f: Filters) -> pd.DataFrame:
    """Distinct (province, city, county, level, category) with its number of agencies (``f`` unused:
    the options of the whole warehouse)."""
    return con.execute(f"""
        SELECT province, city, county, level, category, COUNT(*) AS agencies
        FROM {rollups.agency_source(con)} a
        GROUP BY ALL ORDER BY ALL
    """).df()


def _labelled(con: Con, df: pd.DataFrame) -> pd.DataFrame:
    """Add ``name`` (as the reports give it) and make ``agency`` unambiguous across the warehouse."""
    df = df.copy()
    df["name"] = df["agency"]
    if df.empty:
        return df[AGENCY_COLUMNS]
    shared = {r[0] for r in con.execute(
        f"SELECT agency FROM {rollups.agency_source(con)} a WHERE agency IN (SELECT unnest(?::VARCHAR[])) "
        "GROUP BY agency HAVING COUNT(*) > 1", [sorted(set(df["agency"]))]).fetchall()}
    place = df["agency_key"].str.split("|").map(lambda p: p[1] or p[0] if isinstance(p, list) else "")
    dup = df["agency"].isin(shared)
    df.loc[dup, "agency"] = df.loc[dup, "agency"] + "（" + place[dup] + "）"
    return df[AGENCY_COLUMNS]


def search_agencies(con: Con, f: Filters, text: str = "", limit: int = SEARCH_LIMIT,
                    with_agencies: bool = False) -> pd.DataFrame:
    """Agencies of the slice (region, level, category; with ``with_agencies`` also the chosen names)
    whose name contains ``text`` (all when empty), first ``limit`` by name; column ``matches`` holds
    how many matched in all."""
    w, p = _where(f, with_agencies=with_agencies)
    text = (text or "").strip()
    if text:
        w += " AND contains(a.agency, ?)"  # a bound value: no LIKE pattern characters to escape
        p.append(text)
    df = con.execute(f"""
        SELECT a.agency_key, a.agency, a.province, a.city, a.county, a.level, a.category,
               COUNT(*) OVER () AS matches
        FROM {rollups.agency_source(con)} a WHERE {w}
        ORDER BY a.agency, a.agency_key LIMIT ?
    """, [*p, int(limit)]).df()
    matches = int(df["matches"].iloc[0]) if len(df) else 0
    out = _labelled(con, df.drop(columns=["matches"]))
    out["matches"] = matches
    return out


def agencies_named(con: Con, f: Filters, names: Sequence[str]) -> pd.DataFrame:
    """The agencies of the slice (without its agency filter) whose name is one of ``names``."""
    w, p = _where(f, with_agencies=False)
    df = con.execute(f"""
        SELECT a.agency_key, a.agency, a.province, a.city, a.county, a.level, a.category
        FROM {rollups.agency_source(con)} a WHERE {w} AND a.agency IN (SELECT unnest(?::VARCHAR[]))
        ORDER BY a.agency, a.agency_key
    """, [*p, [str(n) for n in names]]).df()
    return _labelled(con, df)


def agencies_by_key(con: Con, f: Filters, keys: Sequence[str]) -> pd.DataFrame:
    """The agencies of the slice (its agency filter included) among ``keys``."""
    w, p = _where(f)
    df = con.execute(f"""
        SELECT a.agency_key, a.agency, a.province, a.city, a.county, a.level, a.category
        FROM {rollups.agency_source(con)} a WHERE {w} AND a.agency_key IN (SELECT unnest(?::VARCHAR[]))
        ORDER BY a.agency, a.agency_key
    """, [*p, [str(k) for k in keys]]).df()
    return _labelled(con, df)


QUESTIONS = {fn.__name__: fn for fn in (filter_options, search_agencies, agencies_named, agencies_by_key)}
