"""What a file is and how its text is encoded — sniffed from the bytes, not trusted from the name.

``sniff_type`` looks at magic numbers and markup first and falls back to the extension only to
tell Markdown from plain text or .doc from .wps (same container). ``decode_text`` finds the
encoding: BOM, then strict UTF-8, then UTF-16 without BOM (NUL-byte pattern), then
charset-normalizer's best guess among the encodings Chinese reports are published in.
"""

from __future__ import annotations

import codecs
import re
import zipfile
from io import BytesIO
from pathlib import PurePath

from charset_normalizer import from_bytes

from .errors import CorruptFile, EmptyFile, UndecodableText, UnsupportedFormat

PDF = "pdf"
DOCX = "docx"
DOC = "doc"
WPS = "wps"
HTML = "html"
TXT = "txt"
MD = "md"
ZIP = "zip"
IMAGE = "image"  # a scanned page: PNG, JPEG or TIFF (read by OCR)

FILE_TYPES = (PDF, DOCX, DOC, WPS, HTML, TXT, MD, ZIP, IMAGE)
_IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML_START = re.compile(rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|meta|table|div|p)\b",
                         re.I | re.S)
_HTML_ANYWHERE = re.compile(rb"<(html|body|table|/p|/div)\b", re.I)
_MD_EXT = {".md", ".markdown", ".mdown"}
_HTML_EXT = {".html", ".htm", ".shtml", ".xhtml", ".mht"}
# Encodings charset-normalizer may choose between for Chinese reports; anything else is a guess
# on binary data or a Latin-1 lookalike of GBK, both wrong here.
_CJK_ENCODINGS = ("utf_8", "gb18030", "gbk", "gb2312", "big5", "big5hkscs", "cp950", "hz", "utf_16", "utf_16_le",
                  "utf_16_be", "utf_32", "ascii")


def sniff_type(data: bytes, name: str) -> str:
    """One of FILE_TYPES; raises EmptyFile / UnsupportedFormat naming ``name``."""
    if not data.strip():
        raise EmptyFile(name)
    ext = PurePath(name).suffix.lower()
    head = data[:2048]
    if head.startswith(b"%PDF-") or b"%PDF-" in data[:1024]:
        return PDF
    if head.startswith(_OLE2):
        # One container for Word, WPS, Excel and PowerPoint: the extension tells them apart.
        if ext in {".xls", ".et", ".ppt", ".dps", ".msg"}:
            raise UnsupportedFormat(name, "电子表格/演示文稿等 Office 文件，不是报告正文")
        return WPS if ext == ".wps" else DOC
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        try:
            with zipfile.ZipFile(BytesIO(data)) as zf:
                names = set(zf.namelist())
        except zipfile.BadZipFile:
            # A Word file or archive cut short — the central directory is at the end.
            raise CorruptFile(name, "ZIP 结构损坏（文件可能不完整）") from None
        if "word/document.xml" in names:
            return DOCX
        if any(n.startswith(("xl/", "ppt/")) for n in names):
            raise UnsupportedFormat(name, "Excel/PowerPoint 文件")
        return ZIP
    if head.startswith(_IMAGE_MAGIC):
        return IMAGE
    for magic, what in ((b"GIF8", "GIF 图片"), (b"Rar!", "RAR 压缩包"), (b"7z\xbc\xaf", "7z 压缩包"),
                        (b"\x1f\x8b", "gzip 压缩包"), (b"{\\rtf", "RTF 文档")):
        if head.startswith(magic):
            raise UnsupportedFormat(name, what)
    # Text-like from here on: look at the decoded start so UTF-16 HTML is recognised too.
    text_head = _peek_text(head)
    if _HTML_START.match(text_head) or (ext in _HTML_EXT and _HTML_ANYWHERE.search(text_head)):
        return HTML
    if _HTML_ANYWHERE.search(text_head) and b"</" in text_head:
        return HTML
    if ext in _MD_EXT:
        return MD
    return TXT


def _peek_text(head: bytes) -> bytes:
    """The start of the file as ASCII-compatible bytes (UTF-16 folded to 8-bit) for markup sniffing."""
    for bom, enc in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if head.startswith(bom):
            return head[2:].decode(enc, "ignore").encode("utf-8", "ignore")
    enc = _utf16_without_bom(head)
    if enc:
        return head.decode(enc, "ignore").encode("utf-8", "ignore")
    return head.removeprefix(codecs.BOM_UTF8)


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text without BOM has NUL high bytes on ASCII characters at every other position."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even = sample[0::2]
    odd = sample[1::2]
    if odd.count(0) > 0.3 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.3 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    # All-CJK UTF-16 has no NULs; it is recognised by decoding cleanly to CJK below.
    return None


def _looks_like_text(text: str) -> bool:
    """Decoded text should be mostly printable; binary junk decodes into controls and rare symbols."""
    if not text:
        return False
    sample = text[:20000]
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\n\r\f\v") or 0xE000 <= ord(ch) <= 0xF8FF
              or ch == "\ufffd")
    return bad <= 0.01 * len(sample)


def _cjk_ratio(text: str) -> float:
    sample = text[:20000]
    if not sample:
        return 0.0
    return sum(1 for ch in sample if "\u4e00" <= ch <= "\u9fff") / len(sample)


def decode_text(data: bytes, name: str) -> tuple[str, str]:
    """(text, encoding name). Raises UndecodableText naming ``name`` if no encoding fits."""
    if not data.strip():
        raise EmptyFile(name)
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                     (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError as e:
                raise UndecodableText(name, f"带 {enc} 标记但解码失败：{e.reason}") from None
            return text, enc
    try:
        text = data.decode("utf-8")
        if _looks_like_text(text):
            return text, "utf-8"
    except UnicodeDecodeError:
        pass
    enc16 = _utf16_without_bom(data)
    if enc16:
        try:
            text = data.decode(enc16)
            if _looks_like_text(text):
                return text, enc16
        except UnicodeDecodeError:
            pass
    return _decode_legacy(data, name)


def _decode_legacy(data: bytes, name: str) -> tuple[str, str]:
    """GBK/GB18030/Big5 and friends: ask charset-normalizer, keep only CJK-plausible answers."""
    matches = from_bytes(data, cp_isolation=list(_CJK_ENCODINGS))
    candidates: list[tuple[float, str, str]] = []
    for m in matches:
        enc = m.encoding
        try:
            text = data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
        if not _looks_like_text(text):
            continue
        # Prefer the reading with the fewest oddities and the most CJK text; GB18030 is a superset
        # of GBK/GB2312, so report it under one name.
        candidates.append((m.chaos - _cjk_ratio(text), _canonical(enc), text))
    if not candidates:
        # charset-normalizer gives up on short samples; the two big legacy codecs, strictly.
        for enc in ("gb18030", "big5"):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError:
                continue
            if _looks_like_text(text) and _cjk_ratio(text) > 0.1:
                candidates.append((-_cjk_ratio(text), enc, text))
    if not candidates:
        raise UndecodableText(name)
    candidates.sort(key=lambda c: c[0])
    _, enc, text = candidates[0]
    if enc == "big5":
        # Short GBK samples are often taken for Big5. Simplified Chinese in GBK stays within
        # GB2312's 6,763 common characters; Big5 bytes read as GBK almost never do.
        try:
            gb = data.decode("gb18030")
            gb.encode("gb2312")
            if _looks_like_text(gb) and _cjk_ratio(gb) > 0:
                return gb, "gb18030"
        except (UnicodeDecodeError, UnicodeEncodeError):
            pass
    return text, enc


def _canonical(enc: str) -> str:
    enc = enc.lower().replace("-", "_")
    if enc in {"gbk", "gb2312", "gb18030"}:
        return "gb18030"
    if enc in {"big5", "big5hkscs", "cp950"}:
        return "big5"
    return enc.replace("_", "-")


# A damaged file: at most this share of its bytes undecodable (and at most _MAX_DAMAGED_BYTES) —
# one flipped byte in a report, not a binary file read as text.
_MAX_DAMAGED_SHARE = 0.001
_MAX_DAMAGED_BYTES = 200
DAMAGE_MARK = "\ufffd"  # what an undecodable byte becomes; the parser reads no number next to one


def decode_damaged(data: bytes, name: str) -> tuple[str, str, int]:
    """(text, encoding, bytes replaced) for a file that decodes cleanly in one encoding except for a
    few bytes; UndecodableText when none fits. Only called after ``decode_text`` failed."""
    best: tuple[int, str, str] | None = None
    for enc in ("utf-8", "gb18030", "big5"):
        bad = 0

        def count(e: UnicodeDecodeError) -> tuple[str, int]:
            nonlocal bad
            bad += e.end - e.start
            return DAMAGE_MARK, e.end

        codecs.register_error("gongkai-count", count)
        try:
            text = data.decode(enc, "gongkai-count")
        except UnicodeDecodeError:
            continue
        if bad and (best is None or bad < best[0]) and _looks_like_text(text) and _cjk_ratio(text) > 0.02:
            best = (bad, enc, text)
    if best is None or best[0] > max(1, min(_MAX_DAMAGED_BYTES, len(data) * _MAX_DAMAGED_SHARE)):
        raise UndecodableText(name)
    bad, enc, text = best
    return text, enc, bad
