"""legacy_figures: pre-2019 statistics rows flattened into glued digit runs, and prose-only reports."""

from loaders.parse.legacy import legacy_figures
from loaders.parse.sections import find_sections

TABLE_HEAD = "附件1：某县2011年政府信息公开情况统计表 指标名称计量单位2011年度历年累计"


def figs(make_doc, text):
    doc = make_doc([text])
    return legacy_figures(doc, find_sections(doc))


def test_split_decided_by_the_prose(make_doc):
    text = ("一、概述 2011年主动公开政府信息425条。" + TABLE_HEAD
            + "主动公开信息数条4251516受理依申请公开信息总数条00行政复议数条00")
    f = figs(make_doc, text)
    assert f["proactively_disclosed"] == 425 and f["proactively_disclosed_label"] == "主动公开信息数"
    assert f["detail"]["proactively_disclosed"]["cumulative"] == 1516
    assert f["applications_received"] == 0 and f["applications_received_label"] == "受理依申请公开信息总数"


def test_split_decided_by_the_sub_rows(make_doc):
    text = TABLE_HEAD + "主动公开信息数条4251516其中：1.网站公开条41815092.政府公报公开条77受理依申请公开信息总数条01"
    f = figs(make_doc, text)
    assert f["proactively_disclosed"] == 425
    assert "其中" in f["detail"]["proactively_disclosed"]["note"]
    assert f["applications_received"] == 0 and f["detail"]["applications_received"]["cumulative"] == 1


def test_undecidable_split_is_left_out_with_candidates(make_doc):
    f = figs(make_doc, TABLE_HEAD + "主动公开信息数条4251516受理依申请公开信息总数条00")
    assert "proactively_disclosed" not in f
    cands = f["detail"]["proactively_disclosed"]["candidates"]
    assert [4, 251516] in cands and [425, 1516] in cands


def test_single_value_column_is_not_split(make_doc):
    f = figs(make_doc, "政府信息公开情况统计表 统计指标单位统计数 主动公开信息数条425申请总数件3")
    assert f["proactively_disclosed"] == 425 and f["applications_received"] == 3


def test_prose_only_report(make_doc):
    f = figs(make_doc, "一、概述 2013年新增主动公开政府信息45条。三、依申请公开情况 期间我局办公室未收到政府信息公开申请。")
    assert f["proactively_disclosed"] == 45 and f["proactively_disclosed_label"] == "新增主动公开政府信息"
    assert f["applications_received"] == 0 and f["applications_received_label"] == "未收到政府信息公开申请"
    assert f["detail"]["applications_received"]["source"] == "正文"


def test_nothing_stated(make_doc):
    assert figs(make_doc, "一、概述 做了很多工作。") == {"detail": {}}


SPACED_HEAD = "附件1：某区2012年政府信息公开情况统计表 指标名称 计量单位 2012年度 历年累计 "


def test_printed_spaces_are_cell_boundaries(make_doc):
    # crawler text keeping the table's cell gaps: 739 | 4359, not one run with four possible cuts
    f = figs(make_doc, SPACED_HEAD + "主动公开信息数 条 739 4359 其中：1、网站公开 条 739 4359 2、政府公报公开 条 0 0 "
                       "受理依申请公开信息总数 条 0 0")
    assert f["proactively_disclosed"] == 739 and f["detail"]["proactively_disclosed"]["cumulative"] == 4359
    assert "空格" in f["detail"]["proactively_disclosed"]["note"]
    assert f["applications_received"] == 0


def test_next_rows_item_number_is_not_a_cell(make_doc):
    f = figs(make_doc, SPACED_HEAD + "主动公开信息数 条 425 1516 1.网站公开 条 418 1509 受理依申请公开信息总数 条 2 9")
    assert f["proactively_disclosed"] == 425 and f["detail"]["proactively_disclosed"]["cumulative"] == 1516
    assert f["applications_received"] == 2


def test_three_printed_numbers_for_two_columns_are_not_guessed(make_doc):
    f = figs(make_doc, SPACED_HEAD + "主动公开信息数 条 739 4 359 受理依申请公开信息总数 条 0 0")
    assert "proactively_disclosed" not in f
    assert f["detail"]["proactively_disclosed"]["candidates"] == []


def test_table_and_prose_disagreeing_keeps_the_table_and_warns(make_doc):
    from loaders.parse import parse_document

    doc = make_doc(["某区2012年政府信息公开工作年度报告", "一、概述 全年共主动公开政府信息1913条。",
                    SPACED_HEAD + "主动公开信息数 条 739 4359 受理依申请公开信息总数 条 0 0"])
    r = parse_document(doc)
    assert r.fmt == "legacy"
    assert r.legacy_figures["proactively_disclosed"] == 739
    (w4,) = [x for x in r.findings if x.rule == "W4"]
    assert w4.severity == "warning" and w4.kind == "source"
    assert w4.expected == 739 and w4.found == 1913 and "1913" in w4.message


def test_table_and_prose_agreeing_raise_nothing(make_doc):
    from loaders.parse import parse_document

    doc = make_doc(["某区2012年政府信息公开工作年度报告", "一、概述 全年共主动公开政府信息739条。",
                    SPACED_HEAD + "主动公开信息数 条 739 4359 受理依申请公开信息总数 条 0 0"])
    r = parse_document(doc)
    assert r.legacy_figures["proactively_disclosed"] == 739
    assert not [x for x in r.findings if x.rule == "W4"]
