"""The logical layout of a report, shared by every renderer: blocks of text and table grids.

Tables are laid out as the format lays them out (format.md §1.2 layout notes): table 三 has a
3-row header under a merged note cell, "三、本年度办理结果" spans all result rows, （三）–（六）
are merged group cells with their numbered items beside them; table 四 has a 3-row header; table
二 stacks its sub-tables, each with a full-width 第二十条 header row. Every label comes from
``loaders.spec``; value cells carry their canonical key and the text the source prints.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

import numpy as np

from ...spec import SECTIONS, table_spec
from ...spec.tables import (
    G_RESULT,
    T2_CONTENT_HEADER,
    T3_APPLICANT,
    T3_COLUMNS,
    T3_LEGAL_GROUP,
    T4_GROUPS,
    T4_LITIGATION,
    T4_RESULTS,
    t3_rows,
)
from ..records import ReportRecord
from .prose import Prose, prose_for


@dataclass
class GridCell:
    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    key: str | None = None  # canonical key of a value cell
    header: bool = False
    split: bool = False  # the printed number wraps over two lines in its cell


@dataclass
class Grid:
    table: str  # t2 | t3 | t4
    n_cols: int
    rows: list[list[GridCell]] = field(default_factory=list)  # origin cells starting on each row

    def add_row(self, cells: list[tuple]) -> None:
        """Cells as (text, colspan, rowspan, key, header) tuples, placed left to right into free slots."""
        r = len(self.rows)
        taken = {(c.row + dr, c.col + dc) for row in self.rows for c in row
                 for dr in range(c.rowspan) for dc in range(c.colspan)}
        col, out = 0, []
        for text, colspan, rowspan, key, header in cells:
            while (r, col) in taken:
                col += 1
            out.append(GridCell(text, r, col, rowspan, colspan, key, header))
            col += colspan
        self.rows.append(out)

    def expanded(self) -> list[list[GridCell | None]]:
        """Every grid slot → the cell covering it (merged cells repeat), for renderers that need slots."""
        slots: list[list[GridCell | None]] = [[None] * self.n_cols for _ in self.rows]
        for row in self.rows:
            for c in row:
                for dr in range(c.rowspan):
                    for dc in range(c.colspan):
                        if c.row + dr < len(slots):
                            slots[c.row + dr][c.col + dc] = c
        return slots


_HALF_WIDTH = str.maketrans({"（": "(", "）": ")", "：": ":", "，": ","})


@dataclass(frozen=True)
class Style:
    """How one document spells its labels — the variation real reports show (format.md §8).

    ``variants``: about half of the labels with known variant spellings in the spec use one
    (规范性文件 in a 2021 table, 合计 for 总计, "商业 企业", reworded section headings …);
    ``halfwidth``: brackets, colons and commas half-width, as text extraction often gives them.
    The truth is unaffected: the values are the same whatever the spelling.
    """

    variants: bool = False
    halfwidth: bool = False
    seed: int = 0

    def label(self, canonical: str, variants: tuple[str, ...] = ()) -> str:
        text = canonical
        if self.variants and variants:
            rng = np.random.default_rng([self.seed, zlib.crc32(canonical.encode())])
            if rng.random() < 0.5:
                text = variants[int(rng.integers(len(variants)))]
        return text.translate(_HALF_WIDTH) if self.halfwidth else text

    def to_dict(self) -> dict:
        return {"label_variants": self.variants, "half_width_punctuation": self.halfwidth}


def style_for(rec: ReportRecord) -> Style:
    """Deterministic per report: a third use label variants, a quarter half-width punctuation."""
    h = zlib.crc32(("style" + rec.report_id).encode())
    return Style(variants=h % 3 == 0, halfwidth=(h // 3) % 4 == 0, seed=h)


def _v(rec: ReportRecord, key: str) -> tuple:
    return (rec.raw[key], 1, 1, key, False)


def _h(text: str, colspan: int = 1, rowspan: int = 1) -> tuple:
    return (text, colspan, rowspan, None, True)


def _l(text: str, colspan: int = 1, rowspan: int = 1) -> tuple:
    return (text, colspan, rowspan, None, False)


def t2_grid(rec: ReportRecord, st: Style = Style()) -> Grid:
    spec = table_spec(rec.format, "t2")
    width = 1 + max(len(b.columns) for b in spec.blocks)
    g = Grid("t2", width)
    for block in spec.blocks:
        g.add_row([_h(st.label(block.header, block.header_variants), width)])
        n = len(block.columns)
        spans = [1] * (n - 1) + [width - n]  # the last column takes the spare width (colspan=3 for 五/六/八)
        g.add_row([_h(T2_CONTENT_HEADER)] + [_h(st.label(c.label, c.variants), s)
                                            for c, s in zip(block.columns, spans, strict=True)])
        for row in block.rows:
            keys = [f"t2.{block.code}.{row.code}.{c.code}" for c in block.columns]
            g.add_row([_l(st.label(row.label, row.variants))]
                      + [(rec.raw[k], s, 1, k, False) for k, s in zip(keys, spans, strict=True)])
    return g


def t3_grid(rec: ReportRecord, st: Style = Style()) -> Grid:
    spec = table_spec(rec.format, "t3")
    g = Grid("t3", 3 + len(T3_COLUMNS))
    legal = [c for c in T3_COLUMNS if c.code.startswith("legal.")]
    natural = next(c for c in T3_COLUMNS if c.code == "natural_person")
    total = next(c for c in T3_COLUMNS if c.code == "total")
    g.add_row([_h(st.label(spec.note), 3, 3), _h(T3_APPLICANT, len(T3_COLUMNS))])
    g.add_row([_h(natural.label, 1, 2), _h(T3_LEGAL_GROUP, len(legal)), _h(st.label(total.label, total.variants), 1, 2)])
    g.add_row([_h(st.label(c.label, c.variants)) for c in legal])
    rows = t3_rows(rec.format)
    result_rows = [r for r in rows if r.code.startswith("t3.result.")]
    seen_groups: set[str] = set()
    for r in rows:
        values = [_v(rec, f"{r.code}.{c.code}") for c in T3_COLUMNS]
        if not r.code.startswith("t3.result."):
            g.add_row([_l(st.label(r.label, r.variants), 3), *values])
            continue
        lead = []
        if r is result_rows[0]:
            lead.append(_l(st.label(G_RESULT.label), 1, len(result_rows)))
        if r.group is None:
            g.add_row([*lead, _l(st.label(r.label, r.variants), 2), *values])
        else:
            if r.group.code not in seen_groups:
                seen_groups.add(r.group.code)
                size = sum(1 for x in rows if x.group is not None and x.group.code == r.group.code)
                lead.append(_l(st.label(r.group.label, r.group.variants), 1, size))
            g.add_row([*lead, _l(st.label(r.label, r.variants)), *values])
    return g


def t4_grid(rec: ReportRecord, st: Style = Style()) -> Grid:
    g = Grid("t4", len(T4_GROUPS) * len(T4_RESULTS))
    review, *lit = T4_GROUPS
    n = len(T4_RESULTS)
    g.add_row([_h(review.label, n), _h(T4_LITIGATION, n * len(lit))])
    g.add_row([_h(r.label, 1, 2) for r in T4_RESULTS] + [_h(grp.variants[0], n) for grp in lit])
    g.add_row([_h(r.label) for _ in lit for r in T4_RESULTS])
    g.add_row([_v(rec, f"t4.{grp.code}.{r.code}") for grp in T4_GROUPS for r in T4_RESULTS])
    return g


GRIDS = {"t2": t2_grid, "t3": t3_grid, "t4": t4_grid}


@dataclass
class Block:
    kind: str  # title | heading | para | table | note
    text: str = ""
    grid: Grid | None = None
    section: str | None = None


def layout(rec: ReportRecord) -> list[Block]:
    """The report as an ordered list of blocks: title, preamble, six sections with prose and tables."""
    prose: Prose = prose_for(rec)
    st = style_for(rec)
    blocks = [Block("title", rec.title)]
    blocks += [Block("para", p) for p in prose.preamble]
    for sec in SECTIONS:
        blocks.append(Block("heading", f"{sec.numeral}、{st.label(sec.heading, sec.variants)}", section=sec.code))
        blocks += [Block("para", p, section=sec.code) for p in prose.sections.get(sec.code, ())]
        if sec.table:
            if sec.table in rec.missing_tables:
                blocks.append(Block("para", prose.missing_table_note, section=sec.code))
                continue
            grid = GRIDS[sec.table](rec, st)
            for row in grid.rows:
                for c in row:
                    c.split = c.key in rec.split_keys
            blocks.append(Block("table", grid=grid, section=sec.code))
    blocks += [Block("para", p) for p in prose.closing]
    return blocks


def split_text(text: str) -> tuple[str, str]:
    """Where a wrapped number breaks: after the first half of its digits."""
    cut = max(1, len(text) // 2)
    return text[:cut], text[cut:]
