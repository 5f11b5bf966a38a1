"""Every real report in ../shared/corpus/raw reads into a document of the expected shape, and the
`inspect` command shows it."""

from __future__ import annotations

import json

from click.testing import CliRunner

from loaders.cli import cli
from loaders.document import Document
from loaders.readers import iter_documents, read_file


def test_every_corpus_file_reads(shared_corpus):
    docs = list(iter_documents(shared_corpus / "raw"))
    assert len(docs) == 15
    assert all(isinstance(d, Document) and d.status == "ok" for d in docs), [d for d in docs
                                                                              if not isinstance(d, Document)]
    by_name = {d.source.name.rsplit("/", 1)[-1]: d for d in docs}
    for name, d in by_name.items():
        assert d.source.file_type == name.rsplit(".", 1)[-1]
        assert d.title and ("年度报告" in d.title or "年报" in d.title), (name, d.title)
        assert len(d.source.sha256) == 64
    # Crawler pages: header lines to meta, the body (tables flattened into text) one paragraph.
    for name, d in by_name.items():
        if name.endswith("pingtan_zone_gov.txt") or "pingtan_county" in name or "local_tax" in name:
            assert d.meta.get("原文链接", "").startswith("http") and d.tables == [] and len(d.paragraphs) == 1
    # Word-export HTML: the body only, three tables with merged cells expanded.
    html = by_name["2023_shuyang_county_drc.html"]
    assert [(t.n_rows, t.n_cols) for t in html.tables] == [(14, 4), (28, 10), (4, 15)]
    texts = [p.text for p in html.paragraphs]
    assert texts[1].startswith("根据《中华人民共和国政府信息公开条例》") and "一、总体情况" in texts
    assert not any("网站地图" in t or "ICP" in t for t in texts)
    assert html.tables[1].rows[1][3].text == "自然人"
    # Markdown conversions keep their (broken) pipe tables as separate tables.
    assert len(by_name["2025_shuyang_county_gov.md"].tables) >= 15
    assert len(by_name["2024_shanghai_stc_kewei.md"].tables) >= 5


def test_inspect_command(seed_report):
    runner = CliRunner()
    result = runner.invoke(cli, ["inspect", str(seed_report)])
    assert result.exit_code == 0, result.output
    assert "type=txt encoding=utf-8" in result.output
    assert "[table 14×4]" in result.output and "[h2] 第5行: 一、总体情况" in result.output
    result = runner.invoke(cli, ["inspect", str(seed_report), "--stage", "document", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["source"]["file_type"] == "txt"
    tables = [b for b in data["blocks"] if b["type"] == "table"]
    assert [t["n_cols"] for t in tables] == [t.n_cols for t in read_file(seed_report).tables]


def test_inspect_reports_typed_error(tmp_path):
    bad = tmp_path / "empty.pdf"
    bad.write_bytes(b"")
    result = CliRunner().invoke(cli, ["inspect", str(bad)])
    assert result.exit_code != 0 and "文件为空" in result.output
