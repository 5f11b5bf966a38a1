"""Roster edits (the writer's connection only): add a unit, retire it from a year on, rename it
keeping its former name, change its region, level, category or deadline class. Each edit is one
transaction and leaves a row in ``roster_edits`` (who, when, what).

A unit is its name and its region text (the same name may stand in two cities); the CLI may give
the name alone, which then means the unit in every region it is listed under.
Years before ``from_year`` are never touched: a retired unit stays required for the years it
existed; a renamed unit keeps its old name there, and ``roster_aliases`` lets a report printed
under the old name in a later year still count as the unit's (``roster_received``).
"""

from __future__ import annotations

import json

import duckdb
import pandas as pd

from loaders.spec import CATEGORIES, LEVELS
from loaders.spec.deadlines import class_code

from .roster import ROSTER_FIELDS

Con = duckdb.DuckDBPyConnection
ADD, RETIRE, RENAME, UPDATE = "add", "retire", "rename", "update"
ACTION_NAMES = {ADD: "新增单位", RETIRE: "停报", RENAME: "更名", UPDATE: "修改属性"}
EDITABLE = ("region", "province", "city", "county", "level", "category", "deadline_class")
_LEVELS = {**{c: c for c, _ in LEVELS}, **{n: c for c, n in LEVELS}}
_CATEGORIES = {**{c.code: c.code for c in CATEGORIES}, **{c.name: c.code for c in CATEGORIES}}


class RosterEditError(ValueError):
    """An edit that cannot be made; the message is Chinese, for the clerk."""


def _attrs(values: dict) -> dict:
    """Checked attribute values (codes or Chinese names); the region text split into its parts."""
    from loaders.parse.metadata import split_region

    out = {k: (v.strip() if isinstance(v, str) else v) or None for k, v in values.items() if k in EDITABLE}
    if out.get("level") is not None:
        if out["level"] not in _LEVELS:
            raise RosterEditError(f"层级无法识别：{out['level']!r}")
        out["level"] = _LEVELS[out["level"]]
    if out.get("category") is not None:
        if out["category"] not in _CATEGORIES:
            raise RosterEditError(f"类别无法识别：{out['category']!r}")
        out["category"] = _CATEGORIES[out["category"]]
    if out.get("deadline_class") is not None:
        code = class_code(out["deadline_class"])
        if code is None:
            raise RosterEditError(f"期限类别无法识别：{out['deadline_class']!r}")
        out["deadline_class"] = code
    if out.get("region") and not any(out.get(k) for k in ("province", "city", "county")):
        out.update({k: v for k, v in split_region(out["region"]).items() if k in ("province", "city", "county")})
    return out


_ANY_REGION = object()  # the name alone picks the unit (in every region it is listed under)


def _unit(agency: str, region) -> tuple[str, list]:
    if region is _ANY_REGION:
        return "agency = ?", [agency]
    return "agency = ? AND region IS NOT DISTINCT FROM ?", [agency, region]


def _rows(con: Con, agency: str, region, from_year: int) -> int:
    w, p = _unit(agency, region)
    return con.execute(f"SELECT COUNT(*) FROM roster WHERE {w} AND year >= ?", [*p, from_year]).fetchone()[0]


def _shown(region) -> str | None:
    return "（全部地区）" if region is _ANY_REGION else region


def _log(con: Con, action: str, agency: str, from_year: int | None, detail: dict, by: str | None) -> None:
    con.execute("INSERT INTO roster_edits SELECT coalesce(max(edit_id), 0) + 1, ?, ?, ?, ?, ?, now()::TIMESTAMP "
                "FROM roster_edits", [action, agency, from_year, json.dumps(detail, ensure_ascii=False), by])


def _tx(con: Con, fn) -> str:
    con.execute("BEGIN TRANSACTION")
    try:
        out = fn()
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return out


def add_unit(con: Con, agency: str, years: list[int], attrs: dict, by: str | None) -> str:
    """Add the unit to the roster for these years (none of which may list it already)."""
    from loaders.parse.metadata import _region_parts, category_of

    agency = (agency or "").strip()
    if not agency or not years:
        raise RosterEditError("请填写单位名称和年度。")
    a = _attrs(attrs)
    if a.get("level") is None:
        level = _region_parts(agency, agency).get("level")
        a["level"] = level.value if level is not None else None
    if a.get("category") is None:
        a["category"] = category_of(agency)

    def go() -> str:
        w, p = _unit(agency, a.get("region"))
        have = [y for (y,) in con.execute(
            f"SELECT year FROM roster WHERE {w} AND year IN (SELECT unnest(?::INTEGER[]))", [*p, years]).fetchall()]
        if have:
            raise RosterEditError(f"名单中已有 {agency}（{'、'.join(str(y) for y in sorted(have))}年度）。")
        for y in sorted(set(years)):
            row = {f: a.get(f) for f in ROSTER_FIELDS} | {"agency": agency, "year": int(y)}
            con.execute(f"INSERT INTO roster ({', '.join(ROSTER_FIELDS)}) VALUES ({', '.join('?' * len(ROSTER_FIELDS))})",
                        [row[f] for f in ROSTER_FIELDS])  # fixed column names
        _log(con, ADD, agency, min(years), {"years": sorted(set(years)), **a}, by)
        return f"已新增：{agency}（{'、'.join(str(y) for y in sorted(set(years)))}年度）"
    return _tx(con, go)


def retire(con: Con, agency: str, from_year: int, by: str | None, region=_ANY_REGION) -> str:
    """The unit no longer has to report from ``from_year`` on: its entries of those years go."""
    def go() -> str:
        n = _rows(con, agency, region, from_year)
        if n == 0:
            raise RosterEditError(f"名单中没有 {agency} {from_year}年度及以后的条目。")
        w, p = _unit(agency, region)
        con.execute(f"DELETE FROM roster WHERE {w} AND year >= ?", [*p, from_year])
        _log(con, RETIRE, agency, from_year, {"region": _shown(region), "entries": n}, by)
        return f"已停报：{agency} 自{from_year}年度起（{n} 条）"
    return _tx(con, go)


def rename(con: Con, agency: str, new_name: str, from_year: int, by: str | None, region=_ANY_REGION) -> str:
    """The unit is called ``new_name`` from ``from_year`` on; the old name is kept as a former name,
    so its earlier entries and any report printed under it still belong to the unit."""
    new_name = (new_name or "").strip()
    if not new_name or new_name == agency:
        raise RosterEditError("请填写与原名称不同的新名称。")

    def go() -> str:
        n = _rows(con, agency, region, from_year)
        if n == 0:
            raise RosterEditError(f"名单中没有 {agency} {from_year}年度及以后的条目。")
        if _rows(con, new_name, region, from_year):
            raise RosterEditError(f"名单中已有 {new_name} {from_year}年度及以后的条目。")
        w, p = _unit(agency, region)
        con.execute(f"UPDATE roster SET agency = ? WHERE {w} AND year >= ?", [new_name, *p, from_year])
        # the unit's earlier former names follow it to its new name
        con.execute("UPDATE roster_aliases SET agency = ? WHERE agency = ?", [new_name, agency])
        con.execute("INSERT INTO roster_aliases VALUES (?, ?, ?, ?, now()::TIMESTAMP)", [new_name, agency, from_year, by])
        _log(con, RENAME, new_name, from_year, {"old_name": agency, "region": _shown(region), "entries": n}, by)
        return f"已更名：{agency} → {new_name}（自{from_year}年度起，{n} 条）"
    return _tx(con, go)


def update(con: Con, agency: str, from_year: int, attrs: dict, by: str | None, region=_ANY_REGION) -> str:
    """Set the unit's region, level, category or deadline class from ``from_year`` on."""
    a = {k: v for k, v in _attrs(attrs).items() if v is not None}
    if not a:
        raise RosterEditError("没有要修改的属性。")
    if "region" in a:  # a new region replaces all its parts
        a = {"province": None, "city": None, "county": None} | a

    def go() -> str:
        n = _rows(con, agency, region, from_year)
        if n == 0:
            raise RosterEditError(f"名单中没有 {agency} {from_year}年度及以后的条目。")
        w, p = _unit(agency, region)
        sets = ", ".join(f"{k} = ?" for k in a)  # keys from EDITABLE only
        con.execute(f"UPDATE roster SET {sets} WHERE {w} AND year >= ?", [*a.values(), *p, from_year])
        _log(con, UPDATE, agency, from_year, {"region_was": _shown(region), **a, "entries": n}, by)
        return f"已修改：{agency} 自{from_year}年度起（{n} 条）"
    return _tx(con, go)


def apply(con: Con, params: dict, by: str | None) -> str:
    """One edit as the app or the CLI describes it: {"action": …, "agency": …, …}."""
    act = params.get("action")
    agency = str(params.get("agency") or "").strip()
    # the app names the unit's region exactly (None: listed without one); the CLI may leave it out
    region = (params["unit_region"] or None) if "unit_region" in params else _ANY_REGION
    if act == ADD:
        return add_unit(con, agency, [int(y) for y in params.get("years") or []], params.get("attrs") or {}, by)
    if not agency:
        raise RosterEditError("请选择单位。")
    year = int(params["from_year"])
    if act == RETIRE:
        return retire(con, agency, year, by, region)
    if act == RENAME:
        return rename(con, agency, str(params.get("new_name") or ""), year, by, region)
    if act == UPDATE:
        return update(con, agency, year, params.get("attrs") or {}, by, region)
    raise RosterEditError(f"未知的名单操作：{act!r}")


def roster_units(con: Con, f=None) -> pd.DataFrame:
    """Each unit of the roster (name, region) with its latest year's attributes and its years — the edit form's choices."""
    return con.execute("""
        SELECT agency, region, min(year) AS first_year, max(year) AS last_year,
               arg_max(level, year) AS level, arg_max(category, year) AS category,
               arg_max(deadline_class, year) AS deadline_class
        FROM roster GROUP BY agency, region ORDER BY agency, region NULLS FIRST
    """).df()


def roster_history(con: Con, f=None) -> pd.DataFrame:
    """Every edit, newest first (who, when, what) — for the page."""
    return con.execute("SELECT edit_id, action, agency, from_year, detail, edited_by, edited_at FROM roster_edits "
                       "ORDER BY edit_id DESC").df()


def roster_former_names(con: Con, f=None) -> pd.DataFrame:
    """Each renamed unit's former names, with who renamed it and when."""
    return con.execute("SELECT agency, old_name, from_year, renamed_by, renamed_at FROM roster_aliases "
                       "ORDER BY agency, from_year").df()


history, former_names = roster_history, roster_former_names
QUESTIONS = {fn.__name__: fn for fn in (roster_units, roster_history, roster_former_names)}
