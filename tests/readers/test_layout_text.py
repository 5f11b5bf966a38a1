"""Space-aligned text (pdftotext -layout): words go to the column they stand under (issue 12)."""

from loaders.document import SourceInfo, Table
from loaders.readers.layout_text import display_width, layout_regions, layout_table
from loaders.readers.text import parse_text

HEAD = "信息内容            自然人    商业企业    总计"
ROWS = [
    HEAD,
    "本年新收申请数量      3         1           4",
    "上年结转申请数量                            7",  # a lone number under 总计: blank cells only spaces
    "结转下年度办理        1                     1",
]


def test_a_lone_number_is_placed_under_its_header():
    t = layout_table(ROWS, list(range(len(ROWS))))
    texts = [[c.text for c in r] for r in t.rows]
    assert texts[0] == ["信息内容", "自然人", "商业企业", "总计"]
    assert texts[1] == ["本年新收申请数量", "3", "1", "4"]
    assert texts[2] == ["上年结转申请数量", "", "", "7"]
    assert texts[3] == ["结转下年度办理", "1", "", "1"]


def test_regions_need_gaps_and_numbers_and_skip_page_furniture():
    title = "示例市人民政府2022年政府信息公开工作年度报告"
    prose = [title, "本年度共收到申请4件，全部按时办结。"]
    # the running header (the report's title) and the page number between two runs of the table
    lines = [*prose, "", *ROWS[:2], "", "- 2 -", title, "", *ROWS[2:], "", *prose[1:]]
    regions = layout_regions(lines, 0, {}, lambda s: s in ("- 2 -", title))
    assert list(regions.values()) == [[3, 4, 9, 10]]  # one table over the page break, no prose, no footer
    doc = parse_text("\n".join(lines), SourceInfo(name="x.txt", sha256="0" * 64, size=1, file_type="txt"))
    tables = [b for b in doc.blocks if isinstance(b, Table)]
    assert len(tables) == 1 and [c.text for c in tables[0].rows[2]] == ["上年结转申请数量", "", "", "7"]


def test_display_width_counts_cjk_twice():
    assert display_width("总计7") == 5
