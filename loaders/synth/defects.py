"""Defects injected into a clean report, the way real reports go wrong (format.md §8, §9).

A defect changes what the *source prints* (``PrintedReport``): numbers that break R1–R4, cells
left blank or '—' (truth null), a number wrapped across two lines of its cell, a table left
out, a prose figure that disagrees with the table (W4), a 上年结转 that does not continue last
year (W1), a report published late or not at all. Each is recorded machine-readably in
``defects`` so tests can check that the checks find every one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..spec import F2021, TABLES, cell_keys, t3_rows
from ..spec.tables import T3_LEGAL_COLUMNS, T3_PART_COLUMNS, T4_GROUPS, T4_PART_RESULTS
from ..validate import check_rules

# Kinds, with their relative weight when a report is chosen to carry a defect.
KINDS: dict[str, float] = {
    "R1": 1.0,  # 表三列平衡 broken in the source
    "R2": 1.0,  # 办理结果合计 broken
    "R3": 1.0,  # 申请人合计 broken
    "R4": 1.0,  # 复议诉讼合计 broken (淮安市洪泽区 2023 prints 总计 0 next to 10 + 1)
    "blank": 1.5,  # zero cells printed blank (沭阳县发改局 2023 leaves the legal columns empty)
    "dash": 1.0,  # zero cells printed '—'
    "split_number": 1.0,  # a number wrapped over two lines/runs of its cell
    "missing_table": 0.7,  # a whole table not printed
    "W1": 0.7,  # 上年结转 ≠ last year's 结转下年度
    "W4": 0.7,  # prose states another number than table 三
    "late": 0.8,  # published after the deadline
    "missing_report": 0.5,  # expected on the roster, never published
}
SOURCE_RULE_KINDS = ("R1", "R2", "R3", "R4")
# "表二（主动公开政府信息情况）" …, from the spec's table titles ("二、主动公开政府信息情况").
TABLE_TITLES = {t.code: "表{}（{}）".format(*t.title.split("、", 1)) for t in TABLES[F2021]}


@dataclass
class PrintedReport:
    """What the source prints: per key the number (None if not a number) and its raw text."""

    fmt: str
    values: dict[str, float | int | None]
    raw: dict[str, str]
    status: dict[str, str]  # spec ValueStatus value per key
    units: dict[str, str]  # a unit printed in the cell ("元")
    narrative: dict[str, float | int]  # figures the prose states
    defects: list[dict] = field(default_factory=list)
    missing_tables: set[str] = field(default_factory=set)
    split_keys: set[str] = field(default_factory=set)
    late: bool = False
    published: bool = True


def format_number(v: float | int) -> str:
    """The text a report prints for a value: integers plain, amounts without trailing zeros."""
    if float(v).is_integer():
        return str(int(v))
    return f"{v:.6f}".rstrip("0").rstrip(".")


def printed_from_clean(fmt: str, clean: dict[str, float | int]) -> PrintedReport:
    values = {k: (int(v) if float(v).is_integer() else float(v)) for k, v in clean.items()}
    return PrintedReport(
        fmt=fmt,
        values=values,
        raw={k: format_number(v) for k, v in values.items()},
        status={k: "number" for k in values},
        units={},
        narrative={
            "applications_received": values["t3.new_received.total"],
            "reviews": values["t4.review.total"],
            "litigations": values["t4.lit_direct.total"] + values["t4.lit_after_review.total"],
        },
    )


def _set(p: PrintedReport, key: str, v: int) -> None:
    p.values[key] = v
    p.raw[key] = format_number(v)


def _bump(p: PrintedReport, key: str, d: int) -> None:
    _set(p, key, int(p.values[key]) + d)


def _result_rows(fmt: str) -> list[str]:
    return [r.code for r in t3_rows(fmt) if r.code.startswith("t3.result.") and r.code != "t3.result.total"]


def _applicable(kind: str, p: PrintedReport, has_previous: bool) -> bool:
    v = p.values
    if kind == "R3":
        return any(v[f"{r}.total"] >= 1 for r in _result_rows(p.fmt))
    if kind == "W1":
        return has_previous
    if kind == "split_number":
        return any(isinstance(x, int) and x >= 10 for x in v.values())
    return True


def _blank_cells(p: PrintedReport, rng: np.random.Generator) -> tuple[list[str], str, str]:
    """Which table 三 cells a source leaves empty, in the three ways the corpus and format.md §8 show:
    the legal-person columns where zero (沭阳县发改局 2023); only 总计 filled, applicant columns
    empty even where not zero ([S7]); the 总计 column left empty (the Shanghai 2019 report)."""
    v = p.values
    legal_zeros = [f"{r.code}.{c}" for r in t3_rows(p.fmt) for c in T3_LEGAL_COLUMNS if v[f"{r.code}.{c}"] == 0]
    ways = ["totals_only", "total_column"] + (["legal_zeros"] * 3 if legal_zeros else [])
    way = ways[int(rng.integers(len(ways)))]
    if way == "legal_zeros":
        return legal_zeros, f"{len(legal_zeros)}个为0的法人或其他组织单元格印为空白", way
    if way == "totals_only":
        return [f"{r.code}.{c}" for r in t3_rows(p.fmt) for c in T3_PART_COLUMNS], "表三只填总计列，申请人各列空白", way
    return [f"{r.code}.total" for r in t3_rows(p.fmt)], "表三总计列空白", way


def inject(p: PrintedReport, kind: str, rng: np.random.Generator) -> None:
    """Apply one defect of ``kind`` to the printed report and record it in ``p.defects``."""
    v = p.values
    d = int(rng.integers(1, 4))
    rec: dict = {"kind": kind}
    if kind == "R1":
        # 结转下年度 off by d in one applicant column and in 总计: rows still add up (R3 holds),
        # that column and the 总计 column no longer balance.
        keys = ["t3.carry_forward.natural_person", "t3.carry_forward.total"]
        for k in keys:
            _bump(p, k, d)
        rec.update(rule="R1", keys=keys, detail=f"结转下年度多印{d}件（自然人列与总计列；下一年度上年结转因此也不衔接）")
    elif kind == "R2":
        keys = ["t3.result.grant.natural_person", "t3.result.grant.total"]
        for k in keys:
            _bump(p, k, d)
        rec.update(rule="R2", keys=keys, detail=f"予以公开多印{d}件，（七）总计未变")
    elif kind == "R3":
        rows = [r for r in _result_rows(p.fmt) if v[f"{r}.total"] >= 1]
        src = rows[int(rng.integers(len(rows)))]
        d = min(d, int(v[f"{src}.total"]))
        dst = next(r for r in _result_rows(p.fmt) if r != src)
        keys = [f"{src}.total", f"{dst}.total"]
        _bump(p, keys[0], -d)
        _bump(p, keys[1], d)
        rec.update(rule="R3", keys=keys, detail=f"总计列{d}件记错行：{src} → {dst}（列合计不变，行合计不符）")
    elif kind == "R4":
        g = T4_GROUPS[int(rng.integers(len(T4_GROUPS)))].code
        parts = sum(int(v[f"t4.{g}.{r}"]) for r in T4_PART_RESULTS)
        key = f"t4.{g}.total"
        _set(p, key, 0 if parts > 0 else d)  # 总计 printed 0 next to non-zero parts, or a stray number
        rec.update(rule="R4", keys=[key], detail=f"{g} 总计印为 {p.values[key]}，分项之和为 {parts}")
    elif kind in ("blank", "dash"):
        if kind == "blank":
            keys, what, way = _blank_cells(p, rng)
            rec["way"] = way
        else:
            zeros = [k for k in cell_keys(p.fmt) if k.startswith(("t4.", "t2.")) and v[k] == 0]
            keys = [zeros[i] for i in sorted(rng.choice(len(zeros), size=min(len(zeros), 6), replace=False))] \
                if zeros else []
        for k in keys:
            p.values[k] = None
            p.raw[k] = "" if kind == "blank" else "—"
            p.status[k] = kind
        rec.update(rule=None, keys=keys,
                   detail=what if kind == "blank" else f"{len(keys)}个为0的单元格印为—")
    elif kind == "split_number":
        big = [k for k, x in v.items() if isinstance(x, int) and x >= 10]
        key = big[int(rng.integers(len(big)))]
        p.split_keys.add(key)
        rec.update(rule=None, keys=[key], detail=f"{p.raw[key]} 在单元格内折成两行")
    elif kind == "missing_table":
        table = "t4" if rng.random() < 0.6 else "t2"
        keys = [k for k in cell_keys(p.fmt) if k.startswith(table + ".")]
        for k in keys:
            p.values[k] = None
            p.raw[k] = ""
            p.status[k] = "missing"
        p.missing_tables.add(table)
        rec.update(rule=None, keys=[], table=table, detail=f"{TABLE_TITLES[table]}未印出")
    elif kind == "W1":
        # 上年结转 differs from last year's 结转下年度; the report itself stays balanced.
        keys = []
        for row in ("t3.carried_over", "t3.result.grant", "t3.result.total"):
            for c in ("natural_person", "total"):
                _bump(p, f"{row}.{c}", d)
                keys.append(f"{row}.{c}")
        rec.update(rule="W1", keys=["t3.carried_over.natural_person", "t3.carried_over.total"],
                   detail=f"上年结转比上年度结转下年度多{d}件")
    elif kind == "W4":
        p.narrative["applications_received"] = int(v["t3.new_received.total"] or 0) + d
        rec.update(rule="W4", keys=["t3.new_received.total"],
                   detail=f"正文写收到申请{p.narrative['applications_received']}件，表三为{v['t3.new_received.total']}件")
    elif kind == "late":
        p.late = True
        rec.update(rule=None, keys=[], detail="逾期发布")
    elif kind == "missing_report":
        p.published = False
        rec.update(rule=None, keys=[], detail="应报未报")
    else:
        raise ValueError(kind)
    p.defects.append(rec)


def choose_kind(rng: np.random.Generator, p: PrintedReport, has_previous: bool) -> str:
    kinds = [k for k in KINDS if _applicable(k, p, has_previous)]
    w = np.array([KINDS[k] for k in kinds])
    return kinds[int(rng.choice(len(kinds), p=w / w.sum()))]


def source_anomalies(p: PrintedReport) -> list[str]:
    """What the source itself gets wrong, in words (truth ``source_anomalies``)."""
    out = [f"{f.rule} {f.message}" for f in check_rules(p.fmt, p.values)]
    for t in sorted(p.missing_tables):
        out.append(f"{TABLE_TITLES[t]}缺失：源文件未印出该表")
    for d in p.defects:
        if d["kind"] in ("W1", "W4"):
            out.append(f"{d['kind']} {d['detail']}")
    return out
