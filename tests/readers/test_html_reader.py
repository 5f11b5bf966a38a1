"""HTML reader over Word-style CMS pages the tests write themselves."""

from __future__ import annotations

from loaders.readers import iter_documents, read_file

WORD_PAGE = """<!DOCTYPE html>
<html xmlns:o="urn:schemas-microsoft-com:office:office"><head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>某县人民政府2023年政府信息公开工作年度报告-某县人民政府</title>
<script>var nav = "首页 政务公开";</script><style>p{margin:0}</style></head>
<body>
<div class="header"><div class="topbar">无障碍 | 长者模式 登录</div></div>
<div id="nav" class="mainNav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk">政务公开</a></li>
<li><a href="/hd">互动交流</a></li><li>政府信息公开年报栏目导航菜单项目很多很多很多文字</li></ul></div>
<div class="breadcrumb">当前位置：首页 &gt; 政府信息公开 &gt; 年度报告</div>
<div class="wrap"><div class="main-content">
<h1 class="article-title">某县人民政府2023年政府信息公开工作年度报告</h1>
<div id="zoom" class="TRS_Editor">
<p class=MsoNormal><b><span style='font-family:黑体'><font face="黑体">一、总体</font></span></b><span
 lang=EN-US><font face="黑体">情况</font><o:p></o:p></span></p>
<p class=MsoNormal><span style='font-family:仿宋'>本年度，我县收到</span><span lang=EN-US>12</span><span>件申请。<o:p>&nbsp;</o:p></span></p>
<p>第一行<br>第二行</p>
<table border=1 cellspacing=0>
 <tr><td rowspan=3 colspan=3><p><span>（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</span></p></td>
     <td colspan=7><p><span>申请人情况</span><o:p></o:p></p></td></tr>
 <tr><td rowspan=2><p><span>自然</span></p></td>
     <td colspan=5><p><span>法人或其他组织</span></p></td><td rowspan=2><p>总计</p></td></tr>
 <tr><td><p><span>商业</span></p><p><span>企业</span></p></td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>
 <tr><td colspan=3><span>一、本年新收政府信息公开申请数量</span></td><td>10</td><td>2</td><td></td><td></td><td></td><td>0</td><td>12</td></tr>
</table>
<div class="tbl" style="display:table">
  <div style="display:table-row"><div style="display:table-cell">行政复议</div><div style="display:table-cell">行政诉讼</div></div>
  <div style="display:table-row"><div style="display:table-cell">1</div><div style="display:table-cell">—</div></div>
</div>
</div></div></div>
<div class="footer"><p>主办单位：某县人民政府办公室 版权所有 ICP备案号 政府网站标识码</p></div>
</body></html>
"""


def _write(tmp_path, name="page.html", encoding="gb18030"):
    path = tmp_path / name
    # The Word label split across spans: 自然</span>人 — must read as one word.
    path.write_bytes(WORD_PAGE.replace("<span>自然</span>", "<span>自然</span><span>人</span>").encode(encoding))
    return path


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
