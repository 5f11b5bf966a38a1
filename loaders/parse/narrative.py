"""Figures the report's prose states (sections 一, 三, 四, 六): the W4 cross-check against its tables.

Each figure is ``{"value", "unit", "raw", "section"}`` (+ "note"): the number as stated, the phrase it
was read from (kept verbatim, so a clerk can see it), and the section. A figure stated in words
("未收到政府信息公开申请", "未收取信息处理费") is 0 with the phrase and a note saying so — the prose
itself says none; a figure the prose does not state is absent, never 0.
Only the first statement of each figure is taken, searching s1 first (the 总体情况 summary).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..normalize import norm
from .cellvalue import MAX_NUMBER_DIGITS, next_to_damage
from .sections import Sections

_NUM = r"(\d[\d,，]*(?:\.\d+)?)"
_GAP = r"[^。;!\d]{0,%d}?"
_CONTEXT_REACH = 150
_REV = r"[^。;!,、\d]{0,%d}?"  # number-first gaps stay inside one clause


@dataclass(frozen=True)
class FigurePattern:
    key: str
    unit: str
    patterns: tuple[str, ...]  # regexes with one number group, on the normalised text
    zero_patterns: tuple[str, ...] = ()  # phrases stating none, read as 0
    sections: tuple[str, ...] = ("s1", "s3", "s4", "s6")
    reverse_patterns: tuple[str, ...] = ()  # number before the words ("1件涉及…的行政复议"), tried second
    context: str = ""  # a word the text just before must hold (申请 → "公开": not 行政审批 applications)
    exclusive: str = ""  # a sibling figure's word: a phrase naming both gives a joint count


FIGURES: tuple[FigurePattern, ...] = (
    FigurePattern(
        "proactively_disclosed",
        "条",
        (rf"主动公开{_GAP % 24}{_NUM}(?:余)?条", rf"(?:发布|公开){_GAP % 16}政府信息{_NUM}(?:余)?条"),
        sections=("s1", "s2"),
    ),
    FigurePattern(
        "applications_received",
        "件",
        (
            rf"(?:收到|受理|新收|接收){_GAP % 24}申请{_GAP % 10}{_NUM}件",
            rf"申请(?:数量?|总数)(?:为|是|共|达)?{_NUM}件",
        ),
        (r"(?:未|没有)(?:收到|受理|接到)[^。;]{0,16}?申请",),
        sections=("s1", "s3"),
        reverse_patterns=(rf"(?:收到|受理|新收){_REV % 12}{_NUM}件{_REV % 16}申请",),
        context="公开",
    ),
    FigurePattern("applications_completed", "件", (rf"办结{_GAP % 12}{_NUM}件",), sections=("s1", "s3")),
    # t3.carried_over = 上年结转 (from last year); t3.carry_forward = 结转下年度 (into next year)
    FigurePattern("carried_over", "件", (rf"上(?:一)?年(?:度)?结转{_GAP % 12}{_NUM}件",), sections=("s1", "s3")),
    FigurePattern(
        "carry_forward",
        "件",
        (rf"结转(?:至|到)?下(?:一)?年(?:度)?{_GAP % 12}{_NUM}件", rf"结转(?:至|到)?(?:19|20)\d{{2}}年(?:度)?{_GAP % 8}{_NUM}件"),
        sections=("s1", "s3"),
        reverse_patterns=(rf"{_NUM}件{_REV % 6}结转(?:至|到)?下(?:一)?年",),
    ),
    FigurePattern(
        "reviews",
        "件",
        (rf"行政复议{_GAP % 12}{_NUM}(?:件|起|宗)",),
        (r"(?:未|没有)(?:发生|收到|出现)?[^。;]{0,24}?行政复议",),
        sections=("s1", "s4"),
        reverse_patterns=(rf"{_NUM}(?:件|起|宗){_REV % 20}行政复议",),
        exclusive="诉讼",
    ),
    FigurePattern(
        "litigations",
        "件",
        (rf"行政诉讼{_GAP % 12}{_NUM}(?:件|起|宗)",),
        (r"(?:未|没有)(?:发生|收到|出现)?[^。;]{0,24}?行政诉讼",),
        sections=("s1", "s4"),
        reverse_patterns=(rf"{_NUM}(?:件|起|宗){_REV % 20}行政诉讼",),
        exclusive="复议",
    ),
    FigurePattern(
        "info_processing_fee",
        "元",
        (
            rf"(?:信息处理费|处理费|收费){_GAP % 16}{_NUM}(万?元)",
        ),
        (
            r"(?:未|无|没有|均未|不存在)(?:收取|产生|发生)[^。;]{0,16}?(?:处理费|收费|费用)",
            r"(?:处理费|收费)[^。;]{0,8}?(?:为零|情况:无|:无)",
        ),
        sections=("s6", "s1"),
    ),
)


def _too_long(s: str) -> bool:
    return sum(ch.isdigit() for ch in s) > MAX_NUMBER_DIGITS


def _to_number(s: str) -> int | float:
    s = s.replace(",", "").replace("，", "")
    v = float(s)
    return int(v) if v.is_integer() else v


def _sentence(text: str, start: int, end: int) -> str:
    a = max(text.rfind(c, 0, start) for c in "。；;！!\n") + 1
    bs = [i for i in (text.find(c, end) for c in "。；;！!\n") if i != -1]
    return text[a : min(bs) + 1 if bs else len(text)].strip()


_JOINED = re.compile(r"(?:复议|诉讼)(?:案件)?[和及与、或](?:提起)?(?:行政)?(?:复议|诉讼)")


def _is_combined(text: str, m: re.Match, other: str) -> bool:
    """The number is not this figure's alone: the sibling figure's word stands between this
    figure's word and the number ("行政复议，涉及的行政诉讼数为0件" — it is the 诉讼 number), or
    both are named together for one joint count ("行政复议和行政诉讼案件共5件") — unless "各" (each)."""
    if "各" in text[m.start() : m.end()]:
        return False
    if other in text[m.start() : m.start(1)]:
        return True
    before = text[max(0, m.start() - 8) : m.start(1)]
    joined = list(_JOINED.finditer(before))
    return bool(joined) and not re.search(r"\d", before[joined[-1].start() :])


def _search(patterns: tuple[str, ...], fig: FigurePattern, text: str, section: str) -> dict | None:
    hits = []
    for pat in patterns:
        for m in re.finditer(pat, text):
            if fig.context and fig.context not in text[max(0, m.start() - _CONTEXT_REACH) : m.end()]:
                continue
            if fig.exclusive and _is_combined(text, m, fig.exclusive):
                continue  # "行政复议和行政诉讼共5件": a joint count is neither figure
            if _too_long(m.group(1)) or next_to_damage(text, m.start(1), m.end(1)):
                continue  # not a figure a report states, or one a damaged byte may have cut
            unit = m.group(2) if m.lastindex and m.lastindex >= 2 else fig.unit
            hit = {"value": _to_number(m.group(1)), "unit": unit, "raw": m.group(0), "section": section}
            if "余" in m.group(0)[m.end(1) - m.start() :]:
                hit["note"] = "约数（正文写作“余”）"
            hits.append((m.start(), hit))
            break
    return min(hits, key=lambda h: h[0])[1] if hits else None


def _find(fig: FigurePattern, text: str, section: str) -> dict | None:
    """Words-then-number first, then number-then-words, then a phrase saying none (→ 0)."""
    hit = _search(fig.patterns, fig, text, section) or _search(fig.reverse_patterns, fig, text, section)
    if hit is not None:
        return hit
    for pat in fig.zero_patterns:
        m = next((m for m in re.finditer(pat, text) if not _outcome_negated(text, m)), None)
        if m:
            return {"value": 0, "unit": fig.unit, "raw": _sentence(text, m.start(), m.end()), "section": section,
                    "note": "正文以文字说明为无，按0记"}
    return None


# "未发生…被行政复议纠错或行政诉讼败诉" says no review was *corrected* and no suit *lost* — not
# that there were none: a none-phrase whose case word is followed by an outcome is no count.
_OUTCOMES = ("纠错", "纠正", "败诉", "撤销", "确认违法", "被改变", "错案")
_OUTCOME_REACH = 6


def _outcome_negated(text: str, m: re.Match) -> bool:
    clause_end = min([i for i in (text.find(c, m.end()) for c in "。;，,") if i != -1] or [len(text)])
    after = text[m.end():min(m.end() + _OUTCOME_REACH, clause_end)]
    in_match = text[m.start():m.end()]
    return any(w in after or w in in_match for w in _OUTCOMES)


def narrative_figures(sections: Sections) -> dict[str, dict]:
    """key → {"value", "unit", "raw", "section"[, "note"]} for the figures the prose states."""
    out: dict[str, dict] = {}
    bodies = {c: norm(sections.body_of(c)) for c in ("s1", "s2", "s3", "s4", "s6")}
    for fig in FIGURES:
        for code in fig.sections:
            text = bodies.get(code, "")
            if not text:
                continue
            if code in ("s2", "s3", "s4"):
                text = _prose_only(text)
            hit = _find(fig, text, code)
            if hit is not None:
                out[fig.key] = hit
                break
    return out


def _prose_only(text: str) -> str:
    """Section 二/三/四 hold tables: keep only sentences (text with a full stop), not cell runs."""
    return "。".join(s for s in text.split("。")[:-1] if len(s) < 300 and not re.search(r"\d{6,}", s))


# ------------------------------------------------------------------ table 二 figures ----------
_CLAUSE_SPLIT = re.compile(r"[。；;，,！!？?\n]")
_CONNECT = r"(?:共|合计|总计|计|为|达|共计)?"
_OTHER_YEAR = re.compile(r"((?:19|20)\d{2})年")
_CUMULATIVE = ("累计", "历年", "以来")


@lru_cache(maxsize=4)
def _t2_row_patterns(fmt: str) -> tuple[tuple[str, str, dict[str, tuple[str, ...]], re.Pattern], ...]:
    """(sub-table code, row code, column words, pattern) per table 二 row, built once per format: the
    row's labels (longest first), a connecting word, the number and its unit."""
    from ..spec.prose import T2_COLUMN_WORDS, T2_COUNT_UNITS
    from ..spec.tables import table_spec

    units = "|".join(T2_COUNT_UNITS)
    out = []
    for block in table_spec(fmt, "t2").blocks:
        words = {c.code: T2_COLUMN_WORDS.get((fmt, block.code, c.code), ()) for c in block.columns}
        for row in block.rows:
            labels = sorted({norm(lab) for lab in row.all_labels}, key=len, reverse=True)
            pat = "(?:" + "|".join(re.escape(lab) for lab in labels) + f"){_CONNECT}(\\d+)({units})"
            out.append((block.code, row.code, words, re.compile(pat)))
    return tuple(out)


def t2_figures(sections: Sections, fmt: str, year: int | None = None) -> dict[str, dict]:
    """cell key → {"value", "values", "unit", "raw", "section"} for table 二 cells the prose states.

    A figure is taken only when one clause names the row (its label, "行政规范性文件") and exactly
    one column of its sub-table (spec.prose.T2_COLUMN_WORDS: "制发", "现行有效") with the number
    right after the label ("动态更新本年度制发的规范性文件88件"). A clause about another year or a
    cumulative count ("累计制发…") is not this year's cell. ``values`` holds every distinct figure
    stated for the key (two different ones leave the cell undecidable by prose)."""
    if fmt not in ("2019", "2021"):
        return {}
    out: dict[str, dict] = {}
    for code in ("s1", "s2", "s6"):
        text = norm(sections.body_of(code))
        if code == "s2":
            text = _prose_only(text)
        for clause in _CLAUSE_SPLIT.split(text):
            if not clause or any(w in clause for w in _CUMULATIVE):
                continue
            years = {int(y) for y in _OTHER_YEAR.findall(clause)}
            if years - {year}:  # another year, or any year when the report's own is unknown
                continue
            for block_code, row_code, words, pat in _t2_row_patterns(fmt):
                for m in pat.finditer(clause):
                    if _too_long(m.group(1)) or next_to_damage(clause, m.start(1), m.end(1)):
                        continue
                    if m.end() < len(clause) and clause[m.end()] in "以左右余多":
                        continue  # "约88件", "88件以上": not an exact figure
                    before = clause[: m.start()]
                    named = [c for c, ws in words.items() if any(w in before for w in ws)]
                    if len(named) != 1:
                        continue
                    key = f"t2.{block_code}.{row_code}.{named[0]}"
                    value = int(m.group(1))
                    fig = out.setdefault(key, {"value": value, "values": [], "unit": m.group(2),
                                               "raw": clause, "section": code})
                    if value not in fig["values"]:
                        fig["values"].append(value)
    return out
