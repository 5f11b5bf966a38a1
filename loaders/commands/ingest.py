"""`python -m loaders ingest` — under construction in this session; replaced by its owner."""

import click


@click.command(name="ingest")
def ingest() -> None:
    raise click.ClickException("尚未实现 / not implemented yet")
