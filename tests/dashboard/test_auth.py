"""Reviewer accounts and sign-in: hashed passwords in a TOML file, roles, the server-side check.

The CLI runs as a real subprocess; the sign-in form runs under AppTest against a real accounts file.
"""

from __future__ import annotations

import multiprocessing
import subprocess
import sys
import tomllib

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.accounts import AccountError, accounts_path, add_account, can_act, load_accounts, remove_account, verify


def _cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dashboard.accounts", *args], input=stdin, capture_output=True,
                          text=True, timeout=60)


def test_cli_adds_a_hashed_account_that_verifies(tmp_path, monkeypatch):
    monkeypatch.delenv("GONGKAI_ACCOUNTS", raising=False)
    db = tmp_path / "w.duckdb"
    r = _cli("add", "张三", "--role", "reviewer", "--db", str(db), "--password-stdin", stdin="correct horse\n")
    assert r.returncode == 0, r.stderr
    path = accounts_path(db)
    assert path == tmp_path / "w.duckdb.d" / "accounts.toml"
    text = path.read_text(encoding="utf-8")
    assert "correct horse" not in text
    entry = tomllib.loads(text)["users"]["张三"]
    assert entry["role"] == "reviewer" and entry["password_hash"].startswith("$2")
    assert verify(path, "张三", "correct horse").role == "reviewer"
    assert verify(path, "张三", "wrong horse!") is None
    assert verify(path, "李四", "correct horse") is None
    assert _cli("list", "--db", str(db)).stdout.strip() == "张三\treviewer"


def test_cli_refuses_a_short_password_and_a_bad_role(tmp_path):
    db = tmp_path / "w.duckdb"
    r = _cli("add", "a", "--db", str(db), "--password-stdin", stdin="short\n")
    assert r.returncode != 0 and "至少 8" in r.stderr
    assert _cli("add", "a", "--role", "god", "--db", str(db), "--password-stdin", stdin="longenough\n").returncode != 0
    assert not accounts_path(db).exists()


def test_env_overrides_the_accounts_path(tmp_path, monkeypatch):
    monkeypatch.setenv("GONGKAI_ACCOUNTS", str(tmp_path / "elsewhere.toml"))
    assert accounts_path(tmp_path / "w.duckdb") == tmp_path / "elsewhere.toml"


@pytest.mark.parametrize("name", ["", "a b", 'x"]\n[users.evil', "a" * 41])
def test_unsafe_account_names_are_refused(tmp_path, name):
    with pytest.raises(AccountError):
        add_account(tmp_path / "a.toml", name, "reviewer", "longenough")


def test_roles():
    assert not can_act(None) and not can_act("viewer") and not can_act("nobody")
    assert can_act("reviewer") and can_act("admin")


def _add(path, name):
    add_account(path, name, "reviewer", "password-" + name)


def test_two_adds_at_once_both_kept(tmp_path):
    path = tmp_path / "a.toml"
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_add, args=(path, f"u{i}")) for i in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert sorted(load_accounts(path)) == ["u0", "u1", "u2", "u3"]


def _sign_in_app():
    import os

    import streamlit as st

    from dashboard import auth

    db = os.environ["GONGKAI_DB"]
    auth.sidebar_sign_in(db)
    if st.button("执行操作"):
        user = auth.require(db, "reviewer")
        st.success(f"已执行：{user.name}")


@pytest.fixture
def app_with_accounts(tmp_path, monkeypatch):
    db = tmp_path / "w.duckdb"
    monkeypatch.setenv("GONGKAI_DB", str(db))
    monkeypatch.delenv("GONGKAI_ACCOUNTS", raising=False)
    add_account(accounts_path(db), "reviewer1", "reviewer", "secret-pass")
    add_account(accounts_path(db), "viewer1", "viewer", "secret-pass")
    return db, AppTest.from_function(_sign_in_app, default_timeout=30)


def _sign_in(at, name, password):
    at.sidebar.text_input(key="_gongkai_sign_in_name").input(name)
    at.sidebar.text_input(key="_gongkai_sign_in_password").input(password)
    at.sidebar.button[0].click().run()  # the form's submit button


def test_unsigned_session_cannot_act(app_with_accounts):
    _, at = app_with_accounts
    at.run()
    next(b for b in at.button if b.label == "执行操作").click().run()
    assert not at.success
    assert any("需要以审查员账号登录" in w.value for w in at.warning)


def test_sign_in_then_act_then_sign_out(app_with_accounts):
    _, at = app_with_accounts
    at.run()
    _sign_in(at, "reviewer1", "secret-pass")
    assert not at.exception
    assert any("已登录：reviewer1（审查员）" in c.value for c in at.sidebar.caption)
    next(b for b in at.button if b.label == "执行操作").click().run()
    assert [s.value for s in at.success] == ["已执行：reviewer1"]
    next(b for b in at.sidebar.button if b.label == "退出登录").click().run()
    assert not any("已登录" in c.value for c in at.sidebar.caption)


def test_wrong_password_and_viewer_cannot_act(app_with_accounts):
    _, at = app_with_accounts
    at.run()
    _sign_in(at, "reviewer1", "not-the-pass")
    assert any("账号或密码不正确" in e.value for e in at.sidebar.error)
    _sign_in(at, "viewer1", "secret-pass")
    assert any("查看者" in c.value for c in at.sidebar.caption)
    next(b for b in at.button if b.label == "执行操作").click().run()
    assert not at.success


def test_removed_account_loses_the_right_to_act_while_signed_in(app_with_accounts):
    db, at = app_with_accounts
    at.run()
    _sign_in(at, "reviewer1", "secret-pass")
    remove_account(accounts_path(db), "reviewer1")
    next(b for b in at.button if b.label == "执行操作").click().run()
    assert not at.success


def test_a_forged_session_user_not_in_the_file_cannot_act(app_with_accounts):
    _, at = app_with_accounts
    at.session_state["_gongkai_user"] = {"name": "intruder", "role": "admin"}
    at.run()
    next(b for b in at.button if b.label == "执行操作").click().run()
    assert not at.success
