"""`python -m loaders evaluate DIR` — parser accuracy on a corpus with truth files."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..evaluate import SCAN_STYLE_FOR_EVALUATION, Evaluation, evaluate_dir, evaluate_scans


def _pct(x: float) -> str:
    return f"{100 * x:.2f}%"


def _listing(ev: Evaluation, show_wrong: bool) -> None:
    click.echo(f"{'file':44} {'fmt':>6} {'year':>5} {'agency':>6} {'cells':>9} {'acc':>8}  anomalies")
    for f in ev.files:
        if f.error:
            click.echo(f"{f.file:44} ERROR {f.error}")
            continue
        anom = "ok" if not f.anomalies_missed and not f.false_source_errors else (
            f"missed {f.anomalies_missed} false {f.false_source_errors}")
        click.echo(
            f"{f.file:44} {'ok' if f.format_ok else f.found['format']:>6} {'ok' if f.year_ok else 'X':>5} "
            f"{'ok' if f.agency_ok else 'X':>6} {f.cells_right:>4}/{f.cells_total:<4} {_pct(f.accuracy):>8}  {anom}"
        )
    if show_wrong:
        for f in ev.files:
            for w in f.wrong:
                click.echo(f"  WRONG {f.file}: {w['key']} expected={w['expected']} found={w['found']} "
                           f"status={w['status']} raw={w['raw']!r} {w['note']}")
            for w in f.unread:
                click.echo(f"  unread {f.file}: {w['key']} expected={w['expected']} "
                           f"status={w['status']} raw={w['raw']!r} {w['note']}")
            for w in f.legacy_wrong:
                click.echo(f"  legacy {f.file}: {w['key']} expected={w['expected']} found={w['found']}")
            if not f.agency_ok and not f.error:
                click.echo(f"  agency {f.file}: expected={f.expected['agency']} found={f.found['agency']}")


@click.command(name="evaluate")
@click.argument("corpus", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--baseline", type=click.Path(dir_okay=False, path_type=Path),
              help="JSON with the best overall cell accuracy reached (and its unread/wrong counts); fail when below it, "
                   "raise it when above. Any wrong number fails the run, baseline or not.")
@click.option("--json", "as_json", is_flag=True, help="Print the full evaluation as JSON.")
@click.option("--show-wrong/--no-show-wrong", default=True, help="List every wrong and every unread cell.")
@click.option("--scans", is_flag=True,
              help="Also score every PDF of the corpus rasterised as a scan and read through OCR "
                   f"({SCAN_STYLE_FOR_EVALUATION}); any wrong number there fails the run too (not in the baseline).")
def evaluate(corpus: Path, baseline: Path | None, as_json: bool, show_wrong: bool, scans: bool) -> None:
    """解析 CORPUS/raw 下每个文件，与 CORPUS/truth/*.json 逐格比对。"""
    ev = evaluate_dir(corpus)
    scanned = evaluate_scans(corpus) if scans else None
    summary = ev.to_dict()
    if scanned is not None:
        summary["scans"] = scanned.to_dict()
    # with --json, stdout is the JSON document alone; status lines go to stderr
    status_err = as_json
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False, indent=1, default=str))
    else:
        _listing(ev, show_wrong)
        if scanned is not None:
            click.echo("scans (each PDF above rasterised, read through OCR):")
            _listing(scanned, show_wrong)
    best = None
    if baseline is not None and baseline.exists():
        best = json.loads(baseline.read_text(encoding="utf-8")).get("cell_accuracy")
    acc = round(ev.cell_accuracy, 6)  # the precision the baseline file records
    below = baseline is not None and best is not None and acc < best
    # a wrong number fails the run whatever the accuracy, with or without a baseline
    failed = below or ev.cells_wrong > 0 or (scanned is not None and scanned.cells_wrong > 0)
    if ev.cells_wrong:
        click.echo(f"FAIL: {ev.cells_wrong} wrong number(s) stored (a reading that differs from the truth)",
                   err=status_err)
    if scanned is not None:
        if scanned.cells_wrong:
            click.echo(f"FAIL: {scanned.cells_wrong} wrong number(s) stored from the scans", err=status_err)
        click.echo(f"scans: cells {scanned.cells_right}/{scanned.cells_total} = {_pct(scanned.cell_accuracy)} "
                   f"(unread {scanned.cells_unread}, wrong {scanned.cells_wrong}) over {len(scanned.files)} scanned PDFs",
                   err=status_err)
    if baseline is not None:
        if below:
            click.echo(f"FAIL: cell accuracy {_pct(acc)} below the recorded best {_pct(best)} ({baseline})", err=status_err)
        elif not failed:
            record = json.dumps({"cell_accuracy": acc, "cells_right": ev.cells_right, "cells_unread": ev.cells_unread,
                                 "cells_wrong": ev.cells_wrong, "cells_total": ev.cells_total}, indent=1) + "\n"
            if best is None or acc > best or baseline.read_text(encoding="utf-8") != record:
                baseline.write_text(record, encoding="utf-8")  # raised, or the same accuracy's counts recorded
            held = best is not None and acc <= best
            click.echo(f"baseline {_pct(best)} held ({baseline})" if held else f"baseline raised to {_pct(acc)} ({baseline})",
                       err=status_err)
    # the overall summary is always the last line
    click.echo(
        f"overall: cells {ev.cells_right}/{ev.cells_total} = {_pct(ev.cell_accuracy)} "
        f"(unread {ev.cells_unread}, wrong {ev.cells_wrong}); format {_pct(ev.share('format_ok'))}; "
        f"year {_pct(ev.share('year_ok'))}; agency {_pct(ev.share('agency_ok'))}; "
        f"anomalies missed {summary['anomalies_missed']}; false source errors {summary['false_source_errors']}; "
        f"legacy figures {summary['legacy_figures_right']}/{summary['legacy_figures_total']}",
        err=status_err,
    )
    if failed:
        raise SystemExit(1)
