"""A stage's verification runs while its tests run: both must hold for a commit, and a failed verification
stops the tests at once."""

from __future__ import annotations

import signal
import threading
import time

import pytest

from refactor.analysis import graph
from refactor.planfile import load_plan
from refactor.staging import runner as runner_module
from refactor.staging.contract import Check, Verification
from refactor.staging.runner import StageRunner
from tests.helpers import git, write_plan, write_tree

FILES = {
    "pkg/__init__.py": "from . import core\n",
    "pkg/core.py": "class Opt:\n    pass\n\n\nOptional = Opt\n",
    "pkg/chain.py": "import pkg\n\n\ndef make():\n    return pkg.core.Optional()\n",
    "tests/test_core.py": "import pkg.core\n\n\ndef test_opt():\n    assert pkg.core.Opt()\n",
}
HOLDS = Verification((Check("holds", True),), 1)
FAILS = Verification((Check("holds", False, ("pkg/a.py:1: still there",)),), 1)


def make_runner(tmp_path, files: dict[str, str] | None = None) -> StageRunner:
    repo = tmp_path / "repo"
    write_tree(repo, files or FILES)
    git(repo, "init", "--quiet", "--initial-branch=main")
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "-m", "base")
    plan = write_plan(tmp_path / "plan.toml", name="opt", root="repo", packages=["pkg"], canonical="pkg.core:Opt",
                      family=["Optional"], test_command=["python", "-m", "pytest", "-q", "tests"])
    return StageRunner(load_plan(plan))


def test_a_failed_verification_stops_the_tests_and_their_outcome_is_not_read(tmp_path) -> None:
    runner = make_runner(tmp_path)
    seen = []

    def tests(stop: threading.Event, alone) -> str:
        seen.append(stop.wait(timeout=10))
        return "tests ran to their end"

    started = time.monotonic()
    assert runner._verify_beside_tests(lambda: FAILS, tests) == (FAILS, None)
    assert seen == [True] and time.monotonic() - started < 5


def test_a_verification_that_holds_waits_for_the_tests_and_never_stops_them(tmp_path) -> None:
    runner = make_runner(tmp_path)

    def tests(stop: threading.Event, alone) -> str:
        time.sleep(0.3)
        return "stopped" if stop.is_set() else "tests ran to their end"

    assert runner._verify_beside_tests(lambda: HOLDS, tests) == (HOLDS, "tests ran to their end")
    timings = dict(runner.clock.totals())
    # the tests' time counts as tests; the verification, done in their shadow, adds (almost) nothing
    assert timings["tests"] >= 0.3 and timings["verification"] < 0.2
    assert "verification" in dict(runner.clock.beside_totals())


def test_a_verification_longer_than_the_tests_counts_where_it_outlasts_them(tmp_path) -> None:
    runner = make_runner(tmp_path)

    def verify() -> Verification:
        time.sleep(0.4)
        return HOLDS

    assert runner._verify_beside_tests(verify, lambda stop, alone: "done") == (HOLDS, "done")
    timings, beside = dict(runner.clock.totals()), dict(runner.clock.beside_totals())
    assert timings["verification"] >= 0.3 and timings["tests"] < 0.1 and beside["verification"] >= 0.4


def test_a_problem_in_the_verification_stops_the_tests_before_it_goes_up(tmp_path) -> None:
    runner = make_runner(tmp_path)
    ended = []

    def tests(stop: threading.Event, alone) -> None:
        stop.wait(timeout=10)
        ended.append(stop.is_set())

    def verify() -> Verification:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        runner._verify_beside_tests(verify, tests)
    assert ended == [True]   # (the tests ended before the interrupt left: they must not outlive the tree)


def test_an_interrupt_while_the_tests_run_on_stops_them_before_it_goes_up(tmp_path) -> None:
    """After a verification that holds, the wait for the tests is cut by a signal (SIGTERM, Ctrl-C): the
    tests are stopped, and waited for, before the interrupt leaves."""
    runner = make_runner(tmp_path)
    ended = []

    def tests(stop: threading.Event, alone) -> None:
        ended.append(stop.wait(timeout=10))

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, interrupt)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.3)
        started = time.monotonic()
        with pytest.raises(KeyboardInterrupt):
            runner._verify_beside_tests(lambda: HOLDS, tests)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert ended == [True] and time.monotonic() - started < 5


@pytest.mark.slow
def test_a_stage_whose_verification_fails_kills_its_running_tests_and_commits_nothing(tmp_path, monkeypatch) -> None:
    """The site search blinded on purpose leaves `pkg.core.Optional()` behind: the lost-name gate refuses
    the stage. Its test, slow on the stage's tree only (the alias is gone there), is killed, not waited for."""
    marks = tmp_path / "marks"
    marks.mkdir()
    slow = (f"import pathlib, time\n\n\ndef test_slow_after_the_stage():\n"
            f"    if 'Optional = Opt' not in pathlib.Path('pkg/core.py').read_text():\n"
            f"        pathlib.Path({str(marks / 'started')!r}).write_text('yes')\n"
            f"        time.sleep(8)\n"
            f"        pathlib.Path({str(marks / 'ended')!r}).write_text('yes')\n")
    runner = make_runner(tmp_path, {**FILES, "tests/test_slow.py": slow})
    monkeypatch.setattr(graph._SiteFinder, "_through_module", lambda self, base, path, scope: (None, None))
    real = runner_module.verify_stage

    def once_the_tests_run(*args, **kwargs):   # (pytest starts slower than this small tree is verified)
        deadline = time.monotonic() + 20
        while not (marks / "started").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        return real(*args, **kwargs)

    monkeypatch.setattr(runner_module, "verify_stage", once_the_tests_run)
    outcome = runner.apply(1)
    assert outcome.status == "failed"
    assert outcome.reason == "the stage contract does not hold on the changed tree"
    assert any("pkg/chain.py:5: pkg.core.Optional reached Optional" in line for line in outcome.details)
    assert (marks / "started").exists()   # (the tests did start beside the verification)
    assert git(tmp_path / "repo", "branch", "--list", "refactor/*") == ""
    time.sleep(9)
    assert not (marks / "ended").exists()


@pytest.mark.slow
def test_a_file_a_test_writes_into_the_tree_is_not_the_stage_s(tmp_path, monkeypatch) -> None:
    """A test that writes a module defining a family member into the stage's tree: the verification
    (which reads the tree while the tests run) lists the tree's files before they start, so the stray
    module neither fails the stage nor goes into its commit."""
    mark = tmp_path / "written"
    stray = ("import pathlib\n\n\ndef test_writes_a_module():\n"
             "    if 'Optional = Opt' not in pathlib.Path('pkg/core.py').read_text():   # (the stage's tree)\n"
             "        pathlib.Path('pkg/stray.py').write_text('class Optional:\\n    pass\\n')\n"
             f"        pathlib.Path({str(mark)!r}).write_text('yes')\n")
    runner = make_runner(tmp_path, {**FILES, "tests/test_stray.py": stray})
    real = StageRunner._verify_beside_tests

    def once_the_file_is_written(self, verify, test, **options):   # (the verification starts after the test wrote it)
        def later():
            deadline = time.monotonic() + 20
            while not mark.exists() and time.monotonic() < deadline:
                time.sleep(0.05)
            return verify()
        return real(self, later, test, **options)

    monkeypatch.setattr(StageRunner, "_verify_beside_tests", once_the_file_is_written)
    outcome = runner.apply(1)
    assert mark.exists()
    assert outcome.status == "committed", outcome.details
    files = git(tmp_path / "repo", "ls-tree", "-r", "--name-only", outcome.commit).splitlines()
    assert "pkg/stray.py" not in files and "pkg/core.py" in files


def test_what_follows_a_verification_that_holds_starts_while_the_tests_run(tmp_path) -> None:
    """(`apply --all` starts the next stage's work there: no two threads of the process parse at once.)"""
    runner = make_runner(tmp_path)
    order = []

    def verify() -> Verification:
        order.append("verified")
        return HOLDS

    def tests(stop: threading.Event, alone) -> str:
        time.sleep(0.3)
        order.append("tests ended")
        return "done"

    assert runner._verify_beside_tests(verify, tests, verified=lambda: order.append("next")) == (HOLDS, "done")
    assert order == ["verified", "next", "tests ended"]
    order.clear()
    assert runner._verify_beside_tests(lambda: FAILS, tests, verified=lambda: order.append("next")) == (FAILS, None)
    assert "next" not in order


def test_a_new_failure_runs_again_only_once_nothing_of_the_tool_runs_beside_the_tests(tmp_path) -> None:
    """A test that times itself can fail under the load of the work beside it (the verification, the next
    stage made ahead): its second run, the one that tells a flaky test, waits until that work has ended."""
    runner = make_runner(tmp_path)
    order = []
    beside_work = threading.Thread(target=lambda: (time.sleep(0.5), order.append("work beside ended")))

    def verify() -> Verification:
        time.sleep(0.2)
        order.append("verified")
        return HOLDS

    def tests(stop: threading.Event, alone) -> str:
        order.append("first run failed")
        alone()
        order.append("run again")
        return "done"

    def ended(timeout: float) -> bool:
        beside_work.join(timeout)
        return not beside_work.is_alive()

    outcome = runner._verify_beside_tests(verify, tests, verified=beside_work.start, started_ended=ended)
    assert outcome == (HOLDS, "done")
    assert order == ["first run failed", "verified", "work beside ended", "run again"]


def test_waiting_to_run_alone_ends_when_the_tests_are_stopped(tmp_path) -> None:
    runner = make_runner(tmp_path)
    waited = []

    def tests(stop: threading.Event, alone) -> None:
        started = time.monotonic()
        alone()
        waited.append(time.monotonic() - started)

    never = threading.Event()
    assert runner._verify_beside_tests(lambda: FAILS, tests, verified=never.set,
                                       started_ended=lambda timeout: never.wait(timeout)) == (FAILS, None)
    assert len(waited) == 1 and waited[0] < 5 and not never.is_set()
