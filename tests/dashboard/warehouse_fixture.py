"""Build real DuckDB warehouses for the dashboard tests through the real store (``write_report``).

Reports come from the synthetic province (``loaders.synth.generate_reports``: values satisfy
R1–R4 unless a defect is injected), become ``ParsedReport``s, are validated by
``loaders.validate`` and stored one transaction each — the path every real report takes after
parsing. One agency-year gets a second, later version (a report changed after publication).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from loaders.model import CellValue, Meta, ParsedReport, empty_report
from loaders.spec.values import ValueStatus
from loaders.synth.records import ReportRecord, generate_reports
from loaders.validate import validate_report
from warehouse import derive
from warehouse.connect import Layout, ensure_warehouse, open_writer
from warehouse.ingest import load_roster
from warehouse.store import write_report


def parsed_from_record(rec: ReportRecord, *, bump: int = 0) -> tuple[ParsedReport, bytes]:
    """A ParsedReport holding exactly what the synthetic report prints, and its source bytes."""
    rep = empty_report(f"{rec.stem}{'_v2' if bump else ''}.txt", file_type="txt", fmt=rec.format)
    for field in ("year", "agency", "region", "province", "city", "county", "level", "category"):
        setattr(rep, field, Meta(getattr(rec, field), 1.0, "示例数据"))
    pub = rec.publish_date + dt.timedelta(days=30 * bump) if rec.publish_date else None
    rep.publish_date = Meta(pub.isoformat() if pub else None, 1.0, "示例数据")
    rep.title = rec.title
    for key, value in rec.values.items():
        if key not in rep.cells:
            continue
        if bump and key == "t3.new_received.natural_person" and value is not None:
            value = value + bump  # the corrected re-publication changes one printed number
        rep.cells[key] = CellValue(value, ValueStatus(rec.status[key]), rec.raw.get(key, ""))
    rep.parser_version = "test"
    validate_report(rep)
    body = json.dumps({"title": rec.title, "bump": bump, "values": rep.values()}, ensure_ascii=False)
    return rep, body.encode("utf-8")


def build_warehouse(db: Path, *, agencies: int = 24, years=range(2019, 2026), seed: int = 7,
                    defect_rate: float = 0.15) -> list[ReportRecord]:
    """Write the synthetic reports into a new warehouse at ``db``; returns the records stored."""
    all_records = list(generate_reports(agencies, years, seed=seed, defect_rate=defect_rate, include_missing=True))
    records = [r for r in all_records if r.published]
    # The roster expects every agency every year, plus one agency-year that never reported.
    roster = db.with_name(db.name + ".roster.csv")
    db.parent.mkdir(parents=True, exist_ok=True)
    lines = ["agency,year,region,province,city,county,level,category"]
    lines += [f"{r.agency},{r.year},{r.region},{r.province},{r.city or ''},{r.county or ''},{r.level},{r.category}"
              for r in all_records]
    first = all_records[0]
    lines.append(f"{first.agency},{max(years) + 1},{first.region},{first.province},{first.city or ''},"
                 f"{first.county or ''},{first.level},{first.category}")
    roster.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with open_writer(db) as w:
        files = Layout.of(db).files
        for rec in records:
            rep, data = parsed_from_record(rec)
            write_report(w.con, rep, data, files_dir=files, is_demo=True)
        # A second, later version of one report: "changed after publication".
        rep, data = parsed_from_record(records[-1], bump=1)
        write_report(w.con, rep, data, files_dir=files, is_demo=True)
        load_roster(w.con, roster, is_demo=True)
        derive.refresh(w.con)  # cross-year findings (W1/W2) and the agencies dimension, as ingest does
        w.publish()
    return records


def build_empty_warehouse(db: Path) -> None:
    ensure_warehouse(db)
