"""Review decisions to and from a file (JSON or CSV), for a warehouse rebuilt from the original files.

Both forms hold the whole journal, every field of every decision, and read back to equal
``Decision`` objects (so undo chains, case histories and notes come back exactly).

* **JSON** — ``{"gongkai_review_decisions": 1, "decisions": [...]}``, the journal's own records.
* **CSV** — for a clerk who opens it in Excel: UTF-8 with a BOM, CRLF, one decision a row, a
  header ``中文名 field`` per column (``COLUMNS``), numbers as numbers (``repr``: exact), ``extra``
  as JSON text. Formula injection: a text cell that ``export.looks_like_formula`` (the project's
  one rule, ``export.neutralise_text``) gets a leading apostrophe as in every other export — and so
  does a text that already starts with an apostrophe. The import then strips exactly one leading
  apostrophe from every text cell that has one, which makes the mapping lossless: ``=SUM(A1)`` ↔
  ``'=SUM(A1)``, ``'x`` ↔ ``''x``, ``x`` ↔ ``x``. An empty cell of an optional field (``sha256``,
  ``action``, ``parser_status``, ``deadline``) is ``None``; an empty string there is written ``'``.
  (``neutralise_text`` itself also drops control characters XLSX cannot hold; CSV can hold them,
  so they are kept — dropping them would not round-trip.)

Import is all or nothing for a bad file: every row is read and checked (``review._check``, the
id's shape) before the first is written; a file that fails names the row and the reason and adds
nothing. Each decision is then written as the journal writes it (atomic file, ids already present
skipped), so an import interrupted by a crash is finished by importing the same file again.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import fields
from pathlib import Path

from .export import looks_like_formula
from .review import Decision, DecisionError, _check, _names, _write, journal_dir, load

FORMAT_KEY = "gongkai_review_decisions"

# (field, 中文名) in the order of the CSV's columns; every Decision field exactly once.
COLUMNS = (
    ("decision_id", "决定编号"), ("decided_at", "决定时间（UTC）"), ("reviewer", "审查员"), ("kind", "类型"),
    ("target", "对象"), ("sha256", "文件哈希"), ("action", "动作"), ("value", "核定值"),
    ("parser_value", "解析值"), ("parser_status", "解析状态"), ("note", "说明"), ("deadline", "整改期限"),
    ("extra", "附加信息（JSON）"),
)
HEADER = [f"{label} {name}" for name, label in COLUMNS]
NUMBERS = frozenset({"value", "parser_value"})
OPTIONAL = frozenset({"sha256", "action", "parser_status", "deadline"})
assert [n for n, _ in COLUMNS] == [f.name for f in fields(Decision)], "COLUMNS must list every Decision field"

_ID = re.compile(r"[0-9A-Za-z]+(-[0-9A-Za-z]+)*")  # review.new_id's shape: also a safe file name


# ------------------------------------------------------------------------------ export


def export_json(db: Path | str) -> bytes:
    """The whole journal as one JSON document."""
    return json.dumps({FORMAT_KEY: 1, "decisions": [d.to_json() for d in load(db)]},
                      ensure_ascii=False, indent=1).encode("utf-8")


def _text_cell(value: str | None, optional: bool) -> str:
    if value is None:
        return ""
    if value == "" and optional:
        return "'"
    if value.startswith("'") or looks_like_formula(value):
        return "'" + value
    return value


def _cell(d: Decision, name: str) -> str:
    v = getattr(d, name)
    if name in NUMBERS:
        return "" if v is None else repr(float(v))
    if name == "extra":
        v = json.dumps(v, ensure_ascii=False, sort_keys=True)
    return _text_cell(v, name in OPTIONAL)


def export_csv(db: Path | str) -> bytes:
    """The whole journal as a CSV that opens in Excel (see the module's rules)."""
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(HEADER)
    for d in load(db):
        w.writerow([_cell(d, name) for name, _ in COLUMNS])
    return buf.getvalue().encode("utf-8-sig")


# ------------------------------------------------------------------------------ read


def read_json(data: bytes) -> list[Decision]:
    try:
        doc = json.loads(data.decode("utf-8-sig"))
        if not isinstance(doc, dict) or FORMAT_KEY not in doc:
            raise ValueError(f"缺少 {FORMAT_KEY} 标记")
        items = [Decision.from_json(x) for x in doc["decisions"]]
    except (ValueError, KeyError, TypeError) as e:
        raise DecisionError(f"不是 gongkai 审查决定导出文件（{e}）") from e
    for i, d in enumerate(items, 1):
        _validate(d, f"第 {i} 条决定")
    return items


def _text_value(cell: str, optional: bool) -> str | None:
    if cell == "":
        return None if optional else ""
    return cell[1:] if cell.startswith("'") else cell


def _row_decision(row: list[str]) -> Decision:
    values: dict[str, object] = {}
    for (name, label), cell in zip(COLUMNS, row, strict=True):
        if name in NUMBERS:
            try:
                values[name] = None if cell == "" else float(cell)
            except ValueError:
                raise DecisionError(f"{label}不是数值：{cell[:40]}") from None
        elif name == "extra":
            try:
                extra = json.loads(_text_value(cell, False) or "{}")
            except ValueError:
                extra = None
            if not isinstance(extra, dict):
                raise DecisionError(f"{label}不是 JSON 对象：{cell[:40]}")
            values[name] = extra
        else:
            values[name] = _text_value(cell, name in OPTIONAL)
    return Decision(**values)  # type: ignore[arg-type]


def read_csv(data: bytes) -> list[Decision]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DecisionError("不是 UTF-8 编码的 CSV（请使用看板或命令行导出的原文件）") from None
    rows = csv.reader(io.StringIO(text, newline=""), strict=True)
    out = []
    try:
        header = next(rows, None)
        if header != HEADER:
            raise DecisionError("不是 gongkai 审查决定导出文件（表头不符）")
        for row in rows:
            if not row:
                continue  # a blank line
            where = f"第 {rows.line_num} 行"
            if len(row) != len(COLUMNS):
                raise DecisionError(f"{where}：应有 {len(COLUMNS)} 列，实有 {len(row)} 列")
            try:
                d = _row_decision(row)
            except DecisionError as e:
                raise DecisionError(f"{where}：{e}") from None
            _validate(d, where)
            out.append(d)
    except csv.Error as e:
        raise DecisionError(f"CSV 格式错误（第 {rows.line_num} 行：{e}）") from None
    return out


def _validate(d: Decision, where: str) -> None:
    if not isinstance(d.decision_id, str) or not _ID.fullmatch(d.decision_id):
        raise DecisionError(f"{where}：决定编号无效")
    if not isinstance(d.decided_at, str) or not d.decided_at:
        raise DecisionError(f"{where}：缺少决定时间")
    try:
        _check(d)
    except DecisionError as e:
        raise DecisionError(f"{where}：{e}") from None
    except (TypeError, AttributeError) as e:  # a field of the wrong type in a JSON file
        raise DecisionError(f"{where}：字段类型错误（{e}）") from None


def is_csv(data: bytes, name: str = "") -> bool:
    """The form of a decisions file: by its extension (.csv / .json), else by its content."""
    suffix = Path(name).suffix.lower()
    if suffix in (".csv", ".json"):
        return suffix == ".csv"
    return not data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")


def read_decisions(data: bytes, name: str = "") -> list[Decision]:
    return read_csv(data) if is_csv(data, name) else read_json(data)


# ------------------------------------------------------------------------------ import


def import_decisions(db: Path | str, items: list[Decision]) -> int:
    """Add checked decisions to this warehouse's journal; ids already present are skipped. Returns how
    many were added."""
    have = set(_names(db))
    added = 0
    for d in items:
        if f"{d.decision_id}.json" not in have:
            _write(journal_dir(db), d)
            have.add(f"{d.decision_id}.json")
            added += 1
    return added


def import_file(db: Path | str, data: bytes, name: str = "") -> int:
    """Read a JSON or CSV export (all of it checked first: a bad file adds nothing) and import it."""
    return import_decisions(db, read_decisions(data, name))
