"""Vectorised records for scale: a million reports' metadata and values without any rendering.

``generate_wide(n, seed)`` returns two frames with the same index: report metadata and one float
column per canonical key (the union of both formats; NaN where a key is not in the report's
format). The values come from the same ``YearlyValues`` model as the rendered demo reports, so
R1–R4 hold in every row and 上年结转 continues last year's 结转下年度 per agency.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..spec import F2019, F2021, cell_keys, version_for_year
from .province import DEMO_MARK, agencies_for
from .records import parse_years
from .values import from_agencies

# One column per canonical key: the 2021 keys, then the keys only the 2019 format has.
WIDE_KEYS: tuple[str, ...] = cell_keys(F2021) + tuple(k for k in cell_keys(F2019) if k not in set(cell_keys(F2021)))


def generate_wide(n_reports: int, seed: int = 0,
                  years: str | Sequence[int] | range = range(2019, 2026)) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``n_reports`` synthetic reports of 示例省: (metadata frame, values frame), row-aligned.

    Reports are agency × year, year by year; ``n_reports`` is met by building
    ceil(n / len(years)) agencies and dropping the surplus of the last year.
    Metadata columns: report_id, agency_id, agency, level, category, province, city, county,
    region, year, format, title, deadline, publish_date, demo. Values: float64, NaN = not in format.
    """
    year_list = parse_years(years)
    n_agencies = max(1, math.ceil(n_reports / len(year_list)))
    agencies = agencies_for(n_agencies, seed)[:n_agencies]  # whole cities are built; drop the surplus
    rng = np.random.default_rng([seed, 2])
    model = from_agencies(agencies, rng)
    col = {k: i for i, k in enumerate(WIDE_KEYS)}
    # Column-major: each key is one contiguous column (fast to fill, and pandas keeps it without a copy).
    values = np.empty((n_reports, len(WIDE_KEYS)), order="F")  # every slot is written below (value or NaN)
    for yi, year in enumerate(year_list):
        fmt = version_for_year(year)
        batch = model.draw(year, fmt)
        lo, hi = yi * n_agencies, min((yi + 1) * n_agencies, n_reports)
        if lo >= hi:
            continue
        for k, arr in batch.items():
            values[lo:hi, col[k]] = arr[: hi - lo]
        other = [col[k] for k in WIDE_KEYS if k not in batch]
        values[lo:hi, other] = np.nan

    agency_frame = pd.DataFrame({
        "agency_id": [a.agency_id for a in agencies],
        "agency": [a.name for a in agencies],
        "level": [a.level for a in agencies],
        "category": [a.category for a in agencies],
        "province": [a.province for a in agencies],
        "city": [a.city for a in agencies],
        "county": [a.county for a in agencies],
        "region": [a.region for a in agencies],
    })
    government = ((agency_frame["category"] == "government")
                  & agency_frame["level"].isin(["province", "city", "county"])).to_numpy()
    meta = agency_frame.iloc[np.tile(np.arange(n_agencies), len(year_list))[:n_reports]].reset_index(drop=True)
    year_col = np.repeat(np.array(year_list), n_agencies)[:n_reports]
    year_text = pd.Series(year_col).astype(str)
    meta.insert(0, "report_id", year_text + "-" + meta["agency_id"])
    meta["year"] = year_col
    meta["format"] = np.where(year_col <= 2020, F2019, F2021)
    meta["title"] = meta["agency"] + year_text + f"年政府信息公开工作年度报告{DEMO_MARK}"
    # Deadlines as in records.deadline_for: governments 31 March, everyone else 31 January
    # (the day before 1 April / 1 February of the following year).
    gov = np.tile(government, len(year_list))[:n_reports]
    next_year = (year_col + 1 - 1970).astype("datetime64[Y]").astype("datetime64[M]")
    deadline = (next_year + np.where(gov, 3, 1)).astype("datetime64[D]") - np.timedelta64(1, "D")
    meta["deadline"] = deadline.astype("datetime64[ns]")
    meta["publish_date"] = (deadline - rng.integers(0, 25, n_reports).astype("timedelta64[D]")).astype(
        "datetime64[ns]")
    meta["demo"] = True
    return meta, pd.DataFrame(values, columns=list(WIDE_KEYS), copy=False)
