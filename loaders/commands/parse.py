"""`python -m loaders parse` — under construction in this session; replaced by its owner."""

import click


@click.command(name="parse")
def parse() -> None:
    raise click.ClickException("尚未实现 / not implemented yet")
