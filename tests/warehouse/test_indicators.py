"""Each indicator on hand-computed fixtures, including zero and absent denominators."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from wh_helpers import ROOT, make_report

from warehouse.connect import open_reader, open_writer
from warehouse.docs import render_indicator_docs
from warehouse.filters import Filters
from warehouse.indicators import INDICATORS, compute, coverage, format_value
from warehouse.store import write_report

# Two reports of 2023 with numbers chosen by hand; one of 2024 with all-zero outcomes.
A = {
    "t3.new_received.total": 100, "t3.new_received.natural_person": 80, "t3.carried_over.total": 10,
    "t3.result.grant.total": 40, "t3.result.partial.total": 10,
    "t3.result.deny.state_secret.total": 5, "t3.result.deny.process_info.total": 5,
    "t3.result.unable.not_held.total": 15, "t3.result.unable.needs_creation.total": 5,
    "t3.result.not_processed.duplicate.total": 10, "t3.result.other.other.total": 0,
    "t3.result.total.total": 90, "t3.carry_forward.total": 20,
    "t4.review.upheld": 3, "t4.review.corrected": 1, "t4.review.other": 0, "t4.review.pending": 1, "t4.review.total": 5,
    "t4.lit_direct.upheld": 1, "t4.lit_direct.corrected": 1, "t4.lit_direct.other": 0, "t4.lit_direct.pending": 0,
    "t4.lit_direct.total": 2,
    "t4.lit_after_review.total": 0, "t4.lit_after_review.pending": 0,
}
B = {  # a small agency: blank cells where it had nothing, '—' for not-held
    "t3.new_received.total": 20, "t3.new_received.natural_person": 20, "t3.carried_over.total": None,
    "t3.result.grant.total": 18, "t3.result.partial.total": None, "t3.result.unable.not_held.total": "—",
    "t3.result.total.total": 20, "t3.carry_forward.total": 0,
    "t4.review.total": 0, "t4.review.upheld": 0, "t4.review.corrected": 0, "t4.review.other": 0,
    "t4.review.pending": 0,
}
C = {  # 2024: nothing received, nothing handled: every rate must be '—'
    "t3.new_received.total": 0, "t3.carried_over.total": 0, "t3.result.total.total": 0, "t3.result.grant.total": 0,
    "t3.carry_forward.total": 0, "t4.review.total": 0, "t4.review.corrected": 0, "t4.review.upheld": 0,
}


@pytest.fixture
def wh(db: Path):
    with open_writer(db) as w:
        for name, vals, agency, year in (("a", A, "甲局", 2023), ("b", B, "乙局", 2023), ("c", C, "甲局", 2024)):
            r, data = make_report(name, vals, agency=agency, year=year)
            write_report(w.con, r, data, files_dir=w.layout.files)
        w.con.execute("INSERT INTO roster (agency, year, province, city) VALUES "
                      "('甲局', 2023, '示例省', '示例市'), ('乙局', 2023, NULL, NULL), ('丙局', 2023, NULL, NULL)")
        w.publish()
    con = open_reader(db)
    yield con
    con.close()


def _values(con, keys, variants=None, by=("year",)):
    df = compute(con, Filters(), keys=keys, variants=variants, by=by)
    return {(row.year, row.indicator): row for row in df.itertuples()}


def test_counts_and_shares(wh):
    v = _values(wh, ["new_applications", "total_to_handle", "natural_person_share", "backlog_rate", "handled"])
    assert v[(2023, "new_applications")].value == 120
    # B's carried_over is blank: its term is 20 + 0 — blank parts of a printed sum count as 0.
    assert v[(2023, "total_to_handle")].value == 100 + 10 + 20
    assert v[(2023, "natural_person_share")].value == pytest.approx(100 / 120)
    assert v[(2023, "backlog_rate")].value == pytest.approx(20 / 130)
    assert v[(2024, "new_applications")].value == 0  # a printed 0 is a count of 0
    assert math.isnan(v[(2024, "natural_person_share")].value)  # 0 / 0 → NULL, not 0 %
    assert math.isnan(v[(2024, "backlog_rate")].value)


def test_grant_rates_both_denominators(wh):
    allv = _values(wh, ["grant_rate", "substantive_disclosure_rate", "refusal_rate", "cannot_provide_rate"])
    assert allv[(2023, "grant_rate")].value == pytest.approx((40 + 18) / (90 + 20))
    assert allv[(2023, "substantive_disclosure_rate")].value == pytest.approx((50 + 18) / 110)
    # refusal: only A printed deny cells; B's deny cells are all blank → B not counted at all
    assert allv[(2023, "refusal_rate")].value == pytest.approx(10 / 90)
    assert allv[(2023, "refusal_rate")].n == 1
    assert allv[(2023, "cannot_provide_rate")].value == pytest.approx(20 / 90)
    assert math.isnan(allv[(2024, "grant_rate")].value)
    sub = _values(wh, ["grant_rate"], variants={"grant_rate": "substantive"})
    # substantive denominator: A 40+10+10+20 = 80; B 18 (+ blanks) = 18
    assert sub[(2023, "grant_rate")].value == pytest.approx(58 / 98)


def test_reason_mix_and_not_held(wh):
    v = _values(wh, ["deny_reason.state_secret", "not_held_share", "not_processed_rate",
                     "not_processed_reason.duplicate"])
    assert v[(2023, "deny_reason.state_secret")].value == pytest.approx(0.5)
    assert v[(2023, "not_held_share")].value == pytest.approx(15 / 20)  # B's '—' is not a number
    assert v[(2023, "not_processed_rate")].value == pytest.approx(10 / 90)
    assert v[(2023, "not_processed_reason.duplicate")].value == pytest.approx(1.0)


def test_review_litigation(wh):
    v = _values(wh, ["review_count", "litigation_count", "review_rate", "litigation_rate", "pending_rate"])
    assert v[(2023, "review_count")].value == 5
    assert v[(2023, "litigation_count")].value == 2
    assert v[(2023, "review_rate")].value == pytest.approx(5 / 120)
    assert v[(2023, "litigation_rate")].value == pytest.approx(2 / 100)  # B printed no litigation
    assert v[(2023, "pending_rate")].value == pytest.approx(1 / 7)


def test_correction_rates_both_denominators(wh):
    dec = _values(wh, ["review_correction_rate", "litigation_correction_rate", "correction_rate"])
    assert dec[(2023, "review_correction_rate")].value == pytest.approx(1 / 4)  # decided: 3+1+0 (+B 0)
    assert dec[(2023, "litigation_correction_rate")].value == pytest.approx(1 / 2)
    assert dec[(2023, "correction_rate")].value == pytest.approx(2 / 6)
    assert math.isnan(dec[(2024, "review_correction_rate")].value)  # 0 decided → '—'
    filed = _values(wh, ["review_correction_rate", "correction_rate"],
                    variants={"review_correction_rate": "filed", "correction_rate": "filed"})
    assert filed[(2023, "review_correction_rate")].value == pytest.approx(1 / 5)
    assert filed[(2023, "correction_rate")].value == pytest.approx(2 / 7)


def test_consistency_and_coverage(wh):
    v = _values(wh, ["consistency_pass_rate"])
    assert v[(2023, "consistency_pass_rate")].value == 1.0  # no R findings were given
    cov = coverage(wh, Filters()).set_index("year")
    assert cov.loc[2023, "denominator"] == 3 and cov.loc[2023, "numerator"] == 2
    assert cov.loc[2023, "value"] == pytest.approx(2 / 3)
    missing = wh.execute("SELECT agency FROM missing_reports").fetchall()
    assert missing == [("丙局",)]


def test_every_indicator_computes_and_zero_denominator_is_dash(wh):
    df = compute(wh, Filters(year_from=2024))
    assert set(df.indicator) == {i.key for i in INDICATORS}
    rates = df[df.unit == "%"]
    assert all(format_value(x, "%") == "—" for x in rates.value if x != x)  # NaN → —
    assert format_value(None, "%") == "—"
    assert format_value(0.256, "%") == "25.6%"
    assert format_value(float("nan"), "件") == "—"
    assert format_value(1234, "件") == "1,234"


def test_docs_are_current():
    assert (ROOT / "docs" / "indicators.md").read_text(encoding="utf-8") == render_indicator_docs(), (
        "docs/indicators.md is stale: run python -m warehouse docs"
    )
