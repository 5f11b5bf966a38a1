"""The small CSV files a person hands in next to the reports (manifest, roster).

Offices save them from Excel or WPS as UTF-8 (often with a BOM) or GB18030; column names are
matched case- and space-insensitively and values are stripped, so both inputs read alike.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

from .errors import LoaderError

ENCODINGS = ("utf-8-sig", "gb18030")


def read_csv_records(
    path: str | os.PathLike, error: type[LoaderError]
) -> tuple[set[str], list[tuple[int, dict[str, str]]]]:
    """(column names, [(line number, column → stripped text)]); ``error`` for an unusable file.

    Column names are lower-cased and stripped; a column without a name is dropped.
    """
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as e:
        raise error(str(p), f"无法打开（{e.strerror or e}）") from e
    for enc in ENCODINGS:
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise error(str(p), "无法识别文本编码")
    reader = csv.DictReader(text.splitlines())
    fields = {(f or "").strip().lower() for f in reader.fieldnames or []}
    records = [
        (line_no, {k.strip().lower(): (v or "").strip() for k, v in rec.items() if k})
        for line_no, rec in enumerate(reader, start=2)
    ]
    return fields, records
