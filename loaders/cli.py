"""`python -m loaders …` — a thin shell over the library: each command parses its arguments,
calls the stage functions and formats the result. Commands live one per module in
loaders/commands/."""

from __future__ import annotations

import click

from .commands.evaluate import evaluate
from .commands.fuzz import fuzz
from .commands.ingest import ingest
from .commands.inspect import inspect
from .commands.parse import parse
from .commands.spec_docs import spec_docs


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="gongkai")
def cli() -> None:
    """gongkai 政府信息公开年报：读取、解析、校验、入库。"""


for command in (parse, evaluate, ingest, inspect, spec_docs, fuzz):
    cli.add_command(command)


def main() -> None:
    cli(prog_name="python -m loaders")
