"""The per-agency pages' warehouse questions alone (依申请公开, 机构对比, 全省汇总), as a code tree's own pages
ask them — to compare two trees on one warehouse, one process per tree, alternated:

    .venv/bin/python benchmarks/bench_agency_pages.py --db W --code OTHER_TREE   # e.g. a copy of main

Prints one tab-separated line per page and slice (default slice, the last three years): tree, page,
year_from, ms. A tree from before ``rollup_agency_year`` (no ``ranking_counts`` question) is asked the
questions its pages asked: the whole ranking, the movers and the summary's full report lists.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
ap.add_argument("--db", required=True)
ap.add_argument("--code", default=str(Path(__file__).resolve().parent.parent), help="the code tree to time")
args = ap.parse_args()
sys.path.insert(0, args.code)

from warehouse import queries  # noqa: E402
from warehouse.connect import open_reader  # noqa: E402
from warehouse.filters import Filters  # noqa: E402

NEW = "ranking_counts" in queries.QUESTIONS
con = open_reader(args.db)
years = queries.report_years(con, Filters())["year"].tolist()
y = years[-1]
APPS = [("applications_by_year", ()), ("outcomes_by_agency", (20,)),
        ("indicator_influence", (("handled", "grant_rate", "refusal_rate"),))]
if NEW:
    pages = {"依申请公开": APPS,
             "机构对比": [("ranking", ("new_applications", "sum", 10, 1000)), ("ranking_counts", ("new_applications", "sum")),
                      ("ranking", ("new_applications", "sum", 10, 12, "size")), ("failing_by_agency", ()),
                      ("movers", ("new_applications", "sum", 10, 1001))],
             "全省汇总": [("summary_report_counts", (y, False)), ("summary_cells", (y, False)),
                      ("summary_reports", (y, False, True)), ("summary_report_counts", (y - 1, False)),
                      ("summary_cells", (y - 1, False))]}
else:
    pages = {"依申请公开": APPS,
             "机构对比": [("ranking", ("new_applications", "sum", 10)), ("failing_by_agency", ()),
                      ("movers", ("new_applications", "sum", 10))],
             "全省汇总": [("summary_reports", (y, False)), ("summary_cells", (y, False)),
                      ("summary_reports", (y - 1, False)), ("summary_cells", (y - 1, False))]}
for f in (Filters(), Filters(year_from=years[-3], year_to=years[-1])):
    for page, qs in pages.items():
        t = time.perf_counter()
        for name, qargs in qs:
            queries.QUESTIONS[name](con, f, *qargs)
        print(f"{'new' if NEW else 'old'}\t{page}\t{f.year_from}\t{(time.perf_counter() - t) * 1000:.0f}")
