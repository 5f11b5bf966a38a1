"""HTML renderings: a government CMS article page, and a Word "save as web page" export.

- ``render_cms``: site chrome (banner, navigation, breadcrumb, metadata line, related links,
  footer) around an article whose tables are real ``<table>`` elements with rowspan/colspan as
  the format lays them out; a wrapped number is printed with a ``<br>`` inside its cell.
- ``render_word``: the markup Word produces (and CMSs paste verbatim — cf. the 沭阳县发改局 page in
  the corpus): MsoNormal paragraphs, text cut into nested ``<span>``/``<font>`` runs at arbitrary
  points (even inside labels and numbers), ``<o:p>`` markers, empty cells holding ``<o:p>&nbsp;</o:p>``.
"""

from __future__ import annotations

import zlib
from html import escape

import numpy as np

from ..records import ReportRecord
from .layout import Grid, layout, split_text

_CMS_STYLE = (
    "body{font-family:'Microsoft YaHei',sans-serif;margin:0}"
    ".header{background:#b22;color:#fff;padding:12px}.nav li{display:inline;margin:0 8px}"
    ".crumb{padding:8px;color:#666}.article{width:1000px;margin:auto}"
    ".content table{border-collapse:collapse}.content td{border:1px solid #000;padding:4px;text-align:center}"
    ".footer{background:#eee;padding:12px;font-size:12px}"
)


def _cms_cell(cell) -> str:
    text = escape(cell.text)
    if cell.split and cell.text:
        a, b = split_text(cell.text)
        text = f"{escape(a)}<br>{escape(b)}"
    attrs = ""
    if cell.rowspan > 1:
        attrs += f' rowspan="{cell.rowspan}"'
    if cell.colspan > 1:
        attrs += f' colspan="{cell.colspan}"'
    return f"<td{attrs}>{text}</td>"


def _cms_table(grid: Grid) -> str:
    rows = "".join("<tr>" + "".join(_cms_cell(c) for c in row) + "</tr>\n" for row in grid.rows)
    return f'<table border="1" cellspacing="0" cellpadding="0" width="100%">\n<tbody>\n{rows}</tbody>\n</table>'


def render_cms(rec: ReportRecord) -> str:
    published = (rec.publish_date or rec.deadline).isoformat()
    body: list[str] = []
    for b in layout(rec):
        if b.kind == "title":
            continue
        if b.kind == "heading":
            body.append(f'<p style="text-indent:2em"><strong>{escape(b.text)}</strong></p>')
        elif b.kind == "para":
            body.append(f'<p style="text-indent:2em">{escape(b.text)}</p>')
        elif b.kind == "table":
            body.append(_cms_table(b.grid))
    nav = "".join(f'<li><a href="#">{x}</a></li>' for x in ("首页", "要闻动态", "政务公开", "政务服务", "互动交流"))
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{escape(rec.title)}_{escape(rec.province)}人民政府门户网站（示例网站）</title>
<style>{_CMS_STYLE}</style>
<script>var _hmt = _hmt || [];</script>
</head>
<body>
<div class="header"><div class="logo">{escape(rec.province)}人民政府（示例网站）</div><ul class="nav">{nav}</ul>
<form class="search"><input type="text" placeholder="请输入关键词"><button>搜索</button></form></div>
<div class="crumb">当前位置：<a href="#">首页</a> &gt; <a href="#">政务公开</a> &gt; <a href="#">政府信息公开年报</a></div>
<div class="article">
<h1 class="title">{escape(rec.title)}</h1>
<div class="info">发布时间：{published}　来源：{escape(rec.agency)}　浏览次数：{zlib.crc32(rec.report_id.encode()) % 900 + 100}
　【字体：<a href="#">大</a> <a href="#">中</a> <a href="#">小</a>】</div>
<div class="content" id="zoom">
{chr(10).join(body)}
</div>
<div class="share">分享到：微信 微博</div>
<div class="related"><h3>相关链接</h3><ul><li><a href="#">政府信息公开指南</a></li><li><a href="#">政府信息公开制度</a></li></ul></div>
</div>
<div class="footer">主办单位：{escape(rec.province)}人民政府办公厅（示例）　网站标识码：0000000000　本站为示例网站，数据均为示例数据</div>
</body>
</html>
"""


# ------------------------------------------------------------------ Word export
_FACES = ("仿宋_GB2312", "方正仿宋_GBK", "宋体", "Times New Roman")


def _runs(text: str, rng: np.random.Generator) -> str:
    """Text cut into Word runs at arbitrary points; the joined text stays identical."""
    if not text:
        return ""
    cuts = sorted(set(int(x) for x in rng.integers(1, max(2, len(text)), int(rng.integers(0, 4)))))
    pieces, last = [], 0
    for c in [*cuts, len(text)]:
        if c > last:
            pieces.append(text[last:c])
            last = c
    out = []
    for p in pieces:
        face = _FACES[int(rng.integers(len(_FACES)))]
        if p.isdigit() or rng.random() < 0.3:
            out.append(f'<span lang="EN-US" style="font-family:{face}">{escape(p)}</span>')
        else:
            out.append(f'<span style="font-family:{face}"><font face="{face}">{escape(p)}</font></span>')
    return "".join(out)


def _word_p(text: str, rng: np.random.Generator, style: str = "text-indent:32.0pt;line-height:28.0pt") -> str:
    return f'<p class="MsoNormal" style="{style}">{_runs(text, rng)}<span><o:p></o:p></span></p>'


def _word_cell(cell, rng: np.random.Generator) -> str:
    attrs = ' style="border:solid windowtext 1.0pt;padding:0cm 5.4pt 0cm 5.4pt"'
    if cell.rowspan > 1:
        attrs = f' rowspan="{cell.rowspan}"' + attrs
    if cell.colspan > 1:
        attrs = f' colspan="{cell.colspan}"' + attrs
    if not cell.text:
        inner = '<p class="MsoNormal" align="center"><span lang="EN-US"><o:p>&nbsp;</o:p></span></p>'
    elif cell.split:
        a, b = split_text(cell.text)
        inner = "".join(
            f'<p class="MsoNormal" align="center"><span lang="EN-US">{escape(x)}</span><o:p></o:p></p>' for x in (a, b)
        )
    else:
        inner = f'<p class="MsoNormal" align="center">{_runs(cell.text, rng)}<o:p></o:p></p>'
    return f'<td valign="middle"{attrs}>{inner}</td>'


def _word_table(grid: Grid, rng: np.random.Generator) -> str:
    rows = "".join(
        '<tr style="height:20.0pt">' + "".join(_word_cell(c, rng) for c in row) + "</tr>" for row in grid.rows
    )
    return ('<table class="MsoNormalTable" border="1" cellspacing="0" cellpadding="0" '
            f'style="border-collapse:collapse;border:none">{rows}</table>')


def render_word(rec: ReportRecord) -> str:
    rng = np.random.default_rng(zlib.crc32(("word" + rec.report_id).encode()))
    body: list[str] = []
    for b in layout(rec):
        if b.kind == "title":
            body.append(_word_p(b.text, rng, "text-align:center;line-height:28.0pt"))
        elif b.kind == "heading":
            body.append(f'<p class="MsoNormal" style="text-indent:32.0pt"><b>{_runs(b.text, rng)}</b><o:p></o:p></p>')
        elif b.kind == "para":
            body.append(_word_p(b.text, rng))
        elif b.kind == "table":
            body.append(_word_table(b.grid, rng))
    return (
        '<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
        'xmlns:w="urn:schemas-microsoft-com:office:word" xmlns="http://www.w3.org/TR/REC-html40">\n'
        '<head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
        '<meta name="ProgId" content="Word.Document"><meta name="Generator" content="Microsoft Word 15">'
        f"<title>{escape(rec.title)}</title>"
        "<style>p.MsoNormal{margin:0cm;text-align:justify;font-size:16.0pt;font-family:仿宋_GB2312}</style>"
        '</head>\n<body lang="ZH-CN" style="text-justify-trim:punctuation"><div class="WordSection1">'
        + "".join(body) + "</div></body></html>\n"
    )
