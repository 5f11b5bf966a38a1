"""Opening the warehouse: many readers and one writer at once, by build-and-swap snapshots.

DuckDB lets one process open a file read-write *or* many open it read-only, never both
(stack-pitfalls P1). So readers never open the file being written:

    <db>                      a hard link to the current snapshot — a plain DuckDB file any tool
                              can open read-only (``duckdb -readonly <db>``)
    <db>.d/current.json       the pointer: {"snapshot": "snap-000007-….duckdb", "version": …}
    <db>.d/snapshots/*.duckdb immutable published snapshots (never opened read-write again)
    <db>.d/work.duckdb        the writer's working copy (+ work.json: the snapshot it started from)
    <db>.d/writer.lock        flock held by the one writer
    <db>.d/files/ab/<sha256>.<ext>   every original source file, content-addressed
    <db>.d/scratch/           the writer's temporary files; removed by the next writer

The writer copies the current snapshot to ``work.duckdb``, stores reports there (one transaction
each), checkpoints, closes, renames it to a new snapshot name and atomically replaces
``current.json`` (``os.replace``). A reader resolves the pointer on open and gets a complete,
immutable snapshot; a reader that already has a connection keeps reading its snapshot until it
reopens. Snapshot names are never reused, so DuckDB's per-path instance cache and the
"stale handle on same-path replace" bug (P1b) cannot serve old data under a new version.

Crash safety: a SIGKILLed writer leaves ``work.duckdb`` (+ WAL) behind; the next writer reopens
it if it was started from the still-current snapshot — DuckDB replays only committed
transactions, so it holds whole reports only — and carries on. Nothing published is touched.

For caches (stack-pitfalls P3) ``data_version(db)`` returns the snapshot's version string; it
changes exactly when a new snapshot is published.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from .schema import migrate, pending_migrations

POINTER = "current.json"
WORK = "work.duckdb"
WORK_META = "work.json"
LOCK = "writer.lock"
KEEP_SNAPSHOTS = 3  # old snapshots kept so that a reader resolving the pointer just now still finds its file


class WarehouseNotFound(FileNotFoundError):
    """No warehouse at this path yet (run an ingest or ``python -m warehouse init``)."""

    def __init__(self, db_path: Path | str) -> None:
        super().__init__(f"{db_path}: 数据库不存在（请先运行入库命令 python -m loaders ingest … --db {db_path}）")
        self.db_path = str(db_path)


class NotAWarehouse(RuntimeError):
    def __init__(self, db_path: Path | str) -> None:
        super().__init__(f"{db_path}: 该文件已存在但不是 gongkai 数据库（缺少 {Path(db_path).name}.d 目录），"
                         "为免覆盖，请换一个路径")


class WriterBusy(RuntimeError):
    def __init__(self, db_path: Path | str) -> None:
        super().__init__(f"{db_path}: 另一个入库进程正在写入此数据库，请等待其结束")


@dataclass(frozen=True)
class Layout:
    """Where the parts of one warehouse live, from the path the user gave (``--db``)."""

    db: Path

    @classmethod
    def of(cls, db_path: Path | str) -> Layout:
        return cls(Path(db_path).expanduser().absolute())

    @property
    def home(self) -> Path:
        return self.db.with_name(self.db.name + ".d")

    @property
    def pointer(self) -> Path:
        return self.home / POINTER

    @property
    def snapshots(self) -> Path:
        return self.home / "snapshots"

    @property
    def work(self) -> Path:
        return self.home / WORK

    @property
    def work_wal(self) -> Path:
        return self.home / (WORK + ".wal")  # DuckDB's write-ahead log beside the working copy

    @property
    def work_meta(self) -> Path:
        return self.home / WORK_META

    @property
    def lock(self) -> Path:
        return self.home / LOCK

    @property
    def files(self) -> Path:
        return self.home / "files"

    @property
    def scratch(self) -> Path:
        return self.home / "scratch"  # the writer's temporary files (parse results in flight)


def _read_json(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None


def _write_json_atomic(path: Path, data: dict) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


_HELD_LOCKS: set[int] = set()  # writer-lock fds of this process


def close_inherited_locks() -> None:
    """In a forked child (a parse worker): close the inherited writer-lock fds.

    flock locks belong to the open file description, which fork shares: a worker that outlives
    a SIGKILLed parent would otherwise keep the warehouse locked. Closing the child's copy does
    not release the parent's lock.
    """
    for fd in list(_HELD_LOCKS):
        with contextlib.suppress(OSError):
            os.close(fd)
    _HELD_LOCKS.clear()


def current_snapshot(db_path: Path | str) -> Path | None:
    """The published snapshot file readers should open, or None if there is none yet."""
    lay = Layout.of(db_path)
    ptr = _read_json(lay.pointer)
    if ptr:
        return lay.snapshots / ptr["snapshot"]
    return None


def exists(db_path: Path | str) -> bool:
    return current_snapshot(db_path) is not None


def data_version(db_path: Path | str) -> str:
    """A key that changes exactly when new data is published — for ``st.cache_data`` keys.

    "empty" when no warehouse exists yet.
    """
    ptr = _read_json(Layout.of(db_path).pointer)
    return ptr["version"] if ptr else "empty"


def open_reader(db_path: Path | str, *, retries: int = 20) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the current snapshot. Never blocks or is blocked by the writer.

    The connection sees one immutable snapshot for its whole life; reopen (when
    ``data_version`` changes) to see newer data. Take a ``.cursor()`` per thread (P2).
    """
    last: Exception | None = None
    for attempt in range(retries):
        snap = current_snapshot(db_path)
        if snap is None:
            raise WarehouseNotFound(db_path)
        try:
            return duckdb.connect(str(snap), read_only=True)
        except (duckdb.IOException, FileNotFoundError) as e:
            # The pointer moved on and the old snapshot was collected between our read and open.
            last = e
            time.sleep(0.05 * (attempt + 1))
    raise RuntimeError(f"{db_path}: 无法打开数据库快照") from last


def source_file(db_path: Path | str, stored_path: str) -> Path:
    """The original file of a source document (``source_documents.stored_path``)."""
    return Layout.of(db_path).files / stored_path


# ------------------------------------------------------------------------------------ writer


class Writer:
    """The one writer of a warehouse. Use ``with open_writer(db) as w: …; w.publish()``.

    ``w.con`` is a read-write connection to the working copy. ``publish()`` makes everything
    written so far visible to readers (new snapshot + pointer swap) and, with ``reopen=True``,
    carries on writing in a fresh working copy.
    """

    def __init__(self, db_path: Path | str, *, wait: float = 0.0) -> None:
        self.layout = Layout.of(db_path)
        self.wait = wait  # seconds to wait for another writer to finish (0: fail at once)
        self.con: duckdb.DuckDBPyConnection | None = None
        self.resumed = False  # True when a crashed writer's working copy was picked up
        self.migrated: list[int] = []  # migrations applied to the working copy on open
        self._lock_fd: int | None = None

    # -- lifecycle
    def __enter__(self) -> Writer:
        lay = self.layout
        if lay.db.exists() and not lay.pointer.exists():
            raise NotAWarehouse(lay.db)  # never replace a file we did not make
        lay.home.mkdir(parents=True, exist_ok=True)
        lay.snapshots.mkdir(exist_ok=True)
        lay.files.mkdir(exist_ok=True)
        fd = os.open(lay.lock, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                # Another writer (the CLI, the app's inbox runner) is at work: queue behind it.
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise WriterBusy(lay.db) from None
                time.sleep(0.2)
        self._lock_fd = fd
        _HELD_LOCKS.add(fd)
        # Leftovers of a writer killed mid-copy or mid-rename (we hold the lock: nobody else writes).
        for tmp in (*lay.home.glob(".*.tmp"), *lay.files.glob("*/.*.tmp"), *lay.db.parent.glob(f".{lay.db.name}.*.link")):
            tmp.unlink(missing_ok=True)
        shutil.rmtree(lay.scratch, ignore_errors=True)
        self._open_work()
        return self

    def __exit__(self, *exc: object) -> None:
        # On error the working copy stays: it holds only committed (whole) reports and the next
        # writer resumes from it. Nothing published changes.
        with contextlib.suppress(Exception):
            if self.con is not None:
                self.con.close()
        self.con = None
        if self._lock_fd is not None:
            _HELD_LOCKS.discard(self._lock_fd)
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
            os.close(self._lock_fd)
            self._lock_fd = None

    def _discard_work(self) -> None:
        lay = self.layout
        for p in (lay.work, lay.work_wal, lay.work_meta):
            p.unlink(missing_ok=True)

    def _open_work(self) -> None:
        lay = self.layout
        base = current_snapshot(lay.db)
        base_name = base.name if base else None
        meta = _read_json(lay.work_meta)
        if lay.work.exists() and meta is not None and meta.get("base") == base_name:
            try:
                self.con = duckdb.connect(str(lay.work))
                self.resumed = True  # a previous writer died; its committed reports are kept
            except duckdb.Error:
                # Unreadable leftover: it held nothing published, so start afresh (the files it
                # held are simply parsed again).
                self.con = None
        if self.con is None:
            self._discard_work()
            _write_json_atomic(lay.work_meta, {"base": base_name, "created": _now()})
            # Built under a temporary name and renamed: the working copy is whole or absent,
            # never a half-copied or half-initialised file a resuming writer would trip over.
            tmp = lay.home / f".work.{os.getpid()}.tmp"
            if base is not None:
                shutil.copyfile(base, tmp)
            else:
                duckdb.connect(str(tmp)).close()
            os.replace(tmp, lay.work)
            self.con = duckdb.connect(str(lay.work))
        self.migrated = migrate(self.con)

    @property
    def untouched(self) -> bool:
        """The working copy is a plain copy of the published snapshot: nothing resumed, nothing
        migrated, and a snapshot exists to keep."""
        return not self.resumed and not self.migrated and current_snapshot(self.layout.db) is not None

    def abandon(self) -> str:
        """Drop the working copy unpublished (nothing was written to it); returns the data version
        still current, so readers' caches keyed by it stay valid."""
        if self.con is not None:
            self.con.close()
            self.con = None
        self._discard_work()
        return data_version(self.layout.db)

    # -- publishing
    def publish(self, *, reopen: bool = False) -> str:
        """Checkpoint, close and publish the working copy as the new current snapshot.

        Returns the new data version. With ``reopen`` a new working copy is started from it.
        """
        assert self.con is not None, "writer is closed"
        lay = self.layout
        from .review import fold_journal  # late: review builds on this module

        fold_journal(self.con, lay.db)  # reviewers' decisions recorded so far, whole (warehouse/review.py)
        self.con.execute("CHECKPOINT")
        self.con.close()
        self.con = None
        if lay.work_wal.exists():  # a clean close leaves no WAL; replay it into the file if one is left
            c = duckdb.connect(str(lay.work))
            c.execute("CHECKPOINT")
            c.close()
        prev = _read_json(lay.pointer) or {}
        seq = int(prev.get("seq", 0)) + 1
        version = f"{seq:06d}-{secrets.token_hex(4)}"
        name = f"snap-{version}.duckdb"
        snap = lay.snapshots / name
        with open(lay.work, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(lay.work, snap)
        _fsync_dir(lay.snapshots)
        _write_json_atomic(lay.pointer, {"snapshot": name, "version": version, "seq": seq, "published_at": _now()})
        lay.work_meta.unlink(missing_ok=True)
        self._link_db(snap)
        self._collect_old_snapshots(keep=name)
        if reopen:
            self._open_work()
        return version

    def _link_db(self, snap: Path) -> None:
        """Make ``<db>`` a hard link to the current snapshot (for other tools); best effort."""
        tmp = self.layout.db.with_name(f".{self.layout.db.name}.{os.getpid()}.link")
        try:
            tmp.unlink(missing_ok=True)
            os.link(snap, tmp)
            os.replace(tmp, self.layout.db)
        except OSError:
            tmp.unlink(missing_ok=True)

    def _collect_old_snapshots(self, keep: str) -> None:
        snaps = sorted(p for p in self.layout.snapshots.glob("snap-*.duckdb") if p.name != keep)
        for p in snaps[: max(0, len(snaps) - (KEEP_SNAPSHOTS - 1))]:
            # Linux keeps an unlinked file alive for readers that still have it open.
            p.unlink(missing_ok=True)
            p.with_name(p.name + ".wal").unlink(missing_ok=True)


def open_writer(db_path: Path | str, *, wait: float = 0.0) -> Writer:
    """The one writer; with ``wait`` it waits up to that many seconds for another to finish."""
    return Writer(db_path, wait=wait)


def ensure_warehouse(db_path: Path | str) -> str:
    """Create an empty, published warehouse if none exists, or bring an existing one written by an
    older gongkai up to the current schema (its data kept); return its data version."""
    if exists(db_path):
        with reader(db_path) as con:
            outdated = bool(pending_migrations(con))
        if not outdated:
            return data_version(db_path)
    with open_writer(db_path) as w:  # opening the working copy applies the pending migrations
        return w.publish()


@contextlib.contextmanager
def reader(db_path: Path | str) -> Iterator[duckdb.DuckDBPyConnection]:
    """``with reader(db) as con:`` — a short-lived read-only connection, closed afterwards."""
    con = open_reader(db_path)
    try:
        yield con
    finally:
        con.close()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
