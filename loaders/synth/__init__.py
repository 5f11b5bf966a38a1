"""Synthetic annual reports of a fictional province (示例省): values, defects, documents, truth.

Public API (names kept stable — the warehouse builds on them):
- ``generate_reports(agencies, years, seed, defect_rate)`` → iterator of ``ReportRecord``
  (metadata + printed values + defects), no rendering;
- ``generate_wide(n_reports, seed)`` → (metadata DataFrame, values DataFrame, one column per key),
  vectorised for a million reports;
- ``roster_rows(...)`` → which agencies were expected to report each year and whether they did.
Every report is labelled 示例数据 (``demo=True``, title suffix （示例数据）).
"""

from .province import DEMO_MARK, PROVINCE, Agency, agencies_for, build_province
from .records import GENERATOR_VERSION, ReportRecord, generate_reports, roster_rows
from .wide import WIDE_KEYS, generate_wide

__all__ = [
    "DEMO_MARK",
    "GENERATOR_VERSION",
    "PROVINCE",
    "WIDE_KEYS",
    "Agency",
    "ReportRecord",
    "agencies_for",
    "build_province",
    "generate_reports",
    "generate_wide",
    "roster_rows",
]
