"""Hostile containers, regenerated here: zip members that are symbolic links, archives nested in
archives, images that declare absurd dimensions or page counts (decompression bombs for OCR), PDFs
with huge page counts or page sizes, DOCX/HTML with XML entity expansion ("billion laughs"). Each
is refused with a typed error naming the file and the reason, before the cost is paid, and the
next file of the batch is read."""

from __future__ import annotations

import io
import stat
import struct
import zipfile
import zlib

import pypdfium2 as pdfium
import pytest
from PIL import Image

from loaders.errors import LoaderError
from loaders.readers import iter_sources, read_file
from loaders.readers.ocr import MAX_PAGE_PIXELS, MAX_SCAN_PAGES
from loaders.readers.pdf import MAX_PDF_PAGES

from .bounded import bounded
from .make import good_report, zip_of
from .test_readers_hostile import _docx_with_body


def _outcomes(data: bytes, name: str) -> list[str]:
    out = []
    for item, _raw in iter_sources(data, name):
        out.append("doc" if not isinstance(item, LoaderError) else f"{type(item).__name__}|{item}")
    return out


# --- archives -----------------------------------------------------------------------------------

def _zip_with_symlink(target: str, link: str = "年报.txt") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        info = zipfile.ZipInfo(link)
        info.create_system = 3  # Unix, as `zip -y` stores a link
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, target)
        zf.writestr("正常.txt", good_report())
    return buf.getvalue()


@pytest.mark.parametrize("target", ["/etc/passwd", "../../../root/.ssh/id_rsa"])
def test_a_symlink_member_is_refused_and_the_next_member_read(target):
    got = _outcomes(_zip_with_symlink(target), "链接.zip")
    assert got[0] == "UnsafeArchive|链接.zip!年报.txt: 压缩包不安全（路径越界或解压后过大）：成员是符号链接（不是文件）"
    assert got[1] == "doc"


@pytest.mark.parametrize("depth", [1, 2, 5])
def test_a_nested_archive_is_not_opened_at_any_depth(depth):
    inner = zip_of({"最里面.txt": good_report()})
    for k in range(depth):
        inner = zip_of({f"第{depth - k}层.zip": inner})
    data = zip_of({"外层.zip": inner, "正常.txt": good_report(i=1)})
    got = _outcomes(data, "套娃.zip")
    assert got[0].startswith("UnsupportedFormat|套娃.zip!外层.zip:") and "压缩包内嵌套的压缩包" in got[0]
    assert got[1:] == ["doc"]  # nothing of the inner archives was read, the sibling was


# --- images for OCR ------------------------------------------------------------------------------

def _png(width: int, height: int, rows: bytes | None = None) -> bytes:
    """A 1-bit greyscale PNG; ``rows`` None: the header and a tiny stream only (the size is declared,
    the pixels are not there); else the real filtered rows, compressed."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    idat = zlib.compress(rows if rows is not None else b"\0" * 64, 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def test_a_real_png_bomb_is_refused_before_it_is_decoded():
    side = 8_000  # 64 M pixels: under PIL's own bomb limit, over ours
    assert side * side > MAX_PAGE_PIXELS
    row = b"\0" + b"\xff" * (side // 8)
    data = _png(side, side, row * side)
    assert len(data) < 200_000  # 64 M pixels in under 200 KB
    assert bounded(_outcomes, data, "炸弹.png") == [
        f"TooComplex|炸弹.png: 文档结构超出处理上限：第1页图片尺寸过大（{side}×{side} 像素，上限 40 百万像素）"]


def test_a_png_declaring_ten_billion_pixels_is_refused():
    got = bounded(_outcomes, _png(100_000, 100_000), "百亿.png")
    assert len(got) == 1 and got[0].startswith("TooComplex|百亿.png: 文档结构超出处理上限：") and "尺寸过大" in got[0]


def test_a_tiff_of_too_many_pages_is_refused():
    frames = [Image.new("L", (40, 40), 255) for _ in range(MAX_SCAN_PAGES + 1)]
    buf = io.BytesIO()
    frames[0].save(buf, format="TIFF", save_all=True, append_images=frames[1:])
    got = bounded(_outcomes, buf.getvalue(), "多页.tif")
    assert got == [f"TooComplex|多页.tif: 文档结构超出处理上限：扫描页数过多（{MAX_SCAN_PAGES + 1} 页，上限 {MAX_SCAN_PAGES} 页）"]


def test_a_zip_of_too_many_page_images_is_refused():
    buf = io.BytesIO()
    Image.new("L", (40, 40), 255).save(buf, format="PNG")
    data = zip_of({f"第{i:03d}页.png": buf.getvalue() for i in range(MAX_SCAN_PAGES + 1)})
    got = bounded(_outcomes, data, "扫描件.zip")
    assert len(got) == 1 and got[0].startswith("TooComplex|扫描件.zip:") and "扫描页数过多" in got[0]


# --- PDF -------------------------------------------------------------------------------------------

def _pdf(pages: int, width: float = 595, height: float = 842) -> bytes:
    pdf = pdfium.PdfDocument.new()
    for _ in range(pages):
        pdf.new_page(width, height).close()
    buf = io.BytesIO()
    pdf.save(buf)
    pdf.close()
    return buf.getvalue()


def test_a_pdf_of_too_many_pages_is_refused_before_they_are_walked():
    data = _pdf(MAX_PDF_PAGES + 1)
    got = bounded(_outcomes, data, "万页.pdf")
    assert got == [f"TooComplex|万页.pdf: 文档结构超出处理上限：PDF 页数过多（{MAX_PDF_PAGES + 1} 页，上限 {MAX_PDF_PAGES} 页）"]


def test_a_pdf_page_too_large_to_render_is_refused():
    # 14,400 pt square (the format's largest page): 40,000 × 40,000 pixels at the OCR resolution
    got = bounded(_outcomes, _pdf(1, 14_400, 14_400), "巨幅.pdf")
    assert len(got) == 1 and got[0].startswith("TooComplex|巨幅.pdf: 文档结构超出处理上限：第1页尺寸过大（40000×40000 像素")


# --- XML entity expansion ----------------------------------------------------------------------------

_LAUGHS = "".join(f'<!ENTITY l{k} "{f"&l{k - 1};" * 10}">' for k in range(1, 10))
_DTD = f'<!DOCTYPE lolz [<!ENTITY l0 "哈哈哈哈哈哈哈哈哈哈">{_LAUGHS}]>'  # &l9; is 10^9 × 10 characters


def _billion_laughs_docx() -> bytes:
    src = zipfile.ZipFile(io.BytesIO(_docx_with_body("<w:p><w:r><w:t>&l9;</w:t></w:r></w:p>")))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                head, sep, rest = data.decode().partition("?>")
                data = (head + sep + _DTD + rest).encode()
            out.writestr(info, data)
    return buf.getvalue()


def _read_text_len(data: bytes, name: str) -> str:
    try:
        doc = read_file(data=data, name=name, check_report=False)
    except LoaderError as e:
        return f"{type(e).__name__}|{e}"
    return f"read|{len(doc.text())}"


def test_billion_laughs_in_a_docx_is_never_expanded():
    data = _billion_laughs_docx()
    assert b"<!ENTITY l9" in zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")
    got = bounded(_read_text_len, data, "笑.docx")
    # libxml2 stops the expansion (amplification limit; python-docx also parses with
    # resolve_entities=False): refused as a damaged file, named, never 10 GB of text
    assert got.startswith("CorruptFile|笑.docx: 文件已损坏或不完整") and "amplification" in got, got


def test_billion_laughs_in_an_html_page_is_never_expanded():
    html = (f'<?xml version="1.0"?>{_DTD}<html><body><h1>2023年政府信息公开工作年度报告</h1>'
            "<p>&l9;</p></body></html>").encode()
    got = bounded(_read_text_len, html, "笑.html")
    assert got.startswith("read|") and int(got.split("|")[1]) < 1_000, got  # the HTML parser expands no DTD entity


def test_each_refusal_names_the_file_and_the_next_file_is_read():
    """A folder-like batch of all of them through one archive: every member accounted for."""
    data = zip_of({"炸弹.png": _png(100_000, 100_000), "万页.pdf": _pdf(MAX_PDF_PAGES + 1),
                   "笑.docx": _billion_laughs_docx(), "正常.txt": good_report(i=2)})
    got = bounded(_outcomes, data, "一批.zip")
    assert len(got) == 4 and got[3] == "doc"
    assert all(g == "doc" or g.split("|", 1)[1].startswith("一批.zip!") for g in got)
    assert got[0].startswith("TooComplex|一批.zip!炸弹.png") and got[1].startswith("TooComplex|一批.zip!万页.pdf")
