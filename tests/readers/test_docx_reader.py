"""DOCX reader over a document generated with python-docx (merged cells via gridSpan/vMerge)."""

from __future__ import annotations

import generate

from loaders.readers import read_file


def test_docx_blocks_and_merged_cells(report_docx):
    doc = read_file(report_docx)
    assert doc.source.file_type == "docx"
    assert doc.title == generate.TITLE
    heads = [(p.level, p.text) for p in doc.paragraphs if p.kind == "heading"]
    assert heads[0] == (1, generate.TITLE) and (2, "一、总体情况") in heads
    body = next(p for p in doc.paragraphs if p.kind == "paragraph")
    assert body.text == "2023年，我县坚持以习近平新时代中国特色社会主义思想为指导。"  # runs joined
    assert body.loc.path == "body/p[3]"
    (t,) = doc.tables
    assert (t.n_rows, t.n_cols) == (5, 10)
    note = t.rows[0][0]
    assert note.text.startswith("（本列数据") and (note.rowspan, note.colspan) == (3, 3)
    assert all(t.rows[r][c].merged_from == (0, 0) for r in range(3) for c in range(3) if (r, c) != (0, 0))
    assert t.rows[0][3].text == "申请人情况" and t.rows[0][9].merged_from == (0, 3)
    assert t.rows[1][3].text == "自然人" and t.rows[2][3].merged_from == (1, 3) and t.rows[2][3].text == "自然人"
    assert [c.text for c in t.rows[2][4:9]] == list(generate.T3_COLS[1:6])
    assert t.rows[2][9].merged_from == (1, 9)
    assert t.rows[3][0].text == "一、本年新收政府信息公开申请数量" and t.rows[3][2].merged_from == (3, 0)
    assert [c.text for c in t.rows[3][3:]] == generate.t3_values(0)
    assert t.rows[4][5].text == "" and t.rows[4][5].merged_from is None  # blank stays blank
    assert t.rows[3][4].loc.path.startswith("body/tbl[1]/tr[4]/")
