"""内容雷同 at scale: ``warehouse.similarity.best_matches`` over N agencies × 2 years, on one core.

    nice -n 10 .venv/bin/python benchmarks/bench_similarity.py [--agencies 2000] [--sentences 40] [--reference]

Each report's prose is ``--sentences`` sentences drawn from a pool of distinct generated sentences
(so reports share some passages by chance, as real ones share phrasing). Planted:

* one agency in 20 copies its previous year's prose with the numbers changed (a previous-year copy);
* one agency in 50 copies another agency's report of the same year, numbers changed (a same-year copy);
* one agency in 20 writes a report that is mostly the boilerplate every report quotes (the 条例's
  sentences, the preamble, headings) plus a few sentences of its own — it must not be flagged.

Prints the time for shingling and for matching, the findings (pairs ≥ COPY_THRESHOLD), and their
precision and recall against the planted copies. ``--reference`` also times the previous matcher
(every shingle's whole posting list walked per report) on the same docs, and checks both give the
same pairs at or above the threshold.
"""

from __future__ import annotations

import argparse
import copy
import random
import time
from collections import Counter, defaultdict

from loaders.spec.boilerplate import COPY_THRESHOLD, MIN_SHINGLES
from warehouse.similarity import Doc, _drop_common, _jaccard, best_matches, prose_shingles

WORDS = ("加强", "政务公开", "平台建设", "政策解读", "依申请公开", "主动公开", "保密审查", "标准目录", "培训", "考核",
         "回应关切", "基层", "规范", "栏目", "政府网站", "新媒体", "办理", "答复", "公众参与", "数据开放")
BOILERPLATE = (
    "本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和国务院办公厅政府信息公开办公室有关要求编制。",
    "本报告所列数据的统计期限自{y}年1月1日起至{y}年12月31日止。",
    "坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻落实党的二十大精神。",
    "按照《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）规定，本年度未收取信息处理费。",
    "一、总体情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项",
)


def sentence(rng: random.Random) -> str:
    return "".join(rng.choice(WORDS) for _ in range(rng.randint(5, 9))) + f"{rng.randint(1, 999)}件。"


def corpus(agencies: int, sentences: int, seed: int = 1):
    """[(report_id, agency_key, year, prose)], planted previous-year copies, same-year copies
    {(copier, original)}, boilerplate-only report ids."""
    rng = random.Random(seed)
    pool = [sentence(rng) for _ in range(agencies * 10)]
    texts, prev_copies, same_copies, boiler = [], set(), set(), set()
    for i in range(agencies):
        prev = "".join(rng.sample(pool, sentences))
        if i % 20 == 0:
            cur = prev.replace("件", "项")
            prev_copies.add(2 * i + 1)
        elif i % 20 == 10:
            cur = "".join(b.format(y=2023) for b in BOILERPLATE) + "".join(rng.sample(pool, 3))
            boiler.add(2 * i + 1)
        else:
            cur = "".join(rng.sample(pool, sentences))
        texts += [(2 * i, f"k{i}", 2022, prev), (2 * i + 1, f"k{i}", 2023, cur)]
    for i in range(5, agencies, 50):  # agency i copies agency i-1's 2023 report
        orig = texts[2 * (i - 1) + 1]
        texts[2 * i + 1] = (2 * i + 1, f"k{i}", 2023, orig[3].replace("件", "个"))
        same_copies.add((2 * i + 1, orig[0]))
    return texts, prev_copies, same_copies, boiler


def reference_same_year(docs: list[Doc]) -> dict[int, tuple[int, float]]:
    """The previous matcher's same-year part: every shingle's whole posting list walked per report."""
    docs = [d for d in docs if len(d.shingles) >= MIN_SHINGLES]
    index: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for i, d in enumerate(docs):
        for s in d.shingles:
            index[d.year][s].append(i)
    out = {}
    for i, d in enumerate(docs):
        counts: Counter[int] = Counter()
        postings = index[d.year]
        for s in d.shingles:
            for j in postings[s]:
                if j != i and docs[j].agency_key != d.agency_key:
                    counts[j] += 1
        if counts:
            j, n = max(counts.items(), key=lambda kv: (_jaccard(d.shingles, docs[kv[0]].shingles, kv[1]), -kv[0]))
            out[d.report_id] = (docs[j].report_id, _jaccard(d.shingles, docs[j].shingles, n))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--agencies", type=int, default=2000)
    ap.add_argument("--sentences", type=int, default=40)
    ap.add_argument("--reference", action="store_true", help="also time the previous matcher")
    a = ap.parse_args()
    texts, prev_copies, same_copies, boiler = corpus(a.agencies, a.sentences)
    c0 = time.process_time()
    t0 = time.perf_counter()
    docs = [Doc(rid, key, year, prose_shingles(t)) for rid, key, year, t in texts]
    t1 = time.perf_counter()
    ref_docs = copy.deepcopy(docs) if a.reference else None
    c1 = time.process_time()
    matches = best_matches(docs)
    t2 = time.perf_counter()
    c2 = time.process_time()
    flagged = {(m.report_id, m.comparison) for m in matches if m.similarity >= COPY_THRESHOLD}
    planted = {(r, "previous_year") for r in prev_copies} | {(r, "same_year") for r, _ in same_copies} | {
        (o, "same_year") for _, o in same_copies}  # the original's best match is its copier, too
    hits = flagged & planted
    boiler_flagged = {r for r, _ in flagged if r in boiler}
    print(f"{len(docs)} reports: shingling {t1 - t0:.1f} s ({c1 - c0:.1f} s CPU), matching {t2 - t1:.1f} s "
          f"({c2 - c1:.1f} s CPU); "
          f"{len(flagged)} findings ≥ {COPY_THRESHOLD}: planted {len(planted)} "
          f"(previous-year {len(prev_copies)}, same-year pairs {len(same_copies)}), "
          f"precision {len(hits) / max(len(flagged), 1):.3f}, recall {len(hits) / max(len(planted), 1):.3f}; "
          f"boilerplate-only reports {len(boiler)}, flagged {len(boiler_flagged)}")
    if ref_docs is not None:
        t3 = time.perf_counter()
        _drop_common(ref_docs)
        ref = reference_same_year(ref_docs)
        t4 = time.perf_counter()
        new = {m.report_id: (m.other_report_id, m.similarity) for m in matches if m.comparison == "same_year"}
        above = {r: v for r, v in ref.items() if v[1] >= COPY_THRESHOLD}
        same = above == {r: v for r, v in new.items() if v[1] >= COPY_THRESHOLD}
        print(f"previous matcher: same-year part {t4 - t3:.1f} s (new matching total {t2 - t1:.1f} s, "
              f"ratio {(t4 - t3) / max(t2 - t1, 1e-9):.1f}x); same pairs ≥ threshold: {same}")


if __name__ == "__main__":
    main()
