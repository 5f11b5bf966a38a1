"""What every report says anyway, so it never makes two reports look copied (内容雷同), as data.

Compared prose is sections 一、五、六 (``COMPARED_SECTIONS``). Before comparing, each sentence
is normalised (``loaders.normalize.norm``), its section heading (``spec.sections``) stripped, every
digit run replaced by one placeholder (a copy with this year's numbers put in is still a copy),
and dropped when it contains one of ``BOILERPLATE_PHRASES`` — the 条例's and the format notice's
own words, the political preamble every report opens with. Beyond this list, a passage found in
many reports of a year is boilerplate by definition (``COMMON_SHARE``), whatever its words.
"""

from __future__ import annotations

COMPARED_SECTIONS: tuple[str, ...] = ("s1", "s5", "s6")

BOILERPLATE_PHRASES: tuple[str, ...] = (
    # 条例 and the report's own legal frame
    "中华人民共和国政府信息公开条例", "政府信息公开条例", "以下简称《条例》", "以下简称条例",
    "本报告", "统计期限自", "统计期限为",
    "国办公开办函", "国办函〔2020〕109号", "国办函(2020)109号", "政府信息公开信息处理费管理办法", "信息处理费",
    "第二十条第", "第四十九条", "第五十条",
    # the preamble nearly every report opens with
    "习近平新时代中国特色社会主义思想", "党的二十大", "党的十九大", "党中央、国务院", "党中央国务院",
    "国务院办公厅", "省政府办公厅",
    # the 示例数据 notice of the synthetic reports
    "示例数据", "由程序生成", "均为虚构",
)
# A sentence shorter than this (after normalising) says too little to count ("无。", "详见附表。").
MIN_SENTENCE_CHARS = 8
# Shingle length in characters: long enough that two independent reports rarely share one by chance.
SHINGLE_CHARS = 8
# A shingle in at least this share of a year's reports (and at least COMMON_MIN_REPORTS of them) is boilerplate.
COMMON_SHARE = 0.2
COMMON_MIN_REPORTS = 5
# A report with fewer shingles than this after the removals has too little own prose to judge.
MIN_SHINGLES = 20
# Jaccard similarity of the shingle sets at or above which the pair is a finding.
COPY_THRESHOLD = 0.5
# A same-year best match is looked for (and recorded) down to this similarity; below it a report has
# "no similar report that year". Pairs at or above it are found exactly (prefix filtering), so the
# cost follows how much prose reports really share, not the number of pairs.
MATCH_FLOOR = 0.2
