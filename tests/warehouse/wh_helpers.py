"""Helpers for warehouse tests: ParsedReports built by hand, real files derived from the seed, the CLI."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from loaders.model import CellValue, Meta, ParsedReport, empty_report
from loaders.spec import ValueStatus

ROOT = Path(__file__).resolve().parents[2]


def make_report(
    name: str,
    values: dict[str, float | int | str | None],
    *,
    agency: str = "示例市人民政府",
    year: int = 2023,
    fmt: str = "2021",
    province: str = "示例省",
    city: str = "示例市",
    publish_date: str | None = None,
    salt: str = "",
) -> tuple[ParsedReport, bytes]:
    """A report and the bytes of its 'source file' (distinct per name+salt)."""
    data = f"{name}|{agency}|{year}|{sorted(values.items())}|{salt}".encode()
    r = empty_report(name, hashlib.sha256(data).hexdigest(), "txt", fmt=fmt)
    r.agency = Meta(agency, 1.0, "test")
    r.year = Meta(year, 1.0, "test")
    r.region = Meta(f"{province}{city}", 1.0, "test")
    r.province = Meta(province, 1.0, "test")
    r.city = Meta(city, 1.0, "test")
    r.level = Meta("city", 1.0, "test")
    r.category = Meta("government", 1.0, "test")
    r.publish_date = Meta(publish_date, 1.0, "test")
    for k, v in values.items():
        if v is None:
            r.cells[k] = CellValue(None, ValueStatus.BLANK, "")
        elif isinstance(v, str):
            r.cells[k] = CellValue(None, ValueStatus.DASH if v in ("—", "-") else ValueStatus.TEXT, v)
        else:
            r.cells[k] = CellValue(v, ValueStatus.NUMBER, str(v))
    return r, data


def seed_variants(seed_text: str, out: Path, n: int, *, manifest: Path | None = None) -> list[Path]:
    """``n`` distinct real report files: the seed with a differing trailing note (distinct hashes).

    With ``manifest`` a manifest CSV is written giving each file its own agency (示例第i开发区…), so
    the files are n different reports; without it they are n versions of one report.
    """
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        p = out / f"seed_v{i:03d}.txt"
        p.write_text(seed_text + f"\n（第{i}次转载）\n", encoding="utf-8")
        paths.append(p)
    if manifest is not None:
        lines = ["file,agency,year"] + [f"{p.name},示例第{i}开发区党政办公室,2021" for i, p in enumerate(paths)]
        manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return paths


def run_cli(*args: str, timeout: float = 300, **kw) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=timeout, **kw)
