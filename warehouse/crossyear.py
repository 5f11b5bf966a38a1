"""Cross-year evidence at ingest: rows a report left unread that an adjacent year decides.

Runs inside ``derive.refresh`` (one transaction, after every ingest run), recomputed whole:

1. undo every decision of the last run (``cross_year_cells``): the cell back to how the parser
   left it, in ``cells`` and ``report_values``, and its P1 finding back from
   ``cross_year_held_findings`` — only where the cell still carries the decision's note (a
   re-parse since has its own reading);
2. for every current report's P1 finding over W1/W2 cells with its candidate readings, gather the
   neighbour years' figures as read (``reports_wide_source``) and let ``loaders.parse.crossyear``
   decide; a decided row's cells get the value and the note 由相邻年度衔接确定（…）, its P1
   finding is held aside.

So a neighbour that is replaced (a new version, a re-parse) decides again from its new figures,
or no longer decides and the cell is unread again. Only figures as read are evidence — never a
cell decided by this same step — so the result does not depend on the order reports arrived in.
"""

from __future__ import annotations

import json
from collections import defaultdict

import duckdb

from loaders.parse.crossyear import Identity, YearRow, decide, decide_stock_chain
from loaders.parse.settings import ParseSettings
from loaders.spec import T3_COLUMNS
from loaders.spec.tables import T2_2021

from .schema import wide_column

_T2_STOCK = next(b for b in T2_2021.blocks if b.code == "art20_1")
_STOCK_COLUMNS = ("issued", "repealed", "in_force")  # the order crossyear.YearRow reads
W1_KEYS = tuple(f"t3.{row}.{c.code}" for row in ("carried_over", "carry_forward") for c in T3_COLUMNS)
W2_KEYS = tuple(f"t2.art20_1.{r.code}.{c}" for r in _T2_STOCK.rows for c in _STOCK_COLUMNS)
_KEYS = W1_KEYS + W2_KEYS
_FINDING_COLUMNS = 'report_id, rule, severity, kind, scope, keys, expected, found, message, "where", related_report_id, candidates'

_UNDO_LIVE = """
CREATE OR REPLACE TEMP TABLE _xy_live AS
SELECT x.* FROM cross_year_cells x JOIN cells c ON c.report_id = x.report_id AND c.key = x.key
WHERE c.note IS NOT DISTINCT FROM x.note
"""
_UNDO_CELLS = """
UPDATE cells SET value = NULL, status = l.source_status, note = l.source_note
FROM _xy_live l WHERE cells.report_id = l.report_id AND cells.key = l.key
"""
_UNDO_FINDINGS = f"""
INSERT INTO findings ({_FINDING_COLUMNS})
SELECT {_FINDING_COLUMNS} FROM cross_year_held_findings h
WHERE EXISTS (SELECT 1 FROM _xy_live l WHERE l.report_id = h.report_id AND list_contains(h.keys, l.key))
"""
# P1 findings with candidates of current reports whose keys are all W1/W2 cells
_OPEN_ROWS = """
SELECT f.report_id, f.keys, f.candidates, r.agency_key, r.year, r.format
FROM findings f JOIN reports r USING (report_id)
WHERE f.rule = 'P1' AND f.candidates IS NOT NULL AND r.is_current AND r.agency_key IS NOT NULL
  AND len(f.keys) > 0 AND list_has_all(?::VARCHAR[], f.keys)
ORDER BY f.report_id
"""


def _undo(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(_UNDO_LIVE)
    con.execute(_UNDO_CELLS)
    for (key,) in con.execute("SELECT DISTINCT key FROM _xy_live ORDER BY 1").fetchall():
        col = wide_column(key)  # a spec key → checked identifier, never user input
        con.execute(f"UPDATE report_values SET {col} = NULL "
                    "WHERE report_id IN (SELECT report_id FROM _xy_live WHERE key = ?)", [key])
    con.execute(_UNDO_FINDINGS)
    con.execute("DELETE FROM cross_year_held_findings")
    con.execute("DELETE FROM cross_year_cells")
    con.execute("DROP TABLE _xy_live")


def _neighbours(con: duckdb.DuckDBPyConnection, agencies: list[str]) -> dict[str, dict[int, dict]]:
    """agency_key → year → {report_id, format, key → value as read} of the current reports."""
    cols = ", ".join(wide_column(k) for k in _KEYS)
    rows = con.execute(
        f"SELECT agency_key, year, report_id, format, {cols} FROM reports_wide_source "
        "WHERE is_current AND list_contains(?::VARCHAR[], agency_key)", [agencies]).fetchall()
    out: dict[str, dict[int, dict]] = defaultdict(dict)
    for agency, year, rid, fmt, *vals in rows:
        rec = dict(zip(_KEYS, vals, strict=True))
        rec.update(report_id=rid, format=fmt)
        out[agency][year] = rec
    return out


def _n(v: float | None) -> str:
    return str(int(v)) if v is not None and float(v).is_integer() else str(v)


def _w1_holds_elsewhere(prev: dict, cur: dict) -> bool:
    """No column of this year pair read on both sides breaks W1: the pair's carry-over is trusted."""
    for c in T3_COLUMNS:
        a, b = prev.get(f"t3.carry_forward.{c.code}"), cur.get(f"t3.carried_over.{c.code}")
        if a is not None and b is not None and a != b:
            return False
    return True


def _identities(keys: list[str], year: int, years: dict[int, dict]) -> list[tuple[Identity, int]]:
    """The neighbour identities through ``keys`` (each with the neighbour's report id)."""
    out: list[tuple[Identity, int]] = []
    cur, prev, nxt = years.get(year), years.get(year - 1), years.get(year + 1)
    for c in T3_COLUMNS:
        k_over, k_fwd = f"t3.carried_over.{c.code}", f"t3.carry_forward.{c.code}"
        if k_over in keys and prev is not None and cur is not None and _w1_holds_elsewhere(prev, cur):
            v = prev.get(k_fwd)
            if v is not None:
                out.append((Identity({k_over: 1}, -v, "W1", f"{year - 1}年表三「{c.label}」列结转下年度为{_n(v)}"),
                            prev["report_id"]))
        if k_fwd in keys and nxt is not None and cur is not None and _w1_holds_elsewhere(cur, nxt):
            v = nxt.get(k_over)
            if v is not None:
                out.append((Identity({k_fwd: 1}, -v, "W1", f"{year + 1}年表三「{c.label}」列上年结转为{_n(v)}"),
                            nxt["report_id"]))
    return out


def _apply(con: duckdb.DuckDBPyConnection, rid: int, keys: list[str], reading, rules: str, note: str,
           related: int | None) -> int:
    for k, v in zip(keys, reading, strict=True):
        status = "number" if v is not None else "blank"
        con.execute(
            "INSERT INTO cross_year_cells SELECT report_id, key, ?, ?, ?, ?, ?, status, note FROM cells "
            "WHERE report_id = ? AND key = ?", [v, status, rules, note, related, rid, k])
        con.execute("UPDATE cells SET value = ?, status = ?, note = ? WHERE report_id = ? AND key = ?",
                    [v, status, note, rid, k])
        con.execute(f"UPDATE report_values SET {wide_column(k)} = ? WHERE report_id = ?", [v, rid])
    con.execute(f"INSERT INTO cross_year_held_findings SELECT {_FINDING_COLUMNS} FROM findings "
                "WHERE report_id = ? AND rule = 'P1' AND keys = ?::VARCHAR[]", [rid, list(keys)])
    con.execute("DELETE FROM findings WHERE report_id = ? AND rule = 'P1' AND keys = ?::VARCHAR[]", [rid, list(keys)])
    return len(keys)


def _stock_row(keys: list[str]) -> str | None:
    """The table 二 stock row whose three cells are exactly ``keys``, else None."""
    base = keys[0].rsplit(".", 1)[0] if keys else ""
    want = {f"{base}.{c}" for c in _STOCK_COLUMNS}
    return base if set(keys) == want and len(keys) == 3 and base.startswith("t2.art20_1.") else None


def _decide_stock_rows(con: duckdb.DuckDBPyConnection, open_rows: list, by_agency: dict, complete) -> int:
    """W2 over each agency's run of 2021-format years, per stock row (crossyear.decide_stock_chain)."""
    groups: dict[tuple[str, str], dict[int, tuple]] = defaultdict(dict)
    for rid, keys, cand_json, agency, year, fmt in open_rows:
        base = _stock_row(list(keys))
        if base is None or fmt != "2021":
            continue
        order = [list(keys).index(f"{base}.{c}") for c in _STOCK_COLUMNS]
        cands = [tuple(c[i] for i in order) for c in json.loads(cand_json)]
        groups[(agency, base)][year] = (rid, list(keys), cands, complete(cands))
    decided = 0
    for (agency, base), open_years in sorted(groups.items()):
        years = by_agency.get(agency, {})
        chain = []
        for y, rec in sorted(years.items()):
            if rec["format"] != "2021":
                continue
            if y in open_years:
                _rid, _keys, cands, ok = open_years[y]
                chain.append(YearRow(y, tuple(cands), ok))
            else:
                chain.append(YearRow(y, (tuple(rec.get(f"{base}.{c}") for c in _STOCK_COLUMNS),)))
        for y, (reading, note) in decide_stock_chain(chain).items():
            rid, keys, _c, _ok = open_years[y]
            by_key = dict(zip((f"{base}.{c}" for c in _STOCK_COLUMNS), reading, strict=True))
            nb = years.get(y - 1) or years.get(y + 1)
            decided += _apply(con, rid, keys, [by_key[k] for k in keys], "W2", note, nb["report_id"] if nb else None)
    return decided


def refresh(con: duckdb.DuckDBPyConnection, settings: ParseSettings | None = None) -> int:
    """Undo the last run's cross-year decisions and decide again (inside the caller's
    transaction). Returns the number of cells decided."""
    settings = settings or ParseSettings()
    _undo(con)
    open_rows = con.execute(_OPEN_ROWS, [list(_KEYS)]).fetchall()
    if not open_rows:
        return 0
    by_agency = _neighbours(con, sorted({r[3] for r in open_rows}))

    def complete(candidates: list) -> bool:
        return len(candidates) < settings.max_candidates  # a list cut at the cap may miss the truth

    decided = _decide_stock_rows(con, open_rows, by_agency, complete)
    for rid, keys, cand_json, agency, year, _fmt in open_rows:
        candidates = json.loads(cand_json)
        # an identity through a cell outside this row's reading is not used (the row is the unit)
        found = [(i, r) for i, r in _identities(list(keys), year, by_agency.get(agency, {}))
                 if set(i.coefs) <= set(keys)]
        if not found:
            continue
        d = decide(list(keys), candidates, [i for i, _ in found], complete=complete(candidates))
        if d is None:
            continue
        related = next(r for i, r in found if i.rule in d.rules)
        decided += _apply(con, rid, list(keys), d.reading, ",".join(d.rules), d.note, related)
    return decided
