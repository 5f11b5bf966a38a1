"""The dashboard's filter state and the one function that turns it into SQL.

Every query in ``warehouse/`` filters reports through ``where_clause``: it returns a SQL fragment
with ``?`` placeholders and the list of values to bind. Values are never formatted into SQL text;
column names come from the fixed table below, never from the caller.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from loaders.spec import CATEGORY_BY_CODE, LEVEL_NAMES, RULE_BY_ID

# The hard rules: a report whose own table numbers break one of them "doesn't add up" (R1–R4).
HARD_RULES: tuple[str, ...] = tuple(r for r in RULE_BY_ID if r.startswith("R"))
LEAVE_OUT_NOTE = "剔除表格勾稽关系不成立（R1–R4）的报告"
INCLUDE_NOTE = "包含全部报告（含表格勾稽关系不成立的）"


@dataclass(frozen=True)
class Filters:
    """A slice of the warehouse. Empty tuples mean "no restriction"."""

    year_from: int | None = None
    year_to: int | None = None
    provinces: tuple[str, ...] = ()
    cities: tuple[str, ...] = ()
    counties: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()  # spec.agencies LEVELS codes
    categories: tuple[str, ...] = ()  # spec.agencies CATEGORIES codes
    agencies: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()  # "2019" | "2021" | "legacy"
    agency_keys: tuple[str, ...] = ()  # agencies by stable key (同口径: those reporting in both years)
    current_only: bool = True  # only the newest version of each (agency, year)
    include_demo: bool = True  # 示例数据 (synthetic reports)
    leave_out_failing: bool = False  # leave out reports whose own numbers break R1–R4
    extra: dict = field(default_factory=dict, compare=False, hash=False)  # ignored by SQL; UI state

    def describe(self) -> list[tuple[str, str]]:
        """Chinese (label, value) pairs stating the filter — for export sheets and captions."""
        def joined(v: tuple[str, ...]) -> str:
            return "、".join(v) if v else "全部"

        years = (
            f"{self.year_from or '最早'}–{self.year_to or '最新'}"
            if (self.year_from or self.year_to)
            else "全部"
        )
        return [
            ("年度", years),
            ("省", joined(self.provinces)),
            ("市", joined(self.cities)),
            ("县（区）", joined(self.counties)),
            ("层级", joined(tuple(LEVEL_NAMES.get(v, v) for v in self.levels))),
            ("类别", joined(tuple(CATEGORY_BY_CODE[v].name if v in CATEGORY_BY_CODE else v for v in self.categories))),
            ("机关", joined(self.agencies)),
            ("格式", joined(self.formats)),
            ("版本", "仅最新版本" if self.current_only else "全部版本"),
            ("示例数据", "包含" if self.include_demo else "不含"),
            ("报告范围", LEAVE_OUT_NOTE if self.leave_out_failing else INCLUDE_NOTE),
        ] + ([("同口径单位", f"{len(self.agency_keys)} 个（两年都有报告的单位）")] if self.agency_keys else [])

    def key(self) -> tuple:
        """A hashable, order-independent identity — for cache keys."""
        return tuple(
            tuple(sorted(v)) if isinstance(v, tuple) else v
            for f in fields(self)
            if f.name != "extra"
            for v in [getattr(self, f.name)]
        )


# filter attribute → column of ``reports`` (or of the ``reports_wide`` view, which has them all)
_LIST_COLUMNS = (
    ("provinces", "province"),
    ("cities", "city"),
    ("counties", "county"),
    ("levels", "level"),
    ("categories", "category"),
    ("agencies", "agency"),
    ("formats", "format"),
    ("agency_keys", "agency_key"),
)


def where_clause(f: Filters, alias: str = "r", *, roster: bool = False) -> tuple[str, list]:
    """``(sql, params)``: a WHERE fragment (without the word WHERE) over ``alias`` and its values.

    Always valid SQL ("TRUE" when nothing is restricted), so callers can write
    ``f"… WHERE {sql} AND …"`` and pass ``params`` to ``execute``. ``alias`` names a
    ``reports`` / ``reports_wide`` row; with ``roster=True`` it names a ``roster`` row (which has
    no format or version columns).
    """
    if not alias.isidentifier():
        raise ValueError(f"bad table alias {alias!r}")
    a = f"{alias}."
    parts: list[str] = []
    params: list = []
    if f.year_from is not None:
        parts.append(f"{a}year >= ?")
        params.append(int(f.year_from))
    if f.year_to is not None:
        parts.append(f"{a}year <= ?")
        params.append(int(f.year_to))
    for attr, col in _LIST_COLUMNS:
        if roster and col in ("format", "agency_key"):  # a roster row has neither
            continue
        values = getattr(f, attr)
        if values:
            # One bound list parameter: "col IN (SELECT unnest(?))" keeps the SQL text fixed.
            parts.append(f"{a}{col} IN (SELECT unnest(?::VARCHAR[]))")
            params.append([str(v) for v in values])
    if f.current_only and not roster:
        parts.append(f"{a}is_current")
    if not f.include_demo:
        parts.append(f"NOT {a}is_demo")
    if f.leave_out_failing and not roster:
        parts.append(f"{a}report_id NOT IN (SELECT fi.report_id FROM findings_in_force fi WHERE fi.kind = 'source' "
                     "AND fi.rule IN (SELECT unnest(?::VARCHAR[])))")
        params.append(list(HARD_RULES))
    return (" AND ".join(parts) or "TRUE"), params
