"""Fixtures for the metadata / sections / narrative / legacy tests: small Documents built in code."""

from __future__ import annotations

import pytest

from loaders.document import Cell, Document, Paragraph, SourceInfo, Table
from loaders.normalize import norm


def build_doc(blocks: list, *, title: str | None = None, meta: dict | None = None, name: str = "t.txt") -> Document:
    """A Document from strings (paragraphs) and lists of rows (tables), as a reader would build it."""
    out = []
    for b in blocks:
        if isinstance(b, str):
            out.append(Paragraph(b, norm(b)))
        else:
            out.append(Table([[Cell(c, norm(c)) for c in row] for row in b]))
    return Document(SourceInfo(name, "", 0, name.rsplit(".", 1)[-1]), out, title=title, meta=meta or {})


@pytest.fixture
def make_doc():
    return build_doc
