"""Where many plans run: one ``concurrent.futures.Executor`` code path for a local process pool (no extra packages)
or a Dask cluster (``pip install "ruralpost[cluster]"``): a ``LocalCluster`` started here, or an existing scheduler.

Results do not depend on where a task ran: every task is bounded by work and carries its own seed.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager

from optimizer.errors import InputError

LOCAL = "local"  # --scheduler local: a Dask LocalCluster of ``jobs`` single-threaded worker processes


@contextmanager
def executor(scheduler: str | None = None, jobs: int | None = None) -> Iterator[Executor]:
    """An executor for independent tasks: a process pool of ``jobs`` processes (default: the machine's cores) when
    ``scheduler`` is None; a Dask ``LocalCluster`` of ``jobs`` workers for ``"local"``; the Dask scheduler at an
    address (``tcp://HOST:PORT``) otherwise."""
    jobs = max(1, jobs or os.cpu_count() or 1)
    if scheduler is None:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
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
            raise InputError(f"--scheduler {scheduler!r}: use 'local' or a Dask scheduler address such as tcp://HOST:8786")
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
