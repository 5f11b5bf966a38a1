"""内容雷同: each report's prose (sections 一、五、六) against the same agency's previous year and
against other agencies' reports of the same year.

Text → sentences, normalised, boilerplate removed (``loaders.spec.boilerplate``: the 条例's words,
headings, the political preamble; digits folded so re-numbered copies still match) → character
shingles. A shingle met in many reports of a year is boilerplate too and dropped. Similarity is
the Jaccard index of two reports' shingle sets, always computed exactly; same-year candidate pairs
come from MinHash locality-sensitive hashing (``BANDS``), so a year of tens of thousands of reports
is neither compared pair by pair nor walked through the long postings of commonplace phrasing.

``refresh`` rebuilds ``report_similarity`` (best match per comparison) and the C1 findings
(scope ``content``) after each ingest run; ``shared_sentences`` / ``highlight_markdown`` show the
passages two reports share, escaped, for the clerk.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from loaders.normalize import norm
from loaders.spec import SECTIONS, SOURCE
from loaders.spec.boilerplate import (
    BOILERPLATE_PHRASES,
    COMMON_MIN_REPORTS,
    COMMON_SHARE,
    COMPARED_SECTIONS,
    COPY_THRESHOLD,
    MATCH_FLOOR,
    MIN_SENTENCE_CHARS,
    MIN_SHINGLES,
    SHINGLE_CHARS,
)
from loaders.spec.rules import CONTENT_COPIED

_SENTENCE_END = re.compile(r"[。；;！!？?\n]+")
_DIGITS = re.compile(r"[0-9０-９一二三四五六七八九十百千万〇零]+(?=[件条个次项人元年月日%])|[0-9]+")
_PUNCT = re.compile(r"[，,、：:（）()《》〈〉【】\[\]“”\"'‘’·\-—…\s]+")
_NUMBERING = re.compile(r"^(?:[（(]?[一二三四五六七八九十]+[)）、.]|[0-9]+[.、)）])")
_BOILER = tuple(norm(p) for p in BOILERPLATE_PHRASES)
_HEADINGS = tuple(sorted({norm(h) for s in SECTIONS for h in (s.heading, *s.variants)}, key=len, reverse=True))
COMPARISONS = {"previous_year": "同一单位上一年度", "same_year": "同年度其他单位"}


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of the original text (delimiters excluded)."""
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        if m.start() > start:
            spans.append((start, m.start()))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def sentence_key(sentence: str) -> str:
    """The compared form of one sentence, or "" when it is boilerplate or too short."""
    s = norm(sentence)
    s = _NUMBERING.sub("", s)
    for h in _HEADINGS:
        if s.startswith(h):
            s = s[len(h):]
            break
    if any(b in s for b in _BOILER):
        return ""
    s = _DIGITS.sub("#", _PUNCT.sub("", s))
    return s if len(s) >= MIN_SENTENCE_CHARS else ""


def shingle_hash(shingle: str) -> int:
    """A shingle as a 64-bit integer (BLAKE2b): the same in every process, ~40 B in a set instead of
    ~150 B for the string; two distinct shingles of a province's year collide with probability ~10⁻⁵."""
    return int.from_bytes(hashlib.blake2b(shingle.encode(), digest_size=8).digest(), "little")


def shingles_of(key: str) -> set[int]:
    if len(key) <= SHINGLE_CHARS:
        return {shingle_hash(key)} if key else set()
    return {shingle_hash(key[i:i + SHINGLE_CHARS]) for i in range(len(key) - SHINGLE_CHARS + 1)}


def prose_shingles(text: str) -> set[int]:
    out: set[int] = set()
    for a, b in sentence_spans(text or ""):
        out |= shingles_of(sentence_key(text[a:b]))
    return out


@dataclass
class Doc:
    report_id: int
    agency_key: str | None
    year: int
    shingles: set[int]  # shingle_hash of each shingle


@dataclass(frozen=True)
class Match:
    report_id: int
    comparison: str  # previous_year | same_year
    other_report_id: int
    similarity: float
    shared: int
    n_shingles: int


def _drop_common(docs: list[Doc]) -> None:
    """Remove, per year, shingles found in many reports of that year (boilerplate by frequency)."""
    by_year: dict[int, list[Doc]] = defaultdict(list)
    for d in docs:
        by_year[d.year].append(d)
    for group in by_year.values():
        df = Counter(s for d in group for s in d.shingles)
        limit = max(COMMON_MIN_REPORTS, COMMON_SHARE * len(group))
        common = {s for s, n in df.items() if n >= limit}
        if common:
            for d in group:
                d.shingles -= common


def _jaccard(a: set[str], b: set[str], shared: int | None = None) -> float:
    n = len(a & b) if shared is None else shared
    union = len(a) + len(b) - n
    return n / union if union else 0.0


def best_matches(docs: list[Doc], floor: float = MATCH_FLOOR) -> list[Match]:
    """For every doc with enough prose: its previous-year match (same agency, whatever the
    similarity) and its best same-year match among other agencies' reports when that reaches
    ``floor``. Docs must be current reports, one per (agency_key, year)."""
    _drop_common(docs)
    docs = [d for d in docs if len(d.shingles) >= MIN_SHINGLES]
    by_key = {(d.agency_key, d.year): d for d in docs if d.agency_key}
    by_year: dict[int, list[Doc]] = defaultdict(list)
    for d in docs:
        by_year[d.year].append(d)
    best: dict[int, tuple[Doc, float, int]] = {}
    for group in by_year.values():
        best.update(_same_year_best(group, floor))
    out: list[Match] = []
    for d in docs:
        prev = by_key.get((d.agency_key, d.year - 1)) if d.agency_key else None
        if prev is not None:
            n = len(d.shingles & prev.shingles)
            out.append(Match(d.report_id, "previous_year", prev.report_id, _jaccard(d.shingles, prev.shingles, n), n,
                             len(d.shingles)))
        if d.report_id in best:
            o, sim, n = best[d.report_id]
            out.append(Match(d.report_id, "same_year", o.report_id, sim, n, len(d.shingles)))
    return out


# MinHash signatures banded for locality-sensitive hashing: BANDS bands of BAND_ROWS values. Two
# reports of Jaccard J share a bucket in some band with probability 1 − (1 − J^BAND_ROWS)^BANDS:
# 0.9992 at the threshold 0.5, 0.99999 at 0.6, 1 − 10⁻¹⁸ at 0.9 (a copy with its numbers changed);
# 0.64 at 0.2; 0.01 at 0.02 (reports sharing some phrasing by chance). A candidate whose signatures
# agree on fewer than VERIFY_MIN_AGREE of their values is dropped (a pair of true Jaccard 0.5 agrees
# on fewer than 10 % of 50 with probability 2·10⁻¹⁰); the rest are compared exactly.
BAND_ROWS = 2
BANDS = 25
VERIFY_MIN_AGREE = 0.1
_RNG = np.random.default_rng(20261208)
_A = _RNG.integers(1, 1 << 63, size=BANDS * BAND_ROWS, dtype=np.uint64) | np.uint64(1)  # odd multipliers
_C = _RNG.integers(0, 1 << 63, size=BANDS * BAND_ROWS, dtype=np.uint64)
_SPREAD = np.uint64(0x9E3779B97F4A7C15)
_MIX = np.uint64(0xC2B2AE3D27D4EB4F)
_CHUNK = 100_000  # shingle hashes per signature step: 50 × _CHUNK uint64 = 40 MB
_PAIR_CHUNK = 200_000  # candidate pairs compared on signatures at once: 2 × 50 × _PAIR_CHUNK uint32 = 80 MB


def signatures(docs: list[Doc]) -> np.ndarray:
    """MinHash signature of every doc's shingle set, shape (len(docs), BANDS·BAND_ROWS), uint32.
    Each shingle's 64-bit hash (stable across runs and processes) is spread by a multiply, then
    mapped by BANDS·BAND_ROWS multiply-shift hashes ((a·x + c) mod 2⁶⁴ » 32)."""
    k = BANDS * BAND_ROWS
    out = np.empty((len(docs), k), dtype=np.uint32)
    start = 0
    with np.errstate(over="ignore"):
        while start < len(docs):
            stop, n = start, 0
            while stop < len(docs) and (n == 0 or n + len(docs[stop].shingles) <= _CHUNK):
                n += len(docs[stop].shingles)
                stop += 1
            x = np.fromiter((h for d in docs[start:stop] for h in d.shingles), dtype=np.uint64, count=n) * _SPREAD
            offsets = np.cumsum([0] + [len(d.shingles) for d in docs[start:stop - 1]])
            values = ((_A[:, None] * x[None, :] + _C[:, None]) >> np.uint64(32)).astype(np.uint32)
            out[start:stop] = np.minimum.reduceat(values, offsets, axis=1).T
            start = stop
    return out


def candidate_pairs(sig: np.ndarray) -> np.ndarray:
    """(i, j), i < j, of the docs that fall in one bucket of at least one band, each pair once; shape (m, 2)."""
    n = len(sig)
    codes = []
    with np.errstate(over="ignore"):
        for b in range(BANDS):
            band = sig[:, b * BAND_ROWS:(b + 1) * BAND_ROWS].astype(np.uint64)
            keys = band[:, 0]
            for r in range(1, BAND_ROWS):
                keys = keys * _MIX + band[:, r]
            order = np.argsort(keys, kind="stable")
            sk = keys[order]
            starts = np.flatnonzero(np.r_[True, sk[1:] != sk[:-1]])
            lengths = np.diff(np.r_[starts, n])
            for s0, ln in zip(starts[lengths > 1].tolist(), lengths[lengths > 1].tolist(), strict=True):
                members = np.sort(order[s0:s0 + ln]).astype(np.int64)
                ii, jj = np.triu_indices(ln, 1)
                codes.append(members[ii] * n + members[jj])
    if not codes:
        return np.empty((0, 2), dtype=np.int64)
    u = np.unique(np.concatenate(codes))
    return np.stack([u // n, u % n], axis=1)


def _same_year_best(group: list[Doc], floor: float) -> dict[int, tuple[Doc, float, int]]:
    """report_id → (best other-agency doc, Jaccard, shared shingles) among the pairs with Jaccard ≥
    ``floor`` that MinHash-LSH makes candidates (see BANDS). Each candidate pair is compared exactly
    on the full shingle sets, so a similarity stored or flagged is never an estimate. Cost: linear
    in the reports plus their candidates, whatever phrasing they share by chance. Ties go to the
    lower report_id."""
    group = sorted((d for d in group if d.shingles), key=lambda d: d.report_id)
    if len(group) < 2:
        return {}
    sig = signatures(group)
    pairs = candidate_pairs(sig)
    keep = []
    for c in range(0, len(pairs), _PAIR_CHUNK):
        p = pairs[c:c + _PAIR_CHUNK]
        agree = (sig[p[:, 0]] == sig[p[:, 1]]).mean(axis=1)
        keep.append(p[agree >= VERIFY_MIN_AGREE])
    best: dict[int, tuple[Doc, float, int]] = {}

    def offer(a: Doc, b: Doc, sim: float, n: int) -> None:
        cur = best.get(a.report_id)
        if cur is None or (sim, -b.report_id) > (cur[1], -cur[0].report_id):
            best[a.report_id] = (b, sim, n)

    for i, j in (np.concatenate(keep) if keep else pairs).tolist():
        d, o = group[i], group[j]
        if d.agency_key is not None and d.agency_key == o.agency_key:
            continue
        n = len(d.shingles & o.shingles)
        sim = _jaccard(d.shingles, o.shingles, n)
        if sim >= floor:
            offer(d, o, sim, n)
            offer(o, d, sim, n)
    return best


_DOCS_SQL = f"""
    SELECT r.report_id, r.agency_key, r.year, string_agg(s.text, '\n' ORDER BY s.section) AS prose
    FROM reports r JOIN report_sections s USING (report_id)
    WHERE r.is_current AND r.year IS NOT NULL
      AND s.section IN ({", ".join(f"'{c}'" for c in COMPARED_SECTIONS)})
    GROUP BY ALL ORDER BY r.report_id
"""


def refresh(con: duckdb.DuckDBPyConnection) -> int:
    """Rebuild report_similarity and the C1 findings (inside the caller's transaction). Returns the
    number of findings."""
    docs = [Doc(rid, key, int(year), prose_shingles(text)) for rid, key, year, text in con.execute(_DOCS_SQL).fetchall()]
    matches = best_matches(docs)
    con.execute("DELETE FROM report_similarity")
    con.execute(f"DELETE FROM findings WHERE scope = 'content' AND rule = '{CONTENT_COPIED.id}'")
    if not matches:
        return 0
    con.executemany("INSERT INTO report_similarity VALUES (?, ?, ?, ?, ?, ?)",
                    [[m.report_id, m.comparison, m.other_report_id, m.similarity, m.shared, m.n_shingles] for m in matches])
    names = dict(con.execute("SELECT report_id, coalesce(agency, '（未识别单位）') || coalesce(year::VARCHAR || '年度', '') "
                             "FROM reports WHERE is_current").fetchall())
    rows = []
    for m in matches:
        if m.similarity < COPY_THRESHOLD:
            continue
        rows.append([
            m.report_id, CONTENT_COPIED.id, CONTENT_COPIED.severity, SOURCE, "content", [], json.dumps(COPY_THRESHOLD),
            json.dumps(round(m.similarity, 4)),
            f"第一、五、六部分正文与{names.get(m.other_report_id, m.other_report_id)}报告（{COMPARISONS[m.comparison]}）"
            f"雷同：相似度 {m.similarity:.0%}（去除《条例》原文、标题等套话后按{SHINGLE_CHARS}字片段比较，"
            f"阈值 {COPY_THRESHOLD:.0%}）",
            COMPARISONS[m.comparison], m.other_report_id,
        ])
    if not rows:
        return 0
    con.executemany(
        'INSERT INTO findings (report_id, rule, severity, kind, scope, keys, expected, found, message, "where", '
        "related_report_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    return len(rows)


def shared_sentences(text: str, other: str, *, min_share: float = 0.5) -> list[tuple[int, int]]:
    """Spans of ``text``'s sentences whose shingles are mostly (``min_share``) in ``other``'s."""
    theirs = prose_shingles(other)
    spans = []
    for a, b in sentence_spans(text or ""):
        mine = shingles_of(sentence_key(text[a:b]))
        if mine and len(mine & theirs) >= min_share * len(mine):
            spans.append((a, b))
    return spans


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$^=])")


def markdown_escape(text: str) -> str:
    """Every Markdown (and Streamlit directive) character backslashed: shown as typed, never as
    markup, a link or HTML (Streamlit renders no raw HTML in Markdown either)."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def highlight_markdown(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` as escaped Markdown with the shared spans on a highlighted background
    (Streamlit's ``:orange-background[…]``); line breaks kept."""
    parts, pos = [], 0
    for a, b in sorted(spans):
        parts.append(markdown_escape(text[pos:a]))
        parts.append(f":orange-background[{markdown_escape(text[a:b])}]")
        pos = b
    parts.append(markdown_escape(text[pos:]))
    return "".join(parts).replace("\n", "  \n")


# ------------------------------------------------------------------------------ questions (数据质量)
def copied_reports(con: duckdb.DuckDBPyConnection, f) -> pd.DataFrame:
    """C1 findings in the slice: the report, the similar one, the comparison and the similarity."""
    from .filters import where_clause

    w, p = where_clause(f)
    return con.execute(f"""
        SELECT r.agency, r.year, fi."where" AS comparison, o.agency AS other_agency, o.year AS other_year,
               CAST(fi.found AS DOUBLE) AS similarity, fi.message, r.report_id, fi.related_report_id
        FROM findings fi JOIN reports r USING (report_id) JOIN reports o ON o.report_id = fi.related_report_id
        WHERE {w} AND fi.rule = ? AND fi.scope = 'content'
        ORDER BY similarity DESC, r.agency, r.year
    """, [*p, CONTENT_COPIED.id]).df()


def report_prose(con: duckdb.DuckDBPyConnection, f, report_id: int) -> pd.DataFrame:
    """The compared sections (一、五、六) of one report, in order: section, text."""
    return con.execute(
        "SELECT section, text FROM report_sections WHERE report_id = ? AND section IN "
        f"({', '.join('?' for _ in COMPARED_SECTIONS)}) ORDER BY section",
        [int(report_id), *COMPARED_SECTIONS]).df()


QUESTIONS = {fn.__name__: fn for fn in (copied_reports, report_prose)}
