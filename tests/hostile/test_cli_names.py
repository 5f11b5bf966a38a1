"""`parse` on a file whose name holds bytes that are not UTF-8: the JSON (and the error line) is valid
UTF-8 with the name in its lossless escaped form — it used to print the raw surrogates."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from .make import good_report

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: bytes) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable.encode(), b"-m", b"loaders", *args], capture_output=True, env=env,
                          cwd=ROOT, timeout=300)


def test_parse_json_on_a_non_utf8_name_prints_valid_utf8(tmp_path: Path):
    raw = os.fsencode(tmp_path) + b"/\xff\xfe\xb0\xa1.txt"
    with open(raw, "wb") as f:
        f.write(good_report())
    r = _run(b"parse", b"--json", raw)
    assert r.returncode == 0, r.stderr.decode("utf-8", "replace")
    out = json.loads(r.stdout.decode("utf-8"))  # strict: raises on invalid UTF-8
    assert out["file"].endswith("/\\xff\\xfe\\xb0\\xa1.txt")


def test_parse_error_on_a_non_utf8_name_prints_valid_utf8(tmp_path: Path):
    raw = os.fsencode(tmp_path) + b"/\xff\xfe.txt"
    with open(raw, "wb") as f:
        f.write("会议纪要：本周工作安排。\n".encode())
    r = _run(b"parse", raw)
    assert r.returncode == 1
    err = r.stderr.decode("utf-8")
    assert "\\xff\\xfe.txt" in err and "不是政府信息公开工作年度报告" in err
