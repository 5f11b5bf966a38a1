"""Every OCR-read number checked: a doubtful reading is never stored as if it were printed.

A cell read by OCR carries its weakest character's probability (``Location.ocr``). Before the
consistency rules run:

1. doubtful cells: confidence below ``ocr_doubt``, or ink the OCR read as something that is no
   value (a letter for a digit);
2. a failing equation whose cells are all trusted is the source's own finding (left to
   validate). One that fails with a cell below ``ocr_sure`` makes those cells doubtful too: the
   reading, not the source, is the likelier cause;
3. each doubtful cell is settled by the table's equations when they decide it uniquely: every
   equation through the cell whose other cells are trusted implies one value, and all of them
   agree. If that is the OCR's own reading the cell is confirmed; otherwise it takes the implied
   value with the note 由勾稽关系确定（OCR 原读 …）— only when two equations agree or the value
   is the OCR's runner-up reading, since one equation alone cannot tell a misread digit from a
   source that does not add up. Cells changed this way do not settle others (a mistake cannot
   travel);
4. a doubtful cell nothing decides is unread: value None and a P1 finding whose candidates are
   the OCR's reading, its runner-up readings and the sum-implied values.
"""

from __future__ import annotations

from itertools import product

from ..model import CellValue, Finding, ParsedReport
from ..spec import PARSE, sum_checks
from ..spec.rules import PARSE_UNCERTAIN, SumCheck
from ..spec.values import ValueStatus
from .cellvalue import number_of
from .settings import ParseSettings

NOTE_CONFIRMED = "OCR 低置信，经勾稽关系印证"
NOTE_DECIDED = "由勾稽关系确定（OCR 原读 {raw}）"
NOTE_UNREAD = "识别存疑：OCR 读数置信度低，勾稽关系无法唯一确定"

Number = int | float


def check_ocr_cells(report: ParsedReport, settings: ParseSettings) -> None:
    """Settle or unread the doubtful OCR readings of a report's cells (in place)."""
    ocr = {k: c for k, c in report.cells.items() if c.loc is not None and c.loc.ocr is not None}
    if not ocr:
        return
    checks = sum_checks(report.fmt)
    doubtful = {k for k, c in ocr.items() if _doubtful(c, settings)}
    values = {k: c.value for k, c in report.cells.items()}
    for chk in checks:
        if doubtful & set(chk.keys) or _holds(chk, values) is not False:
            continue
        weak = {k for k in chk.keys if k in ocr and ocr[k].loc.ocr.confidence < settings.ocr_sure}
        doubtful |= weak
    if not doubtful:
        return
    trusted = {k: v for k, v in values.items() if k not in doubtful}
    for k in sorted(doubtful):
        cell = report.cells[k]
        implied = _implied(k, checks, trusted, doubtful)
        if len(set(implied)) == 1 and _is_count(implied[0]):
            v = implied[0]
            if cell.status == ValueStatus.NUMBER and cell.value == v:
                cell.note = _join(cell.note, NOTE_CONFIRMED)
                trusted[k] = v  # confirmed by the sums: as good as a sure reading
                continue
            if len(implied) >= 2 or str(int(v)) in _alternatives(cell):
                report.cells[k] = CellValue(v, ValueStatus.NUMBER, cell.raw, cell.loc, cell.unit,
                                            _join(cell.note, NOTE_DECIDED.format(raw=cell.raw or "空白")))
                continue
        report.cells[k] = CellValue(None, ValueStatus.MISSING, cell.raw, cell.loc, None, NOTE_UNREAD)
        report.findings.append(_unread_finding(k, cell, implied, settings))


def _doubtful(c: CellValue, settings: ParseSettings) -> bool:
    r = c.loc.ocr
    if not r.inked:
        return False  # a clean blank crop: certain
    if c.status == ValueStatus.TEXT:
        return True  # ink in a value cell that reads as no value ("O", "l", "日")
    return r.confidence < settings.ocr_doubt


def _holds(chk: SumCheck, values: dict) -> bool | None:
    left = [values.get(k) for k in chk.left]
    right = [values.get(k) for k in chk.right]
    if all(v is None for v in left) or all(v is None for v in right):
        return None
    return abs(sum(v for v in left if v is not None) - sum(v for v in right if v is not None)) < 1e-9


def _implied(key: str, checks: tuple[SumCheck, ...], trusted: dict, doubtful: set[str]) -> list[Number]:
    """The value each equation through ``key`` gives it, from equations whose other cells are trusted."""
    out: list[Number] = []
    for chk in checks:
        if key not in chk.keys or any(k in doubtful and k != key and k not in trusted for k in chk.keys):
            continue
        same, other = (chk.left, chk.right) if key in chk.left else (chk.right, chk.left)
        others = [trusted.get(k) for k in other]
        rest = [trusted.get(k) for k in same if k != key]
        if all(v is None for v in others):
            continue  # nothing printed on the other side: the equation says nothing (blank ≠ 0)
        out.append(sum(v for v in others if v is not None) - sum(v for v in rest if v is not None))
    return out


def _is_count(v: Number) -> bool:
    return v >= 0 and float(v).is_integer()


def _unread_finding(key: str, cell: CellValue, implied: list[Number], settings: ParseSettings) -> Finding:
    cands: list = []
    if cell.raw:
        cands.append(cell.raw)
    for alt in _alternatives(cell):
        if alt not in cands:
            cands.append(alt)
    for v in implied:
        if _is_count(v) and str(int(v)) not in cands:
            cands.append(str(int(v)))
    conf = cell.loc.ocr.confidence
    why = "各勾稽关系推得的值不一致" if len(set(implied)) > 1 else (
        "推得的值不是非负整数" if implied else "无可用的勾稽关系")
    where = cell.loc.describe() if cell.loc else ""
    return Finding(
        rule=PARSE_UNCERTAIN.id,
        severity=PARSE_UNCERTAIN.severity if not settings.strict else "error",
        kind=PARSE,
        message=f"{key}：OCR 读作「{cell.raw or '空白'}」（置信度 {conf:.2f}），{why}，未取值，请对照原件核对",
        keys=(key,),
        found=cell.raw,
        where=where,
        candidates=cands[: settings.max_candidates],
    )


def _alternatives(cell: CellValue) -> list[str]:
    """The reading with doubtful characters swapped for the OCR's runner-ups (numbers only)."""
    raw = cell.raw
    alts = [a for a in cell.loc.ocr.alternatives if a[0] in raw]
    if not alts or len(alts) > 3:
        return []
    out = []
    positions = [i for i, ch in enumerate(raw) if any(ch == a[0] for a in alts)]
    choices = [(raw[i], next(a[1] for a in alts if a[0] == raw[i])) for i in positions]
    for pick in product(*choices):
        s = list(raw)
        for i, ch in zip(positions, pick, strict=True):
            s[i] = ch
        t = "".join(s)
        if t != raw and number_of(t) is not None:
            out.append(t)
    return out[:4]


def _join(a: str, b: str) -> str:
    return f"{a}；{b}" if a else b
