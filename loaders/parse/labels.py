"""Tolerant label matching, driven only by the spec's labels and variants.

The *match form* of a text is ``normalize.norm`` (NFKC, Traditional→Simplified, whitespace
removed) with punctuation dropped as well, so "(二) 部分公开 (区分处理的, 只计…)" and
"（二）部分公开（区分处理的，只计…）", "1．属于" and "1、属于" compare equal. A source label
matches a spec label when one contains the other (PDF cells cut a label short) or, failing that,
by a fuzzy ratio; thresholds come from ``ParseSettings``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache

from rapidfuzz.distance import Indel

from ..normalize import norm
from ..spec import tables as spec
from ..spec.tables import RowSpec, TableSpec
from .settings import ParseSettings

_PUNCT = re.compile(r"[()（）\[\]【】、，,.．:：;；。·!！?？\-—–_~*#|<>《》〈〉/\\]")


@lru_cache(maxsize=65536)
def match_form(text: str) -> str:
    return _PUNCT.sub("", norm(text or ""))


@dataclass(frozen=True)
class RowTarget:
    """A data row a source label can map to."""

    table: str  # t2 | t3 | t4
    block: str  # t2 sub-table code, "" otherwise
    row: RowSpec
    n_values: int
    index: int  # canonical order within its table
    forms: tuple[str, ...]  # match forms of label + variants

    @property
    def row_code(self) -> str:
        if self.table == "t2":
            return f"t2.{self.block}.{self.row.code}"
        return self.row.code


@dataclass(frozen=True)
class Marker:
    """A label that is not a data row: a group heading, a column header, a sub-table header.

    It ends a flattened row's digits and tells which table the text is in."""

    table: str
    kind: str  # group | column | header
    code: str
    forms: tuple[str, ...]

    @property
    def ambiguous(self) -> bool:
        """总计/其他 head columns of both table 三 and table 四: they do not say which table."""
        return all(f in _AMBIGUOUS_MARKERS for f in self.forms)


@dataclass(frozen=True)
class LabelIndex:
    """The spec's labels of one format, built once per process (``label_index``).

    A source label's best row and best marker are looked up, not recomputed: a label printed exactly
    as a spec form is found in ``exact_rows`` / ``exact_markers`` (the first target holding that form
    scores the maximum, 2); any other form is scored against every target once and the answer kept
    in ``_memo`` — the same labels recur in every report of a format."""

    fmt: str
    rows: tuple[RowTarget, ...]
    markers: tuple[Marker, ...]
    _memo: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def exact_rows(self) -> dict[str, RowTarget]:
        return self._exact("rows", self.rows)

    @property
    def exact_markers(self) -> dict[str, Marker]:
        return self._exact("markers", self.markers)

    def _exact(self, name: str, targets) -> dict:
        key = ("exact", name)
        if key not in self._memo:
            d: dict[str, object] = {}
            for t in targets:
                for f in t.forms:
                    d.setdefault(f, t)  # the first target in index order wins a tie, as the scan does
            self._memo[key] = d
        return self._memo[key]

    def rows_of(self, table: str) -> tuple[RowTarget, ...]:
        return tuple(r for r in self.rows if r.table == table)


def _forms(labels: tuple[str, ...]) -> tuple[str, ...]:
    out: dict[str, None] = {}
    for lab in labels:
        f = match_form(lab)
        if f:
            out.setdefault(f, None)
    return tuple(out)


# Markers that appear in both t3 and t4 headers (总计, 其他) do not tell the table apart.
_AMBIGUOUS_MARKERS = frozenset({match_form("总计"), match_form("其他"), match_form("合计")})


@lru_cache(maxsize=4)
def label_index(fmt: str) -> LabelIndex:
    rows: list[RowTarget] = []
    markers: list[Marker] = []
    for table in spec.TABLES[fmt]:
        idx = 0
        for block in table.blocks:
            if table.code == "t4":
                continue  # table 四 has no row labels; its groups are column headers
            for row in block.rows:
                rows.append(RowTarget(table.code, block.code, row, len(block.columns), idx, _forms(row.all_labels)))
                idx += 1
            if table.code == "t2":
                markers.append(Marker("t2", "header", block.code, _forms((block.header, *block.header_variants))))
            for col in block.columns:
                markers.append(Marker(table.code, "column", col.code, _forms(col.all_labels)))
        markers.extend(_table_markers(table))
    return LabelIndex(fmt, tuple(rows), tuple(markers))


def _table_markers(table: TableSpec) -> list[Marker]:
    out: list[Marker] = [Marker(table.code, "header", "title", _forms((table.title,)))]
    if table.code == "t2":
        out.append(Marker("t2", "column", "content", _forms((spec.T2_CONTENT_HEADER,))))
    elif table.code == "t3":
        out.append(Marker("t3", "header", "note", _forms((spec.T3_HEADER_NOTE,))))
        out.append(Marker("t3", "column", "applicant", _forms((spec.T3_APPLICANT, spec.T3_LEGAL_GROUP))))
        data_codes = {r.code for r in table.blocks[0].rows}
        for g in (spec.G_RESULT, spec.G_DENY, spec.G_UNABLE, spec.G_NOT_PROCESSED, spec.G_OTHER):
            if g.code not in data_codes:
                out.append(Marker("t3", "group", g.code, _forms(g.all_labels)))
    elif table.code == "t4":
        for g in spec.T4_GROUPS:
            out.append(Marker("t4", "column", g.code, _forms(g.all_labels)))
        out.append(Marker("t4", "column", "litigation", _forms((spec.T4_LITIGATION,))))
        for r in spec.T4_RESULTS:
            out.append(Marker("t4", "column", r.code, _forms(r.all_labels)))
    return out


def score_label(form: str, target_forms: tuple[str, ...], settings: ParseSettings) -> float:
    """How well a source label (match form) fits a spec label: 0 = not at all.

    1–2: one contains the other; 1 + the share of the longer text the overlap covers, so a label
    explained entirely scores 2 and a short column word inside a long row label scores little
    ("其他" inside "部分公开（…不计其他情形）"). A source label cut short must still cover
    ``label_prefix_share`` of the spec label. Below 1: fuzzy ratio (≥ ``label_ratio``)."""
    return _score_label(form, target_forms, settings.label_ratio, settings.label_prefix_share, settings.label_prefix_min_chars)


# The same source labels recur in every report of a format, so scores are kept across documents.
@lru_cache(maxsize=262144)
def _score_label(form: str, target_forms: tuple[str, ...], ratio: float, prefix_share: float, prefix_min_chars: int) -> float:
    best = 0.0
    for f in target_forms:
        if not f or not form:
            continue
        if f in form:
            best = max(best, 1.0 + len(f) / len(form))
        elif form in f and len(form) >= prefix_min_chars and len(form) >= prefix_share * len(f):
            best = max(best, 1.0 + len(form) / len(f))
        elif abs(len(form) - len(f)) <= max(3, len(f) // 3) and _may_reach(form, f, ratio):
            r = SequenceMatcher(None, form, f, autojunk=False).ratio()
            if r >= ratio:
                best = max(best, r)
    return best


def _may_reach(a: str, b: str, ratio: float) -> bool:
    """False only when SequenceMatcher's ratio cannot reach ``ratio``.

    Its matching blocks (no junk heuristic) form a common subsequence, so its ratio 2·M/(m+n) is at
    most the Indel similarity 2·LCS/(m+n) that rapidfuzz computes in C. The bound only skips pairs;
    SequenceMatcher's ratio stays the score, so every match is what it was. The epsilon keeps a
    pair whose two ratios agree exactly but round differently."""
    return Indel.normalized_similarity(a, b) >= ratio - 1e-9


def match_row(form: str, index: LabelIndex, settings: ParseSettings, tables: tuple[str, ...] = ("t2", "t3")) -> tuple[RowTarget | None, float]:
    """The best data row for a source label, or None (the first of equal scores in index order)."""
    key = ("row", form, tables, settings.label_ratio, settings.label_prefix_share, settings.label_prefix_min_chars)
    hit = index._memo.get(key)
    if hit is None:
        exact = index.exact_rows.get(form)
        if exact is not None and exact.table in tables:
            # an exact form scores 2 (the maximum); an earlier row reaching 2 would hold the same form
            hit = _first_best(form, (r for r in index.rows if r.table in tables and form in r.forms), settings)
        else:
            hit = _first_best(form, (r for r in index.rows if r.table in tables), settings)
        _remember(index, key, hit)
    return hit


def match_marker(form: str, index: LabelIndex, settings: ParseSettings) -> tuple[Marker | None, float]:
    key = ("marker", form, settings.label_ratio, settings.label_prefix_share, settings.label_prefix_min_chars)
    hit = index._memo.get(key)
    if hit is None:
        exact = index.exact_markers.get(form)
        hit = (exact, score_label(form, exact.forms, settings)) if exact is not None else \
            _first_best(form, index.markers, settings)
        _remember(index, key, hit)
    return hit


_MEMO_MAX = 200_000  # distinct source labels remembered per format; past it the memo starts again


def _remember(index: LabelIndex, key: tuple, hit: tuple) -> None:
    if len(index._memo) >= _MEMO_MAX:
        exact = {k: v for k, v in index._memo.items() if k[0] == "exact"}
        index._memo.clear()
        index._memo.update(exact)
    index._memo[key] = hit


def _first_best(form: str, targets, settings: ParseSettings):
    best = None
    best_score = 0.0
    for t in targets:
        s = score_label(form, t.forms, settings)
        if s > best_score:
            best, best_score = t, s
    return best, best_score
