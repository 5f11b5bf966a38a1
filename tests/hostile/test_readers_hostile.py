"""Hostile files at the readers: each refused with a typed LoaderError naming the file and the reason,
never another exception and never unbounded growth."""

from __future__ import annotations

import io
import zipfile

import pytest

from loaders.errors import LoaderError, TooComplex, UnsafeArchive
from loaders.readers import MAX_DOCUMENT_CHARS, iter_sources, read_file
from loaders.readers.common import MAX_TABLE_ROWS

from .bounded import bounded
from .make import broken_deflate, broken_zlib_docx, good_report, zip_of


def _outcomes(data: bytes, name: str) -> list[str]:
    """What iter_sources gives for the file: 'doc' or the error class and message, per document."""
    out = []
    for item, _raw in iter_sources(data, name):
        out.append("doc" if not isinstance(item, LoaderError) else f"{type(item).__name__}|{item}")
    return out


def test_a_docx_with_a_broken_deflate_stream_is_corrupt():
    [got] = bounded(_outcomes, broken_zlib_docx(), "损坏.docx")
    assert got.startswith("CorruptFile|损坏.docx: 文件已损坏或不完整")


def test_a_zip_member_with_a_broken_stream_fails_alone():
    # zlib.error escaped the archive reader and stopped the whole batch
    data = broken_deflate(zip_of({"a.txt": good_report() * 3, "b.txt": good_report()}), "a.txt")
    got = bounded(_outcomes, data, "批量.zip")
    assert got[0].startswith("CorruptFile|批量.zip!a.txt: 文件已损坏或不完整") and got[1] == "doc"


@pytest.mark.parametrize("folders", [(), ("年报/", "年报/2023/")])
def test_an_empty_zip_or_one_of_folders_only_leaves_a_trace(folders):
    assert _outcomes(zip_of({}, folders), "空.zip") == ["EmptyFile|空.zip: 文件为空：压缩包内没有文件"]


def _docx_with_body(body_xml: str, pad: int = 0) -> bytes:
    """The real synthetic DOCX with word/document.xml replaced (and padded by ``pad`` spaces)."""
    src = zipfile.ZipFile(io.BytesIO(good_report("docx")))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                head, _, _ = data.decode().partition("<w:body>")
                xml = head + "<w:body>" + body_xml + "</w:body></w:document>"
                out.writestr(info.filename, xml.replace("<w:body>", "<w:body>" + " " * pad, 1) if pad else xml)
            else:
                out.writestr(info, data)
    return buf.getvalue()


def test_a_docx_bomb_is_refused_before_it_is_inflated():
    data = _docx_with_body("<w:p><w:r><w:t>年报</w:t></w:r></w:p>", pad=300 * 2**20)
    assert len(data) < 2 * 2**20  # 300 MB of XML in under 2 MB
    with pytest.raises(UnsafeArchive, match=r"炸弹.docx.*解压后超过"):
        read_file(data=data, name="炸弹.docx")


def test_a_gridspan_of_ten_to_the_eighth_is_refused():
    body = ('<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="100000000"/></w:tcPr><w:p><w:r><w:t>x</w:t></w:r></w:p>'
            "</w:tc></w:tr></w:tbl>")
    with pytest.raises(TooComplex, match=r"跨度.docx.*列"):
        read_file(data=_docx_with_body(body), name="跨度.docx")


def _refusal(data: bytes, name: str) -> str:
    try:
        read_file(data=data, name=name, check_report=False)
    except TooComplex as e:
        return str(e)
    return "read"


@pytest.mark.parametrize("n_rows", [MAX_TABLE_ROWS + 1, 100_000])
@pytest.mark.parametrize("layout", [False, True])
def test_a_table_of_too_many_rows_is_refused_before_its_cells_are_read(n_rows, layout):
    # 100,000 rows ran for minutes: every cell's path was found by a walk over its siblings
    # a layout table (one holding a table) is walked cell by cell instead of read as a grid
    nested = "<table><tr><td>内</td></tr></table>" if layout else ""
    rows = "".join(f"<tr><td>第{i}行{nested if i == 0 else ''}</td><td>{i}</td></tr>" for i in range(n_rows))
    html = f"<html><body><h1>2023年政府信息公开工作年度报告</h1><table>{rows}</table></body></html>"
    got = bounded(_refusal, html.encode(), "大表.html", limit=60)
    assert got.startswith("大表.html:") and f"表格超过 {MAX_TABLE_ROWS} 行（{n_rows} 行）" in got


def test_a_huge_text_is_refused_before_it_is_parsed():
    text = good_report().decode() * (MAX_DOCUMENT_CHARS * 4 // 2000)
    with pytest.raises(TooComplex, match=r"长文.txt.*万字"):
        read_file(data=text.encode(), name="长文.txt")


def test_a_name_with_bytes_that_are_not_utf8_is_stored_escaped():
    raw_name = b"/tmp/\xff\xfe\xb0\xa1\xe6\x8a\xa5.txt".decode("utf-8", "surrogateescape")
    doc = read_file(data=good_report(), name=raw_name)
    assert doc.source.name == "/tmp/\\xff\\xfe\\xb0\\xa1报.txt"
    doc.source.name.encode("utf-8")  # storable and printable


def test_zip_read_file_message_names_no_internal_function():
    with pytest.raises(LoaderError) as e:
        read_file(data=zip_of({"a.txt": good_report()}), name="包.zip")
    assert "iter_documents" not in str(e.value) and "ingest" in str(e.value)


def test_an_archive_has_a_total_budget_as_well_as_one_per_member():
    # 30 members each under the member limit used to be inflated and parsed one after another for
    # minutes; past the archive's total budget every remaining member is refused by name instead.
    import random

    from loaders.archive import iter_members

    rng = random.Random(30)
    body = bytes(rng.choice(b"0123456789abcdef") for _ in range(200_000))  # ~2:1, no ratio alarm
    data = zip_of({f"成员{i:02d}.txt": body for i in range(30)})
    got = bounded(lambda: [(m.name, type(m.error).__name__ if m.error else len(m.data))
                           for m in iter_members(data, "三十.zip", max_bytes=1_000_000, max_total=2_000_000)])
    assert len(got) == 30  # every member is accounted for in the run log
    assert got[:10] == [(f"成员{i:02d}.txt", 200_000) for i in range(10)]
    assert got[10:] == [(f"成员{i:02d}.txt", "UnsafeArchive") for i in range(10, 30)]


def test_the_total_budget_is_named_in_the_member_error():
    from loaders.archive import iter_members

    data = zip_of({"a.txt": b"x1" * 300_000, "b.txt": b"y2" * 300_000})
    members = list(iter_members(data, "包.zip", max_bytes=1_000_000, max_total=900_000))
    assert members[0].error is None
    assert str(members[1].error).startswith("包.zip!b.txt:") and "解压总量超过上限" in str(members[1].error)
