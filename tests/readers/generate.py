"""Report files written by real libraries (fpdf2, python-docx) for reader tests and benchmarks.

The content imitates a 2021-format report: a title, prose sections, 表二 sub-tables, 表三 with a
vertical group label (one character per line in a narrow column), wrapped label cells and a
page break inside the table, 表四 with a two-level header. Page furniture: the report title as
running header and ``- N -`` page numbers.
"""

from __future__ import annotations

from pathlib import Path

CJK_FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
TITLE = "某县人民政府2023年政府信息公开工作年度报告"
PROSE = ("2023年，我县坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《中华人民共和国政府信息公开条例》，"
         "围绕县委县政府中心工作，不断完善政府信息公开制度，推进政务公开标准化规范化建设，全年主动公开政府信息"
         "4511条，办理依申请公开件713件，均在法定期限内答复。")
SECTIONS = ("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项")
T3_COLS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")
T3_GROUPS = (
    ("（三）不予公开", ("1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”", "4.保护第三方合法权益",
                   "5.属于三类内部事务信息", "6.属于四类过程性信息", "7.属于行政执法案卷", "8.属于行政查询事项")),
    ("（四）无法提供", ("1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确")),
    ("（五）不予处理", ("1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物", "4.无正当理由大量反复申请",
                   "5.要求行政机关确认或重新出具已获取信息")),
    ("（六）其他处理", ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                   "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "3.其他")),
)


# A government CMS page around a Word "save as web page" body: site chrome (nav, breadcrumb,
# footer, scripts), nested span/font, <o:p>, a t3 head with rowspan/colspan and a div-built table.
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


def make_report_html(path: Path, encoding: str = "gb18030") -> Path:
    # The Word label split across spans: 自然</span>人 — must read as one word.
    path.write_bytes(WORD_PAGE.replace("<span>自然</span>", "<span>自然</span><span>人</span>").encode(encoding))
    return path


def t3_values(row: int) -> list[str]:
    """Deterministic numbers for 表三 row ``row``: six applicant columns and their total."""
    parts = [(row * 7 + k * 3) % 11 for k in range(6)]
    return [str(v) for v in parts] + [str(sum(parts))]


def _pdf():
    from fpdf import FPDF

    class Report(FPDF):
        def header(self):
            if self.page_no() > 1:
                self.set_font("cjk", size=9)
                self.cell(0, 6, TITLE, align="C", new_x="LMARGIN", new_y="NEXT")
                self.ln(2)

        def footer(self):
            self.set_y(-15)
            self.set_font("cjk", size=10)
            self.cell(0, 8, f"- {self.page_no()} -", align="C")

    pdf = Report(format="A4")
    pdf.add_font("cjk", fname=CJK_FONT)
    pdf.set_auto_page_break(True, margin=22)
    return pdf


def make_report_pdf(path: Path, *, prose_paragraphs: int = 3, t3_top_margin: float | None = None,
                    repeat_header: bool = False) -> Path:
    """A report PDF. 表三 is long enough to continue on the next page; ``t3_top_margin`` (mm)
    pushes it down so the break falls inside the table."""
    from fpdf import FontFace

    pdf = _pdf()
    pdf.add_page()
    pdf.set_font("cjk", size=16)
    pdf.multi_cell(0, 10, TITLE, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=11)
    plain = FontFace(emphasis=None)

    def prose(n: int) -> None:
        for _ in range(n):
            pdf.multi_cell(0, 7, "　　" + PROSE, new_x="LMARGIN", new_y="NEXT")

    pdf.multi_cell(0, 8, SECTIONS[0], new_x="LMARGIN", new_y="NEXT")
    prose(prose_paragraphs)
    pdf.multi_cell(0, 8, SECTIONS[1], new_x="LMARGIN", new_y="NEXT")
    with pdf.table(col_widths=(60, 40, 40, 40), headings_style=plain, first_row_as_headings=False,
                   line_height=7) as t:
        r = t.row()
        r.cell("第二十条第（一）项", colspan=4)
        r = t.row()
        for h in ("信息内容", "本年制发件数", "本年废止件数", "现行有效件数"):
            r.cell(h)
        for label, vals in (("规章", ("0", "0", "0")), ("行政规范性文件", ("6", "1", "32"))):
            r = t.row()
            r.cell(label)
            for v in vals:
                r.cell(v)
        r = t.row()
        r.cell("第二十条第（五）项", colspan=4)
        r = t.row()
        r.cell("信息内容")
        r.cell("本年处理决定数量", colspan=3)
        r = t.row()
        r.cell("行政许可")
        r.cell("517645", colspan=3)
    pdf.ln(4)
    pdf.multi_cell(0, 8, SECTIONS[2], new_x="LMARGIN", new_y="NEXT")
    if t3_top_margin:
        pdf.set_y(pdf.get_y() + t3_top_margin)
    widths = (6, 24, 52) + (14,) * 7
    with pdf.table(col_widths=widths, headings_style=plain, num_heading_rows=3, repeat_headings=int(repeat_header),
                   line_height=5, text_align="CENTER") as t:
        r = t.row()
        r.cell("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", rowspan=3, colspan=3)
        r.cell("申请人情况", colspan=7)
        r = t.row()
        r.cell("自然人", rowspan=2)
        r.cell("法人或其他组织", colspan=5)
        r.cell("总计", rowspan=2)
        r = t.row()
        for h in T3_COLS[1:6]:
            r.cell(h)
        row_no = 0
        for label in ("一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量"):
            r = t.row()
            r.cell(label, colspan=3)
            for v in t3_values(row_no):
                r.cell(v)
            row_no += 1
        n_result_rows = 2 + sum(len(items) for _, items in T3_GROUPS) + 1
        first = True
        for label in ("（一）予以公开", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"):
            r = t.row()
            if first:
                r.cell("三、本年度办理结果", rowspan=n_result_rows)
                first = False
            r.cell(label, colspan=2)
            for v in t3_values(row_no):
                r.cell(v)
            row_no += 1
        for group, items in T3_GROUPS:
            for k, item in enumerate(items):
                r = t.row()
                if k == 0:
                    r.cell(group, rowspan=len(items))
                r.cell(item)
                for v in t3_values(row_no):
                    r.cell(v)
                row_no += 1
        r = t.row()
        r.cell("（七）总计", colspan=2)
        for v in t3_values(row_no):
            r.cell(v)
        row_no += 1
        r = t.row()
        r.cell("四、结转下年度继续办理", colspan=3)
        for v in t3_values(row_no):
            r.cell(v)
    pdf.ln(4)
    pdf.multi_cell(0, 8, SECTIONS[3], new_x="LMARGIN", new_y="NEXT")
    with pdf.table(headings_style=plain, num_heading_rows=3, line_height=5, text_align="CENTER") as t:
        results = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
        r = t.row()
        r.cell("行政复议", colspan=5)
        r.cell("行政诉讼", colspan=10)
        r = t.row()
        for res in results:
            r.cell(res, rowspan=2)
        r.cell("未经复议直接起诉", colspan=5)
        r.cell("复议后起诉", colspan=5)
        r = t.row()
        for res in results * 2:
            r.cell(res)
        r = t.row()
        for k in range(15):
            r.cell(str(k % 3))
    for title in SECTIONS[4:]:
        pdf.multi_cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
        prose(prose_paragraphs)
    pdf.output(str(path))
    return path


def make_scanned_pdf(path: Path) -> Path:
    """A PDF whose page is only an image (what a scanner produces): no text layer."""
    from PIL import Image, ImageDraw

    img = Image.new("L", (600, 800), 255)
    draw = ImageDraw.Draw(img)
    for y in range(60, 760, 24):
        draw.line((60, y, 540, y), fill=0, width=2)
    img_path = path.with_suffix(".png")
    img.save(img_path)
    pdf = _pdf()
    pdf.add_page()
    pdf.image(str(img_path), x=10, y=10, w=190)
    pdf.output(str(path))
    img_path.unlink()
    return path


def make_encrypted_pdf(path: Path) -> Path:
    pdf = _pdf()
    pdf.set_encryption(owner_password="owner-secret", user_password="user-secret")
    pdf.add_page()
    pdf.set_font("cjk", size=12)
    pdf.multi_cell(0, 8, TITLE)
    pdf.output(str(path))
    return path


def make_report_docx(path: Path) -> Path:
    """A DOCX with headings, prose and 表三's head with merged cells (gridSpan and vMerge)."""
    import docx

    d = docx.Document()
    d.add_heading(TITLE, level=1)
    d.add_heading(SECTIONS[0], level=2)
    p = d.add_paragraph()
    p.add_run("2023年，我县坚持")  # a sentence split across runs must read as one
    p.add_run("以习近平新时代中国特色社会主义思想为指导。").bold = True
    d.add_heading(SECTIONS[2], level=2)
    t = d.add_table(rows=5, cols=10)
    t.style = "Table Grid"
    t.cell(0, 0).merge(t.cell(2, 2)).text = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    t.cell(0, 3).merge(t.cell(0, 9)).text = "申请人情况"
    t.cell(1, 3).merge(t.cell(2, 3)).text = "自然人"
    t.cell(1, 4).merge(t.cell(1, 8)).text = "法人或其他组织"
    t.cell(1, 9).merge(t.cell(2, 9)).text = "总计"
    for k, h in enumerate(T3_COLS[1:6]):
        t.cell(2, 4 + k).text = h
    for r, label in ((3, "一、本年新收政府信息公开申请数量"), (4, "二、上年结转政府信息公开申请数量")):
        t.cell(r, 0).merge(t.cell(r, 2)).text = label
        for k, v in enumerate(t3_values(r - 3)):
            t.cell(r, 3 + k).text = v
    t.cell(4, 5).text = ""  # a blank cell stays blank
    d.add_heading(SECTIONS[5], level=2)
    d.add_paragraph("本年度未收取信息处理费。")
    d.save(str(path))
    return path


def make_manual_split_pdf(path: Path) -> Path:
    """表三's result rows split by hand across two pages, as office suites print a long table:
    page 2 starts with "续表", the group label column continues as an empty merged cell, and the
    label "（四）无法提供" is cut in two ("（四）无" | "法提供") by the page break."""
    from fpdf import FontFace

    pdf = _pdf()
    pdf.add_page()
    pdf.set_font("cjk", size=16)
    pdf.multi_cell(0, 10, TITLE, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=11)
    pdf.multi_cell(0, 8, SECTIONS[2], new_x="LMARGIN", new_y="NEXT")
    widths = (8, 22, 60, 20, 20)
    plain = FontFace(emphasis=None)
    deny, unable = T3_GROUPS[0], T3_GROUPS[1]
    with pdf.table(col_widths=widths, headings_style=plain, first_row_as_headings=False, line_height=6) as t:
        r = t.row()
        for h in ("", "", "", "自然人", "总计"):
            r.cell(h)
        for k, item in enumerate(deny[1]):
            r = t.row()
            if k == 0:
                r.cell("三、本年度办理结果", rowspan=len(deny[1]) + 1)
                r.cell(deny[0], rowspan=len(deny[1]))
            r.cell(item)
            r.cell(str(k))
            r.cell(str(k))
        r = t.row()
        r.cell("（四）无")
        r.cell(unable[1][0])
        r.cell("7")
        r.cell("7")
    pdf.add_page()
    pdf.multi_cell(0, 8, "续表", new_x="LMARGIN", new_y="NEXT")
    with pdf.table(col_widths=widths, headings_style=plain, first_row_as_headings=False, line_height=6) as t:
        for k, item in enumerate(unable[1][1:]):
            r = t.row()
            if k == 0:
                r.cell("", rowspan=3)
                r.cell("法提供", rowspan=2)
            r.cell(item)
            r.cell(str(8 + k))
            r.cell(str(8 + k))
        r = t.row()
        r.cell("（七）总计")
        r.cell("")
        r.cell("99")
        r.cell("99")
    pdf.multi_cell(0, 8, SECTIONS[3], new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def make_mixed_pdf(path: Path) -> Path:
    """A typed report whose second page is a scanned picture (a table pasted as an image)."""
    from PIL import Image

    img_path = path.with_suffix(".png")
    Image.new("L", (400, 300), 255).save(img_path)
    pdf = _pdf()
    pdf.add_page()
    pdf.set_font("cjk", size=12)
    pdf.multi_cell(0, 8, TITLE, new_x="LMARGIN", new_y="NEXT")
    for title in SECTIONS[:3]:
        pdf.multi_cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
        pdf.multi_cell(0, 7, "　　" + PROSE, new_x="LMARGIN", new_y="NEXT")
    pdf.add_page()
    pdf.image(str(img_path), x=10, y=20, w=190)
    pdf.output(str(path))
    img_path.unlink()
    return path


def make_rotated_pdf(path: Path) -> Path:
    """A landscape table page stored the way scanners and some drivers do it: content drawn turned
    90° on a portrait page, and the page marked /Rotate 90 so viewers show it upright."""
    import io

    import pypdfium2 as pdfium
    from fpdf import FontFace

    pdf = _pdf()
    pdf.add_page()
    pdf.set_font("cjk", size=11)
    with pdf.rotation(90, x=105, y=148.5):
        pdf.set_xy(105 - 140, 148.5 - 100)
        pdf.multi_cell(280, 8, TITLE, new_x="LMARGIN", new_y="NEXT")
        pdf.set_x(105 - 140)
        results = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
        with pdf.table(col_widths=(18,) * 15, headings_style=FontFace(emphasis=None), first_row_as_headings=False,
                       line_height=6) as t:
            r = t.row()
            r.cell("行政复议", colspan=5)
            r.cell("行政诉讼", colspan=10)
            r = t.row()
            for res in results * 3:
                r.cell(res)
            r = t.row()
            for k in range(15):
                r.cell(str(k))
    doc = pdfium.PdfDocument(bytes(pdf.output()))
    doc[0].set_rotation(90)
    buf = io.BytesIO()
    doc.save(buf)
    doc.close()
    path.write_bytes(buf.getvalue())
    return path
