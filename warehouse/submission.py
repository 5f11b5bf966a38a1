"""报送情况: who had to publish, who did, who was late — per roster entry and per year × region.

A roster entry (unit, year) is *received* exactly as ``roster_received`` says (the same name — or a
former name of a renamed unit — and year, region agreeing; or a report a clerk confirmed). Its publish date is the earliest stated
date of its received reports (the first publication, later versions don't make it late), with
where that date came from. Its deadline is the statute's for its class (``loaders.spec.deadlines``)
unless the office set its own for the unit's level. Status:

* 按时 — published on or before the deadline;  * 逾期 — after it;
* 日期不明 — received, but no report states a publish date (never guessed);
* 未报送 — nothing received (相似名称待确认 when a similar-named report awaits a clerk).
"""

from __future__ import annotations

import duckdb
import pandas as pd

from loaders.spec.deadlines import ANY_CLASS, date_source_name, deadline_for, default_class

from . import roster_edit as _roster_edit
from .filters import Filters, where_clause
from .roster import candidates

Con = duckdb.DuckDBPyConnection

ON_TIME, LATE, DATE_UNKNOWN, MISSING = "按时", "逾期", "日期不明", "未报送"
STATUSES = (ON_TIME, LATE, DATE_UNKNOWN, MISSING)

ENTRY_COLUMNS = ["agency", "year", "region", "province", "city", "county", "level", "category", "deadline_class",
                 "deadline", "basis", "publish_date", "date_source", "report_id", "status", "days_late", "to_confirm"]


def overrides(con: Con) -> dict[tuple[str, str], tuple[int, int]]:
    """The office's own deadlines: (level, class or '*') → (month, day)."""
    return {(lv, cls): (m, d) for lv, cls, m, d in
            con.execute("SELECT level, deadline_class, month, day FROM deadline_overrides").fetchall()}


def set_deadline(con: Con, level: str, month: int, day: int, deadline_class: str = ANY_CLASS) -> None:
    """Set (replace) the office's deadline for a level — the writer's connection only."""
    con.execute(
        "INSERT OR REPLACE INTO deadline_overrides VALUES (?, ?, ?, ?, now()::TIMESTAMP)",
        [level, deadline_class, month, day],
    )


_RECEIVED = """
    SELECT ro.rid, r.report_id, r.publish_date, json_extract_string(r.meta, '$.publish_date.source') AS source
    FROM ro JOIN reports r
      ON (r.agency = ro.agency
          OR EXISTS (SELECT 1 FROM roster_aliases a WHERE a.agency = ro.agency AND a.old_name = r.agency))
     AND r.year = ro.year
     AND (ro.province IS NULL OR r.province IS NULL OR r.province = ro.province)
     AND (ro.city IS NULL OR r.city IS NULL OR r.city = ro.city)
    UNION ALL
    SELECT ro.rid, r.report_id, r.publish_date, json_extract_string(r.meta, '$.publish_date.source')
    FROM ro JOIN roster_confirmations c
      ON c.decision = 'confirmed' AND c.agency = ro.agency AND c.year = ro.year
     AND c.province IS NOT DISTINCT FROM ro.province AND c.city IS NOT DISTINCT FROM ro.city
    JOIN reports r ON r.report_id = c.report_id
"""


def roster_entries(con: Con, f: Filters) -> pd.DataFrame:
    """One row per roster entry in the slice with its deadline, publish date, its source and status."""
    w, p = where_clause(f, "x", roster=True)
    df = con.execute(f"""
        WITH ro AS (SELECT row_number() OVER () AS rid, x.* FROM roster x WHERE {w}),
        got AS ({_RECEIVED})
        SELECT ro.agency, ro.year, ro.region, ro.province, ro.city, ro.county, ro.level, ro.category,
               ro.deadline_class, COUNT(got.report_id) > 0 AS received,
               MIN(got.publish_date) AS publish_date, arg_min(got.source, got.publish_date) AS source,
               arg_min(got.report_id, coalesce(got.publish_date, DATE '9999-12-31')) AS report_id
        FROM ro LEFT JOIN got USING (rid)
        GROUP BY ALL ORDER BY ro.year, ro.province NULLS FIRST, ro.city NULLS FIRST, ro.agency
    """, p).df()
    if df.empty:
        return pd.DataFrame(columns=ENTRY_COLUMNS)
    ov = overrides(con)
    rows = []
    for r in df.itertuples(index=False):
        cls = r.deadline_class if isinstance(r.deadline_class, str) else default_class(_s(r.level), _s(r.category))
        due, basis = deadline_for(int(r.year), cls, _s(r.level), ov)
        pub = r.publish_date.date() if isinstance(r.publish_date, pd.Timestamp) and not pd.isna(r.publish_date) else None
        if not r.received:
            status, late = MISSING, None
        elif pub is None:
            status, late = DATE_UNKNOWN, None
        elif pub > due:
            status, late = LATE, (pub - due).days
        else:
            status, late = ON_TIME, None
        rows.append({
            "agency": r.agency, "year": int(r.year), "region": _s(r.region), "province": _s(r.province),
            "city": _s(r.city), "county": _s(r.county), "level": _s(r.level), "category": _s(r.category),
            "deadline_class": cls, "deadline": due, "basis": basis, "publish_date": pub,
            "date_source": date_source_name(_s(r.source)) if r.received and pub is not None else None,
            "report_id": None if pd.isna(r.report_id) else int(r.report_id), "status": status,
            "days_late": late, "to_confirm": 0,
        })
    out = pd.DataFrame(rows, columns=ENTRY_COLUMNS)
    cand = match_candidates(con, f, entries=out)
    if not cand.empty:
        n = cand.groupby(["agency", "year"]).size()
        out["to_confirm"] = [int(n.get((a, y), 0)) for a, y in zip(out["agency"], out["year"], strict=True)]
    return out


def _s(v: object) -> str | None:
    return v if isinstance(v, str) and v else None


def summary(con: Con, f: Filters) -> pd.DataFrame:
    """Per year × province × city: 应报, 已报, 按时, 逾期, 日期不明, 未报送, 待确认."""
    e = roster_entries(con, f)
    cols = ["year", "province", "city", "required", "received", "on_time", "late", "date_unknown", "missing",
            "to_confirm"]
    if e.empty:
        return pd.DataFrame(columns=cols)
    e = e.assign(province=e["province"].fillna("（未注明）"), city=e["city"].fillna("（未注明）"))
    g = e.groupby(["year", "province", "city"], sort=True)
    out = pd.DataFrame({
        "required": g.size(),
        "received": g["status"].apply(lambda s: int((s != MISSING).sum())),
        "on_time": g["status"].apply(lambda s: int((s == ON_TIME).sum())),
        "late": g["status"].apply(lambda s: int((s == LATE).sum())),
        "date_unknown": g["status"].apply(lambda s: int((s == DATE_UNKNOWN).sum())),
        "missing": g["status"].apply(lambda s: int((s == MISSING).sum())),
        "to_confirm": g["to_confirm"].apply(lambda s: int((s > 0).sum())),
    }).reset_index()
    return out[cols]


def chase_list(con: Con, f: Filters) -> pd.DataFrame:
    """The units to chase: missing and late (催报名单), missing first."""
    e = roster_entries(con, f)
    e = e[e["status"].isin([MISSING, LATE])]
    order = {MISSING: 0, LATE: 1}
    return e.sort_values(by=["status", "year", "agency"], key=lambda s: s.map(order) if s.name == "status" else s,
                         kind="stable").reset_index(drop=True)


def _free_reports(con: Con, f: Filters) -> pd.DataFrame:
    """Reports of the roster's years (in the slice) that no roster entry received."""
    w, p = where_clause(f, "x", roster=True)
    rw, rp = where_clause(Filters(year_from=f.year_from, year_to=f.year_to, provinces=f.provinces,
                                  cities=f.cities, include_demo=f.include_demo), "r")
    return con.execute(f"""
        WITH ro AS (SELECT row_number() OVER () AS rid, x.* FROM roster x),
        got AS ({_RECEIVED})
        SELECT r.report_id, r.agency, r.region, r.year, r.province, r.city, r.publish_date, r.is_current
        FROM reports r
        WHERE {rw} AND r.year IN (SELECT x.year FROM roster x WHERE {w})
          AND r.report_id NOT IN (SELECT report_id FROM got)
        ORDER BY r.year, r.agency, r.report_id
    """, [*rp, *p]).df()


def unmatched_reports(con: Con, f: Filters) -> pd.DataFrame:
    """Reports (current versions) of roster years matching no roster unit."""
    return _free_reports(con, f).drop(columns=["is_current"]).reset_index(drop=True)


def match_candidates(con: Con, f: Filters, entries: pd.DataFrame | None = None) -> pd.DataFrame:
    """For each roster entry not received: similar-named reports of its year and region to confirm."""
    e = entries if entries is not None else roster_entries(con, f)
    missing = e[e["status"] == MISSING]
    if missing.empty:
        from .roster import CANDIDATE_COLUMNS

        return pd.DataFrame(columns=CANDIDATE_COLUMNS)
    rejected = {(a, int(y), _s(pv), _s(c), int(rid)) for a, y, pv, c, rid in con.execute(
        "SELECT agency, year, province, city, report_id FROM roster_confirmations WHERE decision = 'rejected'"
    ).fetchall()}
    return candidates(missing, _free_reports(con, f), rejected)


def decide(con: Con, agency: str, year: int, province: str | None, city: str | None, report_id: int,
           decision: str, by: str | None) -> None:
    """Record a clerk's confirmation or rejection of a candidate match (the writer's connection)."""
    if decision not in ("confirmed", "rejected"):
        raise ValueError(decision)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM roster_confirmations WHERE agency = ? AND year = ? AND province IS NOT DISTINCT FROM ? "
                    "AND city IS NOT DISTINCT FROM ? AND report_id = ?", [agency, year, province, city, report_id])
        con.execute("INSERT INTO roster_confirmations VALUES (?, ?, ?, ?, ?, ?, ?, now()::TIMESTAMP)",
                    [agency, year, province, city, report_id, decision, by])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def deadline_settings(con: Con, f: Filters) -> pd.DataFrame:
    """The office's own deadlines (level, class, month, day) — empty when the statute applies."""
    return con.execute("SELECT level, deadline_class, month, day, set_at FROM deadline_overrides ORDER BY ALL").df()


QUESTIONS = {fn.__name__: fn for fn in (roster_entries, summary, chase_list, unmatched_reports, match_candidates,
                                        deadline_settings)}
QUESTIONS.update(_roster_edit.QUESTIONS)
