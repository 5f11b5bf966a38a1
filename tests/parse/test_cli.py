"""`python -m loaders parse` and `python -m loaders evaluate`, run as the outside world runs them."""

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "loaders", *args], capture_output=True, text=True, cwd=ROOT, timeout=300)


def keys_of(fmt: str, data_dir: Path) -> set[str]:
    with open(data_dir / "cells.csv", encoding="utf-8") as f:
        return {r["key"] for r in csv.DictReader(f) if r["format"] == fmt}


def test_parse_json_has_every_canonical_key(seed_report, data_dir):
    p = run("parse", str(seed_report), "--json")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["format"] == "2021" and out["year"] == 2021
    assert set(out["cells"]) == keys_of("2021", data_dir)
    assert set(out["cell_status"]) == set(out["cells"])
    assert all(v == 0 for v in out["cells"].values())
    assert isinstance(out["findings"], list)
    assert out["agency"] and "file" in out and "region" in out


def test_parse_bad_file_exits_nonzero_with_reason(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    p = run("parse", str(empty))
    assert p.returncode != 0
    assert "empty.txt" in p.stderr
    p = run("parse", str(tmp_path / "nope.pdf"))
    assert p.returncode != 0 and "nope.pdf" in p.stderr


def _mini_corpus(tmp_path: Path, seed_report: Path, shared_corpus: Path, tamper: bool = False) -> Path:
    (tmp_path / "raw").mkdir(parents=True)
    (tmp_path / "truth").mkdir()
    shutil.copy(seed_report, tmp_path / "raw" / seed_report.name)
    truth = json.loads((shared_corpus / "truth" / (seed_report.stem + ".json")).read_text(encoding="utf-8"))
    if tamper:
        truth["cells"]["t3.new_received.total"] = 5
    (tmp_path / "truth" / (seed_report.stem + ".json")).write_text(json.dumps(truth, ensure_ascii=False), encoding="utf-8")
    return tmp_path


def test_evaluate_reports_accuracy_and_baseline(tmp_path, seed_report, shared_corpus):
    corpus = _mini_corpus(tmp_path / "c1", seed_report, shared_corpus)
    baseline = tmp_path / "baseline.json"
    p = run("evaluate", str(corpus), "--baseline", str(baseline))
    assert p.returncode == 0, p.stdout + p.stderr
    assert "overall: cells 200/200 = 100.00%" in p.stdout
    assert json.loads(baseline.read_text())["cell_accuracy"] == 1.0
    worse = _mini_corpus(tmp_path / "c2", seed_report, shared_corpus, tamper=True)
    p = run("evaluate", str(worse), "--baseline", str(baseline))
    assert p.returncode == 1
    assert "WRONG 2021_sanmenxia_devzone_party_office.txt: t3.new_received.total expected=5 found=0" in p.stdout
    assert "FAIL: 1 wrong number(s) stored" in p.stdout
    assert "FAIL: cell accuracy" in p.stdout
    assert p.stdout.strip().splitlines()[-1].startswith("overall: cells 199/200 = 99.50% (unread 0, wrong 1)")


def test_evaluate_fails_on_a_wrong_number_even_with_accuracy_above_the_baseline(tmp_path, seed_report, shared_corpus):
    worse = _mini_corpus(tmp_path / "c", seed_report, shared_corpus, tamper=True)
    baseline = tmp_path / "baseline.json"
    baseline.write_text(json.dumps({"cell_accuracy": 0.5}), encoding="utf-8")
    p = run("evaluate", str(worse), "--baseline", str(baseline))
    assert p.returncode == 1, p.stdout
    assert "FAIL: 1 wrong number(s) stored" in p.stdout and "FAIL: cell accuracy" not in p.stdout
    assert json.loads(baseline.read_text()) == {"cell_accuracy": 0.5}  # a failing run records nothing
    p = run("evaluate", str(worse))  # no baseline: still a failure
    assert p.returncode == 1


def test_real_corpus_format_year_and_source_anomalies(shared_corpus):
    p = run("evaluate", str(shared_corpus), "--json")
    assert p.returncode == 0, p.stderr
    ev = json.loads(p.stdout)  # stdout is the JSON document alone
    assert p.stderr.strip().splitlines()[-1].startswith("overall: cells")
    assert ev["format_accuracy"] == 1.0
    assert ev["year_accuracy"] == 1.0
    assert ev["anomalies_missed"] == 0
    for f in ev["files"]:
        assert not f["error"], f


def test_evaluate_json_with_baseline_keeps_stdout_pure_json(tmp_path, seed_report, shared_corpus):
    corpus = _mini_corpus(tmp_path / "c1", seed_report, shared_corpus)
    baseline = tmp_path / "baseline.json"
    p = run("evaluate", str(corpus), "--json", "--baseline", str(baseline))
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["cells_right"] == 200
    assert "baseline raised" in p.stderr and "overall: cells 200/200" in p.stderr
    worse = _mini_corpus(tmp_path / "c2", seed_report, shared_corpus, tamper=True)
    p = run("evaluate", str(worse), "--json", "--baseline", str(baseline))
    assert p.returncode == 1
    assert json.loads(p.stdout)["cells_right"] == 199
    assert "FAIL: cell accuracy" in p.stderr


def test_parse_rejects_a_letter_with_the_reason(tmp_path):
    letter = tmp_path / "letter.txt"
    letter.write_text(
        "标题: 关于2014年政府信息公开工作要点落实情况的函\n==================== 正文 ====================\n"
        "根据《某省人民政府办公厅关于做好政府信息公开工作年度报告有关事项的通知》要求，现将我区2014年政府信息公开"
        "工作要点落实情况函告如下：全年主动公开政府信息2543条。\n", encoding="utf-8")
    p = run("parse", str(letter), "--json")
    assert p.returncode != 0
    assert "letter.txt" in p.stderr and "函" in p.stderr and not p.stdout.strip()
