"""Space-aligned text tables, as ``pdftotext -layout`` and fixed-width exports print them.

A run of two or more spaces between words is a cell boundary the source printed, and so is the
horizontal position of a word: a lone number under the 总计 header belongs to 总计 even when every
other cell of its row is blank (only spaces). Reading such lines as wrapped prose would throw both
away, and a row printing one number of seven would be undecidable.

A region is a run of non-empty lines (no tab, no pipe table) in which at least ``MIN_GAP_LINES``
lines hold a gap of two or more spaces between words and some of them hold numbers. Its columns
are built from the words' display spans (CJK two columns wide): the lines with the most words
first, a word overlapping no column so far starting a new one, a word over several columns (a
spanning header) starting none. Every word then goes to the first column it overlaps — the origin
of a merged cell, as the other readers place a merged cell's text — or to the nearest column
when it overlaps none, and each line becomes a table row of that many cells, blanks where no
word stands.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from ..document import Location, Table
from .common import cell

_GAP = re.compile(r"(?:[ \u3000]{2,})")
_WORD = re.compile(r"\S+(?: \S+)*")  # words separated by single spaces stay one cell ("科研 机构")
_HAS_NUMBER = re.compile(r"(?<![0-9])-?[0-9]+(?:\.[0-9]+)?(?:万元|元|%)?(?![0-9])")
MIN_GAP_LINES = 3  # lines with an inner gap a region needs (one or two may be prose spacing)
MIN_NUMBER_LINES = 2


@dataclass(frozen=True)
class _Word:
    start: int  # display column
    end: int
    text: str


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _words(line: str) -> list[_Word]:
    line = line.replace("\u3000", "  ")  # an ideographic space is two columns of blank
    out = []
    for m in _WORD.finditer(line):
        start = display_width(line[: m.start()])
        out.append(_Word(start, start + display_width(m.group()), m.group()))
    return out


def _has_gap(line: str) -> bool:
    return _GAP.search(line.strip(" \u3000")) is not None


def _candidate(line: str) -> bool:
    s = line.strip()
    return bool(s) and "\t" not in line and not s.startswith("|")


def layout_regions(lines: list[str], start: int, taken: dict[int, int],
                   furniture: Callable[[str], bool]) -> dict[int, list[int]]:
    """start → the line indices of every space-aligned table region outside ``taken`` regions.

    A region continues over a page break: blank lines and page furniture (``furniture``: a page
    number, the running header) between two aligned runs are skipped, not table rows — a table
    broken by page footers is one table, its columns placed by the header printed above the break."""
    blocked = {k for i, j in taken.items() for k in range(i, j)}
    out: dict[int, list[int]] = {}
    i, n = start, len(lines)
    while i < n:
        if i in blocked or not _candidate(lines[i]) or not _has_gap(lines[i]):
            i += 1
            continue
        rows: list[int] = []
        j = i
        while True:
            while j < n and j not in blocked and _candidate(lines[j]) and not furniture(lines[j].strip()):
                rows.append(j)
                j += 1
            k = j
            while k < n and k not in blocked and (not lines[k].strip() or furniture(lines[k].strip())):
                k += 1
            if k == j or not any(furniture(lines[m].strip()) for m in range(j, k)):
                break  # no page break here: the region ends
            if not (k < n and k not in blocked and _candidate(lines[k]) and _has_gap(lines[k])):
                break
            j = k
        block = [lines[r] for r in rows]
        gaps = sum(1 for ln in block if _has_gap(ln))
        numbers = sum(1 for ln in block if _has_gap(ln) and _HAS_NUMBER.search(ln))
        if gaps >= MIN_GAP_LINES and numbers >= MIN_NUMBER_LINES:
            out[i] = rows
        i = max(j, i + 1)
    return out


def _columns(rows: list[list[_Word]]) -> list[tuple[int, int]]:
    cols: list[list[int]] = []
    for words in sorted(rows, key=len, reverse=True):
        for w in words:
            over = [c for c in cols if w.start < c[1] and c[0] < w.end]
            if not over:
                cols.append([w.start, w.end])
            elif len(over) == 1:
                c = over[0]
                widened = [min(c[0], w.start), max(c[1], w.end)]
                if not any(o is not c and widened[0] < o[1] and o[0] < widened[1] for o in cols):
                    c[:] = widened
    return sorted((c[0], c[1]) for c in cols)


def _column_of(w: _Word, cols: list[tuple[int, int]]) -> int:
    over = [k for k, (s, e) in enumerate(cols) if w.start < e and s < w.end]
    if over:
        return over[0]
    return min(range(len(cols)), key=lambda k: min(abs(w.start - cols[k][1]), abs(cols[k][0] - w.end)))


def layout_table(lines: list[str], line_numbers: list[int]) -> Table:
    rows = [_words(lines[i]) for i in line_numbers]
    cols = _columns(rows)
    out = []
    for k, words in enumerate(rows):
        texts = [""] * len(cols)
        for w in words:
            c = _column_of(w, cols)
            texts[c] = f"{texts[c]} {w.text}" if texts[c] else w.text
        loc = Location(line=line_numbers[k] + 1)
        out.append([cell(t, loc) for t in texts])
    return Table(rows=out, loc=Location(line=line_numbers[0] + 1))
