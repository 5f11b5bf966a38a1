"""Each renderer produces the document shape it claims, checked with the libraries that read them."""

from __future__ import annotations

import io
import re

import docx
import pdfplumber
import pypdfium2 as pdfium
import pytest
from lxml import html as lxml_html

from loaders.spec import t3_rows, table_spec
from loaders.spec.tables import G_RESULT, T3_HEADER_NOTE
from loaders.synth import DEMO_MARK, generate_reports
from loaders.synth.render import BY_NAME_ONLY, RENDERERS, expand, render
from loaders.synth.render.layout import style_for
from loaders.synth.render.txt import T3_PAGE_BREAK_ROW


@pytest.fixture(scope="module")
def recs():
    """A 2019- and a 2021-format report of 示例省人民政府, and one using label variants; their label
    spellings follow each report's ``style_for`` (variants / half-width punctuation)."""
    every = list(generate_reports(agencies=12, years="2020-2021", seed=2))
    by_year = {r.year: r for r in every if r.agency_id == "P"}
    with_variants = next(r for r in every if style_for(r).variants and r.clean_values["t3.new_received.total"] > 9)
    return by_year[2020], by_year[2021], with_variants


def test_pdf_embeds_a_cjk_font_and_its_text_extracts(recs):
    for rec in recs:
        data = render(rec, "pdf")
        assert b"/FontFile2" in data and b"/ToUnicode" in data  # embedded TrueType subset with a CMap
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = [p.extract_text() or "" for p in pdf.pages]
            assert all(p.rects or p.lines for p in pdf.pages if "行政许可" in (p.extract_text() or ""))
            fonts = {c["fontname"] for p in pdf.pages for c in p.chars}
        text = "\n".join(pages)
        assert rec.title.replace(DEMO_MARK, "") in text.replace("\n", "") and "示例数据" in text
        assert any(re.search(r"^- 2 -$", p, re.M) for p in pages), "page footer '- 2 -'"
        assert any("WenQuanYi" in f or "Noto" in f for f in fonts), fonts
        st = style_for(rec)
        for row in t3_rows(rec.format):
            label = st.label(row.label, row.variants)
            if len(label) <= 12:  # short labels print on one line; long ones wrap in their cell
                assert label in text, label
        # Table 三 continues on another page: its first and its last data row are on different pages.
        first = next(i for i, p in enumerate(pages) if "一、本年新收政府信息公开申请数量" in p)
        last = next(i for i, p in enumerate(pages) if "四、结转下年度继续办理" in p)
        assert last > first
        # a second, independent extractor agrees on the text layer
        doc = pdfium.PdfDocument(data)
        assert st.label("（七）总计") in "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))


def test_docx_has_real_merged_cells(recs):
    for rec in recs:
        d = docx.Document(io.BytesIO(render(rec, "docx")))
        assert len(d.tables) == 3
        t3 = d.tables[1]
        assert t3.cell(0, 0)._tc is t3.cell(2, 2)._tc  # the note cell spans 3 rows × 3 columns
        st = style_for(rec)
        assert t3.cell(0, 0).text == st.label(T3_HEADER_NOTE)
        n_results = sum(1 for r in t3_rows(rec.format) if r.code.startswith("t3.result."))
        assert t3.cell(5, 0)._tc is t3.cell(5 + n_results - 1, 0)._tc
        assert t3.cell(5, 0).text == st.label(G_RESULT.label)
        assert any(DEMO_MARK in p.text for p in d.paragraphs)
        assert d.tables[1].cell(3, 9).text == str(rec.values["t3.new_received.total"])


def test_cms_html_tables_use_rowspan_and_colspan(recs):
    for rec in recs:
        tree = lxml_html.fromstring(render(rec, "html-cms"))
        tables = tree.xpath("//div[@id='zoom']//table")
        assert len(tables) == 3
        n_results = sum(1 for r in t3_rows(rec.format) if r.code.startswith("t3.result."))
        assert n_results == (22 if rec.format == "2021" else 20)
        cell = tables[1].xpath(f".//td[normalize-space()='{style_for(rec).label(G_RESULT.label)}']")[0]
        assert cell.get("rowspan") == str(n_results)
        assert tables[1].xpath(".//td")[0].get("colspan") == "3" and tables[1].xpath(".//td")[0].get("rowspan") == "3"
        assert tree.xpath("//div[@class='crumb']") and tree.xpath("//div[@class='footer']")  # site chrome
        assert DEMO_MARK in tree.xpath("string(//h1)")


def test_word_export_html_cuts_text_into_runs_but_keeps_it(recs):
    for rec in recs:
        src = render(rec, "html-word").decode("utf-8")
        assert "<o:p>" in src and "<font face=" in src and "MsoNormal" in src
        tree = lxml_html.fromstring(src)
        text = tree.text_content()
        assert "本年新收政府信息公开申请数量" in text
        spec = table_spec(rec.format, "t2")
        st = style_for(rec)
        assert all(st.label(b.header, b.header_variants) in text for b in spec.blocks)


def test_tsv_text_is_tab_separated_with_a_page_header_inside_table_3(recs):
    for rec in recs:
        text = render(rec, "txt-tsv").decode("utf-8")
        lines = text.splitlines()
        note = style_for(rec).label(T3_HEADER_NOTE)
        start = next(i for i, line in enumerate(lines) if line.startswith(note))
        assert lines[start + T3_PAGE_BREAK_ROW + 1] == rec.title
        row = next(line for line in lines if line.startswith("一、本年新收政府信息公开申请数量"))
        assert row.split("\t")[-1] == str(rec.values["t3.new_received.total"])


def test_crawler_text_flattens_tables_into_runs(recs):
    for rec in recs:
        text = render(rec, "txt-crawler").decode("utf-8")
        head, body = text.split("==================== 正文 ====================\n")
        assert head.startswith(f"标题: {rec.title}")
        assert "\n" not in body.strip()
        v = rec.values
        run = "".join(str(v[f"t3.new_received.{c}"]) for c in (
            "natural_person", "legal.commercial", "legal.research", "legal.public_interest", "legal.legal_service",
            "legal.other", "total"))
        assert f"一、本年新收政府信息公开申请数量{run}二、" in body


def test_families_expand_to_renderers():
    assert expand("html,pdf") == ["html-cms", "html-word", "pdf"]
    assert set(expand("html,pdf,docx,txt")) | set(BY_NAME_ONLY) == set(RENDERERS)
    assert expand("txt-lines") == ["txt-lines"]
    with pytest.raises(ValueError):
        expand("odt")


def test_renders_are_deterministic(recs):
    rec = recs[2]
    for name in RENDERERS:
        assert render(rec, name) == render(rec, name), name


def test_tsv_prints_a_wrapped_number_of_a_summed_table_over_two_cells(tmp_path):
    """In PDF-extract text a number wrapped in its cell comes out as two cells: the row has one
    number too many, and the parser must join them by the row's sums (and say so)."""
    from loaders.parse import parse_file
    from loaders.parse.tables import NOTE_JOINED

    rec = next(r for r in generate_reports(agencies=12, years="2021", seed=4, defect_rate=0.0)
               if r.values["t3.new_received.total"] >= 100)
    key = "t3.new_received.total"
    rec.split_keys.add(key)
    text = render(rec, "txt-tsv").decode("utf-8")
    printed = str(rec.values[key])
    row = next(ln for ln in text.splitlines() if ln.startswith("一、本年新收"))
    cells = [c for c in row.split("\t")[1:] if c]
    assert len(cells) == 8 and "".join(cells[-2:]) == printed  # the total over two cells
    src = tmp_path / "split.txt"
    src.write_text(text, encoding="utf-8")
    report = parse_file(src)
    assert report.value(key) == rec.values[key]
    assert NOTE_JOINED in report.cells[key].note
