"""`python -m loaders evaluate` — under construction in this session; replaced by its owner."""

import click


@click.command(name="evaluate")
def evaluate() -> None:
    raise click.ClickException("尚未实现 / not implemented yet")
