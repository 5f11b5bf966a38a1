"""Dashboard: server-side time of each page's queries and render at scale (fast-path warehouse).

    .venv/bin/python benchmarks/bench_dashboard.py --reports 100000

The warehouse is loaded with ``warehouse.fastpath`` (reused when present). Two measurements:

1. **AppTest (queries + render)** — every interaction is "open page P under filter F" with the
   slice cache cleared first, so every question of the page runs against DuckDB (the filter
   options — agency list, years — are cached per data version, as in use), then Streamlit builds every chart, table and widget message.
   Timed around ``AppTest.run()`` (the entrypoint with its sidebar filters + the page); not
   timed: websocket transfer and browser drawing. A second visit (cache hit) is timed as "warm".
2. **Direct queries** — the same pages' warehouse questions alone, on a fresh read-only
   connection (no Streamlit, no cache).

Prints a Markdown table per measurement (p50 / p95 / max per page, in ms).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard.nav import PAGES  # noqa: E402
from warehouse import queries  # noqa: E402
from warehouse.connect import exists, open_reader  # noqa: E402
from warehouse.fastpath import load  # noqa: E402
from warehouse.filters import Filters  # noqa: E402

APP = ROOT / "dashboard" / "app.py"


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(p / 100 * (len(xs) - 1)))]


def filter_sets(con) -> list[dict[str, list[str] | str]]:
    """URL query parameters of distinct slices: all, year ranges, cities, a level, a category, one agency."""
    opts = queries.agency_options(con, Filters())
    years = queries.report_years(con, Filters())["year"].tolist()
    lo, hi = min(years), max(years)
    province = opts["province"].dropna().iloc[0]
    cities = sorted(opts.loc[opts["province"] == province, "city"].dropna().unique())[:3]
    one = opts.iloc[len(opts) // 2]
    sets: list[dict] = [{}, {"years": [str(hi - 2), str(hi)]}, {"years": [str(lo), str(lo + 1)]}]
    sets += [{"province": province, "city": c} for c in cities]
    sets += [{"level": ["county"]}, {"category": ["government"]},
             {"province": province, "city": cities[0], "years": [str(hi - 1), str(hi)]},
             {"province": one["province"], "city": one["city"] or "", "agency": [one["agency_key"].split("|")[-1]]}]
    return [{k: v for k, v in s.items() if v} for s in sets]


def bench_apptest(db: Path, sets: list[dict]) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Per filter set: one AppTest session opened with the filter in its URL (untimed: it lands on
    the default page and warms the entrypoint), then every page is opened by a page switch —
    once right after ``st.cache_data.clear()`` (cold: every question of the page and of the
    sidebar runs against DuckDB) and once more (warm: cache hits, render only)."""
    from streamlit.testing.v1 import AppTest

    from dashboard import data

    os.environ["GONGKAI_DB"] = str(db)
    cold: dict[str, list[float]] = {p[1]: [] for p in PAGES}
    warm: dict[str, list[float]] = {p[1]: [] for p in PAGES}
    for params in sets:
        at = AppTest.from_file(str(APP), default_timeout=600)
        for k, v in params.items():
            at.query_params[k] = v
        at.run()
        assert not at.exception, at.exception
        at.switch_page(f"views/{PAGES[-1][0]}").run()
        for file, title, *_ in PAGES:
            for bucket in (cold, warm):
                if bucket is cold:
                    data._cached.clear()  # every slice question; the filter options stay cached
                at.switch_page(f"views/{file}")
                t = time.perf_counter()
                at.run()
                bucket[title].append((time.perf_counter() - t) * 1000)
                assert not at.exception, (title, at.exception)
        print(f"  filter {params or '全部'}: cold {', '.join(f'{k} {v[-1]:.0f}' for k, v in cold.items())}",
              file=sys.stderr)
    return cold, warm


# The warehouse questions each page asks on open (default widget values).
PAGE_QUESTIONS = {
    "总览": [("overview_by_year", ())],
    "依申请公开": [("applications_by_year", ()), ("outcomes_by_agency", (20,)),
              ("indicator_influence", (("handled", "grant_rate", "refusal_rate"),))],
    "复议诉讼": [("review_litigation_by_year", ()), ("correction_rates_by_year", ("decided",))],
    "主动公开": [("proactive_by_year", ())],
    # (the first 1,000 rows, the counts, the 12 largest, the movers' first 1,001 rows: components.MAX_TABLE_ROWS)
    "机构对比": [("ranking", ("new_applications", "sum", 10, 1000)), ("ranking_counts", ("new_applications", "sum")),
             ("ranking", ("new_applications", "sum", 10, 12, "size")), ("failing_by_agency", ()),
             ("movers", ("new_applications", "sum", 10, 1001))],
    "全省汇总": [("summary_report_counts", ("LAST", False)), ("summary_cells", ("LAST", False)),
             ("summary_reports", ("LAST", False, True)), ("summary_report_counts", ("PREV", False)),
             ("summary_cells", ("PREV", False))],
    # (the agency list itself is cached per data version in the app, so it is not timed here)
    "单位详情": [("agency_reports", None), ("agency_indicators", None), ("agency_findings", None)],
    "数据质量": [("report_years", ()), ("inconsistent_reports", ()), ("parse_uncertain", ()),
             ("missing_reports", ()), ("changed_reports", ()), ("cross_year_breaks", ())],
    "数据下载": [("overview_by_year", ())],
}


def to_filters(params: dict) -> Filters:
    years = params.get("years")
    return Filters(
        year_from=int(years[0]) if years else None, year_to=int(years[1]) if years else None,
        provinces=(params["province"],) if params.get("province") else (),
        cities=(params["city"],) if params.get("city") else (),
        levels=tuple(params.get("level", ())), categories=tuple(params.get("category", ())),
        agencies=tuple(params.get("agency", ())),
    )


def without_rollups(db: Path) -> Path:
    """A copy of the current snapshot with the publish-time rollups dropped: the pages' questions then
    scan every report, as before the rollups (the in-run baseline)."""
    import shutil

    import duckdb

    from warehouse import rollups
    from warehouse.connect import current_snapshot

    copy = db.with_name(db.stem + "_no_rollups.duckdb")
    shutil.copy(current_snapshot(db), copy)
    con = duckdb.connect(str(copy))
    for t in rollups.TABLES:
        con.execute(f"DROP TABLE IF EXISTS {t}")
    con.execute("CHECKPOINT")
    con.close()
    return copy


def bench_direct(db: Path, sets: list[dict], plain: bool = False) -> dict[str, list[float]]:
    import duckdb

    out: dict[str, list[float]] = {t: [] for t in PAGE_QUESTIONS}
    for params in sets:
        f = to_filters(params)
        for title, qs in PAGE_QUESTIONS.items():
            con = duckdb.connect(str(db), read_only=True) if plain else open_reader(db)
            # (untimed; only the agency page's questions need it: the full list costs seconds at 1M)
            first_agency = (queries.agency_options(con, f)["agency_key"].iloc[0],) if None in dict(qs).values() else ()
            t = time.perf_counter()
            last = max(queries.report_years(con, f)["year"])
            for name, args in qs:
                # the agency page's questions take the agency it shows first; 全省汇总's the last year
                args = first_agency if args is None else tuple(
                    {"LAST": last, "PREV": last - 1}.get(a, a) if isinstance(a, str) else a for a in args)
                if name in queries.QUESTIONS:  # (a question the code measured does not have is skipped)
                    queries.QUESTIONS[name](con, f, *args)
            out[title].append((time.perf_counter() - t) * 1000)
            con.close()
    return out


def table(title: str, results: dict[str, list[float]]) -> str:
    lines = [f"**{title}**", "", "| 页面 | n | p50 ms | p95 ms | max ms |", "|---|---:|---:|---:|---:|"]
    allv: list[float] = []
    for page, xs in results.items():
        allv += xs
        lines.append(f"| {page} | {len(xs)} | {statistics.median(xs):.0f} | {pct(xs, 95):.0f} | {max(xs):.0f} |")
    lines.append(f"| 全部页面 | {len(allv)} | {statistics.median(allv):.0f} | {pct(allv, 95):.0f} | {max(allv):.0f} |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=int, default=100_000)
    ap.add_argument("--db", default=None, help="warehouse path (default artifacts/bench/gongkai_<n>.duckdb)")
    ap.add_argument("--apptest-only", action="store_true", help="time the pages only (no direct questions)")
    ap.add_argument("--no-baseline", action="store_true",
                    help="skip the direct questions on a copy of the snapshot without the rollups")
    args = ap.parse_args()
    db = Path(args.db or ROOT / "artifacts" / "bench" / f"gongkai_{args.reports // 1000}k.duckdb")
    db.parent.mkdir(parents=True, exist_ok=True)
    if not exists(db):
        t = time.perf_counter()
        load(db, args.reports)
        print(f"fast path: {args.reports} reports loaded in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    con = open_reader(db)
    n = con.execute("SELECT COUNT(*), COUNT(DISTINCT agency_key) FROM reports WHERE is_current").fetchone()
    sets = filter_sets(con)
    con.close()
    print(f"warehouse {db}: {n[0]} current reports, {n[1]} agencies; {len(sets)} filter sets × {len(PAGES)} pages\n")
    direct = None if args.apptest_only else bench_direct(db, sets)
    baseline = None if args.no_baseline or args.apptest_only else bench_direct(without_rollups(db), sets, plain=True)
    cold, warm = bench_apptest(db, sets)
    print(table("AppTest, cache cleared before each visit (queries + render)", cold))
    print()
    print(table("AppTest, second visit (cache hit: render only)", warm))
    if direct is not None:
        print()
        print(table("Direct warehouse questions of each page (no Streamlit, fresh connection)", direct))
    if baseline is not None:
        print()
        print(table("Same questions on a copy of the snapshot without the rollups (every report scanned)", baseline))


if __name__ == "__main__":
    main()
