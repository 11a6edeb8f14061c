"""End to end: `refactor apply` on git copies of the bundled fixtures, with real pytest runs."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from refactor.planfile import load_plan
from refactor.planning.workspace import Workspace
from tests.helpers import git, run_cli
from tests.stagehelp import checkout_copy, fixture_repo, run_pytest, snapshot, worktrees

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def applied(tmp_path_factory):
    """The WebSocket fixture after `refactor apply --all`, with the user's state before and after."""
    tmp = tmp_path_factory.mktemp("applied")
    repo, plan = fixture_repo(tmp, "websocket_app", "websocket_manager.toml")
    (repo / "notes.txt").write_text("an untracked file of the user's\n")
    stages = len(Workspace.open(plan, cache=False).schedule.stages)
    before = snapshot(repo)
    code, out = run_cli(["apply", str(plan), "--all"], width=160)
    return {"repo": repo, "plan": plan, "code": code, "out": out, "before": before, "after": snapshot(repo),
            "tmp": tmp, "stages": stages}


def stage_branches(repo: Path) -> list[str]:
    return sorted(git(repo, "for-each-ref", "--format=%(refname:short)", "refs/heads/refactor/").splitlines())


def test_apply_all_makes_one_branch_per_stage(applied):
    assert applied["code"] == 0, applied["out"]
    branches = stage_branches(applied["repo"])
    total = applied["stages"]
    assert branches == [f"refactor/websocket-manager/stage-{n:02d}" for n in range(1, total + 1)]
    # each stacked on the previous one
    for lower, upper in zip(branches, branches[1:]):
        assert git(applied["repo"], "rev-parse", f"{upper}~1") == git(applied["repo"], "rev-parse", lower)


def test_the_users_checkout_is_untouched(applied):
    assert applied["before"] == applied["after"]
    assert worktrees(applied["repo"]) == [str(applied["repo"])]


def test_last_branch_has_one_definition_and_passing_tests(applied, tmp_path):
    last = stage_branches(applied["repo"])[-1]
    copy = checkout_copy(applied["repo"], last, tmp_path / "last")
    plan = tmp_path / "plan.toml"
    plan.write_text(applied["plan"].read_text().replace('root = "websocket_app"', 'root = "last"'))
    code, out = run_cli(["check", str(plan), "--no-cache"])
    assert code == 0, out
    inventory = Workspace.open(plan, cache=False).inventory
    redundant = {"canonical_imports", "canonical_import_patterns", "websocket_manager_factory", "migration_adapter",
                 "protocols", "compat"}
    for name in redundant:
        assert not (copy / "app" / "websocket_core" / f"{name}.py").exists(), name
    assert {d.module for d in inventory.definitions if d.status not in ("canonical", "canonical re-export")} == set()
    result = run_pytest(copy)
    assert result.returncode == 0, result.stdout[-3000:]


def test_each_commit_records_test_counts_that_a_rerun_confirms(applied, tmp_path):
    repo = applied["repo"]
    for index, branch in enumerate(stage_branches(repo)[:3] + stage_branches(repo)[-1:]):
        message = git(repo, "log", "-1", "--format=%B", branch)
        counts = dict(re.findall(r"(run|passed|failed|skipped)=(\d+)", message))
        copy = checkout_copy(repo, branch, tmp_path / f"copy{index}")
        rerun = run_pytest(copy)
        summary = rerun.stdout.strip().splitlines()[-1]
        assert f"{counts['passed']} passed" in summary, (branch, summary, counts)
        assert "Refactor-Plan-Hash: " + load_plan(applied["plan"]).digest in message


def test_review_descriptions_are_written(applied):
    folder = applied["repo"] / ".git" / "refactor" / "reviews" / "websocket-manager"
    reviews = sorted(folder.glob("stage-*.md"))
    assert len(reviews) == applied["stages"]
    text = reviews[0].read_text()
    assert "## Evidence" in text and "## Reproduce" in text and "distinct definitions:" in text
    assert str(folder) in applied["out"].replace("\n", "")


def test_applying_again_is_a_no_op(applied):
    before = {b: git(applied["repo"], "rev-parse", b) for b in stage_branches(applied["repo"])}
    code, out = run_cli(["apply", str(applied["plan"]), "--stage", "3"])
    assert code == 0 and "already holds this stage" in out
    assert before == {b: git(applied["repo"], "rev-parse", b) for b in stage_branches(applied["repo"])}


def test_verify_accepts_the_branches_and_catches_an_edited_claim(applied, tmp_path):
    repo = tmp_path / "copy"
    shutil.copytree(applied["repo"], repo)
    plan = tmp_path / "plan.toml"
    plan.write_text(applied["plan"].read_text().replace('root = "websocket_app"', 'root = "copy"'))
    code, out = run_cli(["verify", str(plan)], width=200)
    assert code == 0, out
    # rewrite stage 4's commit message to claim one more definition removed than it did
    branch = "refactor/websocket-manager/stage-04"
    raw = git(repo, "cat-file", "commit", branch)
    claimed = re.search(r"Refactor-Distinct: (\d+) -> (\d+)", raw)
    forged = raw.replace(claimed.group(0), f"Refactor-Distinct: {claimed.group(1)} -> {int(claimed.group(2)) - 1}")
    sha = subprocess.run(["git", "hash-object", "-t", "commit", "-w", "--stdin"], cwd=repo, input=forged + "\n",
                         capture_output=True, text=True, check=True).stdout.strip()
    git(repo, "update-ref", f"refs/heads/{branch}", sha)
    code, out = run_cli(["verify", str(plan)], width=200)
    assert code == 1
    assert "stage 4" in out and "claims distinct" in out


def test_a_test_failing_on_the_base_is_reported_not_blocking(tmp_path):
    repo, plan = fixture_repo(tmp_path, "settings_app", "settings.toml")
    (repo / "tests" / "test_known_bug.py").write_text("def test_known_bug():\n    assert 1 + 1 == 3\n")
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "-m", "a known failing test")
    code, out = run_cli(["apply", str(plan), "--all"], width=200)
    assert code == 0, out
    for branch in stage_branches(repo):
        message = git(repo, "log", "-1", "--format=%B", branch)
        assert "Failing on the base and still failing" in message and "test_known_bug" in message


@pytest.mark.parametrize("command, shown", [
    pytest.param(["python", "-c", "raise SystemExit('no module named mpmath')"], "no module named mpmath",
                 id="non-pytest-command-failing"),
    pytest.param(["python", "-m", "pytest", "-q", "tests/no_such_tests"], "exit 4", id="pytest-usage-error"),
])
def test_a_test_command_that_passes_nothing_on_the_base_cannot_judge_a_stage(tmp_path, command, shown):
    """A command that fails before any test runs (a missing dependency, a wrong path) fails the same way
    after the stage: it must not let the stage through as "failing on the base and still failing"."""
    repo, plan = fixture_repo(tmp_path, "settings_app", "settings.toml")
    plan.write_text(plan.read_text().replace('test_command = ["python", "-m", "pytest", "-q"]',
                                             f"test_command = {json.dumps(command)}"))
    before = snapshot(repo)
    code, out = run_cli(["apply", str(plan), "--stage", "1"], width=400)
    assert code == 2, out
    assert "the test command passes no test on the base commit" in out and shown in out
    assert len(out.strip().splitlines()) == 1, out
    assert stage_branches(repo) == [] and worktrees(repo) == [str(repo)]
    assert snapshot(repo) == before


def test_a_new_failure_blocks_the_stage_and_leaves_nothing(tmp_path):
    repo, plan = fixture_repo(tmp_path, "settings_app", "settings.toml")
    # passes on the base, fails once the first stage's module has lost its definitions
    first = Workspace.open(plan, cache=False).schedule.stages[0]
    module = first.modules[0]
    name = first.definitions[0].name
    (repo / "tests" / "test_guard_rail.py").write_text(
        f"import importlib\n\ndef test_guard_rail():\n    assert hasattr(importlib.import_module({module!r}), {name!r})\n")
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "-m", "a test that pins the old name")
    before = snapshot(repo)
    code, out = run_cli(["apply", str(plan), "--stage", "1"], width=200)
    assert code == 1
    assert "test_guard_rail" in out and "nothing was committed" in out
    assert stage_branches(repo) == []
    assert worktrees(repo) == [str(repo)]
    assert snapshot(repo) == before
    diff = re.search(r"diff was saved to (\S+)", out.replace("\n", ""))
    assert diff and Path(diff.group(1)).read_text().startswith("--- a/")


def test_the_second_fixture_goes_through(tmp_path):
    repo, plan = fixture_repo(tmp_path, "settings_app", "settings.toml")
    code, out = run_cli(["apply", str(plan), "--all"], width=200)
    assert code == 0, out
    last = stage_branches(repo)[-1]
    copy = checkout_copy(repo, last, tmp_path / "last")
    second = tmp_path / "last.toml"
    second.write_text(plan.read_text().replace('root = "settings_app"', 'root = "last"'))
    assert run_cli(["check", str(second), "--no-cache"])[0] == 0
    assert run_pytest(copy).returncode == 0


@pytest.mark.parametrize("setup, message", [
    pytest.param("dirty", "uncommitted changes", id="dirty-tree"),
    pytest.param("missing-previous", "run `refactor apply", id="missing-previous-stage"),
    pytest.param("existing-branch", "already exists", id="existing-branch"),
    pytest.param("no-commits", "no commits", id="repository-without-commits"),
])
def test_bad_repository_states_are_refused_with_one_line(tmp_path, setup, message):
    repo, plan = fixture_repo(tmp_path, "settings_app", "settings.toml")
    argv = ["apply", str(plan), "--stage", "1"]
    if setup == "dirty":
        path = repo / "src" / "confapp" / "api.py"
        path.write_text(path.read_text() + "\n# work in progress\n")
    elif setup == "missing-previous":
        argv[-1] = "2"
    elif setup == "existing-branch":
        git(repo, "branch", "refactor/settings/stage-01")
    elif setup == "no-commits":
        shutil.rmtree(repo / ".git")
        git(repo, "init", "--quiet")
    before = snapshot(repo)
    code, out = run_cli(argv, width=300)
    assert code == 2, out
    assert message in out and len(out.strip().splitlines()) == 1, out
    assert snapshot(repo) == before


def test_force_never_discards_a_commit_the_tool_did_not_make(tmp_path):
    repo, plan = fixture_repo(tmp_path, "settings_app", "settings.toml")
    assert run_cli(["apply", str(plan), "--stage", "1"])[0] == 0
    branch = "refactor/settings/stage-01"
    tree = tmp_path / "review"
    git(repo, "worktree", "add", "--quiet", str(tree), branch)
    (tree / "REVIEW.md").write_text("looks good\n")
    git(tree, "add", "REVIEW.md")
    git(tree, "commit", "--quiet", "-m", "reviewer note")
    git(repo, "worktree", "remove", str(tree))
    tip = git(repo, "rev-parse", branch)
    code, out = run_cli(["apply", str(plan), "--stage", "1", "--force"], width=300)
    assert code == 2 and "did not make" in out
    assert git(repo, "rev-parse", branch) == tip


def test_ctrl_c_during_a_stage_leaves_no_branch_and_no_worktree(tmp_path):
    repo, plan = fixture_repo(tmp_path, "settings_app", "settings.toml")
    started = tmp_path / "tests-started"   # the test command marks its start: the stage is then under way
    sleeper = f"import pathlib, time; pathlib.Path({str(started)!r}).touch(); time.sleep(60)"
    slow = plan.read_text().replace('test_command = ["python", "-m", "pytest", "-q"]',
                                    f"test_command = {json.dumps(['python', '-c', sleeper])}")
    plan.write_text(slow)
    # its own process group, as a terminal's foreground job: Ctrl-C reaches every process of it
    process = subprocess.Popen([sys.executable, "-m", "refactor", "apply", str(plan), "--stage", "1"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    start = time.monotonic()
    while time.monotonic() < start + 60 and not started.exists() and process.poll() is None:
        time.sleep(0.1)
    if not started.exists() or len(worktrees(repo)) < 2:
        exited = process.poll()
        process.kill()
        pytest.fail(f"the stage never started (child exit {exited} after {time.monotonic() - start:.1f}s): "
                    f"{process.communicate()[0][-2000:]}")
    time.sleep(0.5)
    os.killpg(process.pid, signal.SIGINT)
    out, _ = process.communicate(timeout=60)
    assert process.returncode == 130, out
    assert "Traceback" not in out and "KeyboardInterrupt" not in out, out
    assert out.strip().splitlines()[-1] == "interrupted", out
    assert stage_branches(repo) == []
    assert worktrees(repo) == [str(repo)]
    assert not (repo / ".git" / "refactor" / "lock").exists()
    state = json.loads((repo / ".git" / "refactor" / "runs" / "settings.json").read_text()) \
        if (repo / ".git" / "refactor" / "runs" / "settings.json").exists() else {}
    assert state.get("1", {}).get("status") != "committed"
