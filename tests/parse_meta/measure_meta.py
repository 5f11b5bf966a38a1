"""Measure metadata extraction on a corpus: year / agency / region against truth (after norm()).

    .venv/bin/python tests/parse_meta/measure_meta.py ../shared/corpus

Reads every file of DIR/raw with loaders.readers.read_file, runs find_sections + extract_metadata
(+ legacy_figures for legacy truth), prints one line per file and the totals.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from loaders.errors import LoaderError
from loaders.normalize import norm
from loaders.parse.legacy import legacy_figures
from loaders.parse.metadata import extract_metadata
from loaders.parse.sections import find_sections
from loaders.readers import read_file

FIELDS = ("year", "agency", "region")


def measure(corpus: Path) -> dict:
    rows = []
    for truth_path in sorted((corpus / "truth").glob("*.json")):
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        raw = corpus / "raw" / truth["file"]
        row: dict = {"file": truth["file"], "found": {}, "ok": {}}
        try:
            doc = read_file(raw)
        except LoaderError as e:
            row["error"] = str(e)
            row["ok"] = {f: False for f in FIELDS}
            rows.append(row)
            continue
        sections = find_sections(doc)
        meta = extract_metadata(doc, sections)
        for f in FIELDS:
            got = meta[f].value
            row["found"][f] = got
            row["ok"][f] = got is not None and norm(str(got)) == norm(str(truth[f]))
        row["sections"] = sorted(sections.by_code)
        if truth.get("format") == "legacy":
            lf = {k: v for k, v in legacy_figures(doc, sections).items() if k != "detail"}
            row["ok"]["legacy_figures"] = lf == truth.get("legacy_figures")
        rows.append(row)
    totals = {f: sum(r["ok"].get(f, False) for r in rows) for f in (*FIELDS, "legacy_figures")}
    n_legacy = sum("legacy_figures" in r["ok"] for r in rows)
    return {"rows": rows, "n": len(rows), "totals": totals, "n_legacy": n_legacy}


def main(argv: list[str]) -> int:
    corpus = Path(argv[1] if len(argv) > 1 else "../shared/corpus")
    res = measure(corpus)
    for r in res["rows"]:
        marks = " ".join(f"{f}:{'ok' if r['ok'].get(f) else 'XX'}" for f in FIELDS)
        print(f"{r['file']:<45} {marks}  {r.get('error') or r['found']}")
    n = res["n"]
    for f in FIELDS:
        print(f"{f}: {res['totals'][f]}/{n} = {res['totals'][f] / n:.1%}")
    print(f"legacy_figures: {res['totals']['legacy_figures']}/{res['n_legacy']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
