"""Tables flattened into runs of digits: "规范性文件693665" → 69 / 3 / 665.

Crawler text loses cell boundaries, so a row's numbers arrive as one run ("640020470") or a few
runs split by stray spaces ("500000 5"). ``split_run`` enumerates every way to cut the run into the
row's cells — no number with a leading zero, no number longer than ``max_digits`` — keeps the cuts
that satisfy the table's own consistency rules (R3 for a t3 row, R4 per t4 group), and returns
them all: the caller takes a split only when exactly one survives, and otherwise reports the
candidates as a parse-uncertain finding. Spaces that are printed are respected as cell boundaries.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

Number = int | float
# check(group_index, values_of_group) → keep this cut?
GroupCheck = Callable[[int, tuple[Number, ...]], bool]

AMOUNT_MAX_DIGITS = 12
_THOUSANDS = re.compile(r"(?<=\d)[,，](?=\d{3}(?!\d))")
_UNIT = re.compile(r"(万元|元|件|条|个|项|次|%)$")
# A dash printed in a cell ("规章—00": —, 0, 0) is a cell of its own, never a digit.
DASH_CHARS = "—–－―-"
# "-8" may be a negative number (2019 本年增/减) or a dash cell before 8: both are tried where the
# column is signed; elsewhere it is a dash cell.
_TOKEN = re.compile(r"-?[0-9.]+(?:万元|元|件|条|个|项|次|%)?|[—–－―-]")


@dataclass(frozen=True)
class Split:
    parts: tuple[str, ...]  # the printed text of each cell
    values: tuple[Number | None, ...]  # None for a dash cell
    units: tuple[str | None, ...]


def tokens_of(segment: str) -> list[str]:
    """The whitespace-separated numeric tokens of a segment ("500000 5" → ["500000", "5"])."""
    return _TOKEN.findall(segment)


def _valid_part(s: str, decimal_ok: bool, max_digits: int) -> bool:
    if not s or s.startswith(".") or s.endswith("."):
        return False
    whole, _, frac = s.partition(".")
    if frac and not decimal_ok:
        return False
    if "." in frac:
        return False
    if len(whole) > 1 and whole.startswith("0"):
        return False
    return len(whole) <= max_digits


def _value(s: str) -> Number | None:
    if s in DASH_CHARS:
        return None
    return float(s) if "." in s else int(s)


# A long run with few valid cuts can make the search below exponential (a fuzzed 4,000-digit line
# ran for minutes): past this many steps it gives up and the run is left unread.
MAX_SEARCH_STEPS = 200_000


class _SearchExhausted(Exception):
    pass


def split_run(
    segment: str,
    sizes: Sequence[int],
    check: GroupCheck | None = None,
    *,
    decimal_ok: Sequence[bool] | None = None,
    signed_ok: Sequence[bool] | None = None,
    max_digits: int = 7,
    limit: int = 1000,
) -> list[Split]:
    """Every cut of ``segment`` into sum(sizes) numbers whose groups pass ``check``.

    ``sizes`` groups the cells (a t3 row: (7,); table 四: (5, 5, 5)); ``check`` is called once per
    completed group. At most ``limit`` splits are returned.
    """
    if "\ufffd" in segment:  # a damaged byte (loaders.detect.DAMAGE_MARK): a digit may be lost
        return []
    # thousands separators inside a run ("1,234") are not cell boundaries
    raw_tokens = tokens_of(_THOUSANDS.sub("", unicodedata.normalize("NFKC", segment)))
    n = sum(sizes)
    if not raw_tokens or n == 0:
        return []
    tokens: list[str] = []
    token_units: list[str | None] = []
    for t in raw_tokens:
        m = _UNIT.search(t)
        token_units.append(m.group(1) if m else None)
        tokens.append(t[: m.start()] if m else t)
    dec = list(decimal_ok) if decimal_ok is not None else [False] * n
    signed = list(signed_ok) if signed_ok is not None else [False] * n
    bounds = []
    acc = 0
    for s in sizes:
        acc += s
        bounds.append(acc)
    out: list[Split] = []
    parts: list[str] = []
    units: list[str | None] = []
    vals: list[Number | None] = []  # _value of each part, kept beside it
    # group boundary (count of parts) → (group index, first part of the group)
    group_at: dict[int, tuple[int, int]] = {}
    if check is not None:
        for g, k in enumerate(bounds):
            group_at.setdefault(k, (g, bounds[g - 1] if g else 0))  # the first group ending there, as before
    # characters left from token ti on (the search's cheap bound)
    suffix = [0] * (len(tokens) + 1)
    for i in range(len(tokens) - 1, -1, -1):
        suffix[i] = suffix[i + 1] + len(tokens[i])
    n_tokens = len(tokens)

    def _group_ok(k: int) -> bool:
        at = group_at.get(k)
        if at is None:
            return True
        return check(at[0], tuple(vals[at[1]:k]))  # type: ignore[misc]

    # Dead ends are remembered: a subtree that completed no split is one again when the search comes
    # back to the same token, offset and cell count with the same state of the group being filled —
    # the values it holds so far (for ``each_group_sums``, just their sum and whether any was
    # printed, since that is all the check reads). Such a subtree is skipped and its step count
    # added, so the step bound is hit exactly when the full search would hit it.
    state_from = [0] * (n + 1)  # first part of the group whose check comes next
    for k in range(n + 1):
        later = [b for b in bounds if b > k]
        state_from[k] = group_at[min(later)][1] if later and group_at else k
    compact = check is each_group_sums
    dead: dict[tuple, int] = {}

    def state(ti: int, pos: int, k: int) -> tuple:
        if compact:
            printed = [v for v in vals[state_from[k]:k] if v is not None]
            return (ti, pos, k, sum(printed), bool(printed))
        return (ti, pos, k, *vals[state_from[k]:k])

    visited = 0

    def search(ti: int, pos: int) -> None:
        nonlocal visited
        if len(out) >= limit:
            return
        key = state(ti, pos, len(parts))
        steps = dead.get(key)
        if steps is not None:
            visited += steps
            if visited > MAX_SEARCH_STEPS:
                raise _SearchExhausted
            return
        found, before = len(out), visited
        dfs(ti, pos)
        if len(out) == found:
            dead[key] = visited - before

    def push(piece: str, unit: str | None, value: Number | None) -> None:
        parts.append(piece)
        units.append(unit)
        vals.append(value)

    def pop() -> None:
        parts.pop()
        units.pop()
        vals.pop()

    def dfs(ti: int, pos: int) -> None:
        nonlocal visited
        if len(out) >= limit:
            return
        visited += 1
        if visited > MAX_SEARCH_STEPS:
            raise _SearchExhausted
        k = len(parts)
        if ti == n_tokens:
            if k == n:
                out.append(Split(tuple(parts), tuple(vals), tuple(units)))
            return
        if k == n:
            return
        rest_parts = n - k
        tok = tokens[ti]
        if rest_parts < n_tokens - ti or len(tok) - pos + suffix[ti + 1] < rest_parts:
            return
        if tok in DASH_CHARS:
            push(tok, None, None)
            if _group_ok(k + 1):
                search(ti + 1, 0)
            pop()
            return
        digits_from = pos
        if tok[pos] == "-":
            push("-", None, None)  # a dash cell …
            if _group_ok(k + 1):
                search(ti + 1, 0) if pos + 1 == len(tok) else search(ti, pos + 1)
            pop()
            if not (signed[k] if k < len(signed) else False):
                return
            digits_from = pos + 1  # … or, in a signed column, the sign of the number
        amount = dec[k] if k < len(dec) else False
        # amounts (万元, 元) may be long; counts are bounded by max_digits
        cap = max(max_digits, AMOUNT_MAX_DIGITS) if amount else max_digits
        for end in range(digits_from + 1, len(tok) + 1):
            digits = tok[digits_from:end]
            if not _valid_part(digits, amount, cap):
                if len(digits.partition(".")[0]) > cap:
                    break
                continue
            piece = tok[pos:end]
            last_of_token = end == len(tok)
            push(piece, token_units[ti] if last_of_token else None, _value(piece))
            if _group_ok(k + 1):
                if last_of_token:
                    search(ti + 1, 0)
                else:
                    search(ti, end)
            pop()

    try:
        search(0, 0)
    except _SearchExhausted:
        # the cuts were not all seen, so none can be called the only reading: no reading at all
        # (the cells stay unread, as for a damaged run) rather than a partial list taken as whole
        return []
    return out


def distinct_values(splits: Sequence[Split]) -> list[tuple[Number, ...]]:
    """The distinct value tuples among splits (two cuts may read the same numbers)."""
    seen: dict[tuple[Number, ...], None] = {}
    for s in splits:
        seen.setdefault(s.values, None)
    return list(seen)


def each_group_sums(_group: int, values: Sequence[Number | None]) -> bool:
    """The check of ``split_run`` that every group is a row or group ending in its total (R3/R4)."""
    return total_is_sum(values)


def total_is_sum(values: Sequence[Number | None]) -> bool:
    """R3/R4 shape: the last value equals the sum of the others. As in validation, a side with
    nothing printed (dash/blank) cannot be checked, and a dash among printed parts counts 0."""
    parts = [v for v in values[:-1] if v is not None]
    total = values[-1]
    if total is None or not parts:
        return True
    return abs(sum(parts) - total) < 1e-9
