"""Structure checks S1–S3 through the real parser: a real misnumbered report, the seed report
(clean), and the seed with a section dropped or two sections swapped."""

from __future__ import annotations

from pathlib import Path

from loaders.parse import parse_file


def _rules(path: Path) -> list[tuple[str, str]]:
    return [(f.rule, f.where) for f in parse_file(path).findings if f.rule in ("S1", "S2", "S3")]


def test_seed_report_has_no_structure_findings(seed_report: Path):
    assert _rules(seed_report) == []


def test_real_report_numbering_its_tables_anew_is_misnumbered(shared_corpus: Path):
    # 上海市科委 2024: the narrative runs 一…六, then the tables restart at 一、二、三 and the last part is 五.
    found = _rules(shared_corpus / "raw" / "2024_shanghai_stc_kewei.md")
    assert {r for r, _ in found} == {"S3"}
    assert [w for _, w in found] == ["第二部分", "第三部分", "第四部分", "第五部分", "第六部分"]


def test_missing_and_swapped_sections(seed_report: Path, tmp_path: Path):
    text = seed_report.read_text(encoding="utf-8")
    i5, i6 = text.index("五、存在的主要问题及改进情况"), text.index("## 六、其他需要报告的事项")
    dropped = tmp_path / "dropped.txt"
    dropped.write_text(text[:i6], encoding="utf-8")  # no 六 at all
    assert _rules(dropped) == [("S1", "第六部分")]
    swapped = tmp_path / "swapped.txt"
    swapped.write_text(text[:i5] + text[i6:] + "\n" + text[i5:i6], encoding="utf-8")  # 六 before 五
    # the section finder reads headings in order, so a part moved behind a later one is not found
    # where the format expects it: reported as missing there
    assert _rules(swapped) == [("S1", "第五部分")]


def test_order_finding_names_the_printed_order():
    from loaders.parse.sections import Section, Sections
    from loaders.parse.structure import structure_findings
    from loaders.spec import SECTIONS

    starts = {"s1": 0, "s2": 10, "s3": 20, "s4": 30, "s5": 50, "s6": 40}  # 六 printed before 五
    by_code = {s.code: Section(s.code, s.numeral + "、" + s.heading, s.numeral, starts[s.code], starts[s.code] + 5,
                               starts[s.code] + 9, 0, 1, "", "", 1.0) for s in SECTIONS}
    found = structure_findings(Sections("x" * 60, [(0, 60)], by_code))
    assert [f.rule for f in found] == ["S2"]
    assert found[0].message.index("六其他需要报告的事项") < found[0].message.index("五存在的主要问题")
