"""extract_metadata: title vs full name in the text, crawler header, date line, manifest override."""

import pytest

from loaders.manifest import MANIFEST_SOURCE, ManifestError, read_manifest
from loaders.parse.metadata import extract_metadata, parse_date, title_name
from loaders.parse.sections import find_sections


def meta_of(doc, row=None):
    return extract_metadata(doc, find_sections(doc), row)


def test_short_title_name_is_extended_by_the_full_name_in_section_six(make_doc):
    doc = make_doc([
        "党政办公室2021年政府信息公开工作年度报告",
        "一、总体情况", "2021年，党政办公室认真落实……",
        "六、其他需要报告的事项", "三门峡经济开发区党政办公室本年度未产生信息处理费。",
    ])
    m = meta_of(doc)
    assert m["agency"].value == "三门峡经济开发区党政办公室"
    assert "正文" in m["agency"].source
    assert m["year"].value == 2021 and m["year"].source == "标题"
    assert m["level"].value == "devzone"
    assert m["category"].value == "gov_office"
    assert m["city"].value == "三门峡市" and m["province"].value == "河南省"
    assert m["province"].source.startswith("推断")  # not printed: said so
    assert m["region"].value == "河南省三门峡市"


def test_title_agency_prefixed_by_its_city(make_doc):
    doc = make_doc([
        "洪泽区人民政府", "2023 年政府信息公开工作年度报告",
        "本报告由淮安市洪泽区人民政府办公室根据《条例》要求编制。",
        "一、总体情况", "……",
    ])
    m = meta_of(doc)
    assert m["agency"].value == "淮安市洪泽区人民政府"  # the compiler's 办公室 does not replace the title agency
    assert m["region"].value == "江苏省淮安市洪泽区"
    assert m["county"].value == "洪泽区" and m["level"].value == "county"
    assert m["category"].value == "government"


def test_crawler_header_gives_publisher_and_date(make_doc):
    doc = make_doc(
        ["某某综合实验区2023年度政府信息公开工作年度报告 本报告根据《条例》编制。一、总体情况 2023年……"],
        meta={"标题": "平潭综合实验区2023年度政府信息公开工作年度报告", "发布时间": "2024-03-08 15:34",
              "发布机构": "平潭综合实验区管委会办公室"},
    )
    m = meta_of(doc)
    assert m["agency"].value == "平潭综合实验区管委会办公室"
    assert m["agency"].source.startswith("爬虫头")
    assert m["publish_date"].value == "2024-03-08" and m["publish_date"].source == "爬虫头"
    assert m["level"].value == "devzone"
    assert m["province"].value == "福建省"


def test_region_only_title_takes_the_compiler_named_in_the_preface(make_doc):
    doc = make_doc([
        "平潭综合实验区2019年政府信息公开工作年度报告 根据《条例》要求，区管委会办公室编制完成了本报告。"
        "一、总体情况 2019年……"
    ])
    m = meta_of(doc)
    assert m["agency"].value == "平潭综合实验区管委会办公室"
    assert m["agency"].source == "正文开头(编制说明)"


def test_region_only_title_without_compiler_is_inferred_with_low_confidence(make_doc):
    doc = make_doc(["平潭综合实验区2021年度政府信息公开工作年度报告 我区编制完成了本报告。一、总体情况 ……"])
    m = meta_of(doc)
    assert m["agency"].value == "平潭综合实验区管委会"
    assert m["agency"].source.startswith("推断") and m["agency"].confidence < 0.5


def test_abbreviated_agency_is_spelled_out(make_doc):
    doc = make_doc(["正文", "2024 年上海市科委政府信息公开工作", "年度报告", "一、总体情况", "……"])
    m = meta_of(doc)
    assert m["agency"].value == "上海市科学技术委员会"
    assert m["region"].value == "上海市" and m["level"].value == "province"
    assert m["year"].value == 2024


def test_signature_date_line_at_the_end(make_doc):
    doc = make_doc([
        "某某县人民政府2025年政府信息公开工作年度报告", "一、总体情况", "……",
        "六、其他需要报告的事项", "无。", "某某县人民政府", "2026年1月23日",
    ])
    m = meta_of(doc)
    assert m["publish_date"].value == "2026-01-23" and m["publish_date"].source == "落款"


def test_year_from_statistics_period_when_title_has_none(make_doc):
    doc = make_doc(["政府信息公开工作年度报告", "本报告所列数据统计期限自2022年1月1日起至2022年12月31日止。", "一、总体情况"])
    m = meta_of(doc)
    assert m["year"].value == 2022 and "统计期限" in m["year"].source


def test_nothing_stated_gives_none_not_a_guess(make_doc):
    m = meta_of(make_doc(["一、总体情况", "做了很多工作。"]))
    assert m["agency"].value is None and m["region"].value is None and m["year"].value is None


def test_parse_date_forms():
    assert parse_date("2022年1月20日") == "2022-01-20"
    assert parse_date("二〇一二年二月二十日") == "2012-02-20"
    assert parse_date("2024-01-17 08:00") == "2024-01-17"
    assert parse_date("2024年13月40日") is None


def test_title_name():
    assert title_name("党政办公室2021年政府信息公开工作年度报告") == "党政办公室"
    assert title_name("2024年上海市科委政府信息公开工作年度报告") == "上海市科委"


def test_manifest_overrides_extracted_values(make_doc, tmp_path):
    csv_path = tmp_path / "manifest.csv"
    csv_path.write_text("file,year,agency,region,notes\nsub/a.txt,2020,某某市教育局,某某省某某市,随便\nb.txt,,,,\n",
                        encoding="utf-8")
    manifest = read_manifest(csv_path)
    assert set(manifest) == {"a.txt", "b.txt"}
    doc = make_doc(["淮安市人民政府2024年政府信息公开工作年度报告", "一、总体情况"])
    m = meta_of(doc, manifest["a.txt"])
    assert m["agency"].value == "某某市教育局" and m["agency"].source == MANIFEST_SOURCE
    assert m["year"].value == 2020 and m["region"].value == "某某省某某市"
    m2 = meta_of(doc, manifest["b.txt"])  # empty manifest cells override nothing
    assert m2["agency"].value == "淮安市人民政府" and m2["year"].value == 2024


def test_manifest_without_file_column_is_a_typed_error(tmp_path):
    p = tmp_path / "m.csv"
    p.write_text("name,year\na.txt,2020\n", encoding="utf-8")
    with pytest.raises(ManifestError) as e:
        read_manifest(p)
    assert "file" in str(e.value) and str(p) in str(e.value)
    with pytest.raises(ManifestError):
        read_manifest(tmp_path / "missing.csv")


def test_city_government_is_not_prefixed_with_its_province(make_doc):
    doc = make_doc(["淮安市人民政府", "2024 年政府信息公开工作年度报告", "一、总体情况",
                    "江苏省淮安市人民政府认真落实……"])
    m = meta_of(doc)
    assert m["agency"].value == "淮安市人民政府"
    assert m["level"].value == "city" and m["province"].value == "江苏省"


def test_title_with_guanyu_and_department_category(make_doc):
    doc = make_doc(["沭阳县教育局关于2022年政府信息公开工作年度报告", "一、总体情况", "……"])
    m = meta_of(doc)
    assert m["agency"].value == "沭阳县教育局"
    assert m["category"].value == "education"
    assert m["region"].value == "江苏省宿迁市沭阳县"
    assert m["city"].source.startswith("推断")


def test_ambiguous_county_name_needs_the_text_to_settle_its_city(make_doc):
    # 朝阳区 exists in 北京市 and 长春市: without a parent in the text, no city is invented
    m = meta_of(make_doc(["朝阳区人民政府2022年政府信息公开工作年度报告", "一、总体情况", "……"]))
    assert m["agency"].value == "朝阳区人民政府" and m["city"].value is None and m["province"].value is None
    m2 = meta_of(make_doc(["朝阳区人民政府2022年政府信息公开工作年度报告", "一、总体情况", "在长春市委的领导下……"]))
    assert m2["city"].value == "长春市" and m2["province"].value == "吉林省"


def test_township_level(make_doc):
    m = meta_of(make_doc(["杭州市西湖区三墩镇人民政府2022年政府信息公开工作年度报告", "一、总体情况"]))
    assert m["level"].value == "township" and m["region"].value == "浙江省杭州市西湖区"
    m2 = meta_of(make_doc(["三墩镇人民政府2022年政府信息公开工作年度报告", "一、总体情况"]))
    assert m2["level"].value == "township" and m2["region"].value is None


def test_self_references_and_bare_words_are_not_agencies(make_doc):
    m = meta_of(make_doc(["2021年度报告"]))
    assert m["agency"].value is None
    m2 = meta_of(make_doc(["我办2022年政府信息公开工作年度报告 本报告由我办编制。一、总体情况"]))
    assert m2["agency"].value is None and m2["year"].value == 2022


def test_split_region_by_gazetteer_and_by_suffixes():
    from loaders.parse.metadata import split_region

    assert split_region("江苏省宿迁市沭阳县") == {"province": "江苏省", "city": "宿迁市", "county": "沭阳县"}
    assert split_region("示例省样例市样东区样宁镇") == {"province": "示例省", "city": "样例市", "county": "样东区",
                                                        "township": "样宁镇"}
    assert split_region("示西区市场监督管理局") == {"county": "示西区"}  # 市场 is not a city
    assert split_region("党政办公室") == {}


def test_unknown_places_are_read_by_suffix_without_inventing_a_province(make_doc):
    m = meta_of(make_doc(["样例市样东区样宁镇人民政府2023年政府信息公开工作年度报告", "一、总体情况"]))
    assert m["agency"].value == "样例市样东区样宁镇人民政府"
    assert m["city"].value == "样例市" and m["county"].value == "样东区" and m["province"].value is None
    assert m["level"].value == "township" and m["region"].confidence <= 0.5


def test_manifest_region_sets_its_parts(make_doc):
    doc = make_doc(["样东区教育局2023年政府信息公开工作年度报告", "一、总体情况"])
    m = meta_of(doc, {"file": "x.pdf", "region": "示例省样例市样东区"})
    assert m["region"].value == "示例省样例市样东区"
    assert (m["province"].value, m["city"].value, m["county"].value) == ("示例省", "样例市", "样东区")
    assert m["province"].source.startswith("清单")
    assert m["agency"].value == "样东区教育局"  # not given by the manifest: extracted


def test_township_suffix_inside_a_department_name_is_not_a_township():
    from loaders.parse.metadata import split_region

    assert split_region("示例省住房和城乡建设厅") == {"province": "示例省"}


def test_title_name_of_page_titles_and_guanyu_forms():
    assert title_name("沭阳县人民政府-沭阳县教育局2022年政府信息公开工作年度报告") == "沭阳县教育局"
    assert title_name("某某县人民政府-2022年政府信息公开年报") == "某某县人民政府"
    assert title_name("淮安市人民政府办公室关于淮安市2022年政府信息公开工作年度报告") == "淮安市人民政府办公室"
    assert title_name("2021年度报告") is None


def test_page_chrome_glued_before_the_title_name():
    assert title_name("当前位置首页政务公开政府信息公开年报平潭综合实验区地方税务局2013年信息公开年度报告") == \
        "平潭综合实验区地方税务局"
    assert title_name("国家税务总局淮安市税务局2021年政府信息公开工作年度报告") == "国家税务总局淮安市税务局"
