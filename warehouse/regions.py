"""Regions: which level a slice is rolled up at, and the year-over-year table per region.

A provincial office thinks province → cities → a city's counties → a county's agencies. The level
follows the filter: no province chosen → one row per province; a province → its cities; a city →
its counties; a county (or chosen agencies) → agencies. Agencies above the level being shown (a
province's own departments have no city; a city's own have no county) are a group of their own
(``OWN_GROUP``), never dropped.

SQL lives in ``warehouse.queries`` (``regions_by_year``); this module holds the fixed level table
and the pandas roll-up of its result.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .filters import Filters


@dataclass(frozen=True)
class RegionLevel:
    code: str  # province | city | county | agency
    name: str  # 省 | 市 | 县（区） | 单位
    column: str  # the reports column grouped by (fixed, never from the caller)
    filter_attr: str  # the Filters attribute a drill into one of its rows sets
    own_group: str  # the name of the group of agencies with no value at this level


LEVELS: tuple[RegionLevel, ...] = (
    RegionLevel("province", "省", "province", "provinces", "（未标明省份）"),
    RegionLevel("city", "市", "city", "cities", "省直单位"),
    RegionLevel("county", "县（区）", "county", "counties", "市直单位"),
    RegionLevel("agency", "单位", "agency", "agencies", ""),
)
LEVEL_BY_CODE = {lv.code: lv for lv in LEVELS}


def level_of(f: Filters) -> RegionLevel:
    """The level a slice is shown at: one below the deepest region chosen (agencies at the bottom)."""
    if f.agencies or f.counties:
        return LEVEL_BY_CODE["agency"]
    if f.cities:
        return LEVEL_BY_CODE["county"]
    if f.provinces:
        return LEVEL_BY_CODE["city"]
    return LEVEL_BY_CODE["province"]


def rollup(per_year: pd.DataFrame, rate: bool) -> pd.DataFrame:
    """One row per region: the slice's last year against the year before.

    ``per_year`` (from ``queries.regions_by_year``): region, drill, year, value, numerator,
    denominator, reports. Out: region, drill, year, value, reports, denominator, year_before,
    value_before, reports_before, change (count: 件; rate: 百分点), change_pct (counts only; '—'
    where last year was 0 or blank), rank and rank_before (1 = highest; regions without a value
    are not ranked), rank_change (positive = moved up).
    """
    cols = ["region", "drill", "year", "value", "reports", "denominator", "year_before", "value_before",
            "reports_before", "change", "change_pct", "rank", "rank_before", "rank_change"]
    if per_year.empty:
        return pd.DataFrame(columns=cols)
    y1 = int(per_year["year"].max())
    y0 = y1 - 1
    key = ["region", "drill"]
    cur = per_year[per_year["year"] == y1].set_index(key)
    prev = per_year[per_year["year"] == y0].set_index(key)
    regions = per_year.drop_duplicates(key).set_index(key).index
    out = pd.DataFrame(index=regions)
    out["year"] = y1
    out["value"] = cur["value"]
    out["reports"] = cur["reports"]
    out["denominator"] = cur["denominator"]
    out["year_before"] = y0
    out["value_before"] = prev["value"]
    out["reports_before"] = prev["reports"]
    out["reports"] = out["reports"].fillna(0).astype(int)
    out["reports_before"] = out["reports_before"].fillna(0).astype(int)
    out["change"] = (out["value"] - out["value_before"]) * (100 if rate else 1)
    if rate:
        out["change_pct"] = float("nan")
    else:
        before = out["value_before"].where(out["value_before"] != 0)
        out["change_pct"] = (out["value"] - before) / before
    out["rank"] = out["value"].rank(ascending=False, method="min")
    out["rank_before"] = out["value_before"].rank(ascending=False, method="min")
    out["rank_change"] = out["rank_before"] - out["rank"]
    out = out.reset_index()
    out = out.sort_values(["rank", "region"], na_position="last").reset_index(drop=True)
    for c in ("rank", "rank_before", "rank_change"):
        out[c] = out[c].astype("Int64")
    return out[cols]
