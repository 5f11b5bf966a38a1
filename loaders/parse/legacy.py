"""Figures a pre-2019 report states: applications received and items proactively disclosed.

Legacy reports have no standard tables to map (format.md §6); what they state is read as stated:
1. the attached 统计表 row ("主动公开信息数 条 425 1516"), which crawler text flattens into
   "主动公开信息数条4251516": the digit run holds 本年度 and 历年累计 glued together. It is split
   only where the document itself decides the split — exactly one split possible, the prose
   stating the same figure, or the 其中 sub-rows adding up — otherwise the figure is left out and
   the candidates are listed (never a guess);
2. failing a table row, the prose ("新增主动公开政府信息45条", "未收到政府信息公开申请" → 0).

Result: ``{key: value, key + "_label": label as printed}`` for each figure found, plus
``"detail"``: key → {"source", "raw", "cumulative"?, "candidates"?, "note"?}.
"""

from __future__ import annotations

import itertools
import re

from ..document import Document
from ..model import Finding
from ..normalize import norm
from ..spec import SOURCE, WARNING
from ..spec.rules import RULE_BY_ID
from ..spec.sections import LEGACY_NONE_PHRASES, LEGACY_PROSE_PHRASES, LEGACY_TABLE_LABELS, LEGACY_UNITS
from .cellvalue import MAX_NUMBER_DIGITS
from .sections import Sections

_UNITS = "|".join(LEGACY_UNITS)
W4 = RULE_BY_ID["W4"]
# A flattened statistics-table row: label, unit, digit run.
# A printed space between two numbers is a cell boundary ("主动公开信息数 条 739 4359"): the match
# form drops whitespace, so such a gap is kept as CELL_GAP before normalising.
CELL_GAP = "_"
_DIGIT_GAP = re.compile(r"(?<=\d)[\s\u3000\xa0]+(?=\d)")
_ROW = re.compile(rf"(?P<label>[^\d\s。;:,_]{{2,40}}?)(?P<unit>{_UNITS})(?P<digits>\d+(?:_\d+)*)")
_SUB = re.compile(rf"(?P<n>\d{{1,2}})[.、．](?P<label>[^\d]{{1,30}}?)(?P<unit>{_UNITS})(?P<digits>\d+(?:_\d+)*)")
# Header words of the table that run into the first label ("…历年累计主动公开信息数").
_HEADER_WORDS = ("历年累计", "累计", "统计数", "计量单位", "单位", "指标名称", "年度", "其中:", "其中")
_TWO_COLUMNS = re.compile(r"(?:19|20)\d{2}年度?历年累计|本年度?累计|历年累计")


def _splits(digits: str) -> list[tuple[int, int]]:
    """(this year, cumulative) pairs a glued digit run can be: no leading zeros, cumulative ≥ year."""
    out = []
    for i in range(1, len(digits)):
        a, b = digits[:i], digits[i:]
        if (len(a) > 1 and a[0] == "0") or (len(b) > 1 and b[0] == "0"):
            continue
        if int(b) >= int(a):
            out.append((int(a), int(b)))
    return out


def _trim_label(label: str) -> str:
    for w in _HEADER_WORDS:
        i = label.rfind(w)
        if i != -1:
            label = label[i + len(w) :]
    return label


def _sub_rows(text: str, start: int) -> list[str]:
    """The digit runs of the "其中：1.… 2.…" rows after a main row, item numbers cut off."""
    rest = text[start:]
    if not rest.startswith(("其中", "1.", "1、")):
        return []
    rest = rest.removeprefix("其中").lstrip(":：")
    runs: list[str] = []
    pos = 0
    expected = 1
    while True:
        m = _SUB.match(rest, pos)
        if not m or int(m.group("n")) != expected:
            break
        digits = m.group("digits")
        if len(digits) > 2 * MAX_NUMBER_DIGITS:
            break
        nxt = str(expected + 1)
        after = rest[m.end() : m.end() + 1]
        if after in (".", "、", "．") and digits.endswith(nxt) and len(digits) > len(nxt):
            digits = digits[: -len(nxt)].rstrip(CELL_GAP)
            pos = m.end() - len(nxt)
        else:
            pos = m.end()
        runs.append(digits)
        expected += 1
    return runs


def _printed_pair(digits: str) -> list[tuple[int, int]] | None:
    """The (this year, cumulative) pair when the row printed its cells apart; None for a run."""
    if CELL_GAP not in digits:
        return None
    cells = digits.split(CELL_GAP)
    if len(cells) == 2 and not any(len(c) > 1 and c[0] == "0" for c in cells) and int(cells[1]) >= int(cells[0]):
        return [(int(cells[0]), int(cells[1]))]
    return []


def _resolve(digits: str, subs: list[str], stated: int | None) -> tuple[tuple[int, int] | None, list, str]:
    printed = _printed_pair(digits)
    if printed is not None:
        return (printed[0], printed, "按印出的空格分列") if printed else (None, [], "印出的数字个数与栏数不符")
    cands = _splits(digits)
    if len(cands) == 1:
        return cands[0], cands, "唯一拆分"
    if stated is not None:
        hit = [c for c in cands if c[0] == stated]
        if len(hit) == 1:
            return hit[0], cands, "与正文所述数字一致"
    if subs:
        sub_cands = [_printed_pair(s) or _splits(s.replace(CELL_GAP, "")) or [(int(s.replace(CELL_GAP, "")),) * 2]
                     for s in subs]
        ok = []
        for c in cands:
            for combo in itertools.product(*sub_cands):
                if sum(x[0] for x in combo) == c[0] and sum(x[1] for x in combo) == c[1]:
                    ok.append(c)
                    break
        if len(ok) == 1:
            return ok[0], cands, "与“其中”分项之和一致"
    return None, cands, "连写数字无法唯一拆分"


def _prose_figure(key: str, text: str) -> tuple[int, str, str] | None:
    """(value, label, raw) stated in prose: a phrase followed by a number, or a none-phrase."""
    hits = []
    for phrase in LEGACY_PROSE_PHRASES.get(key, ()):
        m = re.search(rf"{re.escape(norm(phrase))}[^。;\d]{{0,6}}?(\d+)(?:{_UNITS})", text)
        if m and len(m.group(1)) <= MAX_NUMBER_DIGITS:
            hits.append((m.start(), int(m.group(1)), phrase, m.group(0)))
    for phrase in LEGACY_NONE_PHRASES.get(key, ()):
        i = text.find(norm(phrase))
        if i != -1:
            hits.append((i, 0, phrase, phrase))
    if not hits:
        return None
    _, value, label, raw = min(hits)
    return value, label, raw


def legacy_figures(doc: Document, sections: Sections) -> dict:
    """applications_received / proactively_disclosed (+ _label) and their detail, as stated."""
    raw_text = sections.text or doc.text()
    text = norm(raw_text)
    table_text = norm(_DIGIT_GAP.sub(CELL_GAP, raw_text))
    two_cols = bool(_TWO_COLUMNS.search(text))
    out: dict = {}
    detail: dict[str, dict] = {}
    for key, label_sets in LEGACY_TABLE_LABELS.items():
        prose = _prose_figure(key, text)
        row = None
        for m in _ROW.finditer(table_text):
            label = _trim_label(m.group("label"))
            if any(all(w in label for w in words) for words in label_sets) and not label.startswith("其中"):
                row = (m, label)
                break
        if row is not None and len(row[0].group("digits")) > 2 * MAX_NUMBER_DIGITS:
            row = None  # no pair of counts is that long: never split or converted
        if row is not None:
            m, label = row
            digits = m.group("digits")
            if CELL_GAP in digits and table_text[m.end():m.end() + 1] in (".", "、", "．"):
                digits = digits.rsplit(CELL_GAP, 1)[0]  # "… 425 1516 1.网站公开": the next row's item number
            if two_cols:
                pair, cands, how = _resolve(digits, _sub_rows(table_text, m.end()), prose[0] if prose else None)
            elif CELL_GAP in digits:
                pair, cands, how = None, [[int(c) for c in digits.split(CELL_GAP)]], "单列表格印出了多个数字"
            else:
                pair, cands, how = (int(digits), None), [], "单列"
            if pair is not None:
                out[key], out[f"{key}_label"] = pair[0], label
                d = {"source": "统计表", "raw": m.group(0).replace(CELL_GAP, " "), "note": how}
                if pair[1] is not None:
                    d["cumulative"] = pair[1]
                if prose is not None and prose[0] != pair[0]:
                    # the table's figure is kept; the prose stating another one is a finding
                    d["prose"] = {"value": prose[0], "raw": prose[2]}
                detail[key] = d
                continue
            detail[key] = {"source": "统计表", "raw": m.group(0).replace(CELL_GAP, " "), "note": how,
                           "candidates": [list(c) for c in cands]}
            continue
        if prose is not None:
            value, label, raw = prose
            out[key], out[f"{key}_label"] = value, label
            detail[key] = {"source": "正文", "raw": raw}
    out["detail"] = detail
    return out


def legacy_findings(figures: dict) -> list[Finding]:
    """W4 for legacy reports: the statistics table and the prose state different figures (the
    table's is kept, the prose's quoted)."""
    out: list[Finding] = []
    for key, d in (figures.get("detail") or {}).items():
        prose = d.get("prose")
        if not prose or key not in figures:
            continue
        name = figures.get(f"{key}_label") or key
        out.append(Finding(
            rule=W4.id, severity=WARNING, kind=SOURCE,
            message=f"统计表所列{name}为 {figures[key]}（“{d['raw']}”），正文所述为 {prose['value']}"
                    f"（“{prose['raw']}”），二者不一致；取统计表数字",
            keys=(f"legacy.{key}",), expected=figures[key], found=prose["value"], where="正文 vs 统计表",
        ))
    return out
