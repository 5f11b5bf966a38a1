"""Ingest: files, folders and zips → parsed reports → the warehouse, in parallel and crash-safe.

Workers (a process pool, one per core) read and parse; the single parent process is the only
writer. Results are written in input order (sorted paths), not completion order, so a run that
was killed and started again stores reports in exactly the order — hence with exactly the ids,
versions and findings — of an uninterrupted run. Reports are stored in batches, one transaction
each (``store.write_reports``); everything derived across reports (cross-year findings, the agencies
dimension) is recomputed at the end of every run.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import json
import os
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from loaders.errors import LoaderError, ScannedDocument
from loaders.manifest import MANIFEST_SOURCE, manifest_row_for
from loaders.model import ParsedReport
from loaders.names import safe_name

from . import derive
from .cluster import connect, run_on_cluster
from .connect import Writer, close_inherited_locks, open_writer
from .store import REPARSED, STORED, UNCHANGED, StoreResult, ToStore, write_reports
from .workers import Limits, report_progress, run_limited


# ----------------------------------------------------------------------------- the work items
@dataclass
class Parsed:
    """What a worker hands back for one document: a report with its bytes, or the error."""

    origin: str
    sha256: str | None = None
    report: ParsedReport | None = None
    data: bytes | None = None
    error: dict | None = None  # LoaderError.to_dict(): file, kind, reason (Chinese), detail


def _file_name(origin: str) -> str:
    """The name a document goes by (report.file, the manifest's ``file``): the base name of the
    file or, for ``archive!member``, of the member — also for a member at the archive's root."""
    return Path(origin.split("!")[-1]).name


def _error(origin: str, e: BaseException) -> dict:
    if isinstance(e, LoaderError):
        d = e.to_dict()
        d["file"] = d.get("file") or origin
        return d
    return {"file": origin, "kind": "internal", "reason": "解析程序内部错误", "detail": f"{type(e).__name__}: {e}"}


def parse_path(path: str, manifest: dict | None = None) -> list[Parsed]:
    """Read and parse one file (a zip gives one result per member). Runs in a worker process.

    Whatever goes wrong stays with this file: a failure result, never an exception. Names are in
    their safe form (``loaders.names``) from here on: stored, logged and printed as they are.
    """
    from loaders.parse import parse_document
    from loaders.readers import iter_sources

    name = safe_name(path)
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        return [Parsed(name, error={"file": name, "kind": "corrupt", "reason": "文件无法打开", "detail": str(e)})]
    out: list[Parsed] = []
    try:
        # the bytes already read, each document with its own (a zip member's, unpacked once)
        for item, raw in iter_sources(data, name):
            if isinstance(item, LoaderError):
                out.append(Parsed(item.file or name, error=_error(name, item)))
                continue
            origin = item.source.name
            try:
                report = parse_document(item, manifest_row=manifest_row_for(manifest, _file_name(origin)))
                report.file = _file_name(origin)
                out.append(Parsed(origin, item.source.sha256, report, raw))
            except MemoryError:
                raise
            except Exception as e:  # one bad document never stops the batch
                out.append(Parsed(origin, item.source.sha256, error=_error(origin, e)))
    except MemoryError:
        raise  # the worker reports 内存超限 (a limit, not this file's content)
    except Exception as e:  # a reader bug on an odd archive: this file fails, the batch goes on
        out.append(Parsed(name, error=_error(name, e)))
    return out


def _worker(args: tuple[str, dict | None]) -> list[Parsed]:
    from loaders.readers.ocr import ocr_progress

    with ocr_progress(report_progress):  # the pages OCR reads, seen by the parent (run_limited)
        return parse_path(*args)


def _failed_task(task: tuple[str, dict | None], kind: str, reason: str, detail: str) -> list[Parsed]:
    """The result of a file whose worker passed a limit or died (warehouse.workers)."""
    name = safe_name(task[0])
    return [Parsed(name, error={"file": name, "kind": kind, "reason": reason, "detail": detail})]


# ------------------------------------------------------------------------------- the run
@dataclass
class RunSummary:
    run_id: int = 0
    inputs: int = 0
    stored: int = 0
    with_findings: int = 0
    unchanged: int = 0
    reparsed: int = 0
    failed: int = 0
    versions_added: int = 0
    failures: list[dict] = field(default_factory=list)
    seconds: float = 0.0
    data_version: str = ""
    store_cpu_seconds: float = 0.0  # CPU of the writer thread storing the batches (write_reports)

    @property
    def ok(self) -> int:
        return self.stored + self.reparsed - self.with_findings

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


Progress = Callable[[RunSummary, str], None]  # called after every document with its origin
OcrProgress = Callable[[str, int, int], None]  # (file, pages read, pages to read) while OCR reads a scan


def _start_run(con: duckdb.DuckDBPyConnection, command: str, parser_version: str, n_inputs: int) -> int:
    # A run still "running" here was killed (its working copy was resumed): say so.
    con.execute("UPDATE ingest_runs SET status = 'interrupted' WHERE status = 'running'")
    run_id = con.execute("SELECT COALESCE(MAX(run_id), 0) + 1 FROM ingest_runs").fetchone()[0]
    con.execute(
        "INSERT INTO ingest_runs VALUES (?, now()::TIMESTAMP, NULL, ?, ?, ?, 0, 0, 0, 0, 'running')",
        [run_id, command, parser_version, n_inputs],
    )
    return run_id


def _finish_run(con: duckdb.DuckDBPyConnection, s: RunSummary, status: str = "done") -> None:
    con.execute(
        "UPDATE ingest_runs SET finished_at = now()::TIMESTAMP, n_stored = ?, n_unchanged = ?, n_with_findings = ?, "
        "n_failed = ?, status = ? WHERE run_id = ?",
        [s.stored + s.reparsed, s.unchanged, s.with_findings, s.failed, status, s.run_id],
    )


def _log_failure(con: duckdb.DuckDBPyConnection, run_id: int, p: Parsed, outcome: str = "failed") -> None:
    e = p.error or {}
    con.execute(
        "INSERT INTO ingest_log VALUES (?, ?, ?, ?, ?, ?, ?, now()::TIMESTAMP)",
        [run_id, p.origin, p.sha256, outcome, e.get("kind"), e.get("reason"), e.get("detail")],
    )


def _parser_version() -> str:
    try:
        from loaders.parse import PARSER_VERSION

        return str(PARSER_VERSION)
    except ImportError:
        return ""


def _results(
    tasks: Sequence[tuple[str, dict | None]], workers: int, scratch: Path, limits: Limits, client: Any = None,
    on_ocr: OcrProgress | None = None,
) -> Iterator[list[Parsed]]:
    """Parse results in task order (one list per task).

    ``on_ocr``: called here with each scan's OCR progress, page by page (not from a Dask cluster).

    With ``client`` (a ``distributed.Client``, ``ingest --scheduler``) the files are parsed on that
    Dask cluster under the same limits (warehouse.cluster); otherwise in the local process pool.

    Each file is parsed in a worker process of its own under ``limits`` (warehouse.workers): a
    file that hangs its worker, exhausts memory or crashes a parser library becomes a failure
    naming the file and the reason, and the batch goes on. In-process only when every limit is
    off and one worker is asked for.
    """
    if client is not None:
        yield from run_on_cluster(client, _worker, tasks, limits=limits, failure=_failed_task,
                                  init=_worker_init, prepare=_preload)
        return
    if limits.off and (workers <= 1 or len(tasks) <= 1):
        from loaders.readers.ocr import ocr_progress

        for t in tasks:
            name = safe_name(t[0])
            with ocr_progress((lambda d, n: on_ocr(name, d, n)) if on_ocr else None):  # noqa: B023 (used at once)
                results = parse_path(*t)
            yield results
        return
    _preload()
    # Under the warehouse (Layout.scratch), not the OS temp dir: a SIGKILLed run's leftovers are
    # removed by the next writer.
    scratch.mkdir(parents=True, exist_ok=True)
    out_dir = Path(tempfile.mkdtemp(prefix="results-", dir=scratch))
    try:
        yield from run_limited(_worker, tasks, workers=workers, limits=limits, scratch=out_dir,
                               failure=_failed_task, init=_worker_init,
                               progress=(lambda t, d, n: on_ocr(safe_name(t[0]), d, n)) if on_ocr else None)
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)


def _worker_init() -> None:
    """Runs first in every parse worker.

    * Close the inherited writer lock (see ``connect.close_inherited_locks``).
    * Die with the parent: pool workers forked from the ingest hold both ends of their task pipe,
      so after a SIGKILL of the parent they would idle forever. PR_SET_PDEATHSIG (Linux) has the
      kernel kill them when the parent goes.
    """
    close_inherited_locks()
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() == 1:  # the parent died before we got here
        os._exit(1)


def _preload() -> None:
    """Import the readers and parser and build their lookup tables once, in the parent.

    Workers are forked from it, so they start parsing at once instead of each spending seconds
    importing (OpenCC, the gazetteer, PDF/DOCX libraries) before their first file.
    """
    try:
        from loaders.parse import regions
        from loaders.readers import READERS

        for file_type in list(READERS.keys()):
            try:
                READERS[file_type]
            except Exception:  # an optional reader's library missing: that file type fails later, typed
                pass
        regions.gazetteer()
    except ImportError:
        pass


@contextlib.contextmanager
def _cluster(scheduler: str | None) -> Iterator[Any]:
    """A client on the Dask scheduler at ``scheduler`` for the run, or None (the local pool).
    Connected before the writer opens: an unreachable cluster changes nothing."""
    if not scheduler:
        yield None
        return
    client = connect(scheduler)
    try:
        yield client
    finally:
        client.close()


class _Storer:
    """Stores parse results in batches: one transaction per batch (``store.write_reports``).

    A batch is written when it holds ``batch_size`` reports or its first report has waited
    ``batch_seconds`` (so progress stays live on slow parses), and always before a publish. A
    report the warehouse refuses (a value that cannot be stored) would roll back the whole batch:
    the batch is then written report by report, so only that report fails, with its reason, and
    the rest are stored — the batch goes on. A crash loses at most the batch in flight, which the
    next run parses again (nothing of it was committed)."""

    def __init__(self, w: Writer, s: RunSummary, *, is_demo: bool, replace: bool, progress: Progress | None,
                 batch_size: int = 256, batch_seconds: float = 1.0) -> None:
        self.w, self.s, self.is_demo, self.replace, self.progress = w, s, is_demo, replace, progress
        self.batch_size, self.batch_seconds = batch_size, batch_seconds
        self.pending: list[tuple[Parsed, bool]] = []
        self.since = 0.0

    def add(self, p: Parsed, *, is_demo: bool | None = None) -> None:
        if p.error is not None or p.report is None or p.data is None:
            self._fail(p)
            return
        if not self.pending:
            self.since = time.monotonic()
        self.pending.append((p, self.is_demo if is_demo is None else is_demo))
        if len(self.pending) >= self.batch_size or time.monotonic() - self.since >= self.batch_seconds:
            self.flush()

    def flush(self) -> None:
        batch, self.pending = self.pending, []
        if not batch:
            return
        con = self.w.con
        assert con is not None
        kw = {"files_dir": self.w.layout.files, "run_id": self.s.run_id, "replace": self.replace}
        items = [ToStore(p.report, p.data, p.origin, demo) for p, demo in batch]  # type: ignore[arg-type]
        cpu0 = time.thread_time()
        try:
            results: list[StoreResult | None] = list(write_reports(con, items, **kw))
        except Exception:
            results = []
            for (p, _demo), item in zip(batch, items, strict=True):
                try:
                    results.append(write_reports(con, [item], **kw)[0])
                except Exception as e:
                    p.error = {"file": p.origin, "kind": "store", "reason": "入库失败",
                               "detail": f"{type(e).__name__}: {e}"}
                    results.append(None)
        self.s.store_cpu_seconds += time.thread_time() - cpu0
        for (p, _demo), r in zip(batch, results, strict=True):
            if r is None:
                self._fail(p)
            else:
                self._count(p, r)

    def _fail(self, p: Parsed) -> None:
        s = self.s
        assert self.w.con is not None
        s.failed += 1
        s.failures.append({"file": p.origin, **(p.error or {})})
        _log_failure(self.w.con, s.run_id, p)
        if self.progress:
            self.progress(s, p.origin)

    def _count(self, p: Parsed, r: StoreResult) -> None:
        s = self.s
        assert p.report is not None and self.w.con is not None
        if r.status == UNCHANGED:
            s.unchanged += 1
        elif p.report.doc_status == "scanned":
            # Kept (the office has the original, and coverage counts it as published) but its
            # numbers could not be read: reported as a failure with the reason.
            s.failed += 1
            p.error = {"file": p.origin, "kind": ScannedDocument.kind, "reason": ScannedDocument.reason_zh,
                       "detail": "原件已保存入库，统计数字需人工录入或OCR"}
            s.failures.append({**p.error})
            _log_failure(self.w.con, s.run_id, p, outcome="scanned")
        else:
            if r.status == STORED:
                s.stored += 1
            elif r.status == REPARSED:
                s.reparsed += 1
            if r.has_findings:
                s.with_findings += 1
            if r.n_versions > 1 and r.status == STORED:
                s.versions_added += 1
        if self.progress:
            self.progress(s, p.origin)


def ingest(
    paths: Sequence[str | os.PathLike],
    db_path: str | os.PathLike,
    *,
    manifest: dict | None = None,
    roster: str | os.PathLike | None = None,
    workers: int | None = None,
    is_demo: bool = False,
    publish_every: float = 120.0,
    progress: Progress | None = None,
    on_start: Callable[[int], None] | None = None,
    on_ocr: OcrProgress | None = None,
    batch_size: int = 256,
    limits: Limits | None = None,
    wait: float = 0.0,
    scheduler: str | None = None,
) -> RunSummary:
    """Ingest every file under ``paths`` into the warehouse at ``db_path``; publish at the end.

    ``wait``: seconds to queue behind another writer (the app's inbox runner, another CLI run)
    before giving up with ``WriterBusy``; the files are hashed against what that writer stored.

    Files already stored (same content hash) are not parsed again. Readers see the new data when
    this returns (and every ``publish_every`` seconds during long runs). Each file is parsed under
    ``limits`` (default: ``Limits()``, 120 s and 2 GB per file).

    ``scheduler``: the address of a Dask scheduler (``tcp://host:8786``) to parse on instead of the
    local process pool (``workers`` is then unused); this process stays the one writer.
    ``on_ocr(file, pages read, pages)``: a scan's OCR progress while its worker reads it.
    """
    from loaders.readers import walk_files

    from .connect import Layout

    lay = Layout.of(db_path)
    # never ingest the warehouse's own files (e.g. `ingest . --db ./gongkai.duckdb`)
    files = [f for f in walk_files(paths) if f.absolute() != lay.db and lay.home not in f.absolute().parents]
    workers = workers or os.cpu_count() or 1
    t0 = time.perf_counter()
    s = RunSummary(inputs=len(files))
    with _cluster(scheduler) as client, open_writer(db_path, wait=wait) as w:
        assert w.con is not None
        known = {r[0] for r in w.con.execute("SELECT sha256 FROM source_documents").fetchall()}
        tasks: list[tuple[str, dict | None]] = []
        for f in files:
            try:
                with open(f, "rb") as fh:  # streamed: the parent never holds a whole file just to hash it
                    digest = hashlib.file_digest(fh, "sha256").hexdigest()
            except OSError:
                digest = None
            if digest in known:  # same content: nothing to do, not even parsing
                s.unchanged += 1
                if progress:
                    progress(s, str(f))
                continue
            tasks.append((str(f), manifest))
        if on_start:
            on_start(len(tasks))
        if not tasks and not roster and w.untouched:
            # Nothing new to store: keep the published snapshot and its data version, so open
            # sessions keep their caches (a new snapshot would empty them for nothing).
            s.data_version = w.abandon()
            s.seconds = time.perf_counter() - t0
            return s
        s.run_id = _start_run(w.con, "demo" if is_demo else "ingest", _parser_version(), len(files))
        if roster:
            load_roster(w.con, roster, is_demo=is_demo)
        last_publish = time.monotonic()
        storer = _Storer(w, s, is_demo=is_demo, replace=False, progress=progress, batch_size=batch_size)
        for results in _results(tasks, workers, w.layout.scratch, limits or Limits(), client, on_ocr):
            for p in results:
                storer.add(p)
            if time.monotonic() - last_publish > publish_every:
                storer.flush()
                derive.refresh(w.con)
                w.publish(reopen=True)
                last_publish = time.monotonic()
        storer.flush()
        derive.refresh(w.con)
        _finish_run(w.con, s)
        s.data_version = w.publish()
    s.seconds = time.perf_counter() - t0
    return s


def reparse(
    db_path: str | os.PathLike,
    *,
    manifest: dict | None = None,
    roster: str | os.PathLike | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
    on_start: Callable[[int], None] | None = None,
    on_ocr: OcrProgress | None = None,
    batch_size: int = 256,
    limits: Limits | None = None,
    scheduler: str | None = None,
) -> RunSummary:
    """Re-parse every stored original with the current parser, in ingest order (one command).

    Report ids, ingest order and manifest-given metadata are kept; cells and findings are replaced.
    A ``manifest`` given now (matched on the original file name) replaces the stored manifest values.
    """

    workers = workers or os.cpu_count() or 1
    t0 = time.perf_counter()
    s = RunSummary()
    with _cluster(scheduler) as client, open_writer(db_path) as w:
        assert w.con is not None
        docs = w.con.execute(
            "SELECT d.stored_path, d.origin, d.sha256, d.is_demo, r.meta FROM source_documents d "
            "LEFT JOIN reports r USING (sha256) ORDER BY r.ingest_seq NULLS LAST, d.sha256"
        ).fetchall()
        s.inputs = len(docs)
        s.run_id = _start_run(w.con, "reparse", _parser_version(), len(docs))
        if roster:
            load_roster(w.con, roster)
        if on_start:
            on_start(len(docs))
        tasks: list[tuple[str, dict | None]] = []
        for stored_path, origin, _sha, _demo, meta in docs:
            name = Path(str(w.layout.files / stored_path)).name
            new_row = manifest_row_for(manifest, _file_name(origin or ""))
            if new_row:
                row = {**new_row, "file": name}
            else:
                # Metadata a manifest once gave is kept: rebuild that manifest row for this file.
                given = {k: m["value"] for k, m in json.loads(meta or "{}").items()
                         if m.get("source") == MANIFEST_SOURCE}
                row = {"file": name, **{k: str(v) for k, v in given.items()}} if given else None
            tasks.append((str(w.layout.files / stored_path), {name: row} if row else None))
        storer = _Storer(w, s, is_demo=False, replace=True, progress=progress, batch_size=batch_size)
        results_in_order = _results(tasks, workers, w.layout.scratch, limits or Limits(), client, on_ocr)
        for (_sp, _origin, _sha, is_demo, _meta), results in zip(docs, results_in_order, strict=True):
            for p in results:
                p.origin = _origin or p.origin
                if p.report is not None:
                    p.report.file = _file_name(p.origin)
                storer.add(p, is_demo=bool(is_demo))
        storer.flush()
        derive.refresh(w.con)
        _finish_run(w.con, s)
        s.data_version = w.publish()
    s.seconds = time.perf_counter() - t0
    return s


# ------------------------------------------------------------------------------- roster
# The roster is read (CSV or XLSX, Chinese or English headings) and stored by warehouse.roster.
from .roster import RosterError, load_roster, read_roster  # noqa: E402

__all__ = ["RosterError", "RunSummary", "ingest", "load_roster", "read_roster", "reparse"]
