"""Bytes the server sends per page load: a real ``streamlit run`` and headless system Chromium.

    .venv/bin/python benchmarks/bench_page_bytes.py --db artifacts/bench/gongkai_100k.duckdb

Each page of the navigation is opened in a fresh browser page (a new session, as a first visit of a
shared link); every websocket frame the server sends until the app is idle is counted (payload
bytes, as Streamlit sends them: protobuf, not compressed by Streamlit). Also prints the server
process's peak RSS (VmHWM) after all the loads. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard.nav import PAGES  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    from playwright.sync_api import sync_playwright

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    port = _free_port()
    env = {**os.environ, "GONGKAI_DB": args.db, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard" / "app.py"),
                             "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
                             "--browser.gatherUsageStats", "false"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        sizes: dict[str, list[int]] = {title: [] for _f, title, _u, _i in PAGES}
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for _ in range(args.repeat):
                for i, (_file, title, path, _icon) in enumerate(PAGES):
                    page = browser.new_page()
                    got = [0]

                    def on_ws(ws, got=got):
                        ws.on("framereceived", lambda payload: got.__setitem__(0, got[0] + len(payload)))

                    page.on("websocket", on_ws)
                    page.goto(f"{url}/{path if i else ''}")
                    page.wait_for_selector('[data-testid="stMain"] h1', timeout=300_000)
                    # idle: no "running" widget and no frame for 1.5 s
                    last = -1
                    while last != got[0]:
                        last = got[0]
                        page.wait_for_timeout(1500)
                        page.wait_for_function(
                            "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=300_000)
                    sizes[title].append(got[0])
                    page.close()
            browser.close()
        rss = _peak_rss_mb(proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:  # a loaded machine: the server may not stop in time
            proc.kill()
            proc.wait()
    print(f"warehouse {args.db}; {args.repeat} loads per page; server peak RSS {rss:.0f} MB\n")
    print("| page | KB per load (median) | max KB |")
    print("|---|---:|---:|")
    allv = []
    for title, xs in sizes.items():
        allv += xs
        print(f"| {title} | {statistics.median(xs) / 1024:.0f} | {max(xs) / 1024:.0f} |")
    print(f"| all pages | {statistics.median(allv) / 1024:.0f} | {max(allv) / 1024:.0f} |")


if __name__ == "__main__":
    main()
