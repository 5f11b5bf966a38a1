"""OCR on scans the tests make: synthetic reports (printed numbers known) rendered to PDF, then
rasterised, turned ±1°, noised and JPEG-compressed (loaders.synth.scan), read by the real engine.

The bar is the project's: no wrong number, ever; ≥ 99 % of cells read.
"""

from __future__ import annotations

import copy
import io
from dataclasses import replace

import pytest

from loaders.document import OcrReading
from loaders.parse import parse_document, resolve_settings
from loaders.parse.ocrcheck import NOTE_CONFIRMED, check_ocr_cells
from loaders.readers import iter_data, read_file
from loaders.spec.values import ValueStatus
from loaders.synth import generate_reports
from loaders.synth.render import RENDERERS
from loaders.synth.scan import ScanStyle, image_pdf, png_zip, scan_pages, tiff_bytes

pytestmark = pytest.mark.slow


def _record(year: int, defect: str | None = None):
    for rec in generate_reports(30, str(year), seed=5, defect_rate=1.0 if defect else 0.0):
        kinds = {d["kind"] for d in rec.defects}
        if (defect in kinds) if defect else not kinds:
            return rec
    raise AssertionError(f"no {year} record with defect {defect}")


def _read(data: bytes, name: str):
    (doc,) = list(iter_data(data, name))
    assert not isinstance(doc, Exception), doc
    return doc, parse_document(doc)


def _score(rec, rep) -> tuple[int, list, int]:
    got = rep.values()
    right = sum(got.get(k) == v for k, v in rec.values.items())
    wrong = [(k, v, got.get(k)) for k, v in rec.values.items() if got.get(k) is not None and got.get(k) != v]
    return right, wrong, len(rec.values)


@pytest.fixture(scope="module")
def pdf_scan():
    """2021 format as an image-only PDF, 200 dpi, +1°, noise, JPEG; page 3 fed upside down."""
    rec = _record(2023)
    pages = scan_pages(RENDERERS["pdf"][1](rec), ScanStyle(dpi=200, angle=1.0, turn=180, turn_pages=(3,)), seed=1)
    return (rec, *_read(image_pdf(pages), "scan.pdf"))


@pytest.fixture(scope="module")
def png_scan():
    """2019 format as a zip of PNG pages, 200 dpi, −1°, noise, JPEG 70; page 2 turned 90°."""
    rec = _record(2020)
    style = ScanStyle(dpi=200, angle=-1.0, noise=8.0, jpeg=70, turn=90, turn_pages=(2,))
    return (rec, *_read(png_zip(scan_pages(RENDERERS["pdf"][1](rec), style, seed=2)), "scan.zip"))


@pytest.mark.parametrize("scan", ["pdf_scan", "png_scan"])
def test_scans_read_to_truth_with_no_wrong_number(scan, request):
    rec, doc, rep = request.getfixturevalue(scan)
    right, wrong, total = _score(rec, rep)
    assert wrong == [], wrong
    assert right / total >= 0.99, (right, total)
    assert rep.fmt == rec.format and rep.year.value == rec.year
    assert doc.meta["read_by"] == "ocr" and doc.meta["ocr_engine"].startswith("RapidOCR")


def test_turned_pages_are_set_upright(pdf_scan, png_scan):
    assert any("第3页扫描方向旋转了180°" in w for w in pdf_scan[1].warnings)
    # turned a quarter: set upright by a quarter turn the other way (270° clockwise)
    assert any("第2页扫描方向旋转了270°" in w for w in png_scan[1].warnings), png_scan[1].warnings


def test_table_across_pages_is_one_table(pdf_scan):
    _, doc, _ = pdf_scan
    assert any(len(t.pages) == 2 for t in doc.tables), [t.pages for t in doc.tables]


def test_every_number_keeps_page_box_and_confidence(pdf_scan):
    _, _, rep = pdf_scan
    read = [c for k, c in rep.cells.items() if k.startswith("t3.") and c.status == ValueStatus.NUMBER]
    assert read
    for c in read:
        assert c.loc.page in (2, 3) and c.loc.bbox is not None
        assert 0 < c.loc.ocr.confidence <= 1
        assert "ocr" in c.loc.to_dict()


def test_source_that_breaks_an_equation_is_the_sources_finding():
    rec = _record(2023, "R3")
    pages = scan_pages(RENDERERS["pdf"][1](rec), ScanStyle(dpi=200, angle=0.5), seed=3)
    _, rep = _read(image_pdf(pages), "r3.pdf")
    right, wrong, total = _score(rec, rep)
    assert wrong == [] and right / total >= 0.99
    r3 = [f for f in rep.findings if f.rule == "R3"]
    assert r3 and all(f.kind == "source" for f in r3)
    # the printed (inconsistent) numbers are stored as printed, not "corrected"
    (defect,) = rec.defects
    assert not any(f.rule == "P1" and set(f.keys) & set(r3[0].keys) for f in rep.findings)
    assert defect["kind"] == "R3"


def _doubt(rep, key: str, value=None, conf: float = 0.5):
    """The same report with one OCR reading made doubtful (and optionally misread)."""
    rep = copy.deepcopy(rep)
    c = rep.cells[key]
    c.loc = replace(c.loc, ocr=OcrReading(conf, c.loc.ocr.alternatives, True))
    if value is not None:
        c.value, c.raw = value, str(value)
    rep.findings = [f for f in rep.findings if f.rule != "P1"]
    return rep


def test_doubtful_digit_is_settled_by_the_sums_or_left_unread(pdf_scan):
    rec, _, rep = pdf_scan
    settings = resolve_settings()
    key = next(k for k in rec.values if k.startswith("t3.result.") and k.endswith(".natural_person") and rec.values[k])
    truth = rec.values[key]
    # a right reading with low confidence: confirmed by its column and row sums
    ok = _doubt(rep, key)
    check_ocr_cells(ok, settings)
    assert ok.cells[key].value == truth and NOTE_CONFIRMED in ok.cells[key].note
    # a misread digit with low confidence: two equations agree on the printed value
    bad = _doubt(rep, key, value=truth + 7)
    check_ocr_cells(bad, settings)
    assert bad.cells[key].value == truth and f"OCR 原读 {truth + 7}" in bad.cells[key].note
    # a doubtful table-二 cell has no equation: unread, with the OCR's reading as a candidate
    t2 = next(k for k in rec.values if k.startswith("t2.") and rec.values[k])
    lone = _doubt(rep, t2)
    check_ocr_cells(lone, settings)
    assert lone.cells[t2].value is None
    (p1,) = [f for f in lone.findings if f.rule == "P1"]
    assert p1.keys == (t2,) and lone.cells[t2].raw in p1.candidates


def test_misread_with_one_equation_is_not_corrected(pdf_scan):
    """表四 cells sit on one equation only: it cannot tell a misread from a source that does not
    add up, so a doubtful misread there is unread, not changed."""
    rec, _, rep = pdf_scan
    key = next(k for k in rec.values if k.startswith("t4.") and not k.endswith(".total") and rec.values[k])
    bad = _doubt(rep, key, value=rec.values[key] + 3)
    check_ocr_cells(bad, resolve_settings())
    assert bad.cells[key].value is None
    p1 = [f for f in bad.findings if f.rule == "P1" and f.keys == (key,)]
    assert p1 and str(rec.values[key]) in p1[0].candidates  # the sum-implied value is offered


def test_multipage_tiff_first_page(tmp_path):
    rec = _record(2023)
    pages = scan_pages(RENDERERS["pdf"][1](rec), ScanStyle(dpi=150), seed=4)[:1]
    path = tmp_path / "p.tif"
    path.write_bytes(tiff_bytes(pages + pages))
    doc = read_file(path, check_report=False)
    assert doc.source.pages == 2 and doc.title and "年度报告" in doc.title


def test_a_photo_of_something_else_is_a_clear_error_and_the_next_file_is_read(tmp_path, seed_report):
    """A picture OCR finds no report in (shapes, colour, sensor noise — a holiday photo sent by
    mistake) is refused with a reason naming the file; the file after it is parsed as usual."""
    import cv2
    import numpy as np

    from loaders.errors import LoaderError, NotAnAnnualReport, UnreadableScan
    from loaders.parse import parse_file

    rng = np.random.default_rng(3)
    h, w = 900, 1200
    y, x = np.mgrid[0:h, 0:w]
    img = np.stack([x / w * 255, y / h * 255, (x + y) / (w + h) * 255], -1).astype(np.uint8)
    for _ in range(25):
        colour = tuple(int(v) for v in rng.integers(0, 255, 3))
        cv2.circle(img, (int(rng.integers(0, w)), int(rng.integers(0, h))), int(rng.integers(20, 160)), colour, -1)
    img = np.clip(img + rng.normal(0, 12, img.shape), 0, 255).astype(np.uint8)
    photo = tmp_path / "photo.jpg"
    cv2.imwrite(str(photo), img)
    outcomes = []
    for path in (photo, seed_report):
        try:
            outcomes.append(parse_file(path))
        except LoaderError as e:
            outcomes.append(e)
    err, report = outcomes
    assert isinstance(err, (UnreadableScan, NotAnAnnualReport)) and str(photo) in err.message
    assert not isinstance(report, Exception) and report.cells


def test_scanned_page_inside_a_typed_report_is_read_in_place():
    """A typed report whose page 2 is a scan (a stamped table page pasted as a picture): that page
    is read by OCR, its tables join the typed pages' (表三 runs on into typed page 3), and the whole
    report reads to its truth."""
    import pypdfium2 as pdfium

    rec = _record(2023)
    typed = RENDERERS["pdf"][1](rec)
    scan = image_pdf(scan_pages(typed, ScanStyle(dpi=200, angle=0.5), seed=6)[1:2])
    pdf = pdfium.PdfDocument(typed)
    try:
        pdf.del_page(1)
        pdf.import_pages(pdfium.PdfDocument(scan), [0], index=1)
        buf = io.BytesIO()
        pdf.save(buf)
    finally:
        pdf.close()
    doc, rep = _read(buf.getvalue(), "mixed.pdf")
    assert doc.meta["image_only_pages"] == "2" and doc.meta["read_by"] == "ocr"
    right, wrong, total = _score(rec, rep)
    assert wrong == [] and right / total >= 0.99, (right, total)
    on_scan = [c for c in rep.cells.values() if c.loc is not None and c.loc.page == 2 and c.value is not None]
    assert on_scan and all(c.loc.ocr is not None for c in on_scan)
    typed_cells = [c for c in rep.cells.values() if c.loc is not None and c.loc.page == 3 and c.value is not None]
    assert typed_cells and all(c.loc.ocr is None for c in typed_cells)


def _without_rules(pdf_bytes: bytes, style: ScanStyle, seed: int) -> list:
    """The report's pages scanned with every table rule painted out (a table printed without
    lines): the rules the OCR reader itself finds inside a table's box, on the clean page."""
    import cv2
    import numpy as np
    import pypdfium2 as pdfium

    from loaders.readers import ocr
    from loaders.readers.pdf import _merge, _tables
    from loaders.synth.scan import _degrade

    rng = np.random.default_rng(seed)
    pdf = pdfium.PdfDocument(pdf_bytes)
    out = []
    try:
        for i in range(len(pdf)):
            g = np.array(pdf[i].render(scale=style.dpi / 72, grayscale=True).to_numpy(), copy=True)
            hs, vs = ocr.rulings(g, style.dpi)
            px = style.dpi / 72
            boxes = [[v * px for v in t.bbox] for t in _tables(_merge([(y / px, a / px, b / px) for y, a, b in hs]),
                                                               _merge([(x / px, a / px, b / px) for x, a, b in vs]),
                                                               [], i + 1)]

            def inside(x: float, y: float) -> bool:
                return any(b[0] - 4 <= x <= b[2] + 4 and b[1] - 4 <= y <= b[3] + 4 for b in boxes)  # noqa: B023

            for y, a, b in hs:
                if inside((a + b) / 2, y):
                    cv2.line(g, (int(a) - 3, round(y)), (int(b) + 3, round(y)), 255, 7)
            for x, a, b in vs:
                if inside(x, (a + b) / 2):
                    cv2.line(g, (round(x), int(a) - 3), (round(x), int(b) + 3), 255, 7)
            out.append(_degrade(g, style, rng, i + 1))
    finally:
        pdf.close()
    return out


def test_tables_without_lines_fall_back_to_the_text_alignment():
    """No ruling lines at all: the cells come from the detected text lines' alignment. Fewer are
    read than with rules (a row whose numbers cannot be lined up with the columns stays unread,
    with a P1), and none is wrong."""
    rec = _record(2023)
    pages = _without_rules(RENDERERS["pdf"][1](rec), ScanStyle(dpi=200, angle=0.5), seed=8)
    doc, rep = _read(image_pdf(pages), "lineless.pdf")
    assert not doc.tables  # no grid was found: every number came through the text lines
    right, wrong, total = _score(rec, rep)
    assert wrong == [], wrong
    assert right / total >= 0.8, (right, total)
    unread = [k for k, v in rec.values.items() if rep.values().get(k) is None and v is not None]
    flagged = {k for f in rep.findings if f.rule == "P1" for k in f.keys}
    assert set(unread) <= flagged or not unread


def test_digit_shapes_count_as_digits_in_cells_but_a_rules_remains_stays_doubtful():
    """Table cells are read with O/o/〇/full-width digits pooled into their digit: a round zero is a
    sure 0 there. A vertical stroke (what a rule's remains look like) is not pooled: it may read as
    "1", but below the doubt threshold, so the sums or a P1 must settle it."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFont

    from loaders.readers import ocr_engine
    from loaders.synth.render.pdf import font_path

    font = ImageFont.truetype(str(font_path()), 40)

    def crop(text: str):
        im = Image.new("L", (40 * len(text) + 20, 60), 255)
        ImageDraw.Draw(im).text((10, 5), text, font=font, fill=0)
        return np.array(im)

    doubt = resolve_settings().ocr_doubt
    zero_o, zero, stroke = ocr_engine.recognise([crop("O"), crop("0"), crop("|")], digit_shapes=True)
    assert zero_o.text == "0" and zero_o.confidence >= doubt
    assert zero.text == "0" and zero.confidence >= doubt
    assert stroke.confidence < doubt
    (plain,) = ocr_engine.recognise([crop("O 日")])  # outside cells nothing is pooled
    assert "日" in plain.text
