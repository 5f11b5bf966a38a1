"""The original beside a reading (审查工作台): a real PDF (rendered by the synthetic generator,
read back by pdfplumber) shown as a page image with the cell's printed run boxed in red; a text
original as an excerpt with the run marked 【】."""

from __future__ import annotations

import io
from pathlib import Path

import pdfplumber
import pytest
from PIL import Image

from dashboard import original
from loaders.synth.records import generate_reports
from loaders.synth.render import render

RESOLUTION = 110  # original.pdf_excerpt renders at this many dpi
RED = (220, 20, 60)


@pytest.fixture(scope="module")
def pdf(tmp_path_factory) -> tuple[Path, str]:
    """A real report PDF and a number printed on it exactly once (a cell's run)."""
    rec = next(r for r in generate_reports(3, range(2023, 2024), seed=11, defect_rate=0.0) if r.published)
    path = tmp_path_factory.mktemp("pdf") / "report.pdf"
    path.write_bytes(render(rec, "pdf"))
    with pdfplumber.open(str(path)) as doc:
        text = "\n".join(p.extract_text() or "" for p in doc.pages)
    runs = sorted({f"{v:g}" for v in rec.values.values() if v is not None and v >= 1000}, key=len, reverse=True)
    run = next(r for r in runs if text.count(r) == 1)
    return path, run


def _near(px: tuple[int, ...], colour: tuple[int, int, int], tol: int = 40) -> bool:
    return all(abs(a - b) <= tol for a, b in zip(px[:3], colour, strict=True))


def test_a_pdf_cell_is_shown_as_its_page_with_the_run_boxed(pdf):
    path, run = pdf
    ex = original.excerpt(path, "pdf", run)
    assert ex.kind == "image" and ex.found and ex.page >= 1
    img = Image.open(io.BytesIO(ex.png)).convert("RGB")
    with pdfplumber.open(str(path)) as doc:
        page = doc.pages[ex.page - 1]
        (hit,) = page.search(run, regex=False)
        want = (page.width * RESOLUTION / 72, page.height * RESOLUTION / 72)
        assert all(abs(got - w) <= 1 for got, w in zip(img.size, want, strict=True))  # the whole page
    s = RESOLUTION / 72
    left, top, bottom = (hit["x0"] - 2) * s, (hit["top"] - 2) * s, (hit["bottom"] + 2) * s
    middle = (top + bottom) / 2
    # the box's left edge crosses the run's line in red; far from the box the page is not red
    assert any(_near(img.getpixel((round(left) + dx, round(middle))), RED) for dx in range(-2, 3))
    assert not any(_near(img.getpixel((x, 5)), RED) for x in range(0, img.size[0], 7))
    reds = sum(_near(img.getpixel((x, y)), RED) for x in range(0, img.size[0], 3) for y in range(0, img.size[1], 3))
    assert 0 < reds < 2000  # one small box, not a page of red


def test_a_run_the_pdf_does_not_print_falls_back_to_its_text_unmarked(pdf):
    path, _ = pdf
    ex = original.excerpt(path, "pdf", "987654321987")
    assert ex.kind == "text" and not ex.found and MARK not in ex.text


MARK = original.MARK_OPEN


def test_a_text_original_marks_the_run_next_to_its_row_label():
    text = "一、本年新收政府信息公开申请数量 12 3 45\n二、上年结转政府信息公开申请数量 45 1"
    ex = original.text_excerpt(text, "45", near="上年结转")
    assert ex.found and "上年结转政府信息公开申请数量 【45】 1" in ex.text
    assert original.text_excerpt(text, "45").text.count("【45】") == 1  # without a label: the first
