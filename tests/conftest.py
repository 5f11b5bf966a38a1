"""Shared test fixtures. The real corpus lives in ../shared beside the checkout (CI has it too)."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
SHARED_CORPUS = ROOT.parent / "shared" / "corpus"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def seed_report() -> Path:
    return DATA / "2021_sanmenxia_devzone_party_office.txt"


@pytest.fixture(scope="session")
def shared_corpus() -> Path:
    # The corpus is part of the project's environment (../shared) on every machine and in CI.
    assert SHARED_CORPUS.is_dir(), f"missing {SHARED_CORPUS}"
    return SHARED_CORPUS
