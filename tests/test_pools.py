"""`refactor.reading.workers`: worker pools never fork a process that has other threads running."""

from __future__ import annotations

import multiprocessing
import os
import threading
import warnings

import pytest

from refactor.reading.workers import in_workers, process_pool

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


def _worker_pid(_: object) -> int:
    return os.getpid()


def _dies_unless_in(parent: int) -> str:
    if os.getpid() != parent:
        os._exit(1)   # a worker that dies (killed, out of memory) breaks its pool
    return "ran here"


def test_every_step_shares_one_pool_whose_workers_are_forked_once():
    answered = [set(in_workers(2, _worker_pid, list(range(8)))) for _ in range(3)]
    assert os.getpid() not in set().union(*answered)
    assert len(set().union(*answered)) <= 2   # the same two processes answered every step


def test_a_broken_pool_falls_back_to_this_process_and_is_replaced():
    assert in_workers(2, _dies_unless_in, [os.getpid()] * 4) == ["ran here"] * 4   # (the workers died)
    assert os.getpid() not in set(in_workers(2, _worker_pid, list(range(4))))     # a new pool serves again


CTRL_C = """
import sys, threading, time
from refactor.reading.workers import in_workers

def nap(seconds):
    time.sleep(seconds)
    return seconds

if __name__ == "__main__":
    if sys.argv[1] == "thread":   # a spinner's thread: workers come from a fork server
        threading.Thread(target=time.sleep, args=(30,), daemon=True).start()
    try:
        in_workers(2, nap, [0.1, 0.1])   # the shared pool now waits, idle, for the next step
        time.sleep(30)                    # (a test run)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
"""


@pytest.mark.parametrize("threads", ["thread", "none"])
def test_ctrl_c_reaching_the_workers_prints_no_traceback_from_them(tmp_path, threads):
    """Ctrl-C reaches every process of the terminal's foreground group: the workers leave it to the parent."""
    import signal
    import subprocess
    import sys
    import time
    script = tmp_path / "ctrl_c.py"
    script.write_text(CTRL_C)
    process = subprocess.Popen([sys.executable, str(script), threads], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    time.sleep(3)   # the workers are idle
    os.killpg(process.pid, signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "Traceback" not in err, err
