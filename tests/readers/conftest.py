"""Files generated with real libraries for reader tests (see generate.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate


@pytest.fixture(scope="session")
def gen_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("generated")


@pytest.fixture(scope="session")
def report_pdf(gen_dir) -> Path:
    return generate.make_report_pdf(gen_dir / "report.pdf", repeat_header=True)


@pytest.fixture(scope="session")
def report_docx(gen_dir) -> Path:
    return generate.make_report_docx(gen_dir / "report.docx")


@pytest.fixture(scope="session")
def scanned_pdf(gen_dir) -> Path:
    return generate.make_scanned_pdf(gen_dir / "scan.pdf")


@pytest.fixture(scope="session")
def encrypted_pdf(gen_dir) -> Path:
    return generate.make_encrypted_pdf(gen_dir / "locked.pdf")


@pytest.fixture(scope="session")
def manual_split_pdf(gen_dir) -> Path:
    return generate.make_manual_split_pdf(gen_dir / "manual_split.pdf")
