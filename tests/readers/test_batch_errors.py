"""Bad input never stops a batch: one test per kind, each followed by a good file that must be read."""

from __future__ import annotations

import shutil
import zipfile

import pytest

from loaders.document import Document
from loaders.errors import (
    ConverterMissing,
    CorruptFile,
    EmptyFile,
    EncryptedFile,
    FileTooLarge,
    LoaderError,
    NotAnAnnualReport,
    UndecodableText,
    UnreadableScan,
    UnsafeArchive,
    UnsupportedFormat,
)
from loaders.readers import iter_documents


def _batch(bad, good, **kw):
    results = list(iter_documents([bad, good], **kw))
    assert len(results) == 2
    err, doc = results
    assert isinstance(doc, Document), doc
    assert doc.source.name == str(good) and doc.tables  # the next file is fully read
    assert isinstance(err, LoaderError)
    assert err.file.startswith(str(bad)) and str(bad) in err.message  # archive members: "a.zip!member"
    return err


@pytest.fixture
def good(tmp_path, seed_report):
    return shutil.copy(seed_report, tmp_path / "zz_good.txt")


def test_empty_file(tmp_path, good):
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    err = _batch(bad, good)
    assert isinstance(err, EmptyFile) and err.kind == "empty" and err.reason_zh == "文件为空"


def test_whitespace_only_file(tmp_path, good):
    bad = tmp_path / "blank.html"
    bad.write_bytes(b"  \r\n\t \n")
    assert isinstance(_batch(bad, good), EmptyFile)


def test_binary_junk(tmp_path, good):
    import random

    rnd = random.Random(3)
    bad = tmp_path / "report.txt"
    bad.write_bytes(bytes(rnd.randrange(256) for _ in range(5000)))
    assert isinstance(_batch(bad, good), UndecodableText)


def test_truncated_pdf(tmp_path, good, report_pdf):
    bad = tmp_path / "truncated.pdf"
    data = report_pdf.read_bytes()
    bad.write_bytes(data[: len(data) // 2])
    err = _batch(bad, good)
    assert isinstance(err, CorruptFile) and "不完整" in err.message


def test_pdf_header_only(tmp_path, good):
    bad = tmp_path / "stub.pdf"
    bad.write_bytes(b"%PDF-1.7\n1 0 obj\n<<")
    assert isinstance(_batch(bad, good), CorruptFile)


def test_encrypted_pdf(tmp_path, good, encrypted_pdf):
    bad = shutil.copy(encrypted_pdf, tmp_path / "locked.pdf")
    assert isinstance(_batch(bad, good), EncryptedFile)


def test_over_size_limit(tmp_path, good, seed_report):
    bad = tmp_path / "big.txt"
    bad.write_bytes(seed_report.read_bytes() * 3)
    limit = seed_report.stat().st_size + 10  # the good file fits, the big one does not
    err = _batch(bad, good, max_bytes=limit)
    assert isinstance(err, FileTooLarge) and str(limit) in err.message


def test_unsupported_type(tmp_path, good):
    from PIL import Image

    bad = tmp_path / "anim.gif"
    Image.new("RGB", (40, 40), "white").save(bad)
    err = _batch(bad, good)
    assert isinstance(err, UnsupportedFormat) and "GIF" in err.message


def test_blank_scan_is_a_clear_error(tmp_path, good):
    from PIL import Image

    bad = tmp_path / "scan.png"  # a page image OCR finds no text on
    Image.new("RGB", (400, 560), "white").save(bad)
    err = _batch(bad, good)
    assert isinstance(err, UnreadableScan) and str(bad) in err.message and "未识别出文字" in err.message


def test_extension_is_not_trusted(tmp_path, good):
    from PIL import Image

    bad = tmp_path / "report.txt"  # a picture named like a text file: read as the picture it is
    Image.new("RGB", (40, 40), "white").save(bad, format="PNG")
    assert isinstance(_batch(bad, good), UnreadableScan)


def test_not_an_annual_report(tmp_path, good):
    bad = tmp_path / "notice.txt"
    bad.write_text("关于2023年春节放假安排的通知\n\n各单位：根据国务院办公厅通知精神，现将放假安排通知如下。\n", encoding="utf-8")
    err = _batch(bad, good)
    assert isinstance(err, NotAnAnnualReport) and err.kind == "not_a_report"


def test_legacy_word_without_converter(tmp_path, good, monkeypatch):
    # A .doc is an OLE2 compound file; with no LibreOffice on PATH it cannot be converted.
    monkeypatch.setenv("PATH", str(tmp_path / "no-tools"))
    bad = tmp_path / "report.doc"
    bad.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2000)
    err = _batch(bad, good)
    assert isinstance(err, ConverterMissing) and "LibreOffice" in err.message


def test_zip_members_and_path_traversal(tmp_path, seed_report, report_docx):
    arc = tmp_path / "reports.zip"
    with zipfile.ZipFile(arc, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("../../etc/evil.txt", seed_report.read_bytes())
        zf.writestr("2021/年报.txt", seed_report.read_bytes())
        zf.write(report_docx, "2023/report.docx")
        zf.writestr("empty.txt", b"")
    results = list(iter_documents([arc, seed_report]))
    kinds = [type(r).__name__ for r in results]
    assert kinds == ["UnsafeArchive", "Document", "Document", "EmptyFile", "Document"]
    assert "evil.txt" in results[0].message
    txt, docx_doc = results[1], results[2]
    assert txt.source.member_of == str(arc) and txt.source.name.endswith("!2021/年报.txt")
    assert txt.tables[0].rows[0][0].loc.member == "2021/年报.txt"
    assert docx_doc.source.file_type == "docx" and docx_doc.tables[0].n_cols == 10
    assert results[4].source.name == str(seed_report)


def test_zip_bomb(tmp_path, good):
    arc = tmp_path / "bomb.zip"
    with zipfile.ZipFile(arc, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("huge.txt", b"0" * (20 * 1024 * 1024))
    err = _batch(arc, good)
    assert isinstance(err, UnsafeArchive) and "压缩比" in err.message


def test_zip_member_over_limit(tmp_path, good, seed_report):
    arc = tmp_path / "big.zip"
    with zipfile.ZipFile(arc, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("big.txt", seed_report.read_bytes() * 3)
    assert arc.stat().st_size < seed_report.stat().st_size  # the archive fits, the member does not
    err = _batch(arc, good, max_bytes=seed_report.stat().st_size + 10)
    assert isinstance(err, FileTooLarge) and "big.txt" in err.message


def test_folder_is_walked_recursively(tmp_path, seed_report, report_pdf):
    (tmp_path / "a" / "b").mkdir(parents=True)
    shutil.copy(seed_report, tmp_path / "a" / "one.txt")
    shutil.copy(report_pdf, tmp_path / "a" / "b" / "two.pdf")
    (tmp_path / "a" / "b" / "three.txt").write_bytes(b"")
    results = list(iter_documents(tmp_path / "a"))
    assert [type(r).__name__ for r in results] == ["Document", "EmptyFile", "Document"]
    assert {r.source.file_type for r in results if isinstance(r, Document)} == {"txt", "pdf"}


def test_missing_file(tmp_path, good):
    err = _batch(tmp_path / "gone.txt", good)
    assert isinstance(err, CorruptFile) and "不存在" in err.message


def test_directory_given_to_read_file(tmp_path):
    from loaders.readers import read_file

    with pytest.raises(UnsupportedFormat):
        read_file(tmp_path)


def test_spreadsheet_in_office_container_is_unsupported(tmp_path, good):
    bad = tmp_path / "统计表.xls"
    bad.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2000)
    assert isinstance(_batch(bad, good), UnsupportedFormat)
