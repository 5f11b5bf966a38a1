"""`python -m loaders.synth` writes a corpus in the real corpus layout, deterministically."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from loaders.spec import cell_keys
from loaders.synth import DEMO_MARK

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def _run(out: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "loaders.synth", "--agencies", "6", "--years", "2019-2022", "--formats",
         "html,txt,docx,pdf", "--defect-rate", "0.4", "--seed", "9", "--out", str(out), *extra],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )


def _read_csv(p: Path) -> list[dict]:
    with p.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_cli_writes_corpus_layout(tmp_path):
    res = _run(tmp_path / "a")
    assert res.returncode == 0, res.stderr
    out = tmp_path / "a"
    raws = sorted(p.name for p in (out / "raw").iterdir())
    truths = sorted(p.stem for p in (out / "truth").iterdir())
    assert [Path(r).stem for r in raws] == truths
    manifest = _read_csv(out / "manifest.csv")
    assert sorted(r["file"] for r in manifest) == raws
    roster = _read_csv(out / "roster.csv")
    assert len(roster) == 6 * 4  # every agency is expected every year
    unpublished = {(r["agency_id"], r["year"]) for r in roster if r["published"] == "false"}
    assert len(raws) == len(roster) - len(unpublished)
    renderers = {r["renderer"] for r in manifest}
    assert renderers == {"html-cms", "html-word", "txt-tsv", "txt-crawler", "docx", "pdf"}
    for name in truths:
        t = json.loads((out / "truth" / f"{name}.json").read_text(encoding="utf-8"))
        assert t["demo"] is True and t["title"].endswith(DEMO_MARK)
        assert list(t["cells"]) == list(cell_keys(t["format"]))
        assert t["format"] == ("2019" if t["year"] <= 2020 else "2021")
        assert isinstance(t["defects"], list) and isinstance(t["source_anomalies"], list)
        for d in t["defects"]:
            assert {"kind", "keys", "detail"} <= set(d)
        assert (out / "raw" / t["file"]).is_file()


def test_cli_is_deterministic_for_a_seed(tmp_path):
    assert _run(tmp_path / "a").returncode == 0
    assert _run(tmp_path / "b").returncode == 0
    for p in sorted((tmp_path / "a").rglob("*")):
        if p.is_file():
            q = tmp_path / "b" / p.relative_to(tmp_path / "a")
            assert q.read_bytes() == p.read_bytes(), p.name


def test_cli_rejects_bad_options(tmp_path):
    res = _run(tmp_path / "c", "--formats", "odt")
    assert res.returncode != 0 and "odt" in res.stderr
    assert not (tmp_path / "c" / "manifest.csv").exists()
    for years in ("2015-2020", "20x1"):
        res = _run(tmp_path / "d", "--years", years)
        assert res.returncode == 2 and "--years" in res.stderr and "Traceback" not in res.stderr
    assert not (tmp_path / "d").exists()
