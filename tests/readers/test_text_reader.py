"""Text and Markdown reader: the seed report, encodings, pipe tables, crawler headers."""

from __future__ import annotations

import codecs

import pytest

from loaders.document import Table
from loaders.errors import UndecodableText
from loaders.normalize import norm
from loaders.readers import read_file

REPORT_TEXT = (
    "# 某县人民政府2021年政府信息公开工作年度报告\n\n"
    "## 一、总体情况\n\n"
    "本年度，我县認真貫徹《條例》，規範性檔案全部公開。\n\n"
    "第二十条第（一）项\t\t\t\n"
    "信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n"
    "规章\t0\t\t3\n"
)


def test_seed_report_blocks(seed_report):
    doc = read_file(seed_report)
    assert doc.source.file_type == "txt"
    assert doc.source.encoding == "utf-8"
    assert len(doc.source.sha256) == 64 and doc.source.size == seed_report.stat().st_size
    heads = [p for p in doc.paragraphs if p.kind == "heading"]
    assert heads[0].level == 1 and "年度报告" in heads[0].text
    assert [h.text for h in heads if h.level == 2][:3] == ["一、总体情况", "二、主动公开政府信息情况",
                                                           "三、收到和处理政府信息公开申请情况"]
    # Markdown emphasis is dropped from the text, the words stay.
    assert any(p.text.startswith("(一) 完善制度建设。2021年") for p in doc.paragraphs)
    t2, t3, t4 = doc.tables
    # Table 2: "第二十条第（一）项" row keeps its three empty trailing fields as empty cells.
    assert t2.texts()[0] == ["第二十条第（一）项", "", "", ""]
    assert t2.texts()[2] == ["规章", "0", "0", "0"]
    assert t2.rows[2][0].loc.line == t2.loc.line + 2
    # Table 3 was interrupted by the repeated report title (a PDF page header): dropped and joined.
    assert any("页眉" in w for w in doc.warnings)
    assert not any(p.norm == norm("党政办公室2021年政府信息公开工作年度报告") for p in doc.paragraphs[1:])
    labels = [r[0].text for r in t3.rows]
    assert labels[3].startswith("一、本年新收") and any(lab.startswith("三、本年度办理结果") for lab in labels)
    assert any(r[0].text == "(七) 总计" for r in t3.rows)
    # Table 4: header rows and the 15 values.
    assert t4.texts()[-1] == ["0"] * 15
    for b in doc.blocks:
        cells = [c for r in b.rows for c in r] if isinstance(b, Table) else [b]
        for c in cells:
            assert c.norm == norm(c.text)

# The same report as a Traditional-Chinese (zh-TW mirror) page would print it — Big5 has no 简体.
BIG5_TEXT = (
    "# 某縣人民政府2021年政府資訊公開工作年度報告\n\n"
    "## 一、總體情況\n\n"
    "本年度，我縣認真貫徹《條例》，規範性檔案全部公開。\n\n"
    "第二十條第（一）項\t\t\t\n"
    "資訊內容\t本年制發件數\t本年廢止件數\t現行有效件數\n"
    "規章\t0\t\t3\n"
)


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "big5", "utf-16", "utf-16-le", "utf-8-sig", "utf-8"])
def test_encodings_detected(tmp_path, encoding):
    text = REPORT_TEXT if encoding != "big5" else BIG5_TEXT
    data = text.encode(encoding)
    if encoding == "utf-16-le":
        assert not data.startswith(codecs.BOM_UTF16_LE)
    path = tmp_path / f"report_{encoding}.txt"
    path.write_bytes(data)
    doc = read_file(path)
    got = doc.source.encoding
    family = {"gbk": "gb18030", "gb18030": "gb18030", "big5": "big5", "utf-16": "utf-16", "utf-16-le": "utf-16-le",
              "utf-8-sig": "utf-8-sig", "utf-8": "utf-8"}[encoding]
    assert got == family
    assert doc.tables[0].texts()[2] == ["規章" if encoding == "big5" else "规章", "0", "", "3"]
    assert doc.tables[0].rows[2][0].norm == "规章"
    body = next(p for p in doc.paragraphs if p.text.startswith("本年度"))
    assert "認真貫徹" in body.text  # original kept …
    assert "认真贯彻" in body.norm and "规范性文件" in body.norm  # … matching form simplified


def test_binary_junk_is_undecodable(tmp_path):
    import random

    rnd = random.Random(7)
    junk = bytes(rnd.randrange(256) for _ in range(4000))
    path = tmp_path / "junk.txt"
    path.write_bytes(junk)
    with pytest.raises(UndecodableText) as e:
        read_file(path)
    assert "junk.txt" in str(e.value)


def test_markdown_pipe_tables_broken(tmp_path):
    md = (
        "# 某区2024年政府信息公开工作年度报告\n\n"
        "| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n"
        "|---|---|---|---|\n"
        "| 规章 | 0 | 0 | 0 |\n"
        "|---|---|---|---|\n"
        "| 规范性文件 | 13 | | 55 |\n"
        "（二）部分公开\n"
        "| 0 | 0 | 0 |\n"
        "|:---|---:|---|\n"
    )
    path = tmp_path / "r.md"
    path.write_text(md, encoding="utf-8")
    doc = read_file(path)
    assert doc.source.file_type == "md"
    t1, t2 = doc.tables
    assert t1.texts() == [["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"], ["规章", "0", "0", "0"],
                          ["规范性文件", "13", "", "55"]]
    assert t2.texts() == [["0", "0", "0"]]
    assert t1.rows[2][0].loc.line == 7
    loose = [p for p in doc.paragraphs if p.text == "（二）部分公开"]
    assert loose and loose[0].loc.line == 8


def test_flattened_crawler_text_stays_paragraph(tmp_path):
    body = ("标题: 某区2019年度政府信息公开工作年度报告\n发布时间: 2020-01-10 09:00\n原文链接: https://example.gov.cn/a.htm\n"
            "==================== 正文 ====================\n"
            "当前位置： 首页 政府信息公开年报 一、总体情况 … 第二十条第（一）项 信息内容 本年新制作数量 规章 0 0 0 "
            "规范性文件898989\n")
    path = tmp_path / "page.txt"
    path.write_text(body, encoding="utf-8")
    doc = read_file(path)
    assert doc.meta["标题"] == "某区2019年度政府信息公开工作年度报告"
    assert doc.meta["原文链接"] == "https://example.gov.cn/a.htm"
    assert doc.title == "某区2019年度政府信息公开工作年度报告"
    assert doc.tables == []
    assert len(doc.paragraphs) == 1 and doc.paragraphs[0].text.endswith("规范性文件898989")
    assert doc.paragraphs[0].loc.line == 5


def test_page_number_lines_dropped_values_kept(tmp_path):
    body = ("# 某区2022年政府信息公开工作年度报告\n\n一、总体情况\n\n- 2 -\n\n第 3 页 共 6 页\n"
            "行政许可\t12\n2\n— 4 —\n")
    path = tmp_path / "pdf2text.txt"
    path.write_text(body, encoding="utf-8")
    doc = read_file(path)
    texts = [p.text for p in doc.paragraphs]
    assert texts == ["某区2022年政府信息公开工作年度报告", "一、总体情况", "2"]  # a bare number is kept
    assert doc.tables[0].texts() == [["行政许可", "12"]]
    assert any("页码" in w for w in doc.warnings)


def test_title_repeated_between_table_runs_is_a_page_header(tmp_path):
    title = "某区2022年政府信息公开工作年度报告"
    body = (f"# {title}\n\n一、总体情况\n\n规章\t1\t2\n规范性文件\t3\t4\n{title}\n行政许可\t5\t6\n\n"
            f"{title}\n")
    path = tmp_path / "pdf2text.txt"
    path.write_text(body, encoding="utf-8")
    doc = read_file(path)
    assert len(doc.tables) == 1  # the header between the runs dropped, the runs joined
    assert doc.tables[0].texts() == [["规章", "1", "2"], ["规范性文件", "3", "4"], ["行政许可", "5", "6"]]
    assert [p.text for p in doc.paragraphs] == [title, "一、总体情况", title]  # not between tables: kept
    assert any("第7行" in w and "页眉" in w for w in doc.warnings)


@pytest.mark.parametrize(("text", "encoding"), [("规章\t0\t0\t0", "gbk"), ("行政许可 517645", "gbk"),
                                              ("規章\t0\t0\t0", "big5"), ("行政許可 517645", "big5")])
def test_short_samples_gbk_vs_big5(text, encoding):
    from loaders.detect import decode_text

    decoded, found = decode_text(text.encode(encoding), "short.txt")
    assert decoded == text and found == {"gbk": "gb18030", "big5": "big5"}[encoding]
