"""Upload through the browser: a reviewer signs in, uploads a zip of reports, watches the progress,
sees each failure's reason; a second open session sees the new reports on 总览 after a reload (no
server restart); a session that is not signed in gets no upload form."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import streamlit_server
from playwright.sync_api import expect
from test_dashboard_e2e import open_path, wait_idle

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "upload-test-password"


def _run(*args: str, stdin: str | None = None) -> None:
    res = subprocess.run([sys.executable, "-m", *args], cwd=ROOT, input=stdin, capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=600)
    assert res.returncode == 0, res.stderr


@pytest.fixture(scope="module")
def upload_server(tmp_path_factory, seed_report: Path):
    root = tmp_path_factory.mktemp("upload")
    db = root / "gongkai.duckdb"
    _run("loaders", "ingest", str(seed_report), "--db", str(db), "-q", "--workers", "1")
    _run("dashboard.accounts", "add", "审查员甲", "--role", "reviewer", "--db", str(db), "--password-stdin",
         stdin=PASSWORD + "\n")
    _run("loaders.synth", "--agencies", "2", "--years", "2021", "--formats", "txt", "--seed", "5", "--out", str(root / "syn"))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted((root / "syn" / "raw").iterdir()):
            zf.write(p, f"年报/{p.name}")
        zf.writestr("../../evil.txt", seed_report.read_bytes())
        zf.writestr("empty.txt", b"")
    upload = root / "一批年报.zip"
    upload.write_bytes(buf.getvalue())
    with streamlit_server(db, root / "streamlit.log") as url:
        yield url, upload, root


def _units(page) -> str:
    return page.locator('[data-testid="stSidebar"]').get_by_text("个单位").inner_text()


def test_unsigned_session_cannot_upload(browser, upload_server):
    url, _, _ = upload_server
    ctx = browser.new_context(locale="zh-CN")
    page = ctx.new_page()
    page.set_default_timeout(60_000)
    open_path(page, url, "upload")
    expect(page.get_by_text("上传年报需要以审查员账号登录")).to_be_visible()
    assert page.locator('[data-testid="stFileUploaderDropzoneInput"]').count() == 0
    ctx.close()


def test_signed_in_upload_progress_failures_and_second_session(browser, upload_server, screenshots):
    url, upload, _ = upload_server
    other_ctx = browser.new_context(locale="zh-CN")
    other = other_ctx.new_page()
    other.set_default_timeout(60_000)
    open_path(other, url, "overview")
    expect(other.locator('[data-testid="stSidebar"]')).to_contain_text("1 个单位")

    ctx = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 2000})
    page = ctx.new_page()
    page.set_default_timeout(120_000)
    open_path(page, url, "upload")
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text("审查员登录").click()
    sidebar.get_by_label("账号").fill("审查员甲")
    sidebar.get_by_label("密码").fill(PASSWORD)
    sidebar.get_by_role("button", name="登录").click()
    expect(sidebar).to_contain_text("已登录：审查员甲")
    wait_idle(page)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(upload))
    expect(page.get_by_text("一批年报.zip")).to_be_visible()
    page.get_by_role("button", name="提交入库").click()
    expect(page.get_by_text("上传批次")).to_be_visible()
    expect(page.get_by_text("入库完成")).to_be_visible(timeout=300_000)
    main = page.locator('[data-testid="stMain"]')
    expect(main).to_contain_text("压缩包不安全")
    expect(main).to_contain_text("文件为空")
    page.screenshot(path=str(screenshots / "upload_done.png"), full_page=True)
    # the other, already open session: a reload (no server restart) shows the new reports
    other.reload()
    wait_idle(other)
    expect(other.locator('[data-testid="stSidebar"]')).to_contain_text("3 个单位")
    ctx.close()
    other_ctx.close()
