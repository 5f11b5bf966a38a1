"""内容雷同 candidates by MinHash-LSH: every same-year pair at or above the threshold that an
exhaustive comparison finds is found, with the same (exact) similarity; copies are flagged and
reports that only share boilerplate are not (precision and recall 1 on a generated year)."""

from __future__ import annotations

import random

from loaders.spec.boilerplate import COPY_THRESHOLD, MATCH_FLOOR
from warehouse.similarity import Doc, _jaccard, best_matches, prose_shingles

WORDS = ("加强", "政务公开", "平台建设", "政策解读", "依申请公开", "主动公开", "保密审查", "标准目录", "培训", "考核",
         "回应关切", "基层", "规范", "栏目", "政府网站", "新媒体", "办理", "答复", "公众参与", "数据开放")
BOILER = ("本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）要求编制。"
          "本报告所列数据的统计期限自2023年1月1日起至2023年12月31日止。"
          "坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻落实党的二十大精神。"
          "按照《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）规定，本年度未收取信息处理费。")


def _year(n: int, seed: int = 7):
    """n reports of 2023 (agency a<i>): most independent (phrasing shared by chance), some copying
    another's sentences in a share from 30 % to 100 % (numbers changed), some boilerplate only."""
    rng = random.Random(seed)
    pool = ["".join(rng.choice(WORDS) for _ in range(rng.randint(5, 9))) + f"{rng.randint(1, 999)}件。"
            for _ in range(n * 8)]
    sents = [rng.sample(pool, 40) for _ in range(n)]
    boiler = set()
    for i in range(n):
        if i % 10 == 3:  # copies part of report i-1 and writes the rest itself
            share = (3, 5, 7, 8, 10)[(i // 10) % 5] / 10
            k = round(40 * share)
            sents[i] = [s.replace("件", "项") for s in sents[i - 1][:k]] + sents[i][k:]
        elif i % 10 == 7:
            sents[i] = [BOILER, *sents[i][:2]]
            boiler.add(i)
    return [Doc(i, f"a{i}", 2023, prose_shingles("".join(s))) for i, s in enumerate(sents)], boiler


def _exhaustive(docs: list[Doc]) -> dict[int, tuple[int, float]]:
    best: dict[int, tuple[int, float]] = {}
    for d in docs:
        for o in docs:
            if o is d:
                continue
            s = _jaccard(d.shingles, o.shingles)
            if s >= MATCH_FLOOR and (d.report_id not in best or (s, -o.report_id) > (best[d.report_id][1],
                                                                                 -best[d.report_id][0])):
                best[d.report_id] = (o.report_id, s)
    return best


def test_lsh_finds_every_pair_the_exhaustive_comparison_finds_above_the_threshold():
    docs, _ = _year(300)
    got = {m.report_id: (m.other_report_id, m.similarity) for m in best_matches(docs) if m.comparison == "same_year"}
    kept = [d for d in docs if d.shingles]  # best_matches dropped the common shingles in place
    want = _exhaustive(kept)
    above = {r: v for r, v in want.items() if v[1] >= COPY_THRESHOLD}
    assert len(above) >= 2 * 2 * 6  # at least the 80 % and 100 % copies (both sides of each pair)
    assert {r: v for r, v in got.items() if v[1] >= COPY_THRESHOLD} == above
    # every similarity recorded is the exact one, never the estimate
    assert all(abs(s - _jaccard(kept[r].shingles, kept[o].shingles)) < 1e-12 for r, (o, s) in got.items())


def test_copies_are_flagged_boilerplate_only_reports_are_not():
    docs, boiler = _year(300, seed=11)
    flagged = {m.report_id for m in best_matches(docs) if m.similarity >= COPY_THRESHOLD}
    copiers = {i for i in range(300) if i % 10 == 3 and (i // 10) % 5 >= 3}  # shares 80 %, 100 %
    assert copiers <= flagged
    assert not flagged & boiler
    pairs = {i for i in range(300) if i % 10 == 3}
    assert flagged <= pairs | {i - 1 for i in pairs}  # nothing but a copier or the report it copied
