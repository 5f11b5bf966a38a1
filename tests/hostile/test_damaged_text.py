"""A text or HTML report with one bad byte is read with the byte replaced and a warning — not
rejected as a whole — and no number touching the damage is read (it may have lost a digit)."""

from __future__ import annotations

import pytest

from loaders.errors import UndecodableText
from loaders.parse import parse_document
from loaders.readers import read_file

from .make import good_report


def _flip_byte_in(data: bytes, needle: bytes) -> bytes:
    i = data.index(needle)
    return data[:i] + b"\xff" + data[i + 1:]


def _truth(renderer: str, encoding: str) -> tuple[bytes, dict]:
    data = good_report(renderer).decode("utf-8").encode(encoding)
    report = parse_document(read_file(data=data, name=f"ok.{renderer[:4]}"))
    return data, {k: c.value for k, c in report.cells.items()}


@pytest.mark.parametrize(("renderer", "encoding"), [("txt-tsv", "utf-8"), ("txt-tsv", "gb18030"),
                                                    ("html-cms", "utf-8"), ("html-word", "gb18030")])
def test_one_bad_byte_is_replaced_with_a_warning(renderer, encoding):
    data, truth = _truth(renderer, encoding)
    # the flipped byte falls into the digits of 行政许可's number (132568): that cell must stay unread
    damaged = _flip_byte_in(data, "132568".encode(encoding))
    doc = read_file(data=damaged, name=f"坏一字节.{renderer[:4]}")
    assert any("无法按" in w and "解码" in w for w in doc.warnings), doc.warnings
    report = parse_document(doc)
    got = {k: c.value for k, c in report.cells.items()}
    assert got.get("t2.art20_5.admin_license.decisions") is None
    wrong = {k: (truth.get(k), v) for k, v in got.items() if v is not None and v != truth.get(k)}
    assert wrong == {}  # nothing read differs from the undamaged file's reading
    read = sum(v is not None for v in got.values())
    assert read >= sum(v is not None for v in truth.values()) - 3  # the rest of the report is read


def test_binary_is_still_refused():
    noise = bytes((i * 7919) % 256 for i in range(20000))
    with pytest.raises(UndecodableText):
        read_file(data=noise, name="noise.txt", check_report=False)
