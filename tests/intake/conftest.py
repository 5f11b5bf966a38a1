"""Intake test fixtures: the warehouse helpers of tests/warehouse."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "warehouse"))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "wh" / "gongkai.duckdb"

