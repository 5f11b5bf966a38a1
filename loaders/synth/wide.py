"""Vectorised records for scale: a million reports' metadata and values without any rendering.

``generate_wide(n, seed)`` returns two frames with the same index: report metadata and one float
column per canonical key (the union of both formats; NaN where a key is not in the report's
format). The values come from the same ``YearlyValues`` model as the rendered demo reports, so
R1–R4 hold in every row and 上年结转 continues last year's 结转下年度 per agency.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence

import numpy as np
import pandas as pd

from ..spec import F2019, F2021, cell_keys, version_for_year
from .province import DEMO_MARK, agencies_for
from .records import parse_years
from .values import from_agencies

# One column per canonical key: the 2021 keys, then the keys only the 2019 format has.
WIDE_KEYS: tuple[str, ...] = cell_keys(F2021) + tuple(k for k in cell_keys(F2019) if k not in set(cell_keys(F2021)))


class WidePlan:
    """The records of ``generate_wide`` made piece by piece, for loads that must not hold them all.

    ``values()`` yields each year's values (drawn in year order: 上年结转 continues the year before);
    after it is exhausted ``meta(lo, hi)`` gives the metadata of rows ``lo:hi`` (publish dates are drawn
    after every value, as ``generate_wide`` does, so both give the same records for the same seed).
    """

    def __init__(self, n_reports: int, seed: int = 0, years: str | Sequence[int] | range = range(2019, 2026)) -> None:
        self.n_reports = n_reports
        self.year_list = parse_years(years)
        self.n_agencies = max(1, math.ceil(n_reports / len(self.year_list)))
        agencies = agencies_for(self.n_agencies, seed)[: self.n_agencies]  # whole cities are built; drop the surplus
        self.rng = np.random.default_rng([seed, 2])
        self.model = from_agencies(agencies, self.rng)
        self.agency_frame = pd.DataFrame({
            "agency_id": [a.agency_id for a in agencies],
            "agency": [a.name for a in agencies],
            "level": [a.level for a in agencies],
            "category": [a.category for a in agencies],
            "province": [a.province for a in agencies],
            "city": [a.city for a in agencies],
            "county": [a.county for a in agencies],
            "region": [a.region for a in agencies],
        })
        self.government = ((self.agency_frame["category"] == "government")
                           & self.agency_frame["level"].isin(["province", "city", "county"])).to_numpy()
        self._offsets: np.ndarray | None = None

    def values(self) -> Iterator[tuple[int, np.ndarray]]:
        """``(first row, values of one year's reports)``, year by year (float64, NaN = not in format)."""
        col = {k: i for i, k in enumerate(WIDE_KEYS)}
        n = self.n_agencies
        for yi, year in enumerate(self.year_list):
            fmt = version_for_year(year)
            batch = self.model.draw(year, fmt)
            lo, hi = yi * n, min((yi + 1) * n, self.n_reports)
            if lo >= hi:
                continue
            # Column-major: each key is one contiguous column (fast to fill, and pandas keeps it without a copy).
            values = np.empty((hi - lo, len(WIDE_KEYS)), order="F")  # every slot is written below (value or NaN)
            for k, arr in batch.items():
                values[:, col[k]] = arr[: hi - lo]
            other = [col[k] for k in WIDE_KEYS if k not in batch]
            values[:, other] = np.nan
            del batch  # only this year's values stay alive while the caller stores them
            yield lo, values
        self._offsets = self.rng.integers(0, 25, self.n_reports)

    def meta(self, lo: int, hi: int) -> pd.DataFrame:
        """Metadata of rows ``lo:hi`` (after ``values()`` has run to its end)."""
        if self._offsets is None:
            raise RuntimeError("WidePlan.meta() needs values() drawn first (publish dates come after them)")
        rows = np.arange(lo, hi)
        years = np.array(self.year_list)
        year_col = years[rows // self.n_agencies]
        meta = self.agency_frame.iloc[rows % self.n_agencies].reset_index(drop=True)
        year_text = pd.Series(year_col).astype(str)
        meta.insert(0, "report_id", year_text + "-" + meta["agency_id"])
        meta["year"] = year_col
        meta["format"] = np.where(year_col <= 2020, F2019, F2021)
        meta["title"] = meta["agency"] + year_text + f"年政府信息公开工作年度报告{DEMO_MARK}"
        # Deadlines as in records.deadline_for: governments 31 March, everyone else 31 January
        # (the day before 1 April / 1 February of the following year).
        gov = self.government[rows % self.n_agencies]
        next_year = (year_col + 1 - 1970).astype("datetime64[Y]").astype("datetime64[M]")
        deadline = (next_year + np.where(gov, 3, 1)).astype("datetime64[D]") - np.timedelta64(1, "D")
        meta["deadline"] = deadline.astype("datetime64[ns]")
        meta["publish_date"] = (deadline - self._offsets[lo:hi].astype("timedelta64[D]")).astype("datetime64[ns]")
        meta["demo"] = True
        return meta


def generate_wide(n_reports: int, seed: int = 0,
                  years: str | Sequence[int] | range = range(2019, 2026)) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``n_reports`` synthetic reports of 示例省: (metadata frame, values frame), row-aligned.

    Reports are agency × year, year by year; ``n_reports`` is met by building
    ceil(n / len(years)) agencies and dropping the surplus of the last year.
    Metadata columns: report_id, agency_id, agency, level, category, province, city, county,
    region, year, format, title, deadline, publish_date, demo. Values: float64, NaN = not in format.
    ``WidePlan`` makes the same records a year at a time.
    """
    plan = WidePlan(n_reports, seed, years)
    parts = [v for _lo, v in plan.values()]
    values = np.concatenate(parts, axis=0) if len(parts) > 1 else parts[0]
    return plan.meta(0, n_reports), pd.DataFrame(values, columns=list(WIDE_KEYS), copy=False)
