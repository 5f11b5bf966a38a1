"""Parse tasks on a Dask distributed cluster (``ingest --scheduler ADDRESS``), results in task order.

The cluster only parses; the ingest stays the one writer. Each task (one input file) is submitted
to the scheduler, and on the worker it runs under the same per-file limits as the local pool: in a
child process forked from the worker (``warehouse.workers.run_limited`` with one slot), so a file
that hangs, exhausts memory or crashes a parser library becomes the same typed failure (超时 /
内存超限 / 解析进程意外退出) and the worker itself goes on.

A worker process that dies mid-task (killed, OOM, machine lost) is Dask's business first: the
scheduler gives its tasks to another worker, up to ``distributed.scheduler.allowed-failures``
times. A task that has killed that many workers comes back as ``KilledWorker``, and any other error
of the cluster (scheduler gone, task lost) as that error: either way the file becomes a failure
naming it and the reason, logged like every other failure and parsed again by the next run (a
failure is never stored as known). No task is ever dropped.

Results are consumed in task order through a bounded window of futures (4 × the cluster's
threads), so the writer stores reports in exactly the order — hence with exactly the ids,
versions and findings — of a local-pool run, and memory stays bounded on any batch size.

Workers read the input files by path: the paths given to ``ingest`` must be readable under the same
names on every worker (a shared file system mounted at the same place), and the workers need this
project importable (the same version as the writer). A file a worker cannot open fails as
文件无法打开 naming it.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from .workers import Failure, Limits, Task, run_limited

CONNECT_SECONDS = 30.0

_prepared: set[str] = set()  # what ``prepare`` functions already ran in this worker process


class ClusterUnavailable(RuntimeError):
    """The scheduler could not be reached (the message is for the user, in Chinese)."""


def connect(address: str, *, timeout: float = CONNECT_SECONDS) -> Any:
    """A ``distributed.Client`` on the scheduler at ``address`` (``tcp://host:8786``), or
    ClusterUnavailable naming the address and the reason."""
    try:
        from distributed import Client
    except ImportError as e:  # pragma: no cover - dask[distributed] is a dependency
        raise ClusterUnavailable(f"未安装 dask[distributed]，无法使用集群解析：{e}") from e
    try:
        client = Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as e:
        raise ClusterUnavailable(f"无法连接 Dask 调度器 {address}：{type(e).__name__}: {e}") from e
    if not client.scheduler_info().get("workers"):
        try:
            client.wait_for_workers(1, timeout=timeout)
        except (OSError, TimeoutError) as e:
            client.close()
            raise ClusterUnavailable(f"Dask 调度器 {address} 上没有可用的工作进程（{timeout:g} 秒内）") from e
    return client


def _on_worker(fn: Callable[[Task], Any], task: Task, limits: Limits, failure: Failure,
               init: Callable[[], None] | None, prepare: Callable[[], None] | None) -> Any:
    """Runs on a Dask worker: ``fn(task)`` under ``limits`` in a forked child, as the local pool does."""
    _allow_children()
    if prepare is not None:
        name = f"{prepare.__module__}.{prepare.__qualname__}"
        if name not in _prepared:  # once per worker process: children forked later inherit it
            prepare()
            _prepared.add(name)
    if limits.off:
        return fn(task)
    scratch = tempfile.mkdtemp(prefix="gongkai-task-")
    try:
        return next(iter(run_limited(fn, [task], workers=1, limits=limits, scratch=Path(scratch),
                                     failure=failure, init=init)))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _allow_children() -> None:
    """Let this Dask worker process fork the per-file parse child.

    Dask starts its worker processes as multiprocessing daemons (``distributed.worker.daemon``), and
    multiprocessing refuses a daemon children. The flag only asks that children die with the
    process; the parse children already do (``_worker_init`` sets PR_SET_PDEATHSIG, and the forking
    thread waits for its child), so it is cleared once per worker process rather than asking every
    cluster to be configured with ``distributed.worker.daemon: false``."""
    import multiprocessing

    proc = multiprocessing.current_process()
    if proc.daemon:
        proc._config["daemon"] = False  # type: ignore[attr-defined]  # no public setter once started


def run_on_cluster(
    client: Any,
    fn: Callable[[Task], Any],
    tasks: Sequence[Task],
    *,
    limits: Limits,
    failure: Failure,
    init: Callable[[], None] | None = None,
    prepare: Callable[[], None] | None = None,
) -> Iterator[Any]:
    """``fn(task)`` for every task on the cluster behind ``client``, yielded in task order.

    ``fn``, ``failure``, ``init`` and ``prepare`` must be module-level functions (the workers import
    them by name). ``prepare`` runs once per worker process before its first task.
    """
    from distributed import KilledWorker

    threads = sum(client.nthreads().values()) or 1
    window = max(4, 4 * threads)
    run = uuid.uuid4().hex[:12]
    pending: deque[tuple[int, Any]] = deque()
    submitted = 0
    try:
        for i in range(len(tasks)):
            while submitted < len(tasks) and len(pending) < window:
                pending.append((submitted, client.submit(
                    _on_worker, fn, tasks[submitted], limits, failure, init, prepare,
                    key=f"gongkai-parse-{run}-{submitted}", pure=False, retries=1)))
                submitted += 1
            j, fut = pending.popleft()
            assert j == i
            try:
                result = fut.result()
            except KilledWorker as e:
                result = failure(tasks[i], "crashed", "解析进程意外退出",
                                 f"解析此文件的集群工作进程反复退出，已放弃（{e}）")
            except Exception as e:  # the cluster lost the task (scheduler gone, cancelled …): logged, never dropped
                result = failure(tasks[i], "cluster", "集群解析失败", f"{type(e).__name__}: {e}")
            finally:
                fut.release()
            yield result
    finally:
        for _j, fut in pending:  # the consumer stopped early, or an error: nothing left running
            fut.cancel()

