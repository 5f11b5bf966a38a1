"""Read any report file into one normalised ``Document``.

``read_file`` sniffs the type from the bytes (loaders/detect.py), dispatches through ``READERS``
(file type → reader), fills ``SourceInfo`` and the matching form of every block, and applies the
cheap "is this an annual report at all" gate. ``iter_documents`` walks files, folders and zip
archives and yields a Document or the LoaderError for each file — a bad file never stops a batch.

Scanned PDFs (no text layer) are returned as ``Document(status="scanned")`` with no blocks, not
raised: the caller records "扫描件，无文字层" against the file and goes on (the parser turns it into
a report with doc_status="scanned"). ``ScannedDocument`` is raised only by ``require_text``.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from .. import detect
from ..archive import iter_members
from ..document import Document, Location, SourceInfo, Table
from ..errors import (
    CorruptFile,
    EmptyFile,
    FileTooLarge,
    LoaderError,
    MemoryLimit,
    NotAnAnnualReport,
    ScannedDocument,
    TooComplex,
    UnsupportedFormat,
)
from ..names import safe_name
from ..normalize import norm
from ..spec.sections import REPORT_MARKERS
from .common import fill_norms

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
# A report's text is 10–100 thousand characters; past this a document is refused (TooComplex)
# instead of keeping its worker busy for minutes.
MAX_DOCUMENT_CHARS = 2_000_000

Reader = Callable[[bytes, SourceInfo], Document]

# file type → "module:function"; modules are imported on first use so reading text never pays for
# importing the PDF stack.
_READER_PATHS: dict[str, str] = {
    detect.TXT: "loaders.readers.text:read_text",
    detect.MD: "loaders.readers.text:read_text",
    detect.HTML: "loaders.readers.html:read_html",
    detect.PDF: "loaders.readers.pdf:read_pdf",
    detect.DOCX: "loaders.readers.docx:read_docx",
    detect.DOC: "loaders.readers.docx:read_legacy_word",
    detect.WPS: "loaders.readers.docx:read_legacy_word",
    detect.IMAGE: "loaders.readers.ocr:read_image",
}


class _Registry(dict):
    """``READERS[file_type]`` → reader callable, imported lazily from ``_READER_PATHS``."""

    def __missing__(self, key: str) -> Reader:
        path = _READER_PATHS.get(key)
        if path is None:
            raise KeyError(key)
        mod, func = path.split(":")
        reader = getattr(importlib.import_module(mod), func)
        self[key] = reader
        return reader

    def __contains__(self, key: object) -> bool:
        return key in _READER_PATHS or dict.__contains__(self, key)

    def keys(self):  # type: ignore[override]
        return _READER_PATHS.keys()


READERS: dict[str, Reader] = _Registry()


def register_reader(file_type: str, path: str) -> None:
    """Add or replace a reader: ``path`` is "module:function" taking (data, SourceInfo)."""
    _READER_PATHS[file_type] = path
    dict.pop(READERS, file_type, None)


def read_file(
    path: str | os.PathLike | None = None,
    *,
    data: bytes | None = None,
    name: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    check_report: bool = True,
    member_of: str | None = None,
) -> Document:
    """Read one file (or ``data`` bytes called ``name``) into a Document; LoaderError on bad input.

    ``check_report`` applies the annual-report gate (NotAnAnnualReport); switch it off to inspect
    arbitrary documents.
    """
    label = safe_name(name or (str(path) if path is not None else "<bytes>"))
    if data is None:
        if path is None:
            raise ValueError("read_file needs a path or data")
        p = Path(path)
        if p.is_dir():
            raise UnsupportedFormat(label, "这是文件夹，请用 iter_documents 读取其中的文件")
        data = _read_bytes(p, label, max_bytes)
    file_type = _file_type(data, label, max_bytes)
    if file_type == detect.ZIP:
        raise UnsupportedFormat(label, "这是压缩包，请用 ingest 导入其中的文件")
    return _read_typed(data, label, file_type, check_report=check_report, member_of=member_of)


def _read_bytes(p: Path, label: str, max_bytes: int) -> bytes:
    """A file's bytes; a file over ``max_bytes`` is refused before it is read."""
    try:
        size = p.stat().st_size
        if size > max_bytes:
            raise FileTooLarge(label, f"{size} 字节，上限 {max_bytes} 字节")
        return p.read_bytes()
    except OSError as e:  # permissions, vanished file, device errors
        raise CorruptFile(label, f"无法打开：{e.strerror}") from None


def _file_type(data: bytes, label: str, max_bytes: int) -> str:
    if len(data) > max_bytes:
        raise FileTooLarge(label, f"{len(data)} 字节，上限 {max_bytes} 字节")
    return detect.sniff_type(data, label)


def _read_typed(data: bytes, label: str, file_type: str, *, check_report: bool, member_of: str | None) -> Document:
    """Bytes of a sniffed (non-archive) type → Document, through its reader."""
    source = SourceInfo(name=label, sha256=hashlib.sha256(data).hexdigest(), size=len(data), file_type=file_type,
                        member_of=member_of)
    if file_type not in READERS:
        raise UnsupportedFormat(label, f"{file_type} 读取器不可用")
    if file_type in (detect.TXT, detect.MD) and len(data) > 4 * MAX_DOCUMENT_CHARS:
        # no encoding takes more than 4 bytes a character: too long before it is even decoded
        raise TooComplex(label, f"文字超过 {MAX_DOCUMENT_CHARS // 10_000} 万字")
    try:
        doc = READERS[file_type](data, source)
    except LoaderError as e:
        if not e.file:  # raised by a shared helper that does not know the file: name it here
            raise type(e)(label, e.detail) from None
        raise
    except MemoryError:
        raise MemoryLimit(label, "读取此文件所需内存超过上限") from None
    except RecursionError:
        raise TooComplex(label, "嵌套层级过深") from None
    except Exception as e:  # a library choking on malformed input: a typed error, not a crash
        raise CorruptFile(label, f"{type(e).__name__}: {e}") from e
    if len(doc.text()) > MAX_DOCUMENT_CHARS:
        raise TooComplex(label, f"文字超过 {MAX_DOCUMENT_CHARS // 10_000} 万字")
    fill_norms(doc)
    if check_report and doc.status == "ok":
        check_annual_report(doc)
    return doc


def check_annual_report(doc: Document) -> None:
    """Raise NotAnAnnualReport unless the text has a word from each REPORT_MARKERS group."""
    text = norm((doc.title or "") + "\n" + doc.text()[:200_000])
    for group in REPORT_MARKERS:
        if not any(norm(w) in text for w in group):
            raise NotAnAnnualReport(doc.source.name, f"未出现“{'/'.join(group)}”")


def require_text(doc: Document) -> Document:
    """For callers that cannot use a scanned document: raise ScannedDocument for one."""
    if doc.status == "scanned":
        raise ScannedDocument(doc.source.name)
    return doc


def walk_files(paths: Iterable[str | os.PathLike]) -> Iterator[Path]:
    """Every file under ``paths``: folders recursively in sorted order, hidden files and folders skipped."""
    for p in paths:
        p = Path(p)
        if p.is_dir():
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for f in sorted(files):
                    if not f.startswith("."):
                        yield Path(root) / f
        else:
            yield p


def iter_documents(
    paths: Iterable[str | os.PathLike] | str | os.PathLike,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    check_report: bool = True,
) -> Iterator[Document | LoaderError]:
    """A Document or the LoaderError for every file under ``paths``; zip members read in memory."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    for p in walk_files(paths):
        label = safe_name(str(p))
        try:
            if not p.exists():
                raise CorruptFile(label, "文件不存在")
            data = _read_bytes(p, label, max_bytes)
        except LoaderError as e:
            yield e
            continue
        yield from iter_data(data, label, max_bytes=max_bytes, check_report=check_report)


def iter_data(
    data: bytes, label: str, *, max_bytes: int = DEFAULT_MAX_BYTES, check_report: bool = True
) -> Iterator[Document | LoaderError]:
    """``iter_documents`` for one file's bytes already in memory (``label`` names it): a Document or
    LoaderError per member of a zip archive, else exactly one."""
    for item, _raw in iter_sources(data, label, max_bytes=max_bytes, check_report=check_report):
        yield item


Source = tuple[Document, bytes] | tuple[LoaderError, None]


def iter_sources(
    data: bytes, label: str, *, max_bytes: int = DEFAULT_MAX_BYTES, check_report: bool = True
) -> Iterator[Source]:
    """``iter_data`` with each Document's own bytes (a zip member's, unpacked once), for callers
    that keep the original; an error comes with None."""
    label = safe_name(label)
    try:
        file_type = _file_type(data, label, max_bytes)
        if file_type == detect.ZIP:
            yield from _iter_archive(data, label, max_bytes=max_bytes, check_report=check_report)
            return
        doc = _read_typed(data, label, file_type, check_report=check_report, member_of=None)
    except LoaderError as e:
        yield e, None
        return
    yield doc, data


def _iter_archive(data: bytes, label: str, *, max_bytes: int, check_report: bool) -> Iterator[Source]:
    try:
        members = list(iter_members(data, label, max_bytes=max_bytes))
    except LoaderError as e:
        yield e, None
        return
    pages = _page_images(members)
    if pages:
        # A zip of page images is one scanned report, its pages in name order.
        try:
            yield _read_page_images(data, label, pages, check_report=check_report), data
        except LoaderError as e:
            yield e, None
        return
    try:
        for m in members:
            member_label = f"{label}!{m.name}"
            if m.error is not None or m.data is None:
                yield (m.error if isinstance(m.error, LoaderError) else CorruptFile(member_label, str(m.error))), None
                continue
            try:
                file_type = _file_type(m.data, member_label, max_bytes)
                if file_type == detect.ZIP:
                    # Nested archives are not opened: one level is what offices send, more is a bomb pattern.
                    raise UnsupportedFormat(member_label, "压缩包内嵌套的压缩包")
                doc = _read_typed(m.data, member_label, file_type, check_report=check_report, member_of=label)
                _mark_member(doc, m.name)
                yield doc, m.data
            except LoaderError as e:
                yield e, None
    except LoaderError as e:
        yield e, None
        return
    if not members:  # an empty archive, or folders only: still one line in the run log
        yield EmptyFile(label, "压缩包内没有文件"), None


def _page_images(members) -> list:
    """The members, in natural name order, when every one is a page image; else []."""
    if not members or any(m.error is not None or m.data is None for m in members):
        return []
    if not all(m.data.startswith(detect._IMAGE_MAGIC) for m in members):
        return []
    return sorted(members, key=lambda m: [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", m.name)])


def _read_page_images(data: bytes, label: str, pages, *, check_report: bool) -> Document:
    from .ocr import read_images

    source = SourceInfo(name=label, sha256=hashlib.sha256(data).hexdigest(), size=len(data), file_type=detect.IMAGE)
    try:
        doc = read_images([m.data for m in pages], source)
    except LoaderError:
        raise
    except Exception as e:  # an image library choking on a malformed page
        raise CorruptFile(label, f"{type(e).__name__}: {e}") from e
    doc.meta["page_files"] = ",".join(m.name for m in pages)
    fill_norms(doc)
    if check_report and doc.status == "ok":
        check_annual_report(doc)
    return doc


def _mark_member(doc: Document, member: str) -> None:
    """Stamp Location.member on every block and cell of a document read from an archive."""
    for b in doc.blocks:
        b.loc = replace(b.loc or Location(), member=member)
        if isinstance(b, Table):
            for row in b.rows:
                for c in row:
                    c.loc = replace(c.loc or Location(), member=member)


__all__ = ["DEFAULT_MAX_BYTES", "READERS", "check_annual_report", "iter_data", "iter_documents", "iter_sources",
           "read_file", "register_reader", "require_text", "walk_files"]
