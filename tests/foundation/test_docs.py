"""docs/format.md is generated from the spec; it must be current, and it mentions every rule and key."""

import subprocess
import sys
from pathlib import Path

from loaders import spec
from loaders.spec.docs import render_format_docs

ROOT = Path(__file__).resolve().parents[2]


def test_format_docs_current():
    current = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")
    assert current == render_format_docs(), "docs/format.md is stale: run `python -m loaders spec-docs`"


def test_format_docs_cover_rules_and_rows():
    text = render_format_docs()
    for rule in spec.RULES:
        assert f"| {rule.id} |" in text
    for fmt in spec.FORMATS:
        for table in spec.TABLES[fmt]:
            for block in table.blocks:
                for row in block.rows:
                    assert f"`{row.code}`" in text


def test_spec_docs_check_command(tmp_path):
    out = tmp_path / "format.md"
    run = [sys.executable, "-m", "loaders", "spec-docs", "--out", str(out)]
    assert subprocess.run(run, cwd=ROOT, capture_output=True).returncode == 0
    assert subprocess.run([*run, "--check"], cwd=ROOT, capture_output=True).returncode == 0
    out.write_text("stale", encoding="utf-8")
    assert subprocess.run([*run, "--check"], cwd=ROOT, capture_output=True).returncode != 0
