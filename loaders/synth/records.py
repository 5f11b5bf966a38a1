"""Report records without rendering: metadata + printed values + defects, per agency and year.

``generate_reports`` is the API the warehouse demo builder uses; the renderers turn a record
into a document, ``truth.py`` into its truth JSON. Deterministic for a seed: the values come
from one vectorised stream per run, each report's defect from its own (seed, year, agency) stream.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..spec import F2019, version_for_year
from .defects import PrintedReport, choose_kind, inject, printed_from_clean, source_anomalies
from .province import DEMO_MARK, Agency, agencies_for
from .values import from_agencies

GENERATOR_VERSION = "synth-2"  # bump when generated values or documents change
PROCUREMENT_AMOUNT = "t2.art20_9.central_procurement.total_amount"


@dataclass
class ReportRecord:
    report_id: str  # "<year>-<agency_id>"
    agency_id: str
    agency: str
    short_name: str
    level: str
    category: str
    province: str
    city: str | None
    county: str | None
    region: str
    year: int
    format: str  # "2019" | "2021"
    title: str  # carries （示例数据）
    deadline: dt.date
    publish_date: dt.date | None  # None when never published
    published: bool
    late: bool
    values: dict[str, float | int | None]  # as printed: the truth cells
    raw: dict[str, str]  # printed text per key ("" blank, "—" dash)
    status: dict[str, str]  # spec ValueStatus per key
    units: dict[str, str]  # unit printed in a cell ("元"), by key
    clean_values: dict[str, float | int]  # before defects: the agency's real-world numbers
    narrative: dict[str, float | int]  # figures the prose states
    defects: list[dict] = field(default_factory=list)
    source_anomalies: list[str] = field(default_factory=list)
    missing_tables: set[str] = field(default_factory=set)
    split_keys: set[str] = field(default_factory=set)
    demo: bool = True
    seed: int = 0

    @property
    def stem(self) -> str:
        return f"{self.year}_{self.agency_id}"

    def meta(self) -> dict:
        """Flat metadata (one warehouse row)."""
        return {
            "report_id": self.report_id, "agency_id": self.agency_id, "agency": self.agency,
            "level": self.level, "category": self.category, "province": self.province, "city": self.city,
            "county": self.county, "region": self.region, "year": self.year, "format": self.format,
            "title": self.title, "deadline": self.deadline.isoformat(),
            "publish_date": self.publish_date.isoformat() if self.publish_date else None,
            "published": self.published, "late": self.late, "demo": self.demo,
            "defect_kinds": ",".join(d["kind"] for d in self.defects),
        }


def title_for(agency: Agency, year: int) -> str:
    return f"{agency.name}{year}年政府信息公开工作年度报告{DEMO_MARK}"


def deadline_for(agency: Agency, year: int) -> dt.date:
    """《条例》第四十九条: departments publish by 31 January, people's governments (their open-government
    office) by 31 March of the following year."""
    if agency.category == "government" and agency.level in ("province", "city", "county"):
        return dt.date(year + 1, 3, 31)
    return dt.date(year + 1, 1, 31)


def parse_years(years: str | Sequence[int] | range) -> list[int]:
    """'2019-2025' / '2021,2023' / [2021, 2022] → sorted list of years."""
    if isinstance(years, str):
        out: set[int] = set()
        for part in years.split(","):
            if "-" in part:
                a, b = part.split("-")
                out.update(range(int(a), int(b) + 1))
            elif part.strip():
                out.add(int(part))
        return sorted(out)
    return sorted(int(y) for y in years)


def generate_reports(agencies: int | Sequence[Agency] = 50, years: str | Sequence[int] | range = range(2019, 2026),
                     seed: int = 0, defect_rate: float = 0.0, include_missing: bool = False) -> Iterator[ReportRecord]:
    """Every (agency, year) report of 示例省 as a record, year by year, agencies in province order.

    ``defect_rate`` is the share of reports that carry one injected defect (see ``defects.KINDS``).
    Reports never published (defect ``missing_report``) are yielded only with ``include_missing``.
    Report years must be 2019 or later (the years with standard tables).
    """
    agency_list = agencies_for(agencies, seed) if isinstance(agencies, int) else list(agencies)
    year_list = parse_years(years)
    if year_list and year_list[0] < 2019:
        raise ValueError("synthetic reports start in 2019 (the first year with standard tables)")
    model = from_agencies(agency_list, np.random.default_rng([seed, 1]))
    previous_year: int | None = None
    for year in year_list:
        fmt = version_for_year(year)
        batch = model.draw(year, fmt)
        for i, agency in enumerate(agency_list):
            clean = {k: arr[i].item() for k, arr in batch.items()}
            rng = np.random.default_rng([seed, year, i, 3])
            printed = printed_from_clean(fmt, clean)
            if defect_rate > 0 and rng.random() < defect_rate:
                inject(printed, choose_kind(rng, printed, has_previous=previous_year == year - 1), rng)
            if fmt == F2019 and rng.random() < 0.4 and printed.status[PROCUREMENT_AMOUNT] == "number":
                # 采购总金额 has no unit in the format; many reports write it in the cell: "251000元".
                printed.raw[PROCUREMENT_AMOUNT] += "元"
                printed.units[PROCUREMENT_AMOUNT] = "元"
            record = _record(agency, year, fmt, clean, printed, rng, seed)
            if record.published or include_missing:
                yield record
        previous_year = year


def _record(agency: Agency, year: int, fmt: str, clean: dict, p: PrintedReport, rng: np.random.Generator,
            seed: int) -> ReportRecord:
    deadline = deadline_for(agency, year)
    if not p.published:
        publish = None
    elif p.late:
        publish = deadline + dt.timedelta(days=int(rng.integers(5, 121)))
    else:
        publish = deadline - dt.timedelta(days=int(rng.integers(0, 25)))
    return ReportRecord(
        report_id=f"{year}-{agency.agency_id}", agency_id=agency.agency_id, agency=agency.name,
        short_name=agency.short_name, level=agency.level, category=agency.category, province=agency.province,
        city=agency.city, county=agency.county, region=agency.region, year=year, format=fmt,
        title=title_for(agency, year), deadline=deadline, publish_date=publish, published=p.published,
        late=p.late, values=p.values, raw=p.raw, status=p.status, units=p.units, clean_values=clean, narrative=p.narrative,
        defects=p.defects, source_anomalies=source_anomalies(p), missing_tables=p.missing_tables,
        split_keys=p.split_keys, seed=seed,
    )


def roster_rows(agencies: int | Sequence[Agency] = 50, years: str | Sequence[int] | range = range(2019, 2026),
                seed: int = 0, defect_rate: float = 0.0) -> Iterator[dict]:
    """One row per agency and year the agency was expected to report, with whether/when it did."""
    for r in generate_reports(agencies, years, seed, defect_rate, include_missing=True):
        yield roster_row(r)


def roster_row(r: ReportRecord) -> dict:
    """The roster line of one expected report: who, which year, the deadline, whether and when published."""
    return {
        "agency_id": r.agency_id, "agency": r.agency, "level": r.level, "category": r.category,
        "region": r.region, "year": r.year, "expected": True, "published": r.published,
        "deadline": r.deadline.isoformat(),
        "publish_date": r.publish_date.isoformat() if r.publish_date else "", "late": r.late, "demo": True,
    }
