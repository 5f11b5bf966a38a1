"""Hostile inputs, regenerated in the tests (nothing stored): each one a failure seen in a fuzz pass."""

from __future__ import annotations

import io
import zipfile

from loaders.synth.records import generate_reports
from loaders.synth.render import render


def good_report(renderer: str = "txt-tsv", year: str = "2023", i: int = 0) -> bytes:
    recs = list(generate_reports(i + 1, year))
    return render(recs[i], renderer)


def broken_deflate(data: bytes, member: str) -> bytes:
    """``data`` (a zip) with flipped bytes inside ``member``'s deflate stream (the CRC is never reached)."""
    out = bytearray(data)
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(member)
    extra = int.from_bytes(out[info.header_offset + 28:info.header_offset + 30], "little")
    start = info.header_offset + 30 + len(info.filename.encode()) + extra
    for k in range(40, min(200, info.compress_size - 8), 7):
        out[start + k] ^= 0xFF
    return bytes(out)


def broken_zlib_docx() -> bytes:
    """A real DOCX whose word/document.xml stream is broken."""
    return broken_deflate(good_report("docx"), "word/document.xml")


def zip_of(members: dict[str, bytes], folders: tuple[str, ...] = ()) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for d in folders:
            zf.writestr(zipfile.ZipInfo(d.rstrip("/") + "/"), b"")
        for name, body in members.items():
            zf.writestr(name, body)
    return buf.getvalue()
