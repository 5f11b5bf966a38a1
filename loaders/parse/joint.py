"""Joint decoding of a table: choose one candidate reading per ambiguous row so that every equation
of the format holds at once, and keep a choice only when it is the only one.

Each ambiguous row brings its candidate readings (the cuts of a digit run, a row with one number
too many …: value tuples, ``None`` for a blank or dash cell); the cells already read are constants.
The equations are the spec's sum checks (``SumCheck``: left == right over canonical keys), with the
validator's reading of blanks: a side with nothing printed is not checked, a blank among printed
cells counts 0. Figures the report's prose states (``Stated``) are a second, weaker source of
evidence, used only for the rows the table's own equations leave open. A figure that no reading the
table allows can give is shown not to be about these cells (or misprinted): it is not used, and
then the prose is not proof enough to decide a row either — the figures that do fit only narrow
the readings an unread row keeps. A table with no equation at all (a table 二 row) is decoded by
its figures alone, the same way.

A row's candidates may also be its reading as printed and that reading with the table's one loose
number (a number a PDF→text conversion pushed out of its cell) put into one of its blank cells: at
most one reading of the table uses it, and it goes back only when every solution puts it there.

The search is OR-Tools CP-SAT (one boolean per row candidate, exactly one per row, the equations
as linear constraints enforced when both sides print something): complete, so "no other solution"
is a proof, not a missed branch. Uniqueness is checked by solving again with the found solution
excluded — once for the whole table, then once per row that the second solution did not already
show to be open. A row is decided only when no solution of the table gives it another reading.

Evidence when the table is inconsistent: if the cells already read break an equation among
themselves, every cell of that equation may be the misprinted one, so no equation through any of
those cells is used for a cut; the equations untouched by the break still are (a break in the 自然人
and 总计 columns says nothing about the 商业企业 column). When nothing untouched runs through the
open rows, or no choice of candidates satisfies every equation used, nothing is decided here: the
rows stay unread with their candidates. The printed numbers are never changed; the validator
reports their errors as they are.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

Number = int | float
Reading = tuple[Number | None, ...]

UNIQUE = "unique"  # every row decided
OPEN = "open"  # some rows have several readings that satisfy every equation
INFEASIBLE = "infeasible"  # no choice of candidates satisfies the equations
INCONSISTENT = "inconsistent"  # the cells already read break an equation: equations not used
UNUSABLE = "unusable"  # nothing to decide with (no equation through the rows, non-integer values)

# solves spent listing the readings an undecided row may still have (beyond that: all its candidates)
MAX_CANDIDATE_SOLVES = 24

BY_SUMS = "sums"
BY_PROSE = "prose"


@dataclass(frozen=True)
class Equation:
    left: tuple[str, ...]
    right: tuple[str, ...]

    @property
    def keys(self) -> tuple[str, ...]:
        return self.left + self.right


@dataclass(frozen=True)
class Stated:
    """A figure the prose states: equal to the sum over one of ``alternatives`` (key tuples)."""

    value: Number
    alternatives: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class RowOptions:
    keys: tuple[str, ...]
    candidates: tuple[Reading, ...]
    # per candidate: does it use the table's one loose number (a number pushed out of its cell)?
    # At most one chosen reading of the table may use it. Empty: no candidate does.
    uses_loose: tuple[bool, ...] = ()


@dataclass
class Decoding:
    status: str
    decided: dict[int, Reading] = field(default_factory=dict)  # row index → its only reading
    how: dict[int, str] = field(default_factory=dict)  # row index → BY_SUMS | BY_PROSE
    remaining: dict[int, list[Reading]] = field(default_factory=dict)  # undecided rows: readings seen in solutions
    broken: bool = False  # the printed cells break an equation: the equations through its cells were not used
    fitting: list[Stated] = field(default_factory=list)  # prose figures some allowed reading gives
    contradicted: list[Stated] = field(default_factory=list)  # prose figures no allowed reading gives
    prose_used: bool = False  # the fitting figures held together on some reading and were applied


def _holds(eq: Equation, vals: Mapping[str, Number | None]) -> bool:
    left = [vals[k] for k in eq.left]
    right = [vals[k] for k in eq.right]
    if all(v is None for v in left) or all(v is None for v in right):
        return True
    return abs(sum(v or 0 for v in left) - sum(v or 0 for v in right)) < 1e-9


def decode_jointly(rows: Sequence[RowOptions], fixed: Mapping[str, Number | None], equations: Sequence[Equation],
                   stated: Sequence[Stated] = ()) -> Decoding:
    """Decide the rows whose reading every solution of the table agrees on.

    ``fixed``: cells read for certain (``None`` = printed blank/dash). Cells in neither ``fixed`` nor
    a row are unknown: an equation or figure through one of them is not used.
    """
    row_keys = {k for r in rows for k in r.keys}
    known = set(fixed) | row_keys
    usable = [e for e in equations if set(e.keys) <= known]
    broken = [e for e in usable if not set(e.keys) & row_keys and not _holds(e, fixed)]
    # the printed cells break these: each cell in them may be the misprinted one, so no equation
    # through one of those cells is evidence for a cut (else the cut would "repair" the source)
    suspect = {k for e in broken for k in e.keys}
    through = [e for e in usable if set(e.keys) & row_keys and not set(e.keys) & suspect]
    if broken and not through:
        return Decoding(INCONSISTENT, remaining={i: list(r.candidates) for i, r in enumerate(rows)})
    figures = [s for s in stated if any(set(a) <= known and set(a) & row_keys for a in s.alternatives)]
    values = [v for r in rows for c in r.candidates for v in c] + list(fixed.values()) + [f.value for f in figures]
    scale = _integer_scale(values)
    if not (through or figures) or scale is None:
        return Decoding(UNUSABLE, remaining={i: list(r.candidates) for i, r in enumerate(rows)})
    solver = _TableModel(rows, fixed, through, (), scale)
    first = solver.decide(set(range(len(rows))))
    first.broken = bool(broken)
    if first.status == INFEASIBLE or not figures or first.status == UNIQUE:
        return first
    # the table leaves rows open: the prose's figures may close them (never against the table)
    open_rows = set(range(len(rows))) - set(first.decided)
    fitting = [f for f in figures if _TableModel(rows, fixed, through, (f,), scale).feasible()]
    first.fitting = fitting
    first.contradicted = [f for f in figures if f not in fitting]
    with_prose = _TableModel(rows, fixed, through, fitting, scale).decide(open_rows) if fitting else None
    if with_prose is None or with_prose.status == INFEASIBLE:
        return first  # no reading the table allows fits the prose's figures together: not used
    out = Decoding(OPEN, dict(first.decided), dict(first.how), {}, bool(broken), fitting, first.contradicted, True)
    for i in open_rows:
        if i in with_prose.decided and not out.contradicted:
            out.decided[i] = with_prose.decided[i]
            out.how[i] = BY_PROSE
        elif i in with_prose.decided:
            out.remaining[i] = [with_prose.decided[i]]  # narrowed to one, but the prose is not proof here
        else:
            out.remaining[i] = with_prose.remaining.get(i) or first.remaining[i]
    if len(out.decided) == len(rows):
        out.status = UNIQUE
    return out


def _integer_scale(values: Sequence[Number | None]) -> int | None:
    """The power of ten that makes every value an integer (amounts such as 4432.52 万元), or None
    past four decimals — the model is over integers, and a rounded value could fake an equality."""
    for scale in (1, 10, 100, 1000, 10000):
        if all(v is None or abs(v * scale - round(v * scale)) < 1e-6 for v in values):
            return scale
    return None


class _TableModel:
    """One CP-SAT model of the table; solved repeatedly under assumptions."""

    def __init__(self, rows: Sequence[RowOptions], fixed: Mapping[str, Number | None],
                 equations: Sequence[Equation], figures: Sequence[Stated] = (), scale: int = 1) -> None:
        from ortools.sat.python import cp_model  # heavy import (~1 s): only when a table needs it

        def num(v: Number | None) -> int:
            return round((v or 0) * scale)

        self.cp = cp_model
        self.rows = rows
        m = self.model = cp_model.CpModel()
        self.x = [[m.new_bool_var(f"r{i}c{j}") for j in range(len(r.candidates))] for i, r in enumerate(rows)]
        value: dict[str, object] = {}
        printed: dict[str, object] = {}
        for k, v in fixed.items():
            value[k], printed[k] = num(v), int(v is not None)
        loose = [b for r, xs in zip(rows, self.x, strict=True) for u, b in zip(r.uses_loose, xs, strict=False) if u]
        if loose:
            m.add_at_most_one(loose)  # one loose number goes back into one cell at most
        for r, xs in zip(rows, self.x, strict=True):
            m.add_exactly_one(xs)
            for pos, k in enumerate(r.keys):
                value[k] = sum(num(c[pos]) * b for c, b in zip(r.candidates, xs, strict=True))
                printed[k] = sum(int(c[pos] is not None) * b for c, b in zip(r.candidates, xs, strict=True))
        for eq in equations:
            self._equal_when_printed([value[k] for k in eq.left], [printed[k] for k in eq.left],
                                     [value[k] for k in eq.right], [printed[k] for k in eq.right])
        for fig in figures:
            alts = [a for a in fig.alternatives if all(k in value for k in a)]
            chosen = [m.new_bool_var("") for _ in alts]
            m.add_bool_or(chosen)
            for b, alt in zip(chosen, alts, strict=True):
                m.add(sum(value[k] for k in alt) == num(fig.value)).only_enforce_if(b)
                m.add(sum(printed[k] for k in alt) >= 1).only_enforce_if(b)
        self.differs = m.new_bool_var("differs")

    def _side_printed(self, printed: list) -> object:
        """True when the side prints something: a constant, or a literal tied to the count."""
        total = sum(printed)
        if isinstance(total, int):
            return total >= 1
        b = self.model.new_bool_var("")
        self.model.add(total >= 1).only_enforce_if(b)
        self.model.add(total == 0).only_enforce_if(~b)
        return b

    def _equal_when_printed(self, lv: list, lp: list, rv: list, rp: list) -> None:
        left, right = self._side_printed(lp), self._side_printed(rp)
        if left is False or right is False:
            return
        ct = self.model.add(sum(lv) == sum(rv))
        lits = [b for b in (left, right) if b is not True]
        if lits:
            ct.only_enforce_if(lits)

    def _solve(self, assumptions: list) -> list[int] | None:
        self.model.clear_assumptions()
        self.model.add_assumptions(assumptions)
        solver = self.cp.CpSolver()
        solver.parameters.num_workers = 1  # deterministic, and the machine's cores are shared
        status = solver.solve(self.model)
        if status not in (self.cp.OPTIMAL, self.cp.FEASIBLE):
            return None
        return [next(j for j, b in enumerate(xs) if solver.boolean_value(b)) for xs in self.x]

    def feasible(self) -> bool:
        return self._solve([]) is not None

    def decide(self, rows: set[int]) -> Decoding:
        """Which of ``rows`` have one reading in every solution."""
        first = self._solve([])
        if first is None:
            return Decoding(INFEASIBLE, remaining={i: list(self.rows[i].candidates) for i in rows})
        ordered = sorted(rows)
        # is there any other solution that reads one of ``rows`` differently?
        self.model.add(sum(self.x[i][first[i]] for i in ordered) <= len(ordered) - 1).only_enforce_if(self.differs)
        seen: dict[int, list[int]] = {i: [first[i]] for i in ordered}
        other = self._solve([self.differs])
        if other is None:
            return Decoding(UNIQUE, {i: self.rows[i].candidates[first[i]] for i in ordered},
                            dict.fromkeys(ordered, BY_SUMS))
        for i in ordered:
            if other[i] != first[i]:
                seen[i].append(other[i])
        out = Decoding(OPEN)
        for i in ordered:
            if len(seen[i]) == 1:
                alt = self._solve([self.x[i][first[i]].Not()])
                if alt is None:
                    out.decided[i] = self.rows[i].candidates[first[i]]
                    out.how[i] = BY_SUMS
                    continue
                for r in ordered:
                    if alt[r] not in seen[r]:
                        seen[r].append(alt[r])
        budget = MAX_CANDIDATE_SOLVES
        for i in ordered:
            if i in out.decided:
                continue
            # the readings still possible: each candidate not met in a solution yet is tried
            # alone; past the budget the row keeps all its candidates (a superset, never fewer)
            untried = [j for j in range(len(self.rows[i].candidates)) if j not in seen[i]]
            if len(untried) > budget:
                out.remaining[i] = list(self.rows[i].candidates)
                continue
            budget -= len(untried)
            possible = set(seen[i])
            possible.update(j for j in untried if self._solve([self.x[i][j]]) is not None)
            out.remaining[i] = [c for j, c in enumerate(self.rows[i].candidates) if j in possible]
        return out
