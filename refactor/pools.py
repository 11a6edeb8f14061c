"""Worker process pools that are safe to start from a process with other threads running.

`fork` copies only the calling thread: a lock another thread held at that moment stays locked in the
child forever (Python 3.12+ warns about it). `refactor apply` shows a spinner, which runs a thread; there
the workers come from a fork server (a clean single-threaded process) instead. Without other threads the
platform's default start method is kept: it is the fastest.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor


def process_pool(jobs: int, initializer: Callable[[], object] | None = None) -> ProcessPoolExecutor:
    context = None
    if threading.active_count() > 1 and "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        # imported once in the server, not in every worker (no effect once the server runs)
        context.set_forkserver_preload(["refactor.reader", "codemods.engine"])
    return ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=initializer)
