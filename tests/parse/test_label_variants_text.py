"""Label variants real agencies print (issue 12), matched through the spec's labels: a character
changed, a word dropped, numbering changed, a row label split over two lines. Real generated
reports (synth renderers), parsed by the real reader and parser; every cell must come back."""

import pytest

from loaders.document import SourceInfo
from loaders.evaluate import RIGHT, cell_outcome
from loaders.parse import parse_document
from loaders.readers.text import parse_text
from loaders.synth import generate_reports
from loaders.synth.render.txt import render_label_apart, render_tsv

REC = next(iter(generate_reports(3, "2022", seed=5, defect_rate=0.0)))


def _not_right(text: str) -> list:
    doc = parse_text(text, SourceInfo(name="2022_x.txt", sha256="0" * 64, size=len(text), file_type="txt"))
    rep = parse_document(doc)
    return [(k, v, rep.value(k)) for k, v in REC.values.items()
            if cell_outcome(rep.value(k), rep.cells[k].status if k in rep.cells else None, v) != RIGHT]


@pytest.mark.parametrize(("printed", "variant"), [
    ("属于行政执法案卷", "属于行政执法案件"),  # a character changed
    ("行政规范性文件", "规范性文件"),  # a word dropped
    ("（三）不予公开", "（3）不予公开"),  # numbering changed
    ("2.其他法律行政法规禁止公开", "2、其他法律行政法规禁止公开"),
])
def test_a_label_variant_reads_every_cell(printed, variant):
    text = render_tsv(REC)
    assert printed in text
    assert _not_right(text) == []
    assert _not_right(text.replace(printed, variant)) == []


@pytest.mark.parametrize("label", ["一、本年新收政府信息公开申请数量", "1.本机关不掌握相关政府信息"])
def test_a_row_label_split_over_two_lines(label):
    text = render_label_apart(REC)
    assert label in text
    cut = len(label) // 2
    assert _not_right(text.replace(label, label[:cut] + "\n" + label[cut:])) == []
