"""The same report rendered as CMS HTML, Word HTML, PDF and DOCX (by the project's synthetic-report
renderers, issue 5) reads into the same document: equal normalised paragraphs and table grids."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from loaders.readers import read_file


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synth")
    subprocess.run([sys.executable, "-m", "loaders.synth", "--agencies", "2", "--years", "2021,2024", "--formats",
                    "html-cms,html-word,pdf,docx", "--each", "--out", str(out)], check=True, capture_output=True)
    return out / "raw"


def _shape(path: Path):
    doc = read_file(path)
    return doc, [p.norm for p in doc.paragraphs], [[[c.norm for c in row] for row in t.rows] for t in doc.tables]


def test_formats_read_alike(rendered):
    bases = sorted(rendered.glob("*_html-cms.html"))
    assert len(bases) >= 4
    for base in bases:
        _, paras, grids = _shape(base)
        assert len(grids) == 3 and len(paras) > 10
        for kind in ("html-word.html", "pdf.pdf", "docx.docx"):
            other = base.with_name(base.name.replace("html-cms.html", kind))
            doc, o_paras, o_grids = _shape(other)
            assert o_grids == grids, (other.name, "tables differ")
            assert o_paras == paras, (other.name, [p for p in o_paras if p not in paras][:3])
            if kind == "pdf.pdf":
                assert doc.source.pages >= 2 and any(len(t.pages) == 2 for t in doc.tables)
