"""Where many plans run: one ``concurrent.futures.Executor`` code path for a local process pool (no extra packages)
or a Dask cluster (``pip install "ruralpost[cluster]"``): a ``LocalCluster`` started here, or an existing scheduler.

Results do not depend on where a task ran: every task is bounded by work and carries its own seed.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager

from optimizer.errors import InputError

LOCAL = "local"  # --scheduler local: a Dask LocalCluster of ``jobs`` single-threaded worker processes
STOP_WAIT_S = 5.0  # seconds a worker gets to end after SIGTERM before it is killed


def _worker_init() -> None:
    """In each pool process: Ctrl-C is the parent's to handle (a terminal sends it to the whole process group), so
    a worker never prints a ``KeyboardInterrupt`` traceback; the parent ends the workers itself."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


@contextmanager
def process_pool(jobs: int) -> Iterator[ProcessPoolExecutor]:
    """A local pool of ``jobs`` processes that Ctrl-C stops at once: if the body raises (``KeyboardInterrupt``
    or anything else), queued tasks are cancelled and the workers are terminated and reaped (none left behind),
    instead of waiting, as ``ProcessPoolExecutor`` does, for every task to finish."""
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_worker_init)
    try:
        # start the workers with SIGINT blocked, so none can take a Ctrl-C before its initializer ignores it (one
        # that came meanwhile is raised here once unblocked)
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            pool.submit(int).result()  # starts every worker (all at once under fork; one more if needed otherwise)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        yield pool
    except BaseException:
        _stop(pool)
        raise
    pool.shutdown(wait=True)


def _stop(pool: ProcessPoolExecutor) -> None:
    """Cancel what is queued, terminate the workers (SIGTERM, then SIGKILL after ``STOP_WAIT_S``) and reap them."""
    workers = list((getattr(pool, "_processes", None) or {}).values())  # no public way to reach them before 3.14
    pool.shutdown(wait=False, cancel_futures=True)
    for worker in workers:
        if worker.is_alive():
            worker.terminate()
    for worker in workers:
        worker.join(STOP_WAIT_S)
        if worker.is_alive():
            worker.kill()
            worker.join()


@contextmanager
def executor(scheduler: str | None = None, jobs: int | None = None) -> Iterator[Executor]:
    """An executor for independent tasks: a process pool of ``jobs`` processes (default: the machine's cores) when
    ``scheduler`` is None (``process_pool``: Ctrl-C ends its workers at once); a Dask ``LocalCluster`` of ``jobs``
    workers for ``"local"``; the Dask scheduler at an address (``tcp://HOST:PORT``) otherwise."""
    jobs = max(1, jobs or os.cpu_count() or 1)
    if scheduler is None:
        with process_pool(jobs) as pool:
            yield pool
        return
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        extra = 'pip install "ruralpost[cluster]"'
        raise InputError(f"--scheduler {scheduler}: Dask is not installed; install the cluster extra: {extra}") from exc
    if scheduler == LOCAL:
        cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    else:
        if not scheduler.startswith(("tcp://", "tls://", "inproc://", "ucx://")):
            raise InputError(
                f"--scheduler {scheduler!r}: use 'local' or a Dask scheduler address such as tcp://HOST:8786"
            )
        cluster = None
        try:
            client = Client(scheduler, timeout="20s")
        except OSError as exc:
            raise InputError(f"--scheduler {scheduler}: no Dask scheduler answers there ({exc})") from exc
    try:
        yield client.get_executor(pure=False)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
