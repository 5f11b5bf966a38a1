"""narrative_figures (prose numbers) and W4 (prose vs table) — firing on disagreement, silent on agreement."""

from loaders.model import CellValue, empty_report
from loaders.parse.narrative import narrative_figures
from loaders.parse.sections import find_sections
from loaders.spec.values import ValueStatus
from loaders.validate import check_narrative, validate_report

BODY = [
    "一、总体情况",
    "2023年，全区主动公开政府信息13561条。全年共收到政府信息公开申请81件，办结81件，结转下年度0件。"
    "因政府信息公开引起的行政复议案件2件、行政诉讼案件7件。",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
    "2023年，全年收取政府信息公开信息处理费 3,940 元。",
]


def figures(make_doc, blocks):
    return narrative_figures(find_sections(make_doc(blocks)))


def test_figures_stated_in_prose(make_doc):
    f = figures(make_doc, BODY)
    assert f["proactively_disclosed"]["value"] == 13561
    assert f["applications_received"]["value"] == 81 and f["applications_received"]["section"] == "s1"
    assert f["applications_completed"]["value"] == 81
    assert f["carry_forward"]["value"] == 0 and "carried_over" not in f  # 结转下年度 ≠ 上年结转
    assert f["reviews"]["value"] == 2 and f["litigations"]["value"] == 7
    assert f["info_processing_fee"] == {"value": 3940, "unit": "元", "raw": "信息处理费3,940元", "section": "s6"}


def test_number_before_words_and_not_across_clauses(make_doc):
    f = figures(make_doc, ["一、总体情况",
                           "本年有1件涉及政府信息公开工作的行政复议，行政复议36起，行政诉讼9起。"])
    assert f["reviews"]["value"] == 36  # words-then-number is read first
    assert f["litigations"]["value"] == 9  # not the "36起，行政诉讼" across the comma
    f2 = figures(make_doc, ["一、总体情况", "2024年市科委有1件涉及政府信息公开工作的行政复议。"])
    assert f2["reviews"]["value"] == 1


def test_joint_or_sibling_numbers_are_not_taken(make_doc):
    assert figures(make_doc, ["一、总体情况", "行政复议和行政诉讼案件共5件。"]) == {}
    f = figures(make_doc, ["一、总体情况", "有1件涉及政府信息公开工作的行政复议，涉及的行政诉讼数为0件。"])
    assert f["reviews"]["value"] == 1 and f["litigations"]["value"] == 0
    f2 = figures(make_doc, ["一、总体情况", "行政复议、行政诉讼各1件。"])
    assert f2["reviews"]["value"] == 1 and f2["litigations"]["value"] == 1


def test_carry_over_directions_and_approximate_numbers(make_doc):
    f = figures(make_doc, ["一、总体情况", "全年主动公开政府信息7700余条。共受理政府信息公开申请81件（其中上年结转3件），"
                           "办结78件，结转至2026年6件。"])
    assert f["carried_over"]["value"] == 3 and f["carry_forward"]["value"] == 6
    assert f["proactively_disclosed"]["value"] == 7700 and "约数" in f["proactively_disclosed"]["note"]


def test_none_stated_in_words_is_zero_with_the_phrase(make_doc):
    f = figures(make_doc, ["一、总体情况", "2021年，未收到信息公开申请。", "六、其他需要报告的事项",
                           "2021年，无收取信息处理费情况。"])
    assert f["applications_received"]["value"] == 0
    assert "未收到信息公开申请" in f["applications_received"]["raw"]
    assert f["info_processing_fee"]["value"] == 0 and "无收取信息处理费" in f["info_processing_fee"]["raw"]
    assert f["info_processing_fee"]["note"]


def test_not_stated_is_absent(make_doc):
    f = figures(make_doc, ["一、总体情况", "全年受理行政审批申请136437件。", "六、其他需要报告的事项", "无。"])
    assert "applications_received" not in f  # 行政审批, not 信息公开 applications
    assert "info_processing_fee" not in f


def _report(received, reviews, lit_direct, lit_after, narrative):
    r = empty_report("x.txt")
    for key, v in (("t3.new_received.total", received), ("t4.review.total", reviews),
                   ("t4.lit_direct.total", lit_direct), ("t4.lit_after_review.total", lit_after)):
        if v is not None:
            r.cells[key] = CellValue(v, ValueStatus.NUMBER, str(v))
    r.narrative = narrative
    return r


def test_w4_fires_when_prose_and_table_disagree(make_doc):
    narrative = figures(make_doc, BODY)
    r = _report(80, 2, 5, 1, narrative)  # table: 80 received, litigation 5+1=6 ≠ 7
    found = {f.keys: f for f in check_narrative(r)}
    assert set(found) == {("t3.new_received.total",), ("t4.lit_direct.total", "t4.lit_after_review.total")}
    f = found[("t3.new_received.total",)]
    assert f.rule == "W4" and f.kind == "source" and f.severity == "warning"
    assert f.expected == 80 and f.found == 81 and "81" in f.message and "正文" in f.message


def test_w4_silent_when_they_agree_or_the_table_is_blank(make_doc):
    narrative = figures(make_doc, BODY)
    assert check_narrative(_report(81, 2, 5, 2, narrative)) == []
    assert check_narrative(_report(None, None, None, None, narrative)) == []  # blank ≠ 0: nothing to compare
    assert check_narrative(_report(81, 2, 5, 2, {})) == []


def test_w4_accepts_received_including_last_years_carry_over():
    r = _report(70, None, None, None, {"applications_received": {"value": 75, "raw": "受理申请75件"}})
    r.cells["t3.carried_over.total"] = CellValue(5, ValueStatus.NUMBER, "5")  # 上年结转
    assert check_narrative(r) == []
    r.cells["t3.carried_over.total"] = CellValue(4, ValueStatus.NUMBER, "4")
    assert [f.rule for f in check_narrative(r)] == ["W4"]


def test_w4_is_wired_into_validate_report():
    r = _report(10, 0, 0, 0, {"applications_received": 12})
    assert [f.rule for f in validate_report(r).findings if f.rule == "W4"] == ["W4"]


def test_w4_not_applied_to_legacy_reports():
    r = empty_report("old.txt", fmt="legacy")
    r.narrative = {"applications_received": 5}
    assert check_narrative(r) == []


def test_no_corrected_review_or_lost_suit_is_not_zero_cases(make_doc):
    # 未发生…被行政复议纠错或行政诉讼败诉: no review was corrected, no suit lost — the counts are not 0
    body = ["一、总体情况", "全年未发生因依申请公开被行政复议纠错或行政诉讼败诉情形。", "四、政府信息公开行政复议、行政诉讼情况"]
    f = figures(make_doc, body)
    assert "reviews" not in f and "litigations" not in f


def test_outcome_sentence_does_not_hide_a_real_none_phrase(make_doc):
    body = ["一、总体情况", "全年未发生行政诉讼败诉情形。本年度未发生政府信息公开行政复议。", "四、政府信息公开行政复议、行政诉讼情况"]
    f = figures(make_doc, body)
    assert f["reviews"]["value"] == 0 and "未发生政府信息公开行政复议" in f["reviews"]["raw"]
    assert "litigations" not in f


def test_negated_outcome_raises_no_false_w4(make_doc):
    from loaders.parse import parse_document

    doc = make_doc(["2024年某市政府办公厅政府信息公开工作年度报告", "一、总体情况",
                    "全年未发生因依申请公开被行政复议纠错或行政诉讼败诉情形。",
                    "四、政府信息公开行政复议、行政诉讼情况",
                    "行政复议 行政诉讼 结果维持 结果纠正 其他结果 尚未审结 总计 未经复议直接起诉 复议后起诉",
                    "50 1 0 4 55 30 0 0 4 34 0 0 0 0 0"])
    r = parse_document(doc)
    assert r.value("t4.review.total") == 55
    assert not [x for x in r.findings if x.rule == "W4"]
