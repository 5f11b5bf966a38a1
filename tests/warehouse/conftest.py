"""Warehouse test fixtures."""

from pathlib import Path

import pytest


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "wh" / "gongkai.duckdb"
