"""内容雷同 at scale: ``warehouse.similarity.best_matches`` over N reports of one year plus the same
agencies' previous year, on one core.

    .venv/bin/python benchmarks/bench_similarity.py [--reports 2000] [--sentences 40]

Each report's prose is ``--sentences`` sentences drawn from a pool of distinct generated
sentences (so reports share some passages by chance, as real ones share phrasing), plus one
in twenty reports that copies its previous year with the numbers changed. Prints the time for
shingling and for matching, and how many pairs reached the threshold (expected: the copies).
"""

from __future__ import annotations

import argparse
import random
import time

from loaders.spec.boilerplate import COPY_THRESHOLD
from warehouse.similarity import Doc, best_matches, prose_shingles

WORDS = ("加强", "政务公开", "平台建设", "政策解读", "依申请公开", "主动公开", "保密审查", "标准目录", "培训", "考核",
         "回应关切", "基层", "规范", "栏目", "政府网站", "新媒体", "办理", "答复", "公众参与", "数据开放")


def sentence(rng: random.Random) -> str:
    return "".join(rng.choice(WORDS) for _ in range(rng.randint(5, 9))) + f"{rng.randint(1, 999)}件。"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reports", type=int, default=2000)
    ap.add_argument("--sentences", type=int, default=40)
    a = ap.parse_args()
    rng = random.Random(1)
    pool = [sentence(rng) for _ in range(a.reports * 10)]
    texts = []
    for i in range(a.reports):
        prev = "".join(rng.sample(pool, a.sentences))
        cur = prev.replace("件", "项") if i % 20 == 0 else "".join(rng.sample(pool, a.sentences))
        texts += [(2 * i, f"k{i}", 2022, prev), (2 * i + 1, f"k{i}", 2023, cur)]
    t0 = time.perf_counter()
    docs = [Doc(rid, key, year, prose_shingles(t)) for rid, key, year, t in texts]
    t1 = time.perf_counter()
    matches = best_matches(docs)
    t2 = time.perf_counter()
    hits = sum(1 for m in matches if m.similarity >= COPY_THRESHOLD)
    print(f"{len(docs)} reports: shingling {t1 - t0:.1f} s, matching {t2 - t1:.1f} s; "
          f"{hits} matches ≥ {COPY_THRESHOLD} (copies planted: {(a.reports + 19) // 20})")


if __name__ == "__main__":
    main()
