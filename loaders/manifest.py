"""An optional manifest CSV: what the person loading the files already knows about them.

Columns: ``file`` (required: the file name, matched on its base name) and any subset of
``year, agency, region, province, city, county, level, category, publish_date``; other columns
(source URL, notes …) are kept in the row but not used as metadata. A non-empty manifest value
overrides what the parser extracted, with source "清单(manifest)".
"""

from __future__ import annotations

from pathlib import Path, PurePath

from .csvinput import read_csv_records
from .errors import LoaderError

MANIFEST_SOURCE = "清单(manifest)"
# Manifest columns that override a ParsedReport metadata field of the same name.
META_COLUMNS = ("year", "agency", "region", "province", "city", "county", "level", "category", "publish_date")


class ManifestError(LoaderError):
    kind = "manifest"
    reason_zh = "清单文件无法使用"


def manifest_key(name: str) -> str:
    """The key a file is looked up by: its base name (a manifest lists names, not paths)."""
    return PurePath(name.replace("\\", "/")).name


def read_manifest(path: str | Path) -> dict[str, dict[str, str]]:
    """file name → row (column → stripped text). Raises ManifestError for an unusable CSV."""
    fields, records = read_csv_records(path, ManifestError)
    if "file" not in fields:
        raise ManifestError(str(path), "缺少 file 列")
    rows: dict[str, dict[str, str]] = {}
    for line_no, row in records:
        name = row.get("file", "")
        if not name:
            raise ManifestError(str(path), f"第{line_no}行缺少文件名")
        rows[manifest_key(name)] = row
    return rows


def manifest_row_for(manifest: dict[str, dict[str, str]] | None, file_name: str) -> dict[str, str] | None:
    if not manifest:
        return None
    return manifest.get(manifest_key(file_name))


def manifest_values(row: dict[str, str] | None) -> dict[str, object]:
    """The metadata a manifest row sets: only non-empty META_COLUMNS; year as int where it is one."""
    out: dict[str, object] = {}
    for col in META_COLUMNS:
        v = (row or {}).get(col, "")
        if not v:
            continue
        if col == "year":
            try:
                out[col] = int(v)
            except ValueError:
                continue  # an unreadable year is not an override
        else:
            out[col] = v
    return out
