"""Cause B of the extra-set analysis: a 2019 table 二 flattened by a crawler keeps the sign of
本年增/减 ("行政处罚2648-18538"); a row the reader cannot read is reported, never silently absent."""

from loaders.parse import parse_document
from loaders.spec import F2019
from loaders.spec.values import ValueStatus

from .builders import text_doc

HEAD_2019 = "2020年某区政府信息公开工作年度报告\n一、总体情况\n本年度工作有序推进。\n"
T2_2019 = (
    "二、主动公开政府信息情况 第二十条第（一）项信息内容本年新制作数量本年新公开数量对外公开总数量规章007规范性文件5 5 80"
    "第二十条第（五）项信息内容上一年项目数量本年增/减处理决定数量行政许可40 2 30其他对外管理服务事项10 0 5"
    "第二十条第（六）项信息内容上一年项目数量本年增/减处理决定数量行政处罚{penalty}行政强制12 1 9"
    "第二十条第（八）项信息内容上一年项目数量本年增/减行政事业性收费{fee}"
    "第二十条第（九）项信息内容采购项目数量采购总金额政府集中采购3 1200.5万元"
    "三、收到和处理政府信息公开申请情况 五、存在的主要问题及改进情况 无。"
)


def _parse(penalty: str, fee: str):
    return parse_document(text_doc(HEAD_2019 + T2_2019.format(penalty=penalty, fee=fee), "2020_x.txt"))


FEE = ("t2.art20_8.admin_fee.prev_year_items", "t2.art20_8.admin_fee.change")
PENALTY = tuple(f"t2.art20_6.admin_penalty.{c}" for c in ("prev_year_items", "change", "decisions"))


def test_negative_change_in_a_flattened_2019_row_is_read():
    r = _parse("2648 -18 538", "35-15")
    assert r.fmt == F2019
    assert [r.value(k) for k in FEE] == [35, -15]
    assert [r.value(k) for k in PENALTY] == [2648, -18, 538]  # printed apart: no doubt
    assert r.value("t2.art20_6.admin_coercion.decisions") == 9


def test_ambiguous_signed_run_is_unread_with_candidates_and_raw_text():
    r = _parse("2648-18538", "35-15")
    assert all(r.value(k) is None for k in PENALTY)
    assert all(r.cells[k].status == ValueStatus.MISSING and "2648-18538" in r.cells[k].raw for k in PENALTY)
    p1 = [f for f in r.findings if f.rule == "P1" and set(PENALTY) <= set(f.keys)]
    assert len(p1) == 1
    assert [2648, -18, 538] in p1[0].candidates and [2648, None, 18538] in p1[0].candidates
    assert [r.value(k) for k in FEE] == [35, -15]  # one cut only: 35 | -15


def test_row_followed_by_an_unknown_sign_is_reported_not_dropped():
    r = _parse("2648+18 538", "35-15")
    assert all(r.value(k) is None for k in PENALTY)
    assert all(r.cells[k].raw for k in PENALTY)
    assert [f for f in r.findings if f.rule == "P1" and set(PENALTY) <= set(f.keys)]


def test_last_guard_reports_a_label_glued_to_digits_that_no_reader_took():
    r = _parse("2648(18)538", "35-15")
    assert all(r.value(k) is None for k in PENALTY)
    p1 = [f for f in r.findings if f.rule == "P1" and set(PENALTY) <= set(f.keys)]
    assert len(p1) == 1 and all(r.cells[k].raw for k in PENALTY)


def test_no_missing_cell_without_raw_text_or_finding():
    r = _parse("2648-18538", "35-15")
    flagged = {k for f in r.findings for k in f.keys}
    silent = [k for k, cv in r.cells.items() if k.startswith("t2.") and cv.status == ValueStatus.MISSING
              and not cv.raw and k not in flagged]
    assert silent == []


def test_table_three_row_glued_to_an_unknown_mark_is_reported_not_dropped():
    from .test_shapes import FLAT

    flat = FLAT.replace("（一）予以公开270020130", "（一）予以公开2700(2013)0")
    r = parse_document(text_doc("2021年某区政府信息公开工作年度报告\n" + flat, "2021_x.txt"))
    keys = [k for k in r.cells if k.startswith("t3.result.grant.")]
    assert len(keys) == 7 and all(r.value(k) is None for k in keys)
    assert all(r.cells[k].raw for k in keys)
    assert [f for f in r.findings if f.rule == "P1" and set(keys) <= set(f.keys)]
    assert r.value("t3.new_received.total") == 70  # the other rows are read as before
