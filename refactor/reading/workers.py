"""Worker process pools that are safe to start from a process with other threads running, and one pool
shared by every parallel step of a run.

`fork` copies only the calling thread: a lock another thread held at that moment stays locked in the
child forever (Python 3.12+ warns about it). `refactor apply` shows a spinner, which runs a thread; there
the workers come from a fork server (a clean single-threaded process) instead. Without other threads the
platform's default start method is kept: it is the fastest.

A run's parallel steps share one pool, started at the first step and kept until the process ends: forking
a process costs more the bigger it has grown (and the parent then pays for each page it writes), so the
workers are forked once, early, while the process is small. A pool started with `fork` starts all its
workers at once, before its own thread: no fork ever happens while a pool's thread runs.
"""

from __future__ import annotations

import gc
import multiprocessing
import signal
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool


def process_pool(jobs: int, initializer: Callable[[], object] | None = None) -> ProcessPoolExecutor:
    context = None
    if threading.active_count() > 1 and "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        # imported once in the server, not in every worker (no effect once the server runs)
        context.set_forkserver_preload(["refactor.reading.reader", "codemods.engine"])
    return ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=initializer)


def _worker_start() -> None:
    """In each worker: Ctrl-C is the parent's to handle (it reaches the whole process group: a worker
    would print its own traceback), and what the worker inherited is kept out of the collector's way."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.freeze()


_SHARED: dict[int, ProcessPoolExecutor] = {}   # jobs -> the pool every step of this process shares


def in_workers(jobs: int, function: Callable, items: list, *, chunksize: int = 1) -> list:
    """`function` over `items` in the shared pool of `jobs` workers (started on first use); in this
    process if no pool can run. A worker that dies breaks the pool: the next call starts another."""
    pool = _SHARED.get(jobs)
    try:
        if pool is None:
            pool = _SHARED[jobs] = process_pool(jobs, initializer=_worker_start)
        return list(pool.map(function, items, chunksize=chunksize))
    except (BrokenProcessPool, OSError):
        if _SHARED.get(jobs) is pool:
            del _SHARED[jobs]
            if pool is not None:   # (its threads end first: the next pool must not fork while they run)
                pool.shutdown(wait=True, cancel_futures=True)
        return [function(item) for item in items]
