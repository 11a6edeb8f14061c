"""While the base's tests run, `apply` reads ahead what its first stage reads: the stage then finds it read."""

from __future__ import annotations

import threading
import time

import pytest

from refactor.errors import RefactorError
from refactor.planfile import load_plan
from refactor.planning.workspace import Workspace
from refactor.staging import lost_names
from refactor.staging.runner import StageRunner, _while
from tests.stagehelp import fixture_repo


def test_the_reading_runs_while_the_task_runs() -> None:
    started = threading.Event()
    assert _while(lambda stop: started.wait(timeout=10), started.set) is True


def test_a_problem_met_while_reading_ahead_is_left_to_the_work_that_follows() -> None:
    def problem() -> None:
        raise RefactorError("plan.toml: no such module")

    assert _while(lambda stop: "report", problem) == "report"


def test_the_task_ends_before_anything_else_goes_up() -> None:
    finished = []

    def task(stop: threading.Event) -> None:
        time.sleep(0.3)
        finished.append(True)

    def bug() -> None:
        raise ValueError("a bug")

    with pytest.raises(ValueError, match="a bug"):
        _while(task, bug)
    assert finished == [True]


def test_an_interrupt_while_reading_ahead_stops_the_task_first() -> None:
    stopped = []

    def task(stop: threading.Event) -> None:
        stopped.append(stop.wait(timeout=10))

    def interrupted() -> None:
        raise KeyboardInterrupt

    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        _while(task, interrupted)
    assert stopped == [True] and time.monotonic() - started < 5


def _first_stage_reads(plan_path, monkeypatch) -> tuple[int, int]:
    """What building stage 1 on the base's tree parses for `unreadable`, and how many files' uses the lost-name
    gate reads (a fresh workspace, as the stage makes: only the cache carries over)."""
    workspace = Workspace.for_plan(load_plan(plan_path))
    assert workspace.schedule.stages   # (planned first, as a stage does)
    before = workspace.project.reader.parsed
    workspace.unreadable()
    parsed = workspace.project.reader.parsed - before
    schedule = workspace.schedule
    stage = schedule.stages[0]
    read = []
    original = lost_names.file_uses

    def counting(*args, **kwargs):
        read.append(args[0])
        return original(*args, **kwargs)

    monkeypatch.setattr(lost_names, "file_uses", counting)
    lost_names.read_uses(workspace.project, stage.removed_names, among=schedule.removed_names)
    return parsed, len(read)


@pytest.mark.slow
@pytest.mark.parametrize("ahead", [True, False])
def test_what_the_first_stage_reads_is_read_while_the_base_s_tests_run(tmp_path, monkeypatch, ahead: bool) -> None:
    _, plan_path = fixture_repo(tmp_path, "websocket_app", "websocket_manager.toml")
    runner = StageRunner(load_plan(plan_path))
    base = runner.branches.base_commit()
    planned = runner.base_schedule(base)
    meanwhile = (lambda root: runner._read_ahead(root, 1, planned)) if ahead else None
    report = runner.baseline(base, meanwhile=meanwhile)
    assert report.passed > 0
    parsed, read = _first_stage_reads(plan_path, monkeypatch)
    if ahead:
        assert (parsed, read) == (0, 0)
    else:   # (the same reads, when nothing read ahead)
        assert parsed > 0 and read > 0
