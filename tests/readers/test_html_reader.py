"""HTML reader over Word-style CMS pages the tests write themselves."""

from __future__ import annotations

from generate import make_report_html

from loaders.readers import iter_documents, read_file


def _write(tmp_path, name="page.html", encoding="gb18030"):
    return make_report_html(tmp_path / name, encoding)


def test_word_style_cms_page(tmp_path):
    doc = read_file(_write(tmp_path))
    assert doc.source.file_type == "html"
    assert doc.source.encoding == "gb18030"  # declared gb2312, read as its superset
    assert doc.title == "某县人民政府2023年政府信息公开工作年度报告"
    texts = [p.text for p in doc.paragraphs]
    # Chrome is gone, body kept in order; spans and <o:p> joined without gaps.
    assert not any("当前位置" in t or "首页" in t or "主办单位" in t or "var nav" in t for t in texts)
    assert texts[:5] == ["某县人民政府2023年政府信息公开工作年度报告", "一、总体情况", "本年度，我县收到12件申请。",
                         "第一行", "第二行"]
    assert doc.paragraphs[0].kind == "heading" and doc.paragraphs[0].level == 1
    assert doc.paragraphs[1].loc.path.endswith("p[1]")
    t3, t4 = doc.tables
    assert (t3.n_rows, t3.n_cols) == (4, 10)
    g = t3.texts()
    assert g[1][3] == "自然人" and g[2][3] == "自然人"
    assert t3.rows[2][3].merged_from == (1, 3) and t3.rows[1][3].merged_from is None and t3.rows[1][3].rowspan == 2
    assert g[2][4] == "商业\n企业" and t3.rows[2][4].norm == "商业企业"
    assert g[0][:3] == [g[0][0]] * 3 and t3.rows[2][2].merged_from == (0, 0)
    assert g[1][9] == "总计" and t3.rows[2][9].merged_from == (1, 9)
    assert g[3] == ["一、本年新收政府信息公开申请数量"] * 3 + ["10", "2", "", "", "", "0", "12"]
    assert t3.rows[3][5].text == "" and t3.rows[3][5].merged_from is None  # empty cell stays empty, not 0
    assert t3.rows[3][3].loc.path.endswith("tr[4]/td[2]")
    assert t4.texts() == [["行政复议", "行政诉讼"], ["1", "—"]]


def test_html_in_batch_with_utf16(tmp_path):
    p1 = _write(tmp_path, "a.htm", "utf-16")
    p2 = _write(tmp_path, "b.html", "gb18030")
    docs = list(iter_documents([p1, p2]))
    assert [d.source.file_type for d in docs] == ["html", "html"]
    assert docs[0].source.encoding == "utf-16"
    assert docs[0].tables[0].texts() == docs[1].tables[0].texts()


LAYOUT_PAGE = """<html><head><meta charset="gb2312"><title>年报</title></head><body>
<table width="100%"><tr><td class="left" width="200">
  <table><tr><td><a href="/">首页</a></td></tr><tr><td><a href="/a">政务公开</a></td></tr></table>
</td><td class="main">
  <p>某局2022年政府信息公开工作年度报告</p>
  <p>一、总体情况</p><p>本年度我局主动公开政府信息120条，收到申请5件，全部按期答复。</p>
  <table border="1"><tr><th>信息内容</th><th>本年制发件数</th></tr><tr><td>规章</td><td>0</td></tr></table>
</td></tr></table>
<div class="copyright">版权所有：某局 网站标识码 1234567890 备案号</div>
</body></html>"""


def test_old_layout_table_page_utf8_despite_gb2312_meta(tmp_path):
    path = tmp_path / "old.htm"
    path.write_bytes(LAYOUT_PAGE.encode("utf-8"))  # re-saved as UTF-8, the meta still says gb2312
    doc = read_file(path)
    assert doc.source.encoding == "utf-8"
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "某局2022年政府信息公开工作年度报告" and "首页" not in texts and "政务公开" not in texts
    assert not any("版权所有" in t for t in texts)
    (t,) = doc.tables  # the layout tables are walked into, the data table is the only table
    assert t.texts() == [["信息内容", "本年制发件数"], ["规章", "0"]]
