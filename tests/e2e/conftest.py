"""E2E fixtures: the demo warehouse, a real ``streamlit run`` server on a free port, headless Chromium.

Chromium is the system's (``/usr/bin/chromium``, installed by scripts/test.sh from Debian);
Playwright's own browser download is never used. Screenshots go to ``artifacts/screenshots/``
(the test run's artifact folder, gitignored).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from warehouse.demo import build_demo

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# How long an ``expect`` waits for the page to get there (Playwright's default is 5 s): a wait,
# not a timed assertion — on a machine shared by several test runs a script run can take longer.
EXPECT_TIMEOUT_MS = 60_000
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session", autouse=True)
def _patient_expect():
    from playwright.sync_api import expect

    expect.set_options(timeout=EXPECT_TIMEOUT_MS)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def demo_warehouse() -> Path:
    """The README's demo warehouse (示例省 through the real render → parse → ingest), built here.

    Kept under artifacts/ so a later run reuses it: ``build_demo`` rebuilds whenever the
    generator, parser or demo parameters changed (its stored key differs), so it is never stale.
    """
    db = ROOT / "artifacts" / "e2e" / "gongkai.duckdb"
    db.parent.mkdir(parents=True, exist_ok=True)
    build_demo(db)
    return db


@contextlib.contextmanager
def streamlit_server(db: Path, log_path: Path, env: dict[str, str] | None = None):
    """A real ``streamlit run dashboard/app.py`` on ``db`` at a free loopback port; yields its URL,
    stops it on exit. ``env`` replaces the process environment (GONGKAI_DB is set on top of it)."""
    port = _free_port()
    log = open(log_path, "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard" / "app.py"),
         "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
         "--browser.gatherUsageStats", "false", "--", "--db", str(db)],
        cwd=ROOT, env={**(os.environ if env is None else env), "GONGKAI_DB": str(db)},
        stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start: {log_path.read_text(errors='replace')}")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="session")
def server(demo_warehouse) -> str:
    with streamlit_server(demo_warehouse, demo_warehouse.with_name("streamlit.log")) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, tmp_path):
    context = browser.new_context(viewport={"width": 1440, "height": 2200}, accept_downloads=True, locale="zh-CN")
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    yield pg
    context.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
