"""`python -m loaders inspect` — under construction in this session; replaced by its owner."""

import click


@click.command(name="inspect")
def inspect() -> None:
    raise click.ClickException("尚未实现 / not implemented yet")
