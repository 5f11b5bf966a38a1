"""Metadata on the real corpus (../shared/corpus): year right for every file, agency for >= 90 %,
legacy figures for every pre-2019 report. Compared after norm(), as the evaluate command does."""

import importlib.util
import json
import sys
from pathlib import Path

_spec = importlib.util.spec_from_file_location("measure_meta", Path(__file__).with_name("measure_meta.py"))
measure_meta = importlib.util.module_from_spec(_spec)
sys.modules["measure_meta"] = measure_meta
_spec.loader.exec_module(measure_meta)


def test_corpus_metadata(shared_corpus):
    res = measure_meta.measure(shared_corpus)
    n = res["n"]
    assert n >= 15
    unread = [r["file"] for r in res["rows"] if "error" in r]
    assert unread == []
    wrong_year = [r["file"] for r in res["rows"] if not r["ok"]["year"]]
    assert wrong_year == []
    assert res["totals"]["agency"] / n >= 0.9, [(r["file"], r["found"].get("agency")) for r in res["rows"]
                                                 if not r["ok"]["agency"]]
    assert res["n_legacy"] >= 4 and res["totals"]["legacy_figures"] == res["n_legacy"]


def test_corpus_sections_found(shared_corpus):
    from loaders.parse.sections import find_sections
    from loaders.readers import read_file

    for truth_path in sorted((shared_corpus / "truth").glob("*.json")):
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        raw = shared_corpus / "raw" / truth["file"]
        s = find_sections(read_file(raw))
        if truth["format"] == "legacy":
            assert {"s1", "s2"} <= set(s.by_code), raw.name  # legacy: at least 概述 and 主动公开
        else:
            # the standard tables' sections are always found (TABLES restricts its search to them)
            assert {"s1", "s2", "s3", "s4"} <= set(s.by_code), raw.name
