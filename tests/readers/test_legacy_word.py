"""Legacy Word (.doc) and WPS files through the real converter (LibreOffice headless, installed by
the test command from Debian's registry): a whole annual report comes back cell for cell."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from loaders.errors import CorruptFile
from loaders.parse import parse_file
from loaders.readers import iter_documents, read_file
from loaders.synth import generate_reports
from loaders.synth.truth import write_report


def _soffice() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    assert exe, "LibreOffice (soffice) is installed by scripts/test.sh; run the suite through it"
    return exe


@pytest.fixture(scope="module")
def legacy_report(tmp_path_factory) -> tuple[Path, dict]:
    """A synthetic 2021-format report rendered as DOCX, saved as Word 97 (.doc) by LibreOffice."""
    out = tmp_path_factory.mktemp("legacy")
    rec = next(iter(generate_reports(agencies=3, years="2023", seed=2, defect_rate=0.0)))
    row = write_report(out, rec, "docx")
    docx = out / "raw" / row["file"]
    subprocess.run([_soffice(), "--headless", "--norestore", f"-env:UserInstallation=file://{out}/profile",
                    "--convert-to", "doc", "--outdir", str(out / "doc"), str(docx)],
                   check=True, capture_output=True, timeout=180)
    doc = out / "doc" / (docx.stem + ".doc")
    assert doc.read_bytes()[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a real OLE2 Word 97 file
    truth = json.loads((out / "truth" / f"{docx.stem}.json").read_text(encoding="utf-8"))
    return doc, truth


@pytest.mark.parametrize("suffix", [".doc", ".wps"])
def test_legacy_word_file_is_converted_and_parsed_cell_for_cell(legacy_report, tmp_path, suffix):
    doc, truth = legacy_report
    path = shutil.copy(doc, tmp_path / f"年报{suffix}")  # WPS Office saves the same container as .wps
    read = read_file(path)
    assert read.source.file_type == suffix[1:]
    assert any("LibreOffice" in w for w in read.warnings)  # the document says how it was read
    assert len(read.tables) >= 3
    report = parse_file(path)
    assert (report.format.value, report.year.value, report.agency.value) == ("2021", truth["year"], truth["agency"])
    got = report.values()
    wrong = {k: (got.get(k), v) for k, v in truth["cells"].items() if got.get(k) != v}
    assert wrong == {}


def test_a_broken_doc_is_a_clear_error_and_the_batch_goes_on(tmp_path, seed_report):
    _soffice()
    bad = tmp_path / "损坏.doc"
    bad.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2000)
    results = list(iter_documents([bad, seed_report]))
    assert isinstance(results[0], CorruptFile)
    assert str(bad) in results[0].message and "LibreOffice 无法转换" in results[0].message
    assert "javaldx" not in results[0].message  # LibreOffice's start-up chatter is not the reason
    assert results[1].tables  # the next file is read
