"""Cause A of the extra-set analysis: a flattened table 二 run ("行政规范性文件8855698") is split
using the figures the report's own prose states for that cell — decided only when one cut is left."""

from loaders.parse import parse_document
from loaders.parse.tables import NOTE_JOINT_PROSE
from loaders.spec.values import ValueStatus

from .builders import text_doc

KEYS = tuple(f"t2.art20_1.normative_doc.{c}" for c in ("issued", "repealed", "in_force"))
T2 = ("二、主动公开政府信息情况 第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数规章000行政规范性文件{run}"
      "第二十条第（五）项信息内容本年处理决定数量行政许可2293第二十条第（六）项信息内容本年处理决定数量行政处罚1282行政强制42"
      "三、收到和处理政府信息公开申请情况\n五、存在的主要问题及改进情况\n无。\n")


def _parse(prose: str, run: str = "8855698"):
    text = f"2022年某区政府信息公开工作年度报告\n一、总体情况\n{prose}\n" + T2.format(run=run)
    return parse_document(text_doc(text, "2022_x.txt"))


def _p1(r):
    return [f for f in r.findings if f.rule == "P1" and set(KEYS) <= set(f.keys)]


def test_prose_figures_leave_one_cut():
    r = _parse("集中公开现行有效行政规范性文件698件，动态更新本年度制发的规范性文件88件。")
    assert [r.value(k) for k in KEYS] == [88, 55, 698]
    assert all(r.cells[k].note == NOTE_JOINT_PROSE for k in KEYS)
    assert r.narrative["t2.art20_1.normative_doc.in_force"]["value"] == 698
    assert not _p1(r)


def test_one_prose_figure_narrowing_to_several_cuts_stays_unread():
    r = _parse("本年度制发行政规范性文件62件。", "6233440")
    assert all(r.value(k) is None and r.cells[k].status == ValueStatus.MISSING for k in KEYS)
    (p1,) = _p1(r)
    assert [62, 33, 440] in p1.candidates and all(c[0] == 62 for c in p1.candidates)
    assert "62" in p1.message and "正文" in p1.message


def test_prose_contradicting_every_cut_decides_nothing():
    # the real shape of a crawler page: 现行有效 393 is a cleanup's count, no cut of the run gives it;
    # 制发 77 fits five cuts. The 393 is no evidence, and with it shown false the prose proves nothing:
    # the cuts are narrowed by 77 (21 → 5 readings for the reviewer), none is stored
    r = _parse("集中公开现行有效行政规范性文件393件，动态更新本年度制发的规范性文件77件。", "77132470")
    assert all(r.value(k) is None for k in KEYS)
    (p1,) = _p1(r)
    assert "in_force=393" in p1.message and "不符" in p1.message and "issued=77" in p1.message
    assert sorted(p1.candidates) == [[77, 1, 32470], [77, 13, 2470], [77, 132, 470], [77, 1324, 70], [77, 13247, 0]]


def test_figures_not_about_the_cell_are_not_evidence():
    # another year, a cumulative count, an information count (类信息…条), two columns in one clause
    prose = ("2021年制发行政规范性文件88件；累计现行有效行政规范性文件698件；公开政策、规范性文件类信息88条；"
             "本年制发和废止行政规范性文件共88件。")
    r = _parse(prose)
    assert all(r.value(k) is None for k in KEYS)
    assert not any(k in r.narrative for k in KEYS)
    assert len(_p1(r)[0].candidates) > 1


def test_two_different_statements_of_one_cell_decide_nothing():
    r = _parse("现行有效行政规范性文件698件。制发行政规范性文件88件。另制发行政规范性文件8件。")
    assert all(r.value(k) is None for k in KEYS)
    assert r.narrative["t2.art20_1.normative_doc.issued"]["values"] == [88, 8]
