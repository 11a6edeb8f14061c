"""`refactor.pools`: worker pools never fork a process that has other threads running."""

from __future__ import annotations

import multiprocessing
import os
import threading
import warnings

import pytest

from refactor.pools import process_pool

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="fork and forkserver are POSIX start methods")


def test_with_another_thread_running_workers_come_from_a_fork_server():
    """(`refactor apply` shows a spinner, which runs a thread.) A forked worker's parent is this process;
    a fork server's worker's parent is the server."""
    stop = threading.Event()
    spinner = threading.Thread(target=stop.wait, daemon=True)
    spinner.start()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", DeprecationWarning)   # Python 3.12+ warns when fork meets threads
            with process_pool(1) as pool:
                parent = pool.submit(os.getppid).result()
    finally:
        stop.set()
        spinner.join()
    assert parent != os.getpid()


def test_without_other_threads_the_default_start_method_is_kept():
    """(It is the fastest: `plan` and `audit` run no other thread.)"""
    if threading.active_count() > 1:
        pytest.skip("the test runner itself runs threads here")
    with process_pool(1) as pool:
        parent = pool.submit(os.getppid).result()
    assert (parent == os.getpid()) == (multiprocessing.get_start_method() == "fork")
