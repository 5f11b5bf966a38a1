"""Reviewer accounts: a TOML file of bcrypt-hashed passwords and roles, and its command line.

    python -m dashboard.accounts add 张三 --role reviewer --db 仓库.duckdb --password-stdin
    python -m dashboard.accounts list --db 仓库.duckdb
    python -m dashboard.accounts remove 张三 --db 仓库.duckdb

The file is ``<db>.d/accounts.toml`` (or ``$GONGKAI_ACCOUNTS``)::

    [users."张三"]
    role = "reviewer"
    password_hash = "$2b$12$…"

Only hashes are stored (bcrypt, per-password salt, cost 12). The file is rewritten whole under a
temporary name and renamed (``os.replace``), under an flock so two ``add`` commands at once both
keep their account. No Streamlit import here: the CLI and the tests use it without a server.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import sys
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import bcrypt
import click

from warehouse.connect import Layout

ROLES: tuple[str, ...] = ("viewer", "reviewer", "admin")  # in order of what they may do
ROLE_NAMES = {"viewer": "查看者", "reviewer": "审查员", "admin": "管理员"}
ACCOUNTS_ENV = "GONGKAI_ACCOUNTS"
MAX_NAME = 40


class AccountError(ValueError):
    """A bad account name, role or password (message in Chinese, for the CLI and the UI)."""


@dataclass(frozen=True)
class Account:
    name: str
    role: str
    password_hash: str


def accounts_path(db: Path | str) -> Path:
    """``$GONGKAI_ACCOUNTS`` if set, else ``<db>.d/accounts.toml``."""
    env = os.environ.get(ACCOUNTS_ENV)
    if env:
        return Path(env).expanduser().absolute()
    return Layout.of(db).home / "accounts.toml"


def can_act(role: str | None) -> bool:
    """Whether a role may record review decisions (reviewer and admin; viewer and nobody may not)."""
    return role in ROLES and ROLES.index(role) >= ROLES.index("reviewer")


def role_at_least(role: str | None, needed: str) -> bool:
    return role in ROLES and ROLES.index(role) >= ROLES.index(needed)


def check_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > MAX_NAME:
        raise AccountError(f"账号名须为 1–{MAX_NAME} 个字符")
    if any(not (ch.isalnum() or ch in "._-") for ch in name):
        raise AccountError("账号名只能包含文字、数字和 . _ -")
    return name


def check_role(role: str) -> str:
    if role not in ROLES:
        raise AccountError(f"角色须为 {' / '.join(ROLES)} 之一")
    return role


def hash_password(password: str) -> str:
    raw = password.encode("utf-8")
    if len(password) < 8:
        raise AccountError("密码至少 8 个字符")
    if len(raw) > 72:  # bcrypt reads at most 72 bytes; refuse rather than silently truncate
        raise AccountError("密码不能超过 72 个字节")
    return bcrypt.hashpw(raw, bcrypt.gensalt(rounds=12)).decode("ascii")


def load_accounts(path: Path) -> dict[str, Account]:
    """Every account in the file ({} when there is no file)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except tomllib.TOMLDecodeError as e:
        raise AccountError(f"{path}: 账号文件格式错误（{e}）") from e
    out = {}
    for name, entry in (data.get("users") or {}).items():
        if isinstance(entry, dict) and entry.get("role") in ROLES and entry.get("password_hash"):
            out[name] = Account(name, entry["role"], str(entry["password_hash"]))
    return out


def verify(path: Path, name: str, password: str) -> Account | None:
    """The account if ``password`` is its password; None otherwise (unknown name or wrong password)."""
    acc = load_accounts(path).get((name or "").strip())
    raw = (password or "").encode("utf-8")
    if acc is None or not raw or len(raw) > 72:
        return None
    try:
        ok = bcrypt.checkpw(raw, acc.password_hash.encode("ascii"))
    except ValueError:  # a malformed hash in the file
        return None
    return acc if ok else None


def _toml_string(s: str) -> str:
    # A JSON string literal is a valid TOML basic string (same escapes: \" \\ \n \uXXXX).
    return json.dumps(s, ensure_ascii=False)


def _render(accounts: dict[str, Account]) -> str:
    lines = ["# gongkai 审查账号：由 python -m dashboard.accounts 维护，只保存 bcrypt 哈希", ""]
    for acc in sorted(accounts.values(), key=lambda a: a.name):
        lines += [f"[users.{_toml_string(acc.name)}]", f"role = {_toml_string(acc.role)}",
                  f"password_hash = {_toml_string(acc.password_hash)}", ""]
    return "\n".join(lines)


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _save(path: Path, accounts: dict[str, Account]) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # hashes: owner-readable only
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(_render(accounts))
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def add_account(path: Path, name: str, role: str, password: str) -> Account:
    """Add an account or replace its role and password."""
    acc = Account(check_name(name), check_role(role), hash_password(password))
    with _locked(path):
        accounts = load_accounts(path)
        accounts[acc.name] = acc
        _save(path, accounts)
    return acc


def remove_account(path: Path, name: str) -> bool:
    with _locked(path):
        accounts = load_accounts(path)
        if accounts.pop(name, None) is None:
            return False
        _save(path, accounts)
    return True


# ------------------------------------------------------------------------------------ CLI

_DB = click.option("--db", "db", required=True, type=click.Path(dir_okay=False), help="数据仓库路径")


@click.group(help="管理审查账号（密码只以 bcrypt 哈希保存）。")
def cli() -> None:
    pass


@cli.command("add", help="新增账号或修改其角色和密码。")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), default="reviewer", show_default=True)
@_DB
@click.option("--password-stdin", is_flag=True, help="从标准输入读取密码（一行）")
def _add(name: str, role: str, db: str, password_stdin: bool) -> None:
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("密码", hide_input=True, confirmation_prompt=True)
    path = accounts_path(db)
    try:
        acc = add_account(path, name, role, password)
    except AccountError as e:
        raise click.ClickException(str(e)) from e
    click.echo(f"已保存账号 {acc.name}（{ROLE_NAMES[acc.role]}）→ {path}")


@cli.command("remove", help="删除账号。")
@click.argument("name")
@_DB
def _remove(name: str, db: str) -> None:
    path = accounts_path(db)
    if not remove_account(path, name):
        raise click.ClickException(f"{path}: 没有账号 {name}")
    click.echo(f"已删除账号 {name}")


@cli.command("list", help="列出账号和角色。")
@_DB
def _list(db: str) -> None:
    for acc in sorted(load_accounts(accounts_path(db)).values(), key=lambda a: a.name):
        click.echo(f"{acc.name}\t{acc.role}")


if __name__ == "__main__":
    cli()
