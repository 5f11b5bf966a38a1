"""Cause G of the extra-set analysis: a crawler page of a letter (函) filed under 年报 passes the
readers' text gate because its body quotes a notice about annual reports; the parser rejects it."""

import pytest

from loaders.errors import NotAnAnnualReport
from loaders.parse import parse_document
from loaders.parse.metadata import is_agency_name, is_non_report_title
from loaders.readers.text import parse_text

from .builders import source

LETTER = (
    "标题: 关于2014年政府信息公开工作要点落实情况的函\n发布时间: 2014-12-10 00:00\n发布机构: \n"
    "==================== 正文 ====================\n"
    "当前位置： 首页政务公开政府信息公开年报 关于2014年政府信息公开工作要点落实情况的函 省政府办公厅： "
    "根据《福建省人民政府办公厅关于做好2014年政府信息公开工作要点落实情况督查及政府信息公开工作年度报告有关事项的通知》"
    "（闽政办函〔2014〕130号）要求，现将我区2014年政府信息公开工作要点落实情况函告如下： "
    "一、2014年政府信息公开工作情况 （一）全面深化政府信息公开工作。全年主动公开政府信息2543条。\n"
)
REPORT = (
    "标题: 某区2014年政府信息公开工作年度报告\n发布时间: 2015-01-10 00:00\n"
    "==================== 正文 ====================\n"
    "根据《福建省人民政府办公厅关于做好2014年政府信息公开工作年度报告有关事项的通知》要求，编制本报告。"
    "一、概述 全年主动公开政府信息2543条。\n"
)


def _doc(text: str, name: str):
    return parse_text(text, source(name, "txt"))


def test_letter_without_tables_is_not_an_annual_report():
    with pytest.raises(NotAnAnnualReport) as e:
        parse_document(_doc(LETTER, "letter.txt"))
    assert "函" in str(e.value) and "letter.txt" in str(e.value)


def test_report_quoting_the_same_notice_is_parsed_with_its_own_title():
    r = parse_document(_doc(REPORT, "report.txt"))
    assert r.fmt == "legacy" and r.year.value == 2014
    assert r.title == "某区2014年政府信息公开工作年度报告"
    assert not (r.agency.value or "").startswith("根据")


def test_letter_title_under_a_manifest_format_is_left_to_the_manifest():
    r = parse_document(_doc(LETTER, "letter.txt"), manifest_row={"format": "legacy"})
    assert r.title.endswith("函")
    assert not (r.agency.value or "").startswith(("根据", "《"))


def test_titles_and_names():
    assert is_non_report_title("关于2014年政府信息公开工作要点落实情况的函")
    assert is_non_report_title("关于印发2023年政务公开工作要点的通知")
    assert not is_non_report_title("关于印发某区2023年政府信息公开工作年度报告的通知")
    assert not is_non_report_title("某区2014年政府信息公开工作年度报告")
    assert not is_agency_name("根据《福建省人民政府办公厅")
    assert not is_agency_name("福建省人民政府办公厅》")
    assert is_agency_name("福建省人民政府办公厅")
