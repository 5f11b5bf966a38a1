"""find_sections: headings as printed, inline in one paragraph, renumbered, misspelled, reworded."""

from loaders.parse.sections import document_text, find_sections

STANDARD = [
    "某某县人民政府2021年政府信息公开工作年度报告",
    "一、总体情况",
    "2021年，我县……",
    "二、主动公开政府信息情况",
    [["信息内容", "本年制发件数"], ["规章", "0"]],
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
    "本年度未收取信息处理费。",
]


def test_standard_headings_give_all_six_with_blocks_and_offsets(make_doc):
    doc = make_doc(STANDARD)
    s = find_sections(doc)
    assert sorted(s.by_code) == ["s1", "s2", "s3", "s4", "s5", "s6"]
    assert s.text == doc.text()
    # s2 holds the table block (index 4) and nothing of s3
    assert list(s.block_range("s2")) == [3, 4]
    assert s.section_of_block(4) == "s2"
    start, end = s.char_range("s6")
    assert s.text[start:end].startswith("六、其他需要报告的事项")
    assert s.body_of("s6") == "本年度未收取信息处理费。"
    assert s.get("s1").confidence == 1.0
    assert "年度报告" in s.preface


def test_inline_headings_in_one_long_paragraph(make_doc):
    text = ("某区2021年度政府信息公开工作年度报告 本报告由区政府办公室编制。一、总体情况 2021年，全区…… "
            "二、主动公开政府信息情况 第二十条第（一）项信息内容本年制发件数 三、收到和处理政府信息公开申请情况 "
            "申请人情况 四、政府信息公开行政复议、行政诉讼情况 行政复议 五、存在的主要问题及改进情况 一是…… "
            "六、其他需要报告的事项2021年，无收取信息处理费情况。")
    s = find_sections(make_doc([text]))
    assert sorted(s.by_code) == ["s1", "s2", "s3", "s4", "s5", "s6"]
    assert s.body_of("s2").startswith("第二十条")
    assert s.body_of("s6") == "2021年，无收取信息处理费情况。"
    assert s.get("s2").heading == "二、主动公开政府信息情况"
    # all in block 0: the offsets, not the block ranges, separate them
    assert s.char_range("s2")[1] == s.char_range("s3")[0]


def test_repeated_numbering_prefers_the_standard_headings(make_doc):
    doc = make_doc([
        "2024年上海市某委政府信息公开工作年度报告",
        "一、总体情况", "……",
        "二、工作机制保障", "……",
        "三、主动公开工作情况", "本年主动公开……",
        "四、政府信息公开申请情况", "……",
        "一、主动公开政府信息情况", [["规章", "0"]],
        "二、收到和处理政府信息公开申请情况", [["总计", "34"]],
        "三、政府信息公开行政复议、行政诉讼情况", [["1", "0"]],
        "（一）主要问题", "……",
        "五、其他需要报告的事项", "未发生收费。",
    ])
    s = find_sections(doc)
    assert s.get("s2").heading == "一、主动公开政府信息情况"
    assert s.get("s3").heading == "二、收到和处理政府信息公开申请情况"
    assert s.get("s4").heading == "三、政府信息公开行政复议、行政诉讼情况"
    assert s.get("s6").heading == "五、其他需要报告的事项"
    assert "工作机制保障" in s.text_of("s1")  # the agency's own chapters stay inside 一
    assert s.get("s2").confidence < 1.0  # renumbered: found, but said so


def test_typo_reworded_and_half_width_headings(make_doc):
    doc = make_doc([
        "一.总体情况", "……",
        "二、行政机关主动公开政府信息情况", "……",
        "三、收到和处理政府信息公开申请情况", "……",
        "四、政府信息公开行政法复议、行政诉讼情况", "……",
        "五、政府信息公开工作存在的主要问题及改进情况", "……",
        "六、其他需要报告的事项", "无",
    ])
    s = find_sections(doc)
    assert sorted(s.by_code) == ["s1", "s2", "s3", "s4", "s5", "s6"]
    assert s.get("s4").heading == "四、政府信息公开行政法复议、行政诉讼情况"
    assert s.get("s2").heading == "二、行政机关主动公开政府信息情况"


def test_sub_items_and_larger_numerals_are_not_headings(make_doc):
    doc = make_doc([
        "一、总体情况",
        "（二）主动公开政府信息情况 这是小标题。",
        "十二、主动公开的其他事项（不是第二部分）",
        "二、主动公开政府信息情况",
    ])
    s = find_sections(doc)
    assert s.get("s2").heading == "二、主动公开政府信息情况"
    assert s.get("s2").block_start == 3


def test_document_text_offsets_match_blocks(make_doc):
    doc = make_doc(["甲", [["a", "b"], ["c", "d"]], "乙"])
    text, spans = document_text(doc)
    assert text == doc.text()
    assert [text[a:b] for a, b in spans] == ["甲", "a\tb\nc\td", "乙"]


def test_missing_sections_are_absent_not_empty(make_doc):
    s = find_sections(make_doc(["一、概述", "……", "二、主动公开政府信息情况", "……"]))
    assert "s3" not in s and s.text_of("s3") == "" and s.block_range("s3") is None


def test_seed_report_sections(seed_report):
    from loaders.readers import read_file

    s = find_sections(read_file(seed_report))
    assert sorted(s.by_code) == ["s1", "s2", "s3", "s4", "s5", "s6"]
    assert "三门峡经济开发区党政办公室" in s.text_of("s6")


def test_table_of_contents_lines_are_not_the_sections(make_doc):
    toc = ["目录", "一、总体情况……………1", "二、主动公开政府信息情况……2", "三、收到和处理政府信息公开申请情况 3",
           "四、政府信息公开行政复议、行政诉讼情况 4", "五、存在的主要问题及改进情况 5", "六、其他需要报告的事项 6"]
    s = find_sections(make_doc(toc + STANDARD))
    assert sorted(s.by_code) == ["s1", "s2", "s3", "s4", "s5", "s6"]
    assert s.get("s1").block_start == len(toc) + 1
    assert s.body_of("s6") == "本年度未收取信息处理费。"


def test_heading_whose_comma_the_pdf_text_layer_moved(make_doc):
    doc = make_doc(["一、总体情况", "……", "二、主动公开政府信息情况", [["规章", "0"]],
                    "三收到和处理政府信息公开申请情况、", [["总计", "1"]],
                    "四结转下年度继续办理、\t0\t0",  # a table-三 row, not section 四
                    "四政府信息公开行政复议、行政诉讼情况", "、", [["0", "0"]]])
    s = find_sections(doc)
    assert s.get("s3").heading.startswith("三收到和处理政府信息公开申请情况")
    assert s.get("s4").heading.startswith("四政府信息公开行政复议")
    assert s.get("s4").block_start == 7


def test_numbered_parts(make_doc):
    doc = make_doc(["第一部分 总体情况", "……", "第二部分　主动公开政府信息情况", "……", "第三部分：收到和处理政府信息公开申请情况",
                    "……", "第四部分 政府信息公开行政复议、行政诉讼情况", "……", "第五部分 存在的主要问题及改进情况", "……",
                    "第六部分 其他需要报告的事项", "无。"])
    s = find_sections(doc)
    assert sorted(s.by_code) == ["s1", "s2", "s3", "s4", "s5", "s6"]
    assert s.get("s3").heading.startswith("第三部分") and s.get("s3").confidence == 1.0
    assert s.body_of("s6") == "无。"


def _without_five(extra_s4: list) -> list:
    return [*STANDARD[:7], *extra_s4, *STANDARD[8:]]


def test_missing_five_heading_problem_subheadings_open_section_five(make_doc):
    # Cause F of the extra-set analysis: no "五、" heading; after table 四 the text goes straight to
    # "（一）2024年工作中存在问题的改进情况" — that is section 五, not part of 四
    t4 = [["行政复议", "行政诉讼"], ["0", "0"]]
    doc = make_doc(_without_five([t4, "（一）2024 年工作中存在问题的改进情况", "针对问题，采取如下措施。",
                                  "（二）2025 年工作中存在的主要问题", "一是……"]))
    s = find_sections(doc)
    assert sorted(s.by_code) == ["s1", "s2", "s3", "s4", "s5", "s6"]
    assert "改进" not in s.text_of("s4") and "0" in s.body_of("s4")
    assert s.get("s5").heading.startswith("（一）2024") and s.get("s5").confidence < 1
    assert "采取如下措施" in s.body_of("s5") and "2025 年工作中存在的主要问题" in s.body_of("s5")
    assert s.section_of_block(next(iter(s.block_range("s5")))) == "s5"


def test_subheading_without_a_problem_keyword_stays_in_four(make_doc):
    doc = make_doc(_without_five(["（一）行政复议情况", "本年度无行政复议。"]))
    s = find_sections(doc)
    assert "s5" not in s.by_code and "行政复议情况" in s.body_of("s4")
