"""Find the six sections (一 … 六) of a report, wherever their headings are.

Headings are found as *positions in the document text* (``Document.text()``: blocks joined by
newlines, tables as tab-separated lines), not as whole paragraphs: crawler pages run the whole
report into one paragraph ("…二、主动公开政府信息情况 第二十条…"), PDFs break headings over lines.

A heading candidate is a Chinese numeral followed by 、/./． (never "（一）", never "十一、" read as
"一、") whose next few characters contain one of the section's keywords (``loaders.spec.sections``).
Reports reword headings, renumber them (Shanghai numbers 一…六 for its own chapters and then
一…三 again for the standard ones) and misspell them, so no single candidate is trusted: every
candidate gets a score (keyword +1, the section's own numeral +1, the verbatim heading or a known
variant +1) and one increasing sequence s1 < s2 < … < s6 with the highest total score is chosen
(sections may be missing). A section runs from its heading to the next chosen heading.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from ..document import Document, Paragraph
from ..normalize import norm
from ..spec.sections import SECTIONS, SectionSpec

_NUMERALS = "一二三四五六七八九十"
# A numeral heading marker. The look-behind keeps "（一）", "第一、" and "十一、" out.
_MARKER = re.compile(rf"(?<![（(〔{_NUMERALS}第])([{_NUMERALS}]{{1,2}})\s*[、．.]")
# "第一部分 总体情况" / "第二章、主动公开…": numbered parts instead of 一、二、.
_PART_MARKER = re.compile(rf"第([{_NUMERALS}]{{1,2}})(?:部分|章|节)[、．.:：\s]*")
# A numeral at a line start whose 、 the PDF text layer moved away ("三收到和处理…情况、").
_BARE_MARKER = re.compile(rf"(?:^|(?<=\n))[ \t]*([{_NUMERALS}]{{1,2}})(?=[^\s、．.，,{_NUMERALS}])")
_WINDOW = 40  # characters after the marker that may hold the heading text
_KEYWORD_REACH = 16  # a keyword must start within this many normalised characters of the heading
# Where a heading matched only by keyword ends: inline headings run straight into their body.
_HEADING_END = re.compile(r"[\s。；;：:，,\d（(]")
_TOC_FILLER = re.compile(r"[\s.·…\-—_\d第页#*|]+")
_MARKUP = re.compile(r"[#*>\s\-|]*")


@dataclass
class Section:
    code: str  # s1 … s6
    heading: str  # the heading as printed (numeral included)
    numeral: str | None  # the numeral printed before it
    start: int  # character offset of the heading in doc.text()
    body_start: int  # first character after the heading
    end: int  # exclusive: where the next found section starts, or the end of the text
    block_start: int  # index into doc.blocks of the block holding the heading
    block_end: int  # exclusive index of the last block the section touches
    text: str  # heading + body, as printed
    body: str  # the text after the heading
    confidence: float

    @property
    def blocks(self) -> range:
        return range(self.block_start, self.block_end)


@dataclass
class Sections:
    """The sections found in one document, with the offsets that tie them to its blocks."""

    text: str  # doc.text(): what every offset refers to
    block_spans: list[tuple[int, int]]  # per block: (start, end) offsets in ``text``
    by_code: dict[str, Section] = field(default_factory=dict)

    def __contains__(self, code: str) -> bool:
        return code in self.by_code

    def get(self, code: str) -> Section | None:
        return self.by_code.get(code)

    def text_of(self, code: str) -> str:
        """The section's text (heading included), '' when the section was not found."""
        s = self.by_code.get(code)
        return s.text if s else ""

    def body_of(self, code: str) -> str:
        s = self.by_code.get(code)
        return s.body if s else ""

    def char_range(self, code: str) -> tuple[int, int] | None:
        s = self.by_code.get(code)
        return (s.start, s.end) if s else None

    def block_range(self, code: str) -> range | None:
        s = self.by_code.get(code)
        return s.blocks if s else None

    def section_at(self, offset: int) -> str | None:
        """The code of the section holding a character offset (None before 一 / outside all)."""
        for s in self.by_code.values():
            if s.start <= offset < s.end:
                return s.code
        return None

    def section_of_block(self, index: int) -> str | None:
        """The section a block starts in (a block holding several inline headings → the first)."""
        start, _ = self.block_spans[index]
        return self.section_at(start)

    @property
    def preface(self) -> str:
        """Text before the first found heading (title, 本报告由…编制, crawler header …)."""
        first = min((s.start for s in self.by_code.values()), default=len(self.text))
        return self.text[:first]

    def to_dict(self) -> dict[str, str]:
        """s1…s6 → text, the ``ParsedReport.sections`` shape."""
        return {c: s.text for c, s in sorted(self.by_code.items())}


@dataclass(frozen=True)
class _Candidate:
    code: str
    start: int
    body_start: int
    heading: str
    numeral: str | None
    score: int


def document_text(doc: Document) -> tuple[str, list[tuple[int, int]]]:
    """``doc.text()`` and, per block, its (start, end) character offsets in it."""
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    pos = 0
    for b in doc.blocks:
        if isinstance(b, Paragraph):
            t = b.text
        else:
            t = "\n".join("\t".join(c.text for c in row if not c.is_merged_copy) for row in b.rows)
        spans.append((pos, pos + len(t)))
        parts.append(t)
        pos += len(t) + 1
    return "\n".join(parts), spans


def _match_spec(spec: SectionSpec, window: str) -> tuple[int, int] | None:
    """(score, heading length in window chars) when the window reads as this section's heading."""
    n = norm(window)
    full = [norm(spec.heading), *(norm(v) for v in spec.variants)]
    for h in full:
        if n.startswith(h):
            return 2, _orig_len(window, len(h))
    for kw in spec.keywords:
        i = n.find(norm(kw))
        if 0 <= i <= _KEYWORD_REACH:
            kw_end = _orig_len(window, i + len(norm(kw)))
            m = _HEADING_END.search(window, kw_end)
            return 1, m.start() if m else min(len(window), kw_end + 12)
    return None


def _orig_len(window: str, norm_len: int) -> int:
    """How many characters of ``window`` make up its first ``norm_len`` normalised characters."""
    for i in range(len(window) + 1):
        if len(norm(window[:i])) >= norm_len:
            return i
    return len(window)


def _candidates(text: str) -> list[_Candidate]:
    out: list[_Candidate] = []
    markers = [(m, False) for m in _MARKER.finditer(text)]
    markers += [(m, False) for m in _PART_MARKER.finditer(text)]
    markers += [(m, True) for m in _BARE_MARKER.finditer(text)]
    for m, bare in markers:
        numeral = m.group(1)
        window = text[m.end() : m.end() + _WINDOW].split("\n", 1)[0]  # a heading ends with its line
        lead = len(window) - len(window.lstrip())
        window = window[lead:]
        for spec in SECTIONS:
            hit = _match_spec(spec, window)
            if hit is None:
                continue
            score, hlen = hit
            if bare and score < 2:
                continue  # without its 、 only the verbatim heading counts
            score += 1 if numeral == spec.numeral else 0
            body_start = m.end() + lead + hlen
            out.append(_Candidate(spec.code, m.start(), body_start, text[m.start() : body_start], numeral, score))
    return out


def _drop_contents_lines(cands: list[_Candidate], text: str) -> list[_Candidate]:
    """A heading followed directly by the next heading (only dots / page numbers between) and
    printed again later is a table-of-contents line: without this a contents page would win the tie."""
    starts = sorted({c.start for c in cands})
    last_start: dict[str, int] = {}  # per section, its last candidate's start
    for c in cands:
        last_start[c.code] = max(last_start.get(c.code, c.start), c.start)
    out = []
    for c in cands:
        k = bisect.bisect_right(starts, c.start)  # (a search, not a scan: linear in the candidates)
        nxt = starts[k] if k < len(starts) else len(text)
        empty = nxt < len(text) and not _TOC_FILLER.sub("", text[c.body_start : nxt])
        if empty and last_start[c.code] > c.start:
            continue
        out.append(c)
    return out


def _best_sequence(cands: list[_Candidate]) -> list[_Candidate]:
    """The increasing-position, increasing-section sequence with the highest total score.

    A chain may step from ``p`` to ``c`` when p starts before c, p's section comes before c's and
    p's body begins at or before c. Candidates are swept by position; a candidate becomes a
    possible predecessor once the sweep passes its body start, and only the best chain ending in
    each section is kept — linear in the candidates (times the six sections), where comparing
    every pair grew quadratically with a long document's heading-like lines. Among chains of equal
    score the one whose last step is the earliest candidate wins, as a pairwise scan would pick.
    """
    rank = {s.code: k for k, s in enumerate(SECTIONS)}
    cands = sorted(cands, key=lambda c: c.start)
    if not cands:
        return []
    # per candidate: total score, predecessor index (-1: none), start of the chain's first candidate
    total: list[int] = []
    prev: list[int] = []
    root: list[int] = []
    pending = sorted(range(len(cands)), key=lambda j: (cands[j].body_start, j))
    released = 0
    best_in: dict[int, int] = {}  # section rank → index of the best chain ending there (of those released)
    for i, c in enumerate(cands):
        while released < len(pending):
            j = pending[released]
            if j >= i or cands[j].body_start > c.start or cands[j].start >= c.start:
                break
            r = rank[cands[j].code]
            k = best_in.get(r)
            if k is None or (total[j], -j) > (total[k], -k):
                best_in[r] = j
            released += 1
        ci = rank[c.code]
        options = [best_in[r] for r in best_in if r < ci]
        j = max(options, key=lambda j: (total[j], -j), default=-1)
        if j >= 0 and total[j] + c.score > c.score:
            total.append(total[j] + c.score)
            prev.append(j)
            root.append(root[j])
        else:
            total.append(c.score)
            prev.append(-1)
            root.append(c.start)
    # Highest score; among equals, the chain that starts earliest (the real headings come first
    # more often than a later recap repeating them).
    end = max(range(len(cands)), key=lambda i: (total[i], -root[i], -i))
    chain = []
    while end >= 0:
        chain.append(cands[end])
        end = prev[end]
    return chain[::-1]


def _block_at(spans: list[tuple[int, int]], offset: int) -> int:
    for i, (s, e) in enumerate(spans):
        if s <= offset <= e:
            return i
    return max(len(spans) - 1, 0)


def _line_start(text: str, spans: list[tuple[int, int]], offset: int) -> int:
    """Move a heading start back over markup ("## ", "**") to its block's start."""
    b = _block_at(spans, offset)
    if spans and _MARKUP.fullmatch(text[spans[b][0] : offset]):
        return spans[b][0]
    return offset


def find_sections(doc: Document) -> Sections:
    """Locate s1…s6 in a document (see the module docstring for how)."""
    text, spans = document_text(doc)
    chain = _best_sequence(_drop_contents_lines(_candidates(text), text))
    found = Sections(text, spans)
    starts = [_line_start(text, spans, c.start) for c in chain]
    for k, c in enumerate(chain):
        end = starts[k + 1] if k + 1 < len(chain) else len(text)
        found.by_code[c.code] = Section(
            code=c.code,
            heading=c.heading.strip(),
            numeral=c.numeral,
            start=starts[k],
            body_start=c.body_start,
            end=end,
            block_start=_block_at(spans, starts[k]),
            block_end=_block_at(spans, max(end - 1, starts[k])) + 1,
            text=text[starts[k] : end].strip(),
            body=text[c.body_start : end].strip(),
            confidence=round(c.score / 3, 2),  # 3 = verbatim heading under its own numeral
        )
    _unnumbered_problems_section(found)
    return found


# "（一）2024年工作中存在问题的改进情况" opening section 五's content when its own "五、" heading
# is missing: a sub-heading marker directly followed (within the reach) by a 五 keyword.
_SUB_MARKER = re.compile(rf"[（(]([{_NUMERALS}])[）)]")
_SUB_REACH = 24


def _unnumbered_problems_section(found: Sections) -> None:
    """No 五 heading was found but 四's text goes on into problems / improvements under a "（一）"
    sub-heading: that text is 五 (lower confidence), not part of the table 四 section."""
    s4 = found.by_code.get("s4")
    spec = next(sp for sp in SECTIONS if sp.code == "s5")
    if s4 is None or "s5" in found.by_code:
        return
    text = found.text
    for m in _SUB_MARKER.finditer(text, s4.body_start, s4.end):
        if m.group(1) != "一":
            continue
        window = norm(text[m.end(): m.end() + _SUB_REACH * 2])[:_SUB_REACH]
        if not any(norm(kw) in window for kw in (*spec.keywords, "存在问题")):
            continue
        start, end = m.start(), s4.end
        line_end = text.find("\n", m.end())
        body_start = line_end + 1 if 0 <= line_end < m.end() + _SUB_REACH * 2 else m.end()
        s4.end = start
        s4.text = text[s4.start:start].strip()
        s4.body = text[s4.body_start:start].strip()
        s4.block_end = _block_at(found.block_spans, max(start - 1, s4.start)) + 1
        found.by_code["s5"] = Section(
            code="s5", heading=text[start:body_start].strip(), numeral=None, start=start,
            body_start=body_start, end=end, block_start=_block_at(found.block_spans, start),
            block_end=_block_at(found.block_spans, max(end - 1, start)) + 1,
            text=text[start:end].strip(), body=text[body_start:end].strip(), confidence=0.33,
        )
        found.by_code = dict(sorted(found.by_code.items()))
        return
