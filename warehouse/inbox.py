"""The inbox: reports uploaded in the app wait here until the one writer ingests them.

    <db>.inbox/<batch>/files/…      the uploaded files, as received (names reduced to safe base names)
    <db>.inbox/<batch>/batch.json   who sent it and when, the file list
    <db>.inbox/<batch>/status.json  the runner's progress: state, files done, ok / with findings /
                                    failed, and at the end every failure with its Chinese reason
    <db>.inbox/runner.lock          flock of the one runner

The app only ever writes a whole batch (under a temporary name, then renamed, so a runner never
sees half a batch) and starts a runner; the runner (``python -m warehouse inbox-run``) ingests
each pending batch through ``warehouse.ingest`` — the same code, archive guards (zip bombs, ``../``
members) and writer lock as the CLI, queueing behind a CLI run that holds the lock. A runner killed
mid-batch leaves the batch "running": the next runner takes it again, and ingest is idempotent by
content hash, so nothing is stored twice or lost.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from .connect import Layout, _write_json_atomic

MAX_FILES = 200  # per upload
MAX_FILE_BYTES = 50 * 1024 * 1024  # per file (the readers' own limit applies inside zips)
MAX_BATCH_BYTES = 300 * 1024 * 1024
WRITER_WAIT = 3600.0  # seconds a runner queues behind another writer (a long CLI ingest)

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
# What a batch asks the writer to do: ingest its files, load its roster file, record a match decision, edit the roster.
FILES, ROSTER, CONFIRM, ROSTER_EDIT = "files", "roster", "confirm", "roster_edit"
KIND_NAMES = {FILES: "年报文件", ROSTER: "应报名单", CONFIRM: "名单匹配确认", ROSTER_EDIT: "名单编辑"}
STATE_NAMES = {QUEUED: "排队中", RUNNING: "入库中", DONE: "已完成", FAILED: "出错"}
_SAFE = re.compile(r"[^\w.\-\u3000-\u9fff\uff00-\uffef（）()【】]+")


class UploadRejected(ValueError):
    """An upload over the limits or without usable files; the message is Chinese, for the page."""


def inbox_dir(db: Path | str) -> Path:
    lay = Layout.of(db)
    return lay.db.with_name(lay.db.name + ".inbox")


def safe_name(name: str) -> str:
    """A received file name reduced to a plain base name: no folders, no ``..``, no odd characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = _SAFE.sub("_", base).strip("._ ") or "未命名"
    return base[:120]


def check_upload(files: Sequence[tuple[str, int]]) -> None:
    """Refuse an upload over the limits, naming the file or the limit (before anything is written)."""
    if not files:
        raise UploadRejected("没有选择文件。")
    if len(files) > MAX_FILES:
        raise UploadRejected(f"一次最多上传 {MAX_FILES} 个文件（本次 {len(files)} 个），请分批上传或打包为 zip。")
    for name, size in files:
        if size == 0:
            raise UploadRejected(f"{name}：文件为空。")
        if size > MAX_FILE_BYTES:
            raise UploadRejected(f"{name}：文件超过大小上限（{size / 1048576:.1f} MB，上限 {MAX_FILE_BYTES // 1048576} MB）。")
    total = sum(s for _, s in files)
    if total > MAX_BATCH_BYTES:
        raise UploadRejected(f"本次上传共 {total / 1048576:.1f} MB，超过上限 {MAX_BATCH_BYTES // 1048576} MB，请分批上传。")


def submit(db: Path | str, files: Sequence[tuple[str, bytes]], *, by: str, kind: str = FILES,
           params: dict | None = None) -> str:
    """Put one upload (or action) into the inbox whole; returns the batch id. Checks the limits first."""
    if kind not in KIND_NAMES:
        raise ValueError(kind)
    if kind not in (CONFIRM, ROSTER_EDIT):
        check_upload([(n, len(b)) for n, b in files])
    root = inbox_dir(db)
    root.mkdir(parents=True, exist_ok=True)
    batch = f"{datetime.now(UTC).strftime('%Y%m%dT%H%M%S')}-{secrets.token_hex(4)}"
    tmp = root / f".{batch}.tmp"
    (tmp / "files").mkdir(parents=True)
    names: list[str] = []
    for name, data in files:
        n, stem, k = safe_name(name), None, 1
        while n in names:  # two uploads of the same name: keep both
            stem = stem or Path(safe_name(name))
            n = f"{stem.stem}_{k}{stem.suffix}"
            k += 1
        names.append(n)
        with open(tmp / "files" / n, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
    _write_json_atomic(tmp / "batch.json", {"batch": batch, "by": by, "submitted_at": _now(), "files": names,
                                            "kind": kind, "params": params or {}})
    _write_json_atomic(tmp / "status.json", {"state": QUEUED, "total": len(names), "done": 0})
    os.replace(tmp, root / batch)
    return batch


@dataclass(frozen=True)
class BatchStatus:
    batch: str
    by: str
    submitted_at: str
    files: list[str]
    status: dict
    kind: str = FILES
    params: dict | None = None

    @property
    def state(self) -> str:
        return self.status.get("state", QUEUED)


def _read(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}


def status(db: Path | str, batch: str) -> BatchStatus | None:
    if not re.fullmatch(r"[0-9T]+-[0-9a-f]{8}", batch):
        return None  # never a path from elsewhere
    d = inbox_dir(db) / batch
    meta = _read(d / "batch.json")
    if not meta:
        return None
    return BatchStatus(batch, meta.get("by", ""), meta.get("submitted_at", ""), meta.get("files", []),
                       _read(d / "status.json"), meta.get("kind", FILES), meta.get("params") or {})


def batches(db: Path | str) -> list[BatchStatus]:
    root = inbox_dir(db)
    if not root.is_dir():
        return []
    out = [status(db, p.name) for p in sorted(root.iterdir()) if p.is_dir() and not p.name.startswith(".")]
    return [b for b in out if b is not None]


def pending(db: Path | str) -> list[BatchStatus]:
    return [b for b in batches(db) if b.state in (QUEUED, RUNNING)]


# ---------------------------------------------------------------------------------- the runner
@contextlib.contextmanager
def runner_lock(db: Path | str, *, patience: float = 5.0) -> Iterator[bool]:
    """True if this process is now the one runner (else another runner is at work).

    ``patience``: a runner that found nothing left to do may be releasing the lock just now, after
    its last look at the inbox — wait that long for it, so a batch put in at that moment is not left.
    """
    root = inbox_dir(db)
    root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root / "runner.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + patience
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    yield False
                    return
                time.sleep(0.2)
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def run_batch(db: Path | str, b: BatchStatus, *, workers: int | None = None, wait: float = WRITER_WAIT) -> dict:
    """Ingest one batch, writing its progress as it goes; returns the final status."""
    from .ingest import ingest

    if b.kind != FILES:
        return _run_action(db, b, wait)
    d = inbox_dir(db) / b.batch
    st = {"state": RUNNING, "total": len(b.files), "done": 0, "ok": 0, "with_findings": 0, "failed": 0,
          "unchanged": 0, "started_at": _now()}
    _write_json_atomic(d / "status.json", st)
    last = [0.0]

    def progress(s, origin: str) -> None:
        st.update(done=st["done"] + 1, ok=s.ok, with_findings=s.with_findings, failed=s.failed, unchanged=s.unchanged)
        if time.monotonic() - last[0] > 0.3:  # a status file per document would cost more than it tells
            _write_json_atomic(d / "status.json", st)
            last[0] = time.monotonic()

    def on_start(n: int) -> None:
        st["parsing"] = n

    try:
        s = ingest([d / "files"], db, workers=workers, progress=progress, on_start=on_start, wait=wait)
    except Exception as e:  # the batch fails whole and says why; the next batch still runs
        st.update(state=FAILED, error=f"{type(e).__name__}: {e}", finished_at=_now())
        _write_json_atomic(d / "status.json", st)
        return st
    prefix = str(d / "files") + os.sep
    failures = [{"file": str(f.get("file", "")).replace(prefix, ""), "reason": f.get("reason") or "未知原因",
                 "detail": f.get("detail") or ""} for f in s.failures]
    st.update(state=DONE, done=s.inputs, ok=s.ok, with_findings=s.with_findings, failed=s.failed,
              unchanged=s.unchanged, stored=s.stored, failures=failures, data_version=s.data_version,
              finished_at=_now(), seconds=round(s.seconds, 1))
    _write_json_atomic(d / "status.json", st)
    return st


def _run_action(db: Path | str, b: BatchStatus, wait: float) -> dict:
    """A roster file, a roster edit or a match decision from the app, written by the one writer and published."""
    from loaders.errors import LoaderError

    from . import derive, roster_edit
    from .connect import open_writer
    from .roster import load_roster
    from .submission import decide

    d = inbox_dir(db) / b.batch
    st = {"state": RUNNING, "total": 1, "done": 0, "started_at": _now()}
    _write_json_atomic(d / "status.json", st)
    p = b.params or {}
    try:
        with open_writer(db, wait=wait) as w:
            if b.kind == ROSTER:
                n = load_roster(w.con, d / "files" / b.files[0])
                message = f"应报名单已导入：{n} 条"
            elif b.kind == ROSTER_EDIT:
                message = roster_edit.apply(w.con, p, b.by)
            else:
                decision = "confirmed" if p.get("decision") == "confirmed" else "rejected"
                decide(w.con, str(p["agency"]), int(p["year"]), p.get("province"), p.get("city"),
                       int(p["report_id"]), decision, b.by)
                message = f"已{'确认' if decision == 'confirmed' else '否定'}：{p['agency']} {p['year']}年度 ↔ 报告 {p['report_id']}"
            derive.refresh(w.con)
            version = w.publish()
    except LoaderError as e:  # an unusable roster file: the file, the row and the value, in Chinese
        st.update(state=FAILED, error=e.message, finished_at=_now())
    except roster_edit.RosterEditError as e:  # an edit that cannot be made, in Chinese
        st.update(state=FAILED, error=str(e), finished_at=_now())
    except Exception as e:
        st.update(state=FAILED, error=f"{type(e).__name__}: {e}", finished_at=_now())
    else:
        st.update(state=DONE, done=1, ok=1, message=message, data_version=version, finished_at=_now())
    _write_json_atomic(d / "status.json", st)
    return st


def run_pending(db: Path | str, *, workers: int | None = None, wait: float = WRITER_WAIT) -> int:
    """Ingest every pending batch, oldest first, until none is left; returns how many ran.
    Does nothing when another runner holds the lock (it will see the new batches itself)."""
    n = 0
    with runner_lock(db) as mine:
        if not mine:
            return 0
        while True:
            todo = pending(db)
            if not todo:
                return n
            run_batch(db, todo[0], workers=workers, wait=wait)
            n += 1


def start_runner(db: Path | str) -> None:
    """Start a runner process in the background (detached from the app); harmless if one runs."""
    log = open(inbox_dir(db) / "runner.log", "ab")
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")]))}
    subprocess.Popen([sys.executable, "-m", "warehouse", "inbox-run", "--db", str(Layout.of(db).db)],
                     stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=root, env=env,
                     start_new_session=True)
    log.close()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
