"""The publish date's last resort: the file's own date (DOCX core properties, PDF ModDate), used
only when the text states none and the date falls after the report's period — and named so."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import docx

from loaders.parse import parse_file
from loaders.spec.deadlines import date_source_name


def _docx(seed_report: Path, out: Path, modified: dt.datetime, *, with_date_line: bool = False) -> Path:
    d = docx.Document()
    for line in seed_report.read_text(encoding="utf-8").splitlines():
        line = line.strip().lstrip("#").strip().replace("**", "")
        if line:
            d.add_paragraph(line)
    if with_date_line:
        d.add_paragraph("2022年1月20日")
    d.core_properties.modified = modified
    d.core_properties.created = modified
    d.save(out)
    return out


def test_file_date_is_the_last_resort_and_said_so(seed_report: Path, tmp_path: Path):
    r = parse_file(_docx(seed_report, tmp_path / "a.docx", dt.datetime(2022, 2, 10, 9, 0)))
    assert r.year.value == 2021
    assert r.publish_date.value == "2022-02-10"
    assert date_source_name(r.publish_date.source) == "文件属性（仅作最后参考）"


def test_a_date_in_the_text_wins_over_the_file_date(seed_report: Path, tmp_path: Path):
    r = parse_file(_docx(seed_report, tmp_path / "b.docx", dt.datetime(2022, 2, 10), with_date_line=True))
    assert r.publish_date.value == "2022-01-20" and date_source_name(r.publish_date.source) == "报告落款日期"


def test_a_file_date_inside_the_reports_period_is_not_a_publish_date(seed_report: Path, tmp_path: Path):
    r = parse_file(_docx(seed_report, tmp_path / "c.docx", dt.datetime(2021, 6, 1)))
    assert r.publish_date.value is None
