"""Who may act: sign-in against the accounts file, and the server-side check every action makes.

Viewing needs no account. Every action that writes (review decisions, notices, uploads, roster
edits) calls ``require(db, "reviewer")`` on the server before it writes — hiding a button is not
the check. ``require`` reads the accounts file again, so an account removed or demoted while
signed in can no longer act.

Why bcrypt and not streamlit-authenticator: its cookie component does not run under AppTest and
it writes login state back into its config file; a TOML of bcrypt hashes (``dashboard.accounts``)
plus the session's own state is all the app needs. The sign-in lives in the session only (a new
browser tab signs in again).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from dashboard.accounts import ROLE_NAMES, ROLES, accounts_path, can_act, load_accounts, role_at_least, verify

__all__ = ["User", "accounts_path", "can_act", "current_user", "require", "sidebar_sign_in", "sign_out"]

_USER_KEY = "_gongkai_user"  # non-widget session key: {"name", "role"} of the signed-in account
_FAILS_KEY = "_gongkai_sign_in_failures"
MAX_FAILURES = 5  # per session: then the form refuses (slows guessing; bcrypt is slow as well)


@dataclass(frozen=True)
class User:
    name: str
    role: str

    @property
    def role_name(self) -> str:
        return ROLE_NAMES.get(self.role, self.role)


def current_user() -> User | None:
    """The account signed in in this session, or None."""
    u = st.session_state.get(_USER_KEY)
    if isinstance(u, dict) and u.get("name") and u.get("role") in ROLES:
        return User(str(u["name"]), str(u["role"]))
    return None


def sign_in(db: Path | str, name: str, password: str) -> User | None:
    """Check the password against the accounts file; on success the session is signed in."""
    acc = verify(accounts_path(db), name, password)
    if acc is None:
        st.session_state[_FAILS_KEY] = st.session_state.get(_FAILS_KEY, 0) + 1
        return None
    st.session_state[_FAILS_KEY] = 0
    st.session_state[_USER_KEY] = {"name": acc.name, "role": acc.role}
    return User(acc.name, acc.role)


def sign_out() -> None:
    st.session_state.pop(_USER_KEY, None)


def authorised(db: Path | str, role: str = "reviewer") -> User | None:
    """The signed-in user if the accounts file (read now) still gives them at least ``role``."""
    u = current_user()
    if u is None:
        return None
    acc = load_accounts(accounts_path(db)).get(u.name)
    if acc is None or not role_at_least(acc.role, role):
        return None
    return User(acc.name, acc.role)


def require(db: Path | str, role: str = "reviewer") -> User:
    """The server-side check before any action: returns the user, or shows why not and stops the
    script run (``st.stop``), so nothing after it executes."""
    u = authorised(db, role)
    if u is None:
        st.warning(f"此操作需要以{ROLE_NAMES.get(role, role)}账号登录（侧栏「审查员登录」）。", icon=":material/lock:")
        st.stop()
    return u


def sidebar_sign_in(db: Path | str) -> User | None:
    """The sign-in form (or the signed-in name and 退出) in the sidebar; returns the user."""
    sb = st.sidebar
    u = current_user()
    if u is not None:
        sb.caption(f"已登录：{u.name}（{u.role_name}）")
        if sb.button("退出登录", key="_gongkai_sign_out"):
            sign_out()
            st.rerun()
        return u
    with sb.expander("审查员登录", icon=":material/login:"):
        if st.session_state.get(_FAILS_KEY, 0) >= MAX_FAILURES:
            st.error("登录失败次数过多，请关闭页面后重试。")
            return None
        with st.form("_gongkai_sign_in", clear_on_submit=True, border=False):
            name = st.text_input("账号", key="_gongkai_sign_in_name")
            password = st.text_input("密码", type="password", key="_gongkai_sign_in_password")
            submitted = st.form_submit_button("登录")
        if submitted:
            if sign_in(db, name, password) is not None:
                st.rerun()
            st.error("账号或密码不正确。")
    return None


def can_current_act() -> bool:
    """Whether to show action buttons at all (the action itself still calls ``require``)."""
    u = current_user()
    return u is not None and can_act(u.role)
