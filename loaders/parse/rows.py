"""Document blocks → a stream of *row observations*, in reading order.

Whatever the shape — an HTML/PDF/DOCX grid, a tab- or pipe-separated line, a label line apart from
its numbers, or a whole table flattened into one paragraph — each piece becomes an ``Obs``:
a labelled data row (with its value cells or its digit run), an unlabelled row of numbers, a group
row printing numbers (（六）其他处理 as one row), or a marker (header, column label) that tells
which table the text is in. Assembling observations into cells is tables.py's job.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from ..document import Cell, Document, Location, Paragraph, Table
from ..normalize import simplified
from ..spec.tables import T3_COLUMNS
from .cellvalue import DAMAGE_MARK, is_blank, is_value_text, number_of
from .columns import t3_column_plan, t3_value_start
from .labels import LabelIndex, Marker, RowTarget, match_form, match_marker, match_row
from .settings import ParseSettings

ROW_MIN_SCORE = 0.8  # score_label: ≥ 1 containment/prefix, < 1 fuzzy ratio (threshold in settings)

# "-18" is a signed number (2019 本年增/减) or a dash cell before 18: runs.split_run decides by column
# Possessive (``++``, ``*+``) throughout: the spacers may be empty, so a plain ``(?:\d+\s*)+`` can split
# one digit run in 2^n ways before giving up — a line "说明 <40 digits> 件" would never finish.
_NUMERIC_LEAD = re.compile(r"^[\s\u3000]*+((?:(?:-?[0-9]++(?:\.[0-9]++)?(?:万元|元)?|[—–－―])[\s\u3000]*+)++)")
_NUMERIC_ONLY = re.compile(r"^[\s\u3000|]*+(?:(?:-?[0-9]++(?:\.[0-9]++)?(?:万元|元)?|[-—–－/])[\s\u3000|]*+)++$")


@dataclass
class Obs:
    kind: str  # row | anon | group_row | marker
    table: str | None
    origin: str  # grid (cells known) | text (a run of digits, boundaries maybe lost)
    block: int
    loc: Location | None = None
    target: RowTarget | None = None
    marker: Marker | None = None
    label: str = ""
    cells: list[Cell] = field(default_factory=list)  # grid origin: the value cells, in order
    run: str = ""  # text origin: the numeric text after the label
    line_start: bool = True  # text origin: the label starts its line (not inside prose)
    # grid rows of a table whose header places 自然人: the 7 cells under the header's value columns,
    # when they are all value cells and hold every number of the row (blanks kept in place)
    positional: list[Cell] | None = None
    stray: bool = False
    # text origin: other rows of this document lost cells (fewer digits than cells): blank cells
    # vanish from this text, so a cut that happens to add up proves nothing
    blanks_vanished: bool = False  # text origin: numbers after another row's, kept only inside a flattened table
    col_plan: tuple[str, ...] | None = None  # t3 value columns in the order the table's header prints them
    # text origin: a row label followed by numbers in a shape no reader knows ("行政许可12+3"): kept
    # with its raw text so the cells are reported unread (P1), never silently absent
    unreadable: str = ""

    @property
    def n_numbers(self) -> int:
        if self.origin == "grid":
            return sum(1 for c in self.cells if number_of(c.text) is not None)
        return len(re.findall(r"[0-9]+", self.run))

    @property
    def n_digits(self) -> int:
        if self.origin == "grid":
            return sum(len(re.findall(r"[0-9]", c.text)) for c in self.cells)
        return len(re.findall(r"[0-9]", self.run))

    def is_value_row(self, min_values: int) -> bool:
        """Enough numbers to be a table row, not a page number or a figure in prose."""
        if self.origin == "grid" or len(self.run.split()) > 1:
            return self.n_numbers >= min_values
        return self.n_digits >= min_values

    @property
    def has_numbers(self) -> bool:
        return self.n_numbers > 0


def _cells_of_line(text: str, loc: Location | None) -> list[Cell]:
    if text.strip().startswith("|"):
        parts = text.strip().strip("|").split("|")
    else:
        parts = text.split("\t")
    return [Cell(p.strip(), match_form(p), loc) for p in parts]


def _label_line_target(block: object, nxt: object, index: LabelIndex, settings: ParseSettings) -> bool:
    """A paragraph that is a row label alone (no digit), followed by a paragraph of numbers only:
    the row printed with its label on one line and its numbers on the next."""
    if not (isinstance(block, Paragraph) and isinstance(nxt, Paragraph)):
        return False
    label = unicodedata.normalize("NFKC", block.text or "").strip()
    numbers = unicodedata.normalize("NFKC", nxt.text or "").strip()
    if not label or re.search(r"[0-9]", label) or not numbers or not _NUMERIC_ONLY.match(numbers):
        return False
    target, score = match_row(match_form(label), index, settings)
    return target is not None and score >= ROW_MIN_SCORE


def observe(doc: Document, index: LabelIndex, settings: ParseSettings) -> list[Obs]:
    out: list[Obs] = []
    joined_to_label: set[int] = set()
    for bi, block in enumerate(doc.blocks):
        if bi in joined_to_label:
            continue
        nxt = doc.blocks[bi + 1] if bi + 1 < len(doc.blocks) else None
        if _label_line_target(block, nxt, index, settings):
            joined_to_label.add(bi + 1)
            out.extend(_observe_text(f"{block.text.strip()} {nxt.text.strip()}", bi, block.loc, index, settings,  # type: ignore[union-attr]
                                     line_start=True))
            continue
        if isinstance(block, Table):
            plan = t3_column_plan(block, index, settings, ROW_MIN_SCORE)
            start = t3_value_start(block, settings)
            for row in block.rows:
                cells = [c for c in row if not c.is_merged_copy]
                loc = next((c.loc for c in cells if c.loc), block.loc)
                for o in _observe_cells(cells, bi, loc, index, settings):
                    if o.origin == "grid" and o.kind in ("row", "anon"):
                        o.col_plan = plan
                        if start is not None:
                            o.positional = _positional_values(row, start)
                    out.append(o)
        elif isinstance(block, Paragraph):
            text = block.text or ""
            if "\t" in text.strip() or (text.strip().startswith("|") and text.count("|") >= 2):
                out.extend(_observe_cells(_cells_of_line(text, block.loc), bi, block.loc, index, settings))
            else:
                out.extend(_observe_text(text, bi, block.loc, index, settings))
    return out


def _observe_cells(cells: list[Cell], bi: int, loc: Location | None, index: LabelIndex, settings: ParseSettings) -> list[Obs]:
    label_idx = [i for i, c in enumerate(cells) if not is_value_text(c.text)]
    if not label_idx:
        # blanks kept in place (a blank first cell of table 四 is 结果维持 left empty); padding
        # around the values is dropped when the row is read, knowing how many cells it needs
        if any(number_of(c.text) is not None for c in cells):
            return [Obs("anon", None, "grid", bi, loc, cells=list(cells))]
        return []
    last = label_idx[-1]
    label_cells = [c for c in cells[: last + 1] if not is_blank(c.text)]
    label = "".join(c.text for c in label_cells)
    values = cells[last + 1 :]
    if not any(number_of(c.text) is not None for c in values):
        # Numbers glued to the label inside one cell ("行政许可 550"): read the row as text.
        joined = " ".join(c.text for c in cells if not is_blank(c.text))
        if re.search(r"[0-9]", label):
            text_obs = _observe_text(joined, bi, loc, index, settings, line_start=True)
            if any(o.kind != "marker" for o in text_obs):
                return text_obs
    form = match_form(label)
    target, score = match_row(form, index, settings)
    marker, mscore = match_marker(form, index, settings)
    # A data row's label wins over a group heading printed in the same row
    # ("三、本年度办理结果 | （一）予以公开").
    if target is not None and score >= ROW_MIN_SCORE and (
        marker is None or marker.kind == "group" or score >= mscore - 1e-9
    ):
        return [Obs("row", target.table, "grid", bi, loc, target=target, label=label, cells=values)]
    has_numbers = any(number_of(c.text) is not None for c in values)
    if marker is not None and mscore >= ROW_MIN_SCORE and marker.kind == "group" and has_numbers:
        rest = form
        for f in marker.forms:
            rest = rest.replace(f, "")
        if len(rest) < 2:
            # the group heading alone carries numbers: （六）其他处理 printed as one row
            return [Obs("group_row", marker.table, "grid", bi, loc, marker=marker, label=label, cells=values)]
        # heading + an item label we do not know: an item row, placed by the alignment step
        return [Obs("anon", None, "grid", bi, loc, label=label, cells=values)]
    n_numbers = sum(1 for c in values if number_of(c.text) is not None)
    if marker is not None and mscore >= ROW_MIN_SCORE and not (
        marker.kind == "column" and marker.ambiguous and n_numbers >= settings.min_anonymous_values
    ):
        return [Obs("marker", marker.table, "grid", bi, loc, marker=marker, label=label, cells=values)]
    # a bare "其他"/"总计" followed by a row of numbers is a row ("3.其他" printed without its
    # number), not a header: the alignment step places it
    if n_numbers >= settings.min_anonymous_values:
        # a row of numbers under a label we do not know (misprint, OCR): the alignment step may
        # place it between known rows; it is never matched by its label
        return [Obs("anon", None, "grid", bi, loc, label=label, cells=values)]
    return []


def _positional_values(row: list[Cell], start: int) -> list[Cell] | None:
    width = len(T3_COLUMNS)
    window = row[start:start + width]
    if len(window) != width or any(c.is_merged_copy or not is_value_text(c.text) for c in window):
        return None
    outside = [c for c in row[start + width:] if number_of(c.text) is not None and not c.is_merged_copy]
    before = [c for c in row[:start] if number_of(c.text) is not None and not c.is_merged_copy]
    if outside or before:
        return None
    return window


def _match_string(text: str) -> tuple[str, list[int]]:
    """Match form of ``text`` built char by char, with each match-form char's source offset."""
    out: list[str] = []
    offs: list[int] = []
    for i, ch in enumerate(text):
        f = match_form(ch)
        for c in f:
            out.append(c)
            offs.append(i)
    form = "".join(out)
    # Char by char misses what converts only as a phrase (反覆 → 反复, 檔案 → 文件), which the
    # labels' own match forms have; redone on the whole form when that keeps its length, so every
    # char keeps its source offset.
    phrased = simplified(form)
    return (phrased if len(phrased) == len(form) else form), offs


def _observe_text(text: str, bi: int, loc: Location | None, index: LabelIndex, settings: ParseSettings,
                  line_start: bool = False) -> list[Obs]:
    # full-width digits and punctuation (“１２３”, “（一）”) read as their ASCII forms
    text = unicodedata.normalize("NFKC", text)
    stripped = text.strip()
    if not stripped or DAMAGE_MARK in stripped:  # a damaged line: a digit may be lost, read no number in it
        return []
    if _NUMERIC_ONLY.match(stripped):
        return [Obs("anon", None, "text", bi, loc, run=stripped, cells=[Cell(t, t, loc) for t in stripped.replace("|", " ").split()])]
    scanned = _scan_labels(text, bi, loc, index, line_start)
    if any(o.kind != "marker" for o in scanned):
        return scanned
    line = _label_then_numbers(stripped, bi, loc, index, settings)
    return [line] if line is not None else scanned


_LINE_ROW = re.compile(r"^(?P<label>.*?[^\d\s.\-])(?P<nums>(?:[\s\u3000]*+-?\d++(?:\.\d++)?(?:万元|元)?)++)[\s\u3000]*+$")


def _label_then_numbers(text: str, bi: int, loc: Location | None, index: LabelIndex, settings: ParseSettings) -> Obs | None:
    """A text line "label  n n n …" whose label is cut short or wrapped (PDF text without a grid):
    "2.没有现成信息需要另行 3 0 0 0 0 0 3" → that row; "制作 3 0 0 0 0 0 3" → an unlabelled row."""
    m = _LINE_ROW.match(text)
    if not m:
        return None
    label, nums = m.group("label"), m.group("nums").strip()
    target, score = match_row(match_form(label), index, settings)
    if target is not None and score >= ROW_MIN_SCORE:
        return Obs("row", target.table, "text", bi, loc, target=target, label=label, run=nums)
    if len(nums.split()) >= settings.min_anonymous_values:
        return Obs("anon", None, "text", bi, loc, run=nums)
    return None


@dataclass(frozen=True)
class _SplitLabel:
    """A row label with the row's numbers printed inside it (a wrapped PDF cell read as one line:
    "（二）部分公开（区分处理的，只计这一情 447 7 0 0 0 0 454 形，不计其他情形）")."""

    target: RowTarget
    digits: tuple[int, int]  # match-string span of the numbers


_LABEL_CLOSERS = frozenset("）)」』”’\"'】]》〉>:：")
_COUNT_UNITS = frozenset("件条项个次家人份篇元万亿%")  # a number followed by these is prose
# a row's numbers followed by one of these are neither prose nor a readable run
_UNREADABLE_AFTER = frozenset("-+/−－*#~=")
_T4_HEADER_DEBRIS = 48  # characters of broken header text tolerated before table 四's numbers
_DIGIT_RUN = re.compile(r"[0-9][0-9.]*")
_MIN_LABEL_PART = 3


def _label_cuts(index: LabelIndex) -> dict[tuple[str, str], list[tuple[str, str, RowTarget]]]:
    """Every way to cut a row label in two around printed numbers (head ≥ 3 chars not ending in a
    digit, rest ≥ 2 chars), grouped by (last char of the head, first char of the rest), each group in
    the order rows × forms × cut points. Built once per format."""
    key = ("label_cuts",)
    if key not in index._memo:
        cuts: dict[tuple[str, str], list[tuple[str, str, RowTarget]]] = {}
        for r in index.rows:
            for f in r.forms:
                for c in range(_MIN_LABEL_PART, len(f) - 1):
                    head, rest = f[:c], f[c:]
                    if head[-1].isdigit() or len(rest) < 2:
                        continue
                    cuts.setdefault((head[-1], rest[0]), []).append((head, rest, r))
        index._memo[key] = cuts
    return index._memo[key]


def _split_label_occurrences(form: str, index: LabelIndex) -> list[tuple[int, int, object]]:
    out: list[tuple[int, int, object]] = []
    cuts = _label_cuts(index)
    for m in _DIGIT_RUN.finditer(form):
        a, b = m.start(), m.end()
        if a == 0 or b >= len(form):
            continue  # no head before or no rest after the numbers
        for head, rest, r in cuts.get((form[a - 1], form[b]), ()):
            if form.endswith(head, 0, a) and form.startswith(rest, b):
                out.append((a - len(head), b + len(rest), _SplitLabel(r, (a, b))))
    return out


def _scan_labels(text: str, bi: int, loc: Location | None, index: LabelIndex, line_start: bool) -> list[Obs]:
    """Every spec label found in a text, each with the numbers that follow it (flattened tables)."""
    form, offs = _match_string(text)
    occ: list[tuple[int, int, object]] = []
    for target in (*index.rows, *index.markers):
        for f in target.forms:
            start = form.find(f)
            while start >= 0:
                occ.append((start, start + len(f), target))
                start = form.find(f, start + 1)
    if not occ:
        return []
    occ.extend(_split_label_occurrences(form, index))
    # Longest labels first, no overlaps ("行政规范性文件" beats "规范性文件", "（七）总计" beats "总计").
    occ.sort(key=lambda o: (-(o[1] - o[0]), o[0]))
    taken: list[tuple[int, int, object]] = []
    for o in occ:
        if all(o[1] <= t[0] or o[0] >= t[1] for t in taken):
            taken.append(o)
    taken.sort(key=lambda o: o[0])
    out: list[Obs] = []
    for i, (s, e, obj) in enumerate(taken):
        seg_end = offs[taken[i + 1][0]] if i + 1 < len(taken) else len(text)
        if isinstance(obj, _SplitLabel):
            a, b = obj.digits
            run = text[offs[a]:offs[b - 1] + 1].strip()
            out.append(Obs("row", obj.target.table, "text", bi, loc, target=obj.target,
                           label=text[offs[s]:offs[e - 1] + 1], run=run, line_start=line_start))
            out.extend(_strays(text[offs[e - 1] + 1:seg_end], bi, loc))
            continue
        seg_start = offs[e - 1] + 1
        # closing brackets/quotes of the label ("…情形）", "稳定”") are not part of the numbers
        while seg_start < seg_end and text[seg_start] in _LABEL_CLOSERS:
            seg_start += 1
        seg = text[seg_start:seg_end]
        m = _NUMERIC_LEAD.match(seg)
        run = m.group(1).strip() if m else ""
        label = text[offs[s]:seg_start]
        if isinstance(obj, RowTarget):
            # In a flattened table the next label follows the digits directly; in prose a word
            # does ("行政规范性文件393件"): that is a figure in a sentence, not a table row.
            # (A stray word after a space is label debris of a wrapped PDF cell, not a unit.)
            tail = seg[m.end():] if m else seg
            glued = bool(m) and bool(match_form(tail)) and (
                not seg[m.end() - 1].isspace() or tail.lstrip()[:1] in _COUNT_UNITS
            )
            if glued and m is not None and tail[:1] in _UNREADABLE_AFTER:
                raw = seg[: m.end() + 24].strip()
                out.append(Obs("row", obj.table, "text", bi, loc, target=obj, label=label, run=raw,
                               line_start=line_start or not form[:s].strip("0123456789一二三四五六七八九十"),
                               unreadable=f"「{raw}」的数字后紧跟「{tail[:1]}」，无法读取"))
            elif run and not glued:
                at_start = line_start or not form[:s].strip("0123456789一二三四五六七八九十")
                out.append(Obs("row", obj.table, "text", bi, loc, target=obj, label=label, run=run, line_start=at_start))
                out.extend(_strays(seg[m.end():], bi, loc))  # type: ignore[union-attr]
            elif not run:
                out.extend(_strays(seg, bi, loc))
            continue
        mk: Marker = obj  # type: ignore[assignment]
        if not run and mk.kind == "column" and (mk.table == "t4" or mk.ambiguous):
            # table 四's numbers follow its header, whose stacked letters leave debris
            # ("… 维持 纠正 结果 审结 1 1 0 0 2 …") between the last whole label and the numbers
            d = re.search(r"[0-9]", seg)
            if d and d.start() <= _T4_HEADER_DEBRIS and not re.search(r"[。，；：:]", seg[: d.start()]):
                m2 = _NUMERIC_LEAD.match(seg[d.start():])
                run = m2.group(1).strip() if m2 else ""
        if run and mk.kind == "group":
            out.append(Obs("group_row", mk.table, "text", bi, loc, marker=mk, label=label, run=run))
        elif run:
            out.append(Obs("anon", mk.table, "text", bi, loc, marker=mk, run=run))
        else:
            out.append(Obs("marker", mk.table, "text", bi, loc, marker=mk))
    # Rows read from free text: accept a label at the line start, or a run of several labelled
    # rows (a flattened table) — a label inside prose followed by a number is not a table row.
    n_rows = sum(1 for o in out if o.kind == "row")
    flattened_table = n_rows >= 3

    def keep(o: Obs) -> bool:
        if o.stray:
            return flattened_table
        return o.kind != "row" or o.line_start or flattened_table

    return [o for o in out if keep(o)]


_STRAY_DEBRIS = 4  # label letters (match form) tolerated between one row's numbers and the next


def _strays(rest: str, bi: int, loc: Location | None) -> list[Obs]:
    """Groups of numbers after a row's own, separated only by a few stray label letters — a PDF
    text layer read across the label column ("… 0 0 0 本 1 0 0 0 0 0 1 年 3.危及…"): each is an
    unlabelled row for the alignment step, never attached to the label before it."""
    out: list[Obs] = []
    consumed = 0
    while True:
        d = re.search(r"[0-9]", rest[consumed:])
        if not d:
            break
        debris = rest[consumed:consumed + d.start()]
        if len(match_form(debris)) > _STRAY_DEBRIS or re.search(r"[。，；;：:]", debris):
            break
        m = _NUMERIC_LEAD.match(rest[consumed + d.start():])
        if not m:
            break
        out.append(Obs("anon", None, "text", bi, loc, run=m.group(1).strip(), stray=True))
        consumed += d.start() + m.end()
    return out
