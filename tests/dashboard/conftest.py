"""Fixtures for the dashboard's AppTest tests: real DuckDB warehouses built through the real store."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from warehouse_fixture import build_empty_warehouse, build_warehouse

from warehouse.connect import open_reader

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("demo") / "gongkai.duckdb"
    build_warehouse(db)
    return db


@pytest.fixture(scope="session")
def empty_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("empty") / "gongkai.duckdb"
    build_empty_warehouse(db)
    return db


@pytest.fixture
def reader(demo_db):
    con = open_reader(demo_db)
    yield con
    con.close()


@pytest.fixture
def make_app(monkeypatch):
    """``make_app(db)`` → an AppTest of dashboard/app.py reading the warehouse at ``db``."""

    def make(db: Path) -> AppTest:
        monkeypatch.setenv("GONGKAI_DB", str(db))
        return AppTest.from_file(str(APP), default_timeout=120)

    return make


@pytest.fixture(scope="session")
def fastpath_db(tmp_path_factory) -> Path:
    """A bulk-loaded warehouse (``warehouse.fastpath``): no source files and no long-form cells."""
    from warehouse.fastpath import load

    db = tmp_path_factory.mktemp("fastpath") / "gongkai.duckdb"
    load(db, 300, seed=3)
    return db
