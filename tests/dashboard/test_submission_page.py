"""报送情况 on the synthetic province: figures equal a direct count over the roster, each unit's
status equals the generator's own truth (published? late by 条例第四十九条?), the 催报 notice."""

from __future__ import annotations

import io

from docx import Document
from test_pages import URL, F, frame_with, open_page
from warehouse_fixture import build_warehouse

from dashboard.chase_notice import chase_notice_docx
from loaders.synth.records import generate_reports
from warehouse.filters import Filters
from warehouse.submission import LATE, MISSING, chase_list, roster_entries, summary

ALL = Filters()


def test_page_figures_equal_a_direct_count(make_app, demo_db, reader):
    at = open_page(make_app(demo_db), "submission.py")
    assert not at.error
    # the page's default slice: the report years (the roster's extra year 2026 has no report yet)
    span = "year BETWEEN (SELECT MIN(year) FROM reports) AND (SELECT MAX(year) FROM reports)"
    required = reader.execute(f"SELECT COUNT(*) FROM roster WHERE {span}").fetchone()[0]
    received = reader.execute(
        f"SELECT COUNT(*) FROM roster ro WHERE {span} AND roster_received(ro.agency, ro.year, ro.province, ro.city)"
    ).fetchone()[0]
    metric = {m.label: m.value for m in at.metric}
    assert metric["应报"] == f"{required:,}"
    assert metric["已报"] == f"{received:,}"
    assert metric["未报送"] == f"{required - received:,}"
    s = summary(reader, Filters(year_from=2019, year_to=2025))
    assert int(s["late"].sum()) == 2 and int(s["missing"].sum()) == 1  # as generated (see the next test)
    shown = frame_with(at, "年度", "应报", "逾期")
    assert shown["逾期"].tolist() == s["late"].tolist()
    chase = frame_with(at, "单位", "报送状态", "截止日期")
    assert len(chase) == int(s["late"].sum() + s["missing"].sum()) == 3
    assert metric["逾期"] == "2"
    # a year filter from the shared link narrows the figures
    at = open_page(make_app(demo_db), "submission.py", **URL)
    narrowed = summary(reader, F)
    assert {m.label: m.value for m in at.metric}["应报"] == f"{int(narrowed['required'].sum()):,}"


def test_each_status_equals_the_generators_truth(reader):
    records = {(r.agency, r.year): r for r in generate_reports(24, range(2019, 2026), seed=7, defect_rate=0.15,
                                                                include_missing=True)}
    e = roster_entries(reader, ALL)
    assert len(e) > 0
    for row in e.itertuples(index=False):
        if row.year == 2026:  # the fixture's extra roster year: nobody reported yet
            assert row.status == MISSING
            continue
        rec = records[(row.agency, row.year)]
        assert row.deadline == rec.deadline
        if not rec.published:
            assert row.status == MISSING
        else:
            assert (row.status == LATE) == rec.late, (row.agency, row.year, row.publish_date, row.deadline)
    assert (e["status"] == LATE).any() and (e["status"] == MISSING).any()


def test_chase_notice_lists_every_unit(reader):
    chase = chase_list(reader, ALL)
    assert len(chase) == 4
    doc = Document(io.BytesIO(chase_notice_docx(chase)))
    table = doc.tables[0]
    assert len(table.rows) == len(chase) + 1
    assert [r.cells[1].text for r in table.rows[1:]] == chase["agency"].tolist()
    assert "催报" in doc.paragraphs[0].text


def test_notice_strips_characters_xml_cannot_hold(tmp_path):
    import pandas as pd

    chase = pd.DataFrame([{"agency": "甲局\x07=1+1", "year": 2023, "region": None, "deadline": None, "status": MISSING,
                           "days_late": None}])
    doc = Document(io.BytesIO(chase_notice_docx(chase)))
    assert doc.tables[0].rows[1].cells[1].text == "甲局=1+1"


_ = build_warehouse  # the fixture module the demo_db fixture builds with
