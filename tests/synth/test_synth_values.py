"""The synthetic values: consistent (R1–R4, W1), realistic in size, deterministic, labelled demo."""

from collections import Counter, defaultdict

import numpy as np
import pytest

from loaders.spec import CATEGORY_BY_CODE, LEVEL_NAMES, cell_keys
from loaders.spec.tables import T3_COLUMNS
from loaders.synth import DEMO_MARK, WIDE_KEYS, generate_reports, generate_wide, roster_rows
from loaders.validate import check_rules


@pytest.fixture(scope="module")
def records():
    return list(generate_reports(agencies=80, years="2019-2025", seed=3, defect_rate=0.3, include_missing=True))


def test_clean_values_satisfy_r1_to_r4_in_both_formats(records):
    formats = Counter(r.format for r in records)
    assert formats["2019"] > 0 and formats["2021"] > 0
    for r in records:
        assert set(r.clean_values) == set(cell_keys(r.format))
        assert check_rules(r.format, r.clean_values) == [], r.report_id
        assert all(v >= 0 for k, v in r.clean_values.items() if not k.endswith(".change"))


def test_format_follows_the_year(records):
    for r in records:
        assert r.format == ("2019" if r.year <= 2020 else "2021")


def test_carried_over_continues_last_years_carry_forward(records):
    by_agency = defaultdict(dict)
    for r in records:
        by_agency[r.agency_id][r.year] = r
    checked = w1_seen = 0
    for years in by_agency.values():
        for y, r in years.items():
            prev = years.get(y - 1)
            if prev is None:
                continue
            for c in T3_COLUMNS:
                assert r.clean_values[f"t3.carried_over.{c.code}"] == prev.clean_values[f"t3.carry_forward.{c.code}"]
            checked += 1
            if any(d["kind"] == "W1" for d in r.defects) and not prev.defects:
                # what a cross-year W1 check compares: printed 上年结转 vs last year's printed 结转下年度
                assert r.values["t3.carried_over.total"] != prev.values["t3.carry_forward.total"]
                w1_seen += 1
            if not any(d["kind"] in ("W1", "blank") for d in r.defects) and not any(
                d["kind"] in ("R1", "missing_table", "blank") for d in prev.defects
            ):
                assert r.values["t3.carried_over.total"] == prev.values["t3.carry_forward.total"]
    assert checked > 400 and w1_seen > 0


def test_sizes_are_realistic(records):
    small = [r.clean_values["t3.new_received.total"] for r in records if r.level == "township"]
    assert np.mean(np.array(small) <= 10) > 0.85
    big = [r.clean_values["t3.new_received.total"] for r in records
           if r.level == "city" and r.category == "government"]
    assert min(big) >= 100 and max(big) >= 500
    # some reports carry applications over, most small ones don't
    assert any(r.clean_values["t3.carry_forward.total"] > 0 for r in records)
    assert np.mean([r.clean_values["t3.carry_forward.total"] == 0 for r in records if r.level == "township"]) > 0.9


def test_every_report_is_labelled_demo_with_spec_codes(records):
    for r in records:
        assert r.demo is True and r.title.endswith(DEMO_MARK)
        assert r.level in LEVEL_NAMES and r.category in CATEGORY_BY_CODE
        assert r.province == "示例省"


def test_deterministic_for_a_seed():
    a = [(r.report_id, r.values, r.defects) for r in generate_reports(20, "2020-2022", seed=5, defect_rate=0.5)]
    b = [(r.report_id, r.values, r.defects) for r in generate_reports(20, "2020-2022", seed=5, defect_rate=0.5)]
    c = [(r.report_id, r.values, r.defects) for r in generate_reports(20, "2020-2022", seed=6, defect_rate=0.5)]
    assert a == b
    assert a != c


def test_injected_rule_defects_are_found_by_the_checks(records):
    kinds = Counter(d["kind"] for r in records for d in r.defects)
    assert {"R1", "R2", "R3", "R4", "blank", "dash", "missing_table", "split_number", "W1", "W4"} <= set(kinds)
    for r in records:
        findings = check_rules(r.format, r.values)
        injected = {d.get("rule") for d in r.defects if d.get("rule") in ("R1", "R2", "R3", "R4")}
        assert {f.rule for f in findings} == injected, (r.report_id, r.defects, findings)
        for d in r.defects:
            if d["kind"] in ("blank", "dash", "missing_table"):
                touched = d["keys"] or [k for k in r.values if k.startswith(d["table"] + ".")]
                assert all(r.values[k] is None for k in touched)
        assert bool(r.source_anomalies) == bool(injected or r.missing_tables or
                                                any(d["kind"] in ("W1", "W4") for d in r.defects))


def test_missing_reports_are_on_the_roster_only():
    rows = list(roster_rows(40, "2021-2024", seed=2, defect_rate=0.5))
    published = {r.report_id for r in generate_reports(40, "2021-2024", seed=2, defect_rate=0.5)}
    missing = [x for x in rows if not x["published"]]
    assert missing, "a 50 % defect rate should leave some reports unpublished"
    assert all(f"{x['year']}-{x['agency_id']}" not in published for x in missing)
    assert len(rows) == 40 * 4
    late = [x for x in rows if x["late"]]
    assert late and all(x["publish_date"] > x["deadline"] for x in late)
    assert all(x["publish_date"] <= x["deadline"] for x in rows if x["published"] and not x["late"])


def test_generate_wide_is_consistent_and_aligned():
    meta, values = generate_wide(5000, seed=4)
    assert len(meta) == len(values) == 5000
    assert list(values.columns) == list(WIDE_KEYS)
    assert meta["demo"].all() and meta["title"].str.endswith(DEMO_MARK).all()
    for fmt in ("2019", "2021"):
        rows = values[meta["format"] == fmt]
        assert len(rows) > 0
        keys = set(cell_keys(fmt))
        assert rows[[k for k in WIDE_KEYS if k in keys]].notna().all().all()
        assert rows[[k for k in WIDE_KEYS if k not in keys]].isna().all().all()
    rng = np.random.default_rng(0)
    for i in rng.integers(0, len(meta), 300):
        fmt = meta["format"].iloc[i]
        row = {k: values[k].iloc[i] for k in cell_keys(fmt)}
        assert check_rules(fmt, row) == []
    # W1 per agency across consecutive years
    frame = meta[["agency_id", "year"]].assign(co=values["t3.carried_over.total"], cf=values["t3.carry_forward.total"])
    nxt = frame.assign(year=frame["year"] - 1)[["agency_id", "year", "co"]]
    joined = frame.merge(nxt, on=["agency_id", "year"], suffixes=("", "_next"))
    assert len(joined) > 3000
    assert (joined["cf"] == joined["co_next"]).all()
