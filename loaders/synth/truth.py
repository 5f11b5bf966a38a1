"""Truth files and the corpus layout for generated reports (../shared/corpus/README.md).

``write_corpus`` writes ``DIR/raw/<file>``, ``DIR/truth/<stem>.json`` (same keys as the real
corpus truth plus ``demo``, ``defects``, ``cell_status``, ``narrative`` …), ``DIR/manifest.csv``
and ``DIR/roster.csv`` — so ``python -m loaders evaluate DIR`` scores it like any corpus and the
warehouse can load the roster (which agencies should have reported each year).
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .records import GENERATOR_VERSION, ReportRecord
from .render import RENDERERS, render
from .render.layout import style_for

MANIFEST_COLUMNS = ("file", "year", "agency", "region", "source_url_or_repo_path", "source_kind", "completeness",
                    "notes", "format", "level", "category", "publish_date", "renderer", "demo", "defects")
ROSTER_COLUMNS = ("agency_id", "agency", "level", "category", "region", "year", "expected", "published",
                  "deadline", "publish_date", "late", "demo")


def file_name(rec: ReportRecord, renderer: str) -> str:
    return f"{rec.stem}_{renderer}.{RENDERERS[renderer][0]}"


def truth_for(rec: ReportRecord, file: str, renderer: str) -> dict:
    return {
        "file": file,
        "year": rec.year,
        "format": rec.format,
        "agency": rec.agency,
        "agency_aliases": [rec.short_name],
        "region": rec.region,
        "cells": rec.values,
        "source_anomalies": rec.source_anomalies,
        "notes": f"示例数据：由 gongkai 合成报告生成器生成（{GENERATOR_VERSION}, seed {rec.seed}, 渲染器 {renderer}），"
                 "机关与数字均为虚构。",
        "demo": True,
        "title": rec.title,
        "level": rec.level,
        "category": rec.category,
        "province": rec.province,
        "city": rec.city,
        "county": rec.county,
        "publish_date": rec.publish_date.isoformat() if rec.publish_date else None,
        "deadline": rec.deadline.isoformat(),
        "late": rec.late,
        "renderer": renderer,
        "render_style": style_for(rec).to_dict(),
        "defects": rec.defects,
        "cell_status": rec.status,
        "cell_units": rec.units,
        "narrative": rec.narrative,
        "generator": {"version": GENERATOR_VERSION, "seed": rec.seed},
    }


def _atomic_write(path: Path, data: bytes) -> None:
    """Write via a temp file + rename: a crash never leaves a half-written document."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_report(out: Path, rec: ReportRecord, renderer: str) -> dict:
    """Render one record and write its document and truth; returns its manifest row."""
    name = file_name(rec, renderer)
    _atomic_write(out / "raw" / name, render(rec, renderer))
    truth = truth_for(rec, name, renderer)
    _atomic_write(out / "truth" / f"{Path(name).stem}.json",
                  json.dumps(truth, ensure_ascii=False, indent=1).encode("utf-8"))
    return {
        "file": name, "year": rec.year, "agency": rec.agency, "region": rec.region,
        "source_url_or_repo_path": f"synth:{GENERATOR_VERSION}:seed={rec.seed}:{rec.report_id}",
        "source_kind": "synthetic", "completeness": "full",
        "notes": "示例数据" + ("；" + "；".join(d["detail"] for d in rec.defects) if rec.defects else ""),
        "format": rec.format, "level": rec.level, "category": rec.category,
        "publish_date": rec.publish_date.isoformat() if rec.publish_date else "", "renderer": renderer,
        "demo": "true", "defects": ",".join(d["kind"] for d in rec.defects),
    }


def write_csv(path: Path, columns: Iterable[str], rows: Iterable[dict]) -> None:
    import io

    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(columns), lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: ("true" if v is True else "false" if v is False else v) for k, v in r.items()})
    _atomic_write(path, buf.getvalue().encode("utf-8"))
