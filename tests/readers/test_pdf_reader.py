"""PDF reader over PDFs generated with fpdf2 (embedded CJK font) and the real corpus PDFs."""

from __future__ import annotations

import generate
import pytest

from loaders.errors import CorruptFile, EncryptedFile, ScannedDocument
from loaders.normalize import norm
from loaders.readers import read_file, require_text


def test_font_is_embedded_and_text_extracts(report_pdf):
    data = report_pdf.read_bytes()
    assert b"/FontFile2" in data  # the TrueType program is in the file, not just referenced
    doc = read_file(report_pdf)
    assert doc.source.file_type == "pdf" and doc.source.pages >= 2
    assert doc.title == generate.TITLE
    assert doc.paragraphs[0].kind == "heading"


def test_page_furniture_dropped(report_pdf):
    doc = read_file(report_pdf)
    texts = [p.text for p in doc.paragraphs]
    assert not any(t.startswith("- ") and t.endswith(" -") for t in texts)
    # The running header (the title on pages 2+) is dropped; the title on page 1 stays once.
    assert sum(1 for t in texts if norm(t) == norm(generate.TITLE)) == 1
    assert [t for t in texts if t in generate.SECTIONS] == list(generate.SECTIONS)


def test_table_split_across_pages_is_one_table(report_pdf):
    doc = read_file(report_pdf)
    _t2, t3, _t4 = doc.tables
    assert t3.pages == (1, 2)
    assert any("跨页" in w for w in doc.warnings)
    # 3 header rows + 2 + 2 + 19 grouped + 总计 + 结转; the header repeated on page 2 is dropped.
    assert (t3.n_rows, t3.n_cols) == (28, 10)
    labels = [r[2].text for r in t3.rows]
    assert labels.count(labels[0]) == 3  # the merged header block only, not again from page 2
    # The vertical label (one character per line in a narrow column) reads as one word and
    # spans all result rows as a merged cell.
    vertical = t3.rows[5][0]
    assert vertical.text == "三、本年度办理结果" and vertical.rowspan == 22
    assert all(t3.rows[r][0].merged_from == (5, 0) for r in range(6, 27))
    # Wrapped cells are joined.
    assert t3.rows[6][1].text == "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
    long_label = next(r[2].text for r in t3.rows if r[2].text.startswith("1.申请人无正当理由"))
    assert long_label == "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"
    # Values are where they were printed, row by row.
    for r in range(3, 28):
        assert [c.text for c in t3.rows[r][3:]] == generate.t3_values(r - 3)
    assert t3.rows[8][3].loc.page == 1 or t3.rows[8][3].loc.page == 2
    assert t3.rows[3][3].loc.bbox is not None


def test_merged_header_cells(report_pdf):
    t4 = read_file(report_pdf).tables[2]
    assert (t4.n_rows, t4.n_cols) == (4, 15)
    assert t4.rows[0][0].text == "行政复议" and t4.rows[0][0].colspan == 5
    assert t4.rows[0][4].merged_from == (0, 0)
    assert t4.rows[2][0].merged_from == (1, 0)  # 结果维持 spans two header rows
    assert [c.text for c in t4.rows[3]] == [str(k % 3) for k in range(15)]


def test_scanned_pdf_gets_status_not_garbage(scanned_pdf):
    doc = read_file(scanned_pdf)
    assert doc.status == "scanned" and doc.blocks == []
    assert "扫描件" in doc.warnings[0]
    with pytest.raises(ScannedDocument):
        require_text(doc)


def test_encrypted_pdf(encrypted_pdf):
    with pytest.raises(EncryptedFile) as e:
        read_file(encrypted_pdf)
    assert "locked.pdf" in str(e.value)


def test_truncated_pdf(report_pdf, tmp_path):
    data = report_pdf.read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(data[: len(data) * 2 // 3])
    with pytest.raises(CorruptFile) as e:
        read_file(cut)
    assert "cut.pdf" in str(e.value)


@pytest.mark.parametrize("name", ["2023_huaian_hongze_district_gov.pdf", "2024_huaian_city_gov.pdf",
                                  "2024_huaian_hongze_district_gov.pdf"])
def test_corpus_pdfs(shared_corpus, name):
    doc = read_file(shared_corpus / "raw" / name)
    assert doc.status == "ok" and "年度报告" in doc.title
    # Three statistical tables: 表二 and 表三 each continue onto the next page and are merged.
    t2, t3, t4 = doc.tables
    assert len(t2.pages) == 2 and len(t3.pages) == 2 and len(t4.pages) == 1
    assert t2.rows[0][0].text == "第二十条第（一）项" and t2.n_cols == 4
    assert t3.rows[0][3].text == "申请人情况" and t3.n_cols == 10
    assert t3.rows[-1][0].text == "四、结转下年度继续办理"
    assert t4.n_cols == 15 and t4.rows[0][0].text == "行政复议"
    # The merged group label spans the result rows across the page break.
    result = next(r for r, row in enumerate(t3.rows) if row[0].text == "三、本年度办理结果")
    assert all(row[0].merged_from == (result, 0) for row in t3.rows[result + 1:-1])
    # The group label cut by the page break is whole again and spans its three rows.
    unable = next(r for r, row in enumerate(t3.rows) if row[1].text == "（四）无法提供")
    assert [row[1].merged_from for row in t3.rows[unable + 1:unable + 3]] == [(unable, 1)] * 2
    assert t3.rows[unable + 2][2].text == "3.补正后申请内容仍不明确"
    texts = [p.text for p in doc.paragraphs]
    assert not any(t.strip("- ").isdigit() for t in texts)  # page numbers gone
    for numeral in "一二三四五六":
        assert any(t.startswith(numeral + "、") for t in texts)


def test_hand_split_table_with_cut_labels(manual_split_pdf):
    doc = read_file(manual_split_pdf)
    assert doc.title == generate.TITLE
    (t,) = doc.tables
    assert t.pages == (1, 2) and (t.n_rows, t.n_cols) == (13, 5)
    texts = [p.text for p in doc.paragraphs]
    assert "续表" not in texts and any("续表" in w for w in doc.warnings)
    # The group label column continues as one merged cell across the page break …
    assert t.rows[1][0].text == "三、本年度办理结果"
    assert all(t.rows[r][0].merged_from == (1, 0) for r in range(2, 13))
    # … and the label cut in two by the break reads whole, spanning its three rows.
    unable = t.rows[9][1]
    assert unable.text == "（四）无法提供" and unable.rowspan == 3
    assert [t.rows[r][1].merged_from for r in (10, 11)] == [(9, 1), (9, 1)]
    assert [c.text for c in t.rows[11][2:]] == ["3.补正后申请内容仍不明确", "9", "9"]
    # A numbered label at the top of the continuation is never glued to the one above.
    assert t.rows[10][2].text == "2.没有现成信息需要另行制作" and t.rows[9][2].text == "1.本机关不掌握相关政府信息"


def test_picture_page_in_typed_report_is_flagged(gen_dir):
    doc = read_file(generate.make_mixed_pdf(gen_dir / "mixed.pdf"))
    assert doc.status == "ok" and doc.source.pages == 2
    assert doc.meta["image_only_pages"] == "2"
    assert any("第2页只有图片" in w for w in doc.warnings)


def test_rotated_page_reads_upright(gen_dir):
    doc = read_file(generate.make_rotated_pdf(gen_dir / "rotated.pdf"))
    assert doc.title == generate.TITLE
    (t,) = doc.tables
    assert (t.n_rows, t.n_cols) == (3, 15)
    assert t.rows[0][0].text == "行政复议" and t.rows[0][4].merged_from == (0, 0) and t.rows[0][5].text == "行政诉讼"
    assert [c.text for c in t.rows[2]] == [str(k) for k in range(15)]
