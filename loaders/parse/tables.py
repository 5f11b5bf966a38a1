"""Row observations → one ``CellValue`` per canonical key of tables 二, 三 and 四.

- Table 二: rows are found by their own labels (unique across the sub-tables), so a sub-table
  printed away from its header still maps; columns follow the spec's column order.
- Table 三: labelled rows are anchors; unlabelled rows of numbers (labels detached from values,
  PDF→Markdown) fill the canonical rows missing between two anchors — only when their count
  equals the number of free rows there; otherwise the gap is reported as parse-uncertain.
- Table 四: its single unlabelled row (or three small rows, or one digit run) in table 四's region.
- Value cells: as many as the spec's columns; one number too many or one number broken across two
  cells is resolved by the table's own sums (R3/R4) or reported; digit runs are split by
  runs.split_run and, when several rows stay ambiguous, jointly by the column sums (R1/R2).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ..document import Cell
from ..model import CellValue, Finding
from ..spec import ERROR, PARSE, sum_checks
from ..spec import tables as spec
from ..spec.rules import NARRATIVE_CHECKS, PARSE_UNCERTAIN
from ..spec.values import ValueStatus
from ..validate import narrative_number
from .cellvalue import is_blank, number_of, parse_cell
from .columns import CANONICAL, EXTRA
from .joint import BY_SUMS, INCONSISTENT, INFEASIBLE, OPEN, Equation, RowOptions, Stated, decode_jointly
from .labels import LabelIndex, RowTarget, label_index
from .rows import Obs
from .runs import DASH_CHARS, distinct_values, each_group_sums, split_run
from .settings import ParseSettings

Number = int | float
Check = Callable[[int, tuple[Number, ...]], bool] | None

NOTE_SPLIT = "由连写数字拆分"
NOTE_SPLIT_JOINT = "由连写数字拆分，由表内勾稽关系唯一确定"
NOTE_JOINT_PROSE = "由连写数字拆分，由正文数字确定"
NOTE_EXTRA = "多出一个数字，按合计关系确定"
NOTE_JOINED = "一个数字被拆在两格，按合计关系合并"
NOTE_ALIGNED = "标签与数字分离，按行序对齐"
NOTE_DISPLACED = "单元格空白，表内游离的一个数字按合计关系归入此格"


@dataclass
class RowRead:
    """One row's reading: cells, or the candidates when it could not be decided."""

    cells: list[CellValue] | None
    candidates: list[tuple[Number, ...]] = field(default_factory=list)
    problem: str = ""


@dataclass
class TableResult:
    cells: dict[str, CellValue] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    found: set[str] = field(default_factory=set)  # tables seen at all


def _p1(message: str, keys: Sequence[str], candidates: Sequence = (), where: str = "", settings: ParseSettings | None = None) -> Finding:
    severity = ERROR if settings is not None and settings.strict else PARSE_UNCERTAIN.severity
    return Finding(
        rule=PARSE_UNCERTAIN.id,
        severity=severity,
        kind=PARSE,
        message=message,
        keys=tuple(keys),
        candidates=[list(c) for c in candidates][: settings.max_candidates if settings else 12],
        where=where,
    )


# ------------------------------------------------------------------ reading one row ----------
def _group_check(sizes: Sequence[int], use_sums: bool) -> Check:
    if not use_sums:
        return None
    return each_group_sums


def _passes(values: Sequence[Number], sizes: Sequence[int], check: Check) -> bool:
    if check is None:
        return True
    k = 0
    for g, s in enumerate(sizes):
        if not check(g, tuple(values[k : k + s])):
            return False
        k += s
    return True


def _read_cells(cells: list[Cell], sizes: Sequence[int], check: Check, decimal_ok: Sequence[bool],
                settings: ParseSettings) -> RowRead:
    n = sum(sizes)
    v = list(cells)
    # Padding cells around the values (tab-separated PDF text) are not values; a real grid has
    # exactly n value cells, blanks included.
    while len(v) > n and is_blank(v[-1].text):
        v.pop()
    while len(v) > n and is_blank(v[0].text):
        v.pop(0)
    if len(v) == n:
        return RowRead([parse_cell(c.text, c.loc) for c in v])
    if len(v) == n + 1 and all(number_of(c.text) is not None for c in v):
        return _one_too_many(v, sizes, check, settings)
    if len(v) < n:
        texts = " ".join(c.text for c in v if not is_blank(c.text))
        if all(number_of(c.text) is not None or is_blank(c.text) for c in v) and texts:
            loc = next((c.loc for c in v if c.loc), None)
            return _read_run(texts, sizes, check, decimal_ok, settings, loc)
    return RowRead(None, [], f"该行有{len(v)}个数值单元格，应为{n}个")


def _one_too_many(v: list[Cell], sizes: Sequence[int], check: Check, settings: ParseSettings) -> RowRead:
    """n+1 numbers for n columns: one stray number (dropped) or one number split over two cells
    (joined). Keep the readings the table's sums accept; decide only if they agree."""
    n = len(v) - 1
    texts = [c.text.strip() for c in v]
    # Cells are built only for the reading that is kept: a row tries n + 1 drops and n joins.
    options: dict[tuple[Number, ...], Callable[[], list[CellValue]]] = {}
    for i in range(len(v)):
        rest = [c for j, c in enumerate(v) if j != i]
        vals = tuple(number_of(c.text)[0] for c in rest)  # type: ignore[index]
        if vals not in options and _passes(vals, sizes, check):
            options[vals] = lambda rest=rest: [parse_cell(c.text, c.loc, NOTE_EXTRA) for c in rest]
    for i in range(n):
        joined = texts[i] + texts[i + 1]
        jv = number_of(joined)
        if jv is None or (len(texts[i]) > 1 and texts[i].startswith("0")):
            continue
        rest_cells = [*v[:i], Cell(joined, joined, v[i].loc), *v[i + 2 :]]
        vals = tuple(number_of(c.text)[0] for c in rest_cells)  # type: ignore[index]
        if vals not in options and _passes(vals, sizes, check):
            options[vals] = lambda rest_cells=rest_cells, i=i: [
                parse_cell(c.text, c.loc, NOTE_JOINED if k == i else "") for k, c in enumerate(rest_cells)]
    if check is None and len({tuple(x) for x in options}) > 1:
        return RowRead(None, list(options), f"该行有{n + 1}个数字，应为{n}个")
    if len(options) == 1:
        return RowRead(next(iter(options.values()))())
    return RowRead(None, list(options), f"该行有{n + 1}个数字，应为{n}个")


def _read_run(run: str, sizes: Sequence[int], check: Check, decimal_ok: Sequence[bool],
              settings: ParseSettings, loc, signed_ok: Sequence[bool] | None = None,
              blanks_vanished: bool = False) -> RowRead:
    n = sum(sizes)
    toks = run.split()
    if len(toks) == n and all(number_of(t) is not None or t in DASH_CHARS for t in toks):
        return RowRead([parse_cell(t, loc) for t in toks])
    if blanks_vanished and _fewer_cells_possible(run, sizes, check, decimal_ok, signed_ok, settings):
        loose = distinct_values(split_run(run, sizes, check, decimal_ok=decimal_ok, signed_ok=signed_ok,
                                          max_digits=settings.max_digits_per_cell))
        return RowRead(None, loose,
                       f"连写数字「{run}」：本文件的表格文字丢失了空白单元格，拆分无法确定各数所在列")
    if len(toks) == n + 1 and all(number_of(t) is not None for t in toks):
        return _one_too_many([Cell(t, t, loc) for t in toks], sizes, check, settings)
    splits = split_run(run, sizes, check, decimal_ok=decimal_ok, signed_ok=signed_ok,
                       max_digits=settings.max_digits_per_cell)
    values = distinct_values(splits)
    if not values and check is not None:
        # No cut satisfies the sums. Even when the digits allow a single cut, it is not taken: blank
        # cells vanish from flattened text ("1132115" may be 113, 2, four blanks, 115), so the sums
        # failing says the cut is wrong as likely as that the source is. Unread, with the cuts.
        loose = distinct_values(split_run(run, sizes, None, decimal_ok=decimal_ok,
                                          max_digits=settings.max_digits_per_cell))
        return RowRead(None, loose,
                       f"连写数字「{run}」无法拆分为{n}个符合合计关系的数（可能有空白单元格未印出）")
    if len(values) == 1:
        sp = splits[0]
        return RowRead([_run_cell(val, txt, unit, loc) for val, txt, unit in zip(sp.values, sp.parts, sp.units, strict=True)])
    if not values:
        return RowRead(None, [], f"连写数字「{run}」无法拆分为{n}个数")
    return RowRead(None, values, f"连写数字「{run}」有{len(values)}种拆分")


def _cand_cell(v: Number | None, loc, note: str) -> CellValue:
    if v is None:
        return CellValue(None, ValueStatus.DASH, "—", loc, None, note)
    return CellValue(v, ValueStatus.NUMBER, str(v), loc, None, note)


def _fewer_cells_possible(run: str, sizes: Sequence[int], check: Check, decimal_ok: Sequence[bool],
                          signed_ok: Sequence[bool] | None, settings: ParseSettings) -> bool:
    """Could the run be fewer printed numbers (the rest blank cells that vanished) that still add
    up? Then a cut into every cell proves nothing. One group (a t3 row): its last number is the
    total; several groups (table 四): any shorter cut counts."""
    lo = len(run.split())
    for k in range(max(lo, 1), sum(sizes)):
        group_check = check if len(sizes) == 1 else None
        if split_run(run, (k,), group_check, decimal_ok=decimal_ok, signed_ok=signed_ok,
                     max_digits=settings.max_digits_per_cell, limit=1):
            return True
    return False


def _run_cell(val, txt: str, unit: str | None, loc) -> CellValue:
    if val is None:
        return parse_cell(txt, loc, NOTE_SPLIT)
    return CellValue(val, ValueStatus.NUMBER, txt, loc, unit, NOTE_SPLIT)


def _by_header(o: Obs, n: int) -> list[Cell]:
    """Value cells in canonical column order when the grid's header prints another order or an
    extra column (columns.t3_column_plan); as printed otherwise."""
    if n != len(CANONICAL) or (o.target is not None and o.target.table != "t3"):
        return o.cells
    plan = o.col_plan
    if not plan:
        # the header says where the values are: use the cells under it, blanks in place
        return o.positional if o.positional is not None else o.cells
    cells = list(o.cells)
    while len(cells) > len(plan) and is_blank(cells[-1].text):
        cells.pop()
    while len(cells) > len(plan) and is_blank(cells[0].text):
        cells.pop(0)
    if len(cells) != len(plan):
        return o.cells
    by_code = {code: c for code, c in zip(plan, cells, strict=True) if code != EXTRA}
    return [by_code[code] for code in CANONICAL]


def _decimal_flags(columns: Sequence[spec.Label]) -> list[bool]:
    return [c.kind != spec.INT for c in columns]


# ------------------------------------------------------------------ assembling tables --------
def _context(obs: list[Obs], index: LabelIndex) -> list[str | None]:
    """The table each observation sits in: its own table, or the last one seen before it.

    After table 三's last row (四、结转下年度继续办理) no table is open until a header or heading
    says which: numbers after table 三 are table 四's only under table 四's own words."""
    t3_last = index.rows_of("t3")[-1]
    ctx: list[str | None] = []
    cur: str | None = None
    for o in obs:
        if o.kind in ("row", "group_row") and o.table:
            cur = o.table
            if o.target is t3_last:
                cur = None  # after table 三's last row: numbers belong to table 四 only under its header
                ctx.append("t3")
                continue
        elif o.kind == "marker" and o.table and not (o.marker and o.marker.ambiguous):
            cur = o.table
        elif o.kind == "anon" and o.table and o.marker is not None and not o.marker.ambiguous:
            cur = o.table
        ctx.append(cur if o.kind != "row" else o.table)
    return ctx


def build_tables(obs: list[Obs], fmt: str, settings: ParseSettings, narrative: dict | None = None) -> TableResult:
    """``narrative``: figures the report's prose states (parse.narrative); used only to choose
    between digit-run splits that the table's own sums leave open (W4 as a constraint)."""
    index = label_index(fmt)
    res = TableResult()
    ctx = _context(obs, index)
    lost = {c for o, c in zip(obs, ctx, strict=True) if _lost_cells(o)}
    for o, c in zip(obs, ctx, strict=True):
        if o.origin == "text" and c in lost:
            o.blanks_vanished = True
    res.found.update(c for c in ctx if c)
    _build_t2(obs, ctx, fmt, index, settings, res, narrative or {})
    _build_t3(obs, ctx, fmt, index, settings, res, narrative or {})
    _build_t4(obs, ctx, fmt, settings, res, narrative or {})
    return res


def _lost_cells(o: Obs) -> bool:
    """A flattened row with fewer digits (and dashes) than cells: its blank cells were not printed."""
    if o.kind != "row" or o.origin != "text" or o.target is None:
        return False
    printed = len(re.findall(r"[0-9]", o.run)) + len(re.findall(r"[—–―]|-(?![0-9])", o.run))
    return printed < o.target.n_values


def _pick(obs: list[Obs], ctx: list[str | None], target: RowTarget, reads: Callable[[Obs], bool]) -> Obs | None:
    """The observation of one row: in its own table's region, readable as that row; else the first."""
    cands = [(o, c) for o, c in zip(obs, ctx, strict=True) if o.kind == "row" and o.target is target]
    with_numbers = [(o, c) for o, c in cands if o.has_numbers or o.origin == "grid"]
    ranked = sorted(with_numbers, key=lambda oc: (oc[1] != target.table, not reads(oc[0])))
    return ranked[0][0] if ranked else None


def _keys_for(target: RowTarget, fmt: str) -> list[str]:
    block = _block_of(target, fmt)
    if target.table == "t2":
        return [f"t2.{target.block}.{target.row.code}.{c.code}" for c in block.columns]
    return [f"{target.row.code}.{c.code}" for c in block.columns]


def _block_of(target: RowTarget, fmt: str) -> spec.SubTable:
    table = spec.table_spec(fmt, target.table)
    return next(b for b in table.blocks if b.code == target.block)


def _obs_read(o: Obs, sizes: Sequence[int], check: Check, dec: Sequence[bool], settings: ParseSettings,
              signed: Sequence[bool] | None = None) -> RowRead:
    if o.origin == "grid":
        return _read_cells(_by_header(o, sum(sizes)), sizes, check, dec, settings)
    if o.unreadable:
        return RowRead(None, [], o.unreadable)
    return _read_run(o.run, sizes, check, dec, settings, o.loc, signed, o.blanks_vanished)


def _build_t2(obs, ctx, fmt, index: LabelIndex, settings, res: TableResult, narrative: dict) -> None:
    for target in index.rows_of("t2"):
        keys = _keys_for(target, fmt)
        block = _block_of(target, fmt)
        dec = _decimal_flags(block.columns)
        signed = [c.kind == spec.SIGNED_INT for c in block.columns]

        def reads(o: Obs, n: int = len(keys), dec: list[bool] = dec, signed: list[bool] = signed) -> bool:
            r = _obs_read(o, (n,), None, dec, settings, signed)
            return r.cells is not None or len(r.candidates) > 1

        o = _pick(obs, ctx, target, reads)
        if o is None:
            continue
        read = _t2_by_prose(_obs_read(o, (len(keys),), None, dec, settings, signed), keys, narrative)
        _store(res, keys, read, o, settings, f"表二「{target.row.label}」行")


def _t2_by_prose(read: RowRead, keys: list[str], narrative: dict) -> RowRead:
    """A table 二 row has no equation inside the report: the figures the prose states for its cells
    (narrative.t2_figures) are its only evidence."""
    said = {Stated(v, ((k,),)): f"{k.rsplit('.', 1)[1]}={v}（正文：“{fig['raw']}”）"
            for k in keys if isinstance(fig := narrative.get(k), dict) for v in fig.get("values") or ()}
    return _decode_row(read, keys, [], said) if said else read


def _decode_row(read: RowRead, keys: list[str], equations: list[Equation], said: dict[Stated, str]) -> RowRead:
    """One row read several ways (a table 二 row, table 四 as a whole) through the joint decode:
    decided only when one reading is left; otherwise unread with the readings still possible, and
    the finding says which prose figures narrowed them and which fit no reading."""
    if read.cells is not None or len(read.candidates) < 2:
        return read
    d = decode_jointly([RowOptions(tuple(keys), tuple(read.candidates))], {}, equations, list(said))
    if 0 in d.decided:
        note = NOTE_SPLIT_JOINT if d.how[0] == BY_SUMS else NOTE_JOINT_PROSE
        return RowRead([_cand_cell(v, None, note) for v in d.decided[0]])
    left = d.remaining.get(0) or read.candidates
    problem = read.problem
    if d.contradicted:
        problem += f"；正文所述数字（{'；'.join(said[f] for f in d.contradicted)}）与任何拆分都不符，正文不据以取值"
    used = "；".join(said[f] for f in d.fitting)
    if d.fitting and not d.prose_used:
        problem += f"；正文所述数字（{used}）不能同时与任何一种拆分相符，正文不据以取值"
    elif d.fitting and len(left) < len(read.candidates):
        problem += f"；按正文所述数字（{used}）筛选后仍有{len(left)}种"
    return RowRead(None, list(left), problem)


def _store(res: TableResult, keys: list[str], read: RowRead, o: Obs, settings: ParseSettings, where: str) -> None:
    if read.cells is not None:
        for k, cv in zip(keys, read.cells, strict=True):
            if cv.loc is None:
                cv.loc = o.loc
            res.cells[k] = cv
        return
    raw = o.run or " ".join(c.text for c in o.cells)
    for k in keys:
        res.cells[k] = CellValue(None, ValueStatus.MISSING, raw, o.loc, None, "识别存疑：" + read.problem)
    res.findings.append(_p1(f"{where}：{read.problem}，未取值，请人工核对", keys, read.candidates, where, settings))


def _build_t3(obs, ctx, fmt, index: LabelIndex, settings, res: TableResult, narrative: dict) -> None:
    targets = index.rows_of("t3")
    cols = spec.T3_COLUMNS
    sizes = (len(cols),)
    check = _group_check(sizes, True)
    dec = _decimal_flags(cols)
    # 1. the t3 sequence: labelled rows (anchors), group rows, unlabelled rows of numbers
    seq: list[tuple[float, Obs | None, Obs]] = []  # (canonical position or nan, target-obs, obs)
    seen_targets: set[int] = set()
    loose: list[Obs] = []  # lone numbers on a line of their own inside table 三 (not a row's)
    for o, c in zip(obs, ctx, strict=True):
        if c != "t3":
            continue
        if o.kind == "row" and o.target is not None and o.target.table == "t3":
            if o.target.index in seen_targets:
                continue
            if not (o.has_numbers or o.origin == "grid"):
                continue  # a label line apart from its numbers: not an anchor
            seen_targets.add(o.target.index)
            seq.append((float(o.target.index), o, o))
        elif o.kind == "group_row":
            pos = _group_position(o, targets)
            seq.append((pos, None, o))
            keys = [f"{o.marker.code}.{col.code}" for col in cols] if o.marker else []
            res.findings.append(
                _p1(
                    f"表三「{o.label.strip()}」按单行印出了数字，但本报告为{fmt}格式（该项分为若干子行），"
                    "这些数字未映射到子行",
                    keys,
                    [],
                    "表三",
                    settings,
                )
            )
        elif o.kind == "anon" and o.is_value_row(settings.min_anonymous_values):
            seq.append((float("nan"), None, o))
        elif o.kind == "anon" and o.origin == "text" and len(o.run.split()) == 1:
            loose.append(o)
    # 2. align unlabelled rows to the free canonical rows between anchors
    assigned: dict[int, tuple[Obs, str]] = {}
    anchors = [(pos, o) for pos, t, o in seq if t is not None]
    for _pos, o in anchors:
        assigned[o.target.index] = (o, "")  # type: ignore[union-attr]
    gap: list[Obs] = []
    prev = -1.0
    labelled = {int(p) for p, t, _ in seq if t is not None}
    for pos, _t, o in [*seq, (float(len(targets)), None, None)]:  # type: ignore[list-item]
        if pos != pos:  # nan: unlabelled
            gap.append(o)
            continue
        if gap:
            free = [i for i in range(len(targets)) if prev < i < pos and i not in labelled]
            if len(free) == len(gap):
                for i, g in zip(free, gap, strict=True):
                    assigned[i] = (g, NOTE_ALIGNED)
            else:
                keys = [f"{targets[i].row.code}.{col.code}" for i in free for col in cols]
                res.findings.append(
                    _p1(
                        f"表三有{len(gap)}行未标注行名的数字，而对应位置缺{len(free)}行，无法对齐，未取值",
                        keys,
                        [],
                        "表三",
                        settings,
                    )
                )
            gap = []
        prev = pos
    # 3. read every assigned row; collect ambiguous digit runs for the joint step
    ambiguous: dict[int, tuple[RowRead, Obs]] = {}
    for i, (o, note) in sorted(assigned.items()):
        keys = _keys_for(targets[i], fmt)
        read = _obs_read(o, sizes, check, dec, settings)
        if read.cells is None and len(read.candidates) > 1:
            ambiguous[i] = (read, o)
            continue
        if read.cells is not None and note:
            for cv in read.cells:
                cv.note = (cv.note + "；" if cv.note else "") + note
        _store(res, keys, read, o, settings, f"表三「{targets[i].row.full_label}」行")
    displaced = _displaced_options(res, loose, targets, fmt)
    if ambiguous or displaced:
        _resolve_jointly(ambiguous, targets, fmt, res, settings, narrative, displaced)


def _displaced_options(res: TableResult, loose: list[Obs], targets, fmt: str) -> dict[int, tuple[Number, Obs]]:
    """A PDF→text conversion can push one number out of its cell onto a line of its own (the
    cell reads blank, the number floats between the label lines). It becomes a candidate of the
    joint decode — the row holding the blank read with the number in it — only on the table's own
    terms: table 三 prints every other cell read (zeros included, so blank is not its way of
    writing 0), exactly one cell is blank, and exactly one lone number floats inside the table.
    Row index → (the number, its line)."""
    if len(loose) != 1 or (found := number_of(loose[0].run)) is None:
        return {}
    cells = {k: cv for k, cv in res.cells.items() if k.startswith("t3.")}
    blanks = [k for k, cv in cells.items() if cv.status == ValueStatus.BLANK]
    if len(blanks) != 1 or any(cv.status not in (ValueStatus.NUMBER, ValueStatus.BLANK, ValueStatus.MISSING)
                               for cv in cells.values()):
        return {}
    row = next((t.index for t in targets if blanks[0] in _keys_for(t, fmt)), None)
    return {} if row is None else {row: (found[0], loose[0])}


def _group_position(o: Obs, targets: Sequence[RowTarget]) -> float:
    code = o.marker.code if o.marker else ""
    first = next((t.index for t in targets if t.row.code.startswith(code + ".")), len(targets))
    return first - 0.5


def _resolve_jointly(ambiguous: dict[int, tuple[RowRead, Obs]], targets, fmt: str, res: TableResult,
                     settings: ParseSettings, narrative: dict,
                     displaced: dict[int, tuple[Number, Obs]] | None = None) -> None:
    """Rows read more than one way (a digit run's cuts, a number too many; a row with a blank cell
    and the table's loose number): decode the table as a whole (parse.joint) under every equation
    of the format and the figures the prose states; a row is stored only when every solution reads
    it the same, else an ambiguous row stays unread with the readings still possible and a row with
    a blank keeps its reading as printed."""
    displaced = displaced or {}
    moved = {i: (tuple(res.cells[k].value for k in _keys_for(targets[i], fmt)), v, o)
             for i, (v, o) in displaced.items()}
    rows = sorted(ambiguous)
    placed_rows = sorted(moved)
    own = {k for i in placed_rows for k in _keys_for(targets[i], fmt)}
    fixed = {k: cv.value for k, cv in res.cells.items()
             if k.startswith("t3.") and cv.status != ValueStatus.MISSING and k not in own}
    options = [RowOptions(tuple(_keys_for(targets[i], fmt)), tuple(ambiguous[i][0].candidates)) for i in rows]
    for i in placed_rows:
        printed, v, _o = moved[i]
        with_it = [tuple(v if j == pos else x for j, x in enumerate(printed))
                   for pos, x in enumerate(printed) if x is None]
        options.append(RowOptions(tuple(_keys_for(targets[i], fmt)), (printed, *with_it),
                                  (False, *[True] * len(with_it))))
    equations = [Equation(c.left, c.right) for c in sum_checks(fmt) if all(k.startswith("t3.") for k in c.keys)]
    decoding = decode_jointly(options, fixed, equations, list(_stated(narrative)))
    for pos, i in enumerate(placed_rows, start=len(rows)):
        reading = decoding.decided.get(pos)
        if reading is None or not any(options[pos].uses_loose[j] for j, c in enumerate(options[pos].candidates)
                                      if c == reading):
            continue  # the sums do not put it back: the cell stays blank as printed (R-findings are the source's)
        v, o = moved[i][1], moved[i][2]
        key = next(k for k, old, new in zip(options[pos].keys, moved[i][0], reading, strict=True) if old != new)
        old_cell = res.cells[key]
        res.cells[key] = CellValue(v, ValueStatus.NUMBER, o.run, o.loc or old_cell.loc, None, NOTE_DISPLACED)
        where = f"表三「{targets[i].row.full_label}」行"
        res.findings.append(
            _p1(f"{where}：单元格空白，表内另有一个游离的数字「{o.run}」，按表内合计关系归入此格，请对照原件核对",
                [key], [[v], [None]], where, settings)
        )
    for pos, i in enumerate(rows):
        read, o = ambiguous[i]
        keys = list(options[pos].keys)
        if pos in decoding.decided:
            note = NOTE_SPLIT_JOINT if decoding.how[pos] == BY_SUMS else NOTE_JOINT_PROSE
            res.cells.update({k: _cand_cell(v, o.loc, note) for k, v in zip(keys, decoding.decided[pos], strict=True)})
            continue
        cands = decoding.remaining.get(pos) or read.candidates
        problem = read.problem + _JOINT_PROBLEM.get(decoding.status, "")
        if decoding.broken and decoding.status != INCONSISTENT:
            problem += "；表内已读出的数字本身不合计，涉及这些数字的勾稽关系不据以取值"
        if decoding.status == OPEN:
            problem += f"，按表内勾稽关系仍有{len(cands)}种读法"
        _store(res, keys, RowRead(None, list(cands), problem), o, settings, f"表三「{targets[i].row.full_label}」行")


_JOINT_PROBLEM = {
    INFEASIBLE: "；各行候选读法在表内勾稽关系下无一同时成立（原件数字可能不合计），不据合计取值",
    INCONSISTENT: "；表内已读出的数字本身不合计，不据合计取值",
}


def _build_t4(obs, ctx, fmt: str, settings: ParseSettings, res: TableResult, narrative: dict) -> None:
    groups = spec.T4_GROUPS
    results = spec.T4_RESULTS
    sizes = tuple(len(results) for _ in groups)
    n = sum(sizes)
    keys = [f"t4.{g.code}.{r.code}" for g in groups for r in results]
    check = _group_check(sizes, True)
    dec = [False] * n
    rows = [o for o, c in zip(obs, ctx, strict=True)
            if c == "t4" and o.kind == "anon" and o.is_value_row(settings.min_anonymous_values)]
    if not rows:
        return
    first = rows[0]
    # one row (grid or digit run) holding the whole table
    if (first.origin == "grid" and len(first.cells) >= n) or (first.origin == "text" and (first.n_numbers >= n or len(first.run.split()) == 1)):
        read = _t4_jointly(_obs_read(first, sizes, check, dec, settings), keys, fmt, narrative)
        _store(res, keys, read, first, settings, "表四")
        return
    # the table printed as several small rows (one per group)
    cells: list[Cell] = []
    used: list[Obs] = []
    for o in rows:
        part = o.cells if o.origin == "grid" else [Cell(t, t, o.loc) for t in o.run.split()]
        if len(part) < settings.min_anonymous_values:
            continue
        cells.extend(part)
        used.append(o)
        if len(cells) >= n:
            break
    read = _read_cells(cells, sizes, check, dec, settings)
    _store(res, keys, _t4_jointly(read, keys, fmt, narrative), used[0] if used else first, settings, "表四")


def _t4_jointly(read: RowRead, keys: list[str], fmt: str, narrative: dict) -> RowRead:
    """Table 四 split several ways: its group sums, then the prose's figures (parse.joint)."""
    equations = [Equation(c.left, c.right) for c in sum_checks(fmt) if all(k.startswith("t4.") for k in c.keys)]
    return _decode_row(read, keys, equations, _stated(narrative))


def _stated(narrative: dict) -> dict[Stated, str]:
    """The figures the report's prose states, as constraints on the table cells they sum → how the
    finding names each."""
    return {Stated(v, alts): f"{name}={v}" for key, name, alts in NARRATIVE_CHECKS
            if (v := narrative_number(narrative.get(key))) is not None}


_NUMERALS = "0123456789一二三四五六七八九十"
_FIGURE_AFTER = re.compile(r"^[0-9]+(?:[0-9.]*)(?:件|条|项|个|次|家|人|份|篇|元|万|亿|年|月|日|%)")


def report_silent_rows(doc_form: str, fmt: str, res: TableResult, settings: ParseSettings) -> None:
    """Last guard: a table 二/三 row whose label the text prints directly before digits, yet no
    reading (cells or finding) came out of it, is reported unread (P1) with the text — a cell
    never goes missing silently. A label followed by a counted figure ("行政许可2293件") is prose."""
    index = label_index(fmt)
    flagged = {k for f in res.findings for k in f.keys}
    forms = sorted({f for r in index.rows for f in r.forms}, key=len, reverse=True)
    names = {"t2": "表二", "t3": "表三"}
    for target in (t for t in index.rows if t.table in names and t.table in res.found):
        keys = _keys_for(target, fmt)
        if any(k in res.cells or k in flagged for k in keys):
            continue
        for form in target.forms:
            if target.table == "t3" and len(form) < 4 and form[0] not in _NUMERALS:
                continue  # a bare "其他": too short to tell a table 三 row from a word in a sentence ("3其他" is not)
            hit = _label_before_digits(doc_form, form, forms)
            if hit is None:
                continue
            where = f"{names[target.table]}「{target.row.full_label}」行"
            problem = f"文中（去标点后）「{hit}」标签后有数字，但未能读取为该行各列"
            for k in keys:
                res.cells[k] = CellValue(None, ValueStatus.MISSING, hit, None, None, "识别存疑：" + problem)
            res.findings.append(_p1(f"{where}：{problem}，未取值，请人工核对", keys, [], where, settings))
            break


def _label_before_digits(doc_form: str, form: str, all_forms: Sequence[str]) -> str | None:
    start = doc_form.find(form)
    while start >= 0:
        end = start + len(form)
        inside_longer = any(
            len(f) > len(form) and form in f
            and doc_form.find(f, max(0, end - len(f)), start + len(f)) != -1
            for f in all_forms
        )
        after = doc_form[end:end + 24]
        if not inside_longer and after[:1].isdigit() and not _FIGURE_AFTER.match(after):
            return doc_form[start:end + 24]
        start = doc_form.find(form, start + 1)
    return None
