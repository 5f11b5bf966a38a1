"""``python -m loaders.synth`` — write a synthetic corpus of 示例省 reports with their truth.

Example: python -m loaders.synth --agencies 50 --years 2019-2025 --formats html,pdf,docx,txt \
         --defect-rate 0.05 --seed 1 --out /tmp/synth
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .records import generate_reports, parse_years, roster_row
from .render import expand
from .truth import MANIFEST_COLUMNS, ROSTER_COLUMNS, write_csv, write_report


@click.command(name="synth")
@click.option("--agencies", default=50, show_default=True, help="number of agencies of 示例省")
@click.option("--years", default="2019-2025", show_default=True, help="report years, e.g. 2019-2025 or 2021,2023")
@click.option("--formats", default="html,pdf,docx,txt", show_default=True,
              help="file types (html,pdf,docx,txt) or renderer names (html-cms,html-word,pdf,docx,txt-tsv,txt-crawler)")
@click.option("--each/--round-robin", default=False, show_default=True,
              help="render every report with every renderer, or each report with one renderer in turn")
@click.option("--defect-rate", default=0.05, show_default=True, type=float, help="share of reports with a defect")
@click.option("--seed", default=1, show_default=True, type=int)
@click.option("--limit", default=0, type=int, help="stop after this many documents (0 = all)")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path))
def main(agencies: int, years: str, formats: str, each: bool, defect_rate: float, seed: int, limit: int,
         out_dir: Path) -> None:
    """Generate reports (示例数据), render them and write DIR/raw, DIR/truth, manifest.csv, roster.csv."""
    try:
        renderers = expand(formats)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--formats") from e
    if not 0 <= defect_rate <= 1:
        raise click.BadParameter("must be between 0 and 1", param_hint="--defect-rate")
    try:
        year_list = parse_years(years)
    except ValueError as e:
        raise click.BadParameter(f"{years!r}: {e}", param_hint="--years") from e
    if not year_list or year_list[0] < 2019:
        raise click.BadParameter("report years start in 2019 (the first year with standard tables)",
                                 param_hint="--years")
    manifest, roster, n = [], [], 0
    for i, rec in enumerate(generate_reports(agencies, year_list, seed, defect_rate, include_missing=True)):
        roster.append(roster_row(rec))
        if not rec.published or (limit and n >= limit):
            continue
        for renderer in renderers if each else [renderers[i % len(renderers)]]:
            manifest.append(write_report(out_dir, rec, renderer))
            n += 1
    write_csv(out_dir / "manifest.csv", MANIFEST_COLUMNS, manifest)
    write_csv(out_dir / "roster.csv", ROSTER_COLUMNS, roster)
    click.echo(f"{n} 份示例报告 → {out_dir}（{len(roster)} 条应报记录，{sum(not r['published'] for r in roster)} 份未发布）")


if __name__ == "__main__":
    sys.exit(main())
