"""The demo warehouse: the synthetic province (示例省) plus the real seed report, through the real ingest.

``python -m warehouse demo --db FILE``. The synthetic corpus is rendered by ``python -m loaders.synth``
(every year 2019–2025, all renderers, a few injected defects) into a folder beside the database,
then ingested with its roster and manifest exactly as an office's files would be — parsed by the
real parser in parallel. Synthetic reports are ``is_demo`` (示例数据) in the data itself; the seed
report is real and is not. If the warehouse already holds this very demo (same generator and
parser versions and parameters) it is reused as is.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from .connect import Layout, ensure_warehouse, exists, open_writer, reader
from .ingest import RunSummary, ingest

ROOT = Path(__file__).resolve().parent.parent
SEED_REPORT = ROOT / "tests" / "data" / "2021_sanmenxia_devzone_party_office.txt"
DEMO_AGENCIES = 30
DEMO_YEARS = "2019-2025"
DEMO_DEFECT_RATE = 0.08
DEMO_SEED = 2026


@dataclass
class DemoResult:
    reused: bool
    data_version: str
    synthetic: RunSummary | None = None
    seed: RunSummary | None = None


def demo_key(agencies: int, seed: int) -> str:
    from loaders.parse import PARSER_VERSION
    from loaders.synth import GENERATOR_VERSION

    return f"synth={GENERATOR_VERSION};parser={PARSER_VERSION};agencies={agencies};years={DEMO_YEARS};seed={seed}"


def _stored_key(db: Path) -> str | None:
    if not exists(db):
        return None
    with reader(db) as con:
        row = con.execute("SELECT value FROM warehouse_info WHERE key = 'demo'").fetchone()
    return row[0] if row else None


def render_synthetic(out: Path, agencies: int, seed: int) -> Path:
    """Render the synthetic province's reports with the synth CLI (its public interface)."""
    if out.exists():
        shutil.rmtree(out)
    cmd = [sys.executable, "-m", "loaders.synth", "--out", str(out), "--agencies", str(agencies),
           "--years", DEMO_YEARS, "--defect-rate", str(DEMO_DEFECT_RATE), "--seed", str(seed)]
    subprocess.run(cmd, check=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    return out


def build_demo(db: str | os.PathLike, *, agencies: int = DEMO_AGENCIES, seed: int = DEMO_SEED,
               workers: int | None = None, force: bool = False, progress=None) -> DemoResult:
    db = Path(db)
    key = demo_key(agencies, seed)
    if not force and _stored_key(db) == key:
        return DemoResult(True, ensure_warehouse(db))  # reused; upgraded if an older gongkai built it
    if force or exists(db):
        # A different demo (or a forced rebuild): start from an empty warehouse, never mix.
        shutil.rmtree(Layout.of(db).home, ignore_errors=True)
        db.unlink(missing_ok=True)
    src = render_synthetic(db.with_name(db.name + ".synth"), agencies, seed)
    manifest = None
    if (src / "manifest.csv").exists():
        from loaders.manifest import read_manifest

        manifest = read_manifest(src / "manifest.csv")
    roster = src / "roster.csv" if (src / "roster.csv").exists() else None
    synth = ingest([src / "raw"], db, manifest=manifest, roster=roster, workers=workers, is_demo=True,
                   progress=progress)
    seed_run = ingest([SEED_REPORT], db, workers=1, progress=progress)
    with open_writer(db) as w:
        assert w.con is not None
        w.con.execute("INSERT OR REPLACE INTO warehouse_info VALUES ('demo', ?)", [key])
        version = w.publish()
    return DemoResult(False, version, synth, seed_run)
