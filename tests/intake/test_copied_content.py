"""内容雷同 (C1): a report that copies last year's prose (numbers updated) is found; one that only
shares the boilerplate every report quotes is not; highlighted passages are escaped.

Threshold and figures (loaders.spec.boilerplate): Jaccard of 8-character shingle sets ≥ 0.5. On the
real corpus (../shared/corpus, 15 reports) the highest pair is 0.28 (淮安市洪泽区 2023 vs 2024, the
same agency's consecutive years), reports of different agencies ≤ 0.02; a copy with the year and
numbers changed scores ≥ 0.9 (asserted below).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from wh_helpers import make_report

from loaders.spec.boilerplate import COPY_THRESHOLD, MATCH_FLOOR
from warehouse import derive
from warehouse.connect import open_reader, open_writer
from warehouse.ingest import ingest
from warehouse.similarity import highlight_markdown, prose_shingles, shared_sentences
from warehouse.store import write_report

BOILERPLATE_S1 = ("一、总体情况\n本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）要求编制。"
                  "本报告所列数据的统计期限自2022年1月1日起至2022年12月31日止。"
                  "坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻党的二十大精神。")
BOILERPLATE_S6 = "六、其他需要报告的事项\n按照《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）规定，本年度未收取信息处理费。"




def _renumber(text: str) -> str:
    """The copier's edit: next year's year and different numbers."""
    return re.sub(r"\d+", lambda m: str(int(m.group()) + 1), text)


@pytest.fixture
def seed_sections(seed_report: Path) -> dict[str, str]:
    from loaders.parse import parse_file

    r = parse_file(seed_report)
    s = {k: v for k, v in r.sections.items() if k in ("s1", "s5", "s6")}
    assert sum(len(v) for v in s.values()) > 1000
    return s


def _store(w, name: str, agency: str, year: int, sections: dict[str, str]) -> int:
    r, data = make_report(name, {"t3.new_received.total": year}, agency=agency, year=year)
    r.sections = sections
    return write_report(w.con, r, data, files_dir=w.layout.files).report_id


def test_copy_of_last_year_is_found_boilerplate_only_is_not(db: Path, seed_sections: dict[str, str]):
    own_prose = ("五、存在的主要问题及改进情况\n我局网站栏目设置偏多，部分栏目更新缓慢，群众查找信息不便。"
                 "下一步将整合栏目，建立每周巡查通报机制，由专人负责内容更新与答复群众留言。")
    with open_writer(db) as w:
        original = _store(w, "orig", "示例开发区党政办公室", 2021, seed_sections)
        copy = _store(w, "copy", "示例开发区党政办公室", 2022, {k: _renumber(v) for k, v in seed_sections.items()})
        boiler = _store(w, "boiler", "示例市统计局", 2022, {"s1": BOILERPLATE_S1 + "我局聚焦统计数据发布，按月公开主要经济指标和统计公报。",
                                                        "s5": own_prose, "s6": BOILERPLATE_S6})
        other_2021 = _store(w, "other", "示例市统计局", 2021, {"s1": BOILERPLATE_S1.replace("2022", "2021"),
                                                          "s6": BOILERPLATE_S6})
        derive.refresh(w.con)
        w.publish()
    with open_reader(db) as con:
        found = con.execute("SELECT report_id, related_report_id, found, message FROM findings WHERE rule = 'C1'").fetchall()
        sims = {(r, c): (o, s) for r, c, o, s in con.execute(
            "SELECT report_id, comparison, other_report_id, similarity FROM report_similarity").fetchall()}
    flagged = {r for r, *_ in found}
    assert copy in flagged
    assert boiler not in flagged and other_2021 not in flagged
    o, s = sims[(copy, "previous_year")]
    assert o == original and s >= 0.9
    assert all(s < COPY_THRESHOLD for (r, _), (_, s) in sims.items() if r in (boiler, other_2021))
    msg = next(m for r, _, _, m in found if r == copy and "上一年度" in m)
    assert "相似度" in msg and "示例开发区党政办公室2021年度" in msg


def test_a_report_whose_only_finding_is_copied_content_is_in_the_review_queue(db: Path, seed_sections: dict[str, str]):
    """审查工作台 lists 内容雷同 too: C1 is found after the report is stored (not in its warning
    count), the queue counts it on its own column."""
    from warehouse import queries, review
    from warehouse.filters import Filters

    with open_writer(db) as w:
        original = _store(w, "orig", "示例开发区党政办公室", 2021, seed_sections)
        copy = _store(w, "copy", "示例开发区党政办公室", 2022, {k: _renumber(v) for k, v in seed_sections.items()})
        derive.refresh(w.con)
        w.publish()
    cur = review.open_reviewed_reader(db).cursor()
    n_c1 = cur.execute("SELECT count(*) FROM findings WHERE rule = 'C1' AND report_id = ?", [copy]).fetchone()[0]
    assert n_c1 >= 1
    q = queries.review_queue(cur, Filters()).set_index("report_id")
    assert copy in q.index and original not in q.index  # nothing else to look at in either
    assert (q.loc[copy, "n_copied"], q.loc[copy, "n_warnings"], q.loc[copy, "n_errors"]) == (n_c1, 0, 0)
    assert q.loc[copy, "status"] == review.PENDING


def test_boilerplate_alone_leaves_nothing_to_compare():
    assert prose_shingles(BOILERPLATE_S1 + "\n" + BOILERPLATE_S6) == set()


def test_shared_passages_are_marked_and_escaped():
    a = "一、总体情况\n我局建立<script>alert(1)</script>信息发布三级审核制度，每月通报。另有独立的一句话说明本局特色工作内容。"
    b = "我局建立<script>alert(1)</script>信息发布三级审核制度，每月通报。"
    spans = shared_sentences(a, b)
    assert len(spans) == 1
    out = highlight_markdown(a, spans)
    assert "<script>" not in out and "\\<script\\>" in out  # shown as typed, never markup
    assert out.count(":orange-background[") == 1
    marked = out.split(":orange-background[")[1]
    assert marked.index("每月通报") < marked.index("]") < marked.index("独立的一句话")  # only the shared sentence


def test_real_ingest_finds_a_copied_report(db: Path, tmp_path: Path, seed_report: Path):
    """Through the real parser and ingest: the seed report and a copy of it published for 2022."""
    src = tmp_path / "in"
    src.mkdir()
    text = seed_report.read_text(encoding="utf-8")
    (src / "a.txt").write_text(text, encoding="utf-8")
    (src / "b.txt").write_text(text.replace("2021", "2022"), encoding="utf-8")
    s = ingest([src], db, workers=1)
    assert s.failed == 0
    with open_reader(db) as con:
        rows = con.execute("SELECT r.year, f.message FROM findings f JOIN reports r USING (report_id) "
                           "WHERE f.rule = 'C1'").fetchall()
    assert [y for y, _ in rows] == [2022]
    # the copy is in the review queue (审查工作台) though the store counted no finding of its own
    from warehouse.filters import Filters
    from warehouse.queries import review_queue

    with open_reader(db) as con:
        copy_id, counted = con.execute("SELECT report_id, n_errors + n_warnings + n_parse_issues FROM reports "
                                       "WHERE year = 2022").fetchone()
        queue = review_queue(con, Filters())
    assert counted == 0  # the case this checks: only the C1 finding puts it in the queue
    assert copy_id in set(queue["report_id"])


def test_matches_all_below_the_threshold_store_no_findings(db: Path, seed_sections: dict[str, str]):
    """Two reports of one year sharing a good part of their prose, but under the threshold: the best
    match is recorded with its exact similarity, and it is no finding (an ingest must not fail)."""
    words = "统计数据发布按月公开主要经济指标群众网站查询历年企业代表参观采集流程现场答疑保密审查考核"
    own = "".join(f"我局第{'甲乙丙丁戊己庚辛壬癸'[i % 10]}项工作{words[i:i + 12]}{words[::-1][i:i + 9]}。"
                  for i in range(0, 20))
    b_sections = {"s1": "一、总体情况\n" + own, "s5": seed_sections["s5"]}
    a = set().union(*(prose_shingles(v) for v in seed_sections.values()))
    b = set().union(*(prose_shingles(v) for v in b_sections.values()))
    expected = len(a & b) / len(a | b)
    assert MATCH_FLOOR <= expected < COPY_THRESHOLD, expected  # the case this test is about
    with open_writer(db) as w:
        ra = _store(w, "a", "示例开发区党政办公室", 2021, seed_sections)
        rb = _store(w, "b", "示例市统计局", 2021, b_sections)
        derive.refresh(w.con)
        w.publish()
    with open_reader(db) as con:
        assert con.execute("SELECT COUNT(*) FROM findings WHERE rule = 'C1'").fetchone()[0] == 0
        sims = con.execute("SELECT report_id, other_report_id, similarity FROM report_similarity "
                           "ORDER BY report_id").fetchall()
    assert [(r, o) for r, o, _ in sims] == [(ra, rb), (rb, ra)]
    assert all(abs(s - expected) < 1e-9 for *_, s in sims)  # exact, not the MinHash estimate
