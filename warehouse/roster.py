"""The roster (应报名单): read an office's XLSX/CSV, store it, match reports to its units.

* ``read_roster`` reads CSV (UTF-8/GB18030) or XLSX with Chinese or English headings
  (``loaders.spec.roster``); level, category and deadline class may be given as codes or in
  Chinese; a unit without them gets them from its name (as the parser reads a report's). Any
  unreadable cell is an error naming the file, the row and the value — nothing half-loaded.
* ``match`` pairs roster units with reports of the same year. An exact name (region agreeing
  where both state one) or a clerk's confirmation is a match; a similar name (rapidfuzz) is only
  a *candidate* for a clerk to confirm — never counted as received by itself.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pandas as pd
from rapidfuzz import fuzz, process

from loaders.csvinput import read_csv_records
from loaders.errors import LoaderError
from loaders.spec import CATEGORIES, LEVELS
from loaders.spec.deadlines import DEADLINE_CLASS_BY_CODE, class_code
from loaders.spec.roster import REQUIRED_FIELDS, ROSTER_HEADINGS, field_of_heading

ROSTER_FIELDS = ("agency", "year", "region", "province", "city", "county", "level", "category", "deadline_class")
# A similar name scores at least this (rapidfuzz normalised Levenshtein ratio, 0–100; a sub-unit "…局交通警察支队" scores low, unlike WRatio) to be offered for confirmation.
CANDIDATE_SCORE = 80.0
MAX_CANDIDATES = 3


class RosterError(LoaderError):
    kind = "roster"
    reason_zh = "名单文件无法使用"


def _rows_of_xlsx(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds for a broken file
        raise RosterError(str(path), f"无法作为 Excel 文件打开（{type(e).__name__}）") from e
    try:
        ws = wb.worksheets[0]
        rows = [["" if v is None else str(v).strip() for v in r] for r in ws.iter_rows(values_only=True)]
    finally:
        wb.close()
    rows = [r for r in rows]
    if not rows:
        return [], []
    head, body = rows[0], rows[1:]
    return head, [(n, r) for n, r in enumerate(body, start=2) if any(c for c in r)]


def _records(path: Path) -> list[tuple[int, dict[str, str]]]:
    """(row number, field → text) with headings mapped to roster fields."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        head, body = _rows_of_xlsx(path)
        fields = [field_of_heading(h) for h in head]
        recs = [(n, {f: (row[i] if i < len(row) else "") for i, f in enumerate(fields) if f}) for n, row in body]
    else:
        names, raw = read_csv_records(path, RosterError)
        mapping = {h: field_of_heading(h) for h in names}
        fields = list(mapping.values())
        recs = [(n, {mapping[k]: v for k, v in r.items() if mapping.get(k)}) for n, r in raw]
    missing = [f for f in REQUIRED_FIELDS if f not in fields]
    if missing:
        wanted = "、".join(f"“{ROSTER_HEADINGS[f][1]}”" for f in missing)
        raise RosterError(str(path), f"缺少 {wanted} 列")
    return recs


_LEVEL_CODES = {**{c: c for c, _ in LEVELS}, **{n: c for c, n in LEVELS}}
_CATEGORY_CODES = {**{c.code: c.code for c in CATEGORIES}, **{c.name: c.code for c in CATEGORIES}}


def read_roster(path: str | os.PathLike) -> list[dict]:
    """The roster file's units, one dict per (unit, year) with every ``ROSTER_FIELDS`` key."""
    from loaders.parse.metadata import _region_parts, category_of, split_region

    p = Path(path)
    out = []
    for n, rec in _records(p):
        agency = (rec.get("agency") or "").strip()
        if not agency:
            raise RosterError(str(p), f"第{n}行缺少单位名称")
        try:
            year = int(float(rec.get("year") or ""))
        except ValueError:
            raise RosterError(str(p), f"第{n}行年度无法识别：{rec.get('year')!r}") from None
        row = {f: (rec.get(f) or None) for f in ROSTER_FIELDS}
        row.update(agency=agency, year=year)
        for f, codes, what in (("level", _LEVEL_CODES, "层级"), ("category", _CATEGORY_CODES, "类别")):
            if row[f] is not None:
                if row[f] not in codes:
                    raise RosterError(str(p), f"第{n}行{what}无法识别：{row[f]!r}")
                row[f] = codes[row[f]]
        if row["deadline_class"] is not None:
            code = class_code(row["deadline_class"])
            if code is None:
                names = "、".join(c.name for c in DEADLINE_CLASS_BY_CODE.values())
                raise RosterError(str(p), f"第{n}行期限类别无法识别：{row['deadline_class']!r}（应为 {names}）")
            row["deadline_class"] = code
        if row["region"] and not (row["province"] or row["city"] or row["county"]):
            row.update({k: v for k, v in split_region(row["region"]).items() if k in ("province", "city", "county")})
        if row["level"] is None:
            level = _region_parts(agency, agency).get("level")
            row["level"] = level.value if level is not None else None
        if row["category"] is None:
            row["category"] = category_of(agency)
        out.append(row)
    return out


def load_roster(con: duckdb.DuckDBPyConnection, path: str | os.PathLike, *, is_demo: bool = False) -> int:
    """Replace the roster for the years the file lists (other years are kept). One transaction."""
    rows = read_roster(path)
    years = sorted({r["year"] for r in rows})
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM roster WHERE year IN (SELECT unnest(?::INTEGER[]))", [years])
        if rows:
            df = pd.DataFrame(rows, columns=list(ROSTER_FIELDS)).assign(is_demo=is_demo)
            con.register("_in_roster", df)
            try:
                con.execute(f"INSERT INTO roster ({', '.join(df.columns)}) SELECT * FROM _in_roster")  # fixed names
            finally:
                con.unregister("_in_roster")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return len(rows)


# ------------------------------------------------------------------------------------ matching
def name_key(name: str | None) -> str:
    """A name as compared for similarity: no spaces or brackets (全角/半角 alike)."""
    return "".join(ch for ch in (name or "") if ch not in " \u3000()（）[]【】\"“”")


def _known(v: object) -> str | None:
    return v if isinstance(v, str) and v else None


def _region_agrees(a_province: object, a_city: object, b_province: object, b_city: object) -> bool:
    """As ``roster_received``: each of province and city equal wherever both sides state it."""
    for a, b in ((a_province, b_province), (a_city, b_city)):
        if _known(a) and _known(b) and a != b:
            return False
    return True


CANDIDATE_COLUMNS = ["agency", "year", "province", "city", "report_id", "report_agency", "report_region", "score"]


def candidates(missing: pd.DataFrame, free: pd.DataFrame, rejected: set[tuple]) -> pd.DataFrame:
    """Similar-named reports for roster units that have none: up to ``MAX_CANDIDATES`` each.

    ``missing``: agency, year, province, city. ``free``: reports of those years no unit received
    (report_id, agency, region, year, province, city). ``rejected``: (agency, year, province, city,
    report_id) a clerk said no to. The region must agree as for an exact match.
    """
    rows = []
    by_year = {int(y): g.reset_index(drop=True) for y, g in free.groupby("year")} if not free.empty else {}
    for m in missing.itertuples(index=False):
        pool = by_year.get(int(m.year))
        if pool is None:
            continue
        ok = [j for j, rep in enumerate(pool.itertuples(index=False))
              if _region_agrees(m.province, m.city, rep.province, rep.city)
              and (m.agency, int(m.year), _known(m.province), _known(m.city), int(rep.report_id)) not in rejected]
        if not ok:
            continue
        names = [name_key(pool.at[j, "agency"]) for j in ok]
        found = process.extract(name_key(m.agency), names, scorer=fuzz.ratio, limit=MAX_CANDIDATES,
                                score_cutoff=CANDIDATE_SCORE)
        for _, score, k in found:
            rep = pool.iloc[ok[k]]
            rows.append({"agency": m.agency, "year": int(m.year), "province": _known(m.province), "city": _known(m.city),
                         "report_id": int(rep["report_id"]), "report_agency": rep["agency"],
                         "report_region": rep["region"], "score": round(float(score), 1)})
    return pd.DataFrame(rows, columns=CANDIDATE_COLUMNS)
