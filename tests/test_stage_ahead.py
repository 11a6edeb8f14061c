"""`apply --all` plans and edits each stage's successor while the stage's tests run: the successor is then
built from that work only when it was read on the very tree the stage committed, and it comes out exactly
as a stage built on its own."""

from __future__ import annotations

import builtins
import json
import threading
import time

import pytest

from refactor.planfile import load_plan
from refactor.staging.runner import StageRunner, _Ahead
from tests.helpers import git, run_cli, write_plan, write_tree

FILES = {
    "app/__init__.py": "",
    "app/core/__init__.py": "",
    "app/core/engine.py": "class Engine:\n    def run(self):\n        return 1\n",
    "app/core/legacy.py": "from app.core.engine import Engine\n\nOldEngine = Engine\n",
    "app/core/older.py": "from app.core.legacy import OldEngine\n\nOlderEngine = OldEngine\n",
    "app/user.py": "from app.core.legacy import OldEngine\nfrom app.core.older import OlderEngine\n\n\n"
                   "def go():\n    return OldEngine().run() + OlderEngine().run()\n",
    "tests/test_user.py": "from app.user import go\n\n\ndef test_go():\n    assert go() == 2\n",
}


def make_repo(tmp_path, files: dict[str, str] | None = None, name: str = "repo"):
    repo = tmp_path / name
    write_tree(repo, files or FILES)
    git(repo, "init", "--quiet", "--initial-branch=main")
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "-m", "base")
    plan = write_plan(tmp_path / f"{name}.toml", name="engine", root=name, packages=["app"],
                      canonical="app.core.engine:Engine", family=["*Engine"],
                      test_command=["python", "-m", "pytest", "-q", "tests"])
    return repo, plan


def runs(repo) -> dict[str, dict]:
    return json.loads((repo / ".git" / "refactor" / "runs" / "engine.json").read_text())


def trees(repo, count: int) -> list[str]:
    return [git(repo, "rev-parse", f"refactor/engine/stage-{n:02d}^{{tree}}") for n in range(1, count + 1)]


@pytest.mark.slow
def test_a_stage_made_ahead_is_the_stage_made_on_its_own(tmp_path) -> None:
    ahead_repo, ahead_plan = make_repo(tmp_path, name="ahead")
    alone_repo, alone_plan = make_repo(tmp_path, name="alone")
    code, out = run_cli(["apply", str(ahead_plan), "--all"])
    assert code == 0, out
    made = runs(ahead_repo)
    assert len(made) == 2 and all(run["status"] == "committed" for run in made.values())
    assert "planning and codemods" not in made["1"].get("beside", {})
    assert "planning and codemods" in made["2"]["beside"]   # (stage 2 was made while stage 1 was tested)
    for number in (1, 2):   # one stage per run: nothing is made ahead
        code, out = run_cli(["apply", str(alone_plan), "--stage", str(number)])
        assert code == 0, out
    assert "planning and codemods" not in runs(alone_repo)["2"].get("beside", {})
    assert trees(ahead_repo, 2) == trees(alone_repo, 2)


@pytest.mark.slow
def test_work_read_on_a_tree_the_tests_changed_is_not_used(tmp_path) -> None:
    """Stage 1's test writes a Python file into the tree: stage 2, made ahead on that tree, is made anew."""
    writer = ("import pathlib\n\n\ndef test_writes():\n"
              "    core = pathlib.Path('app/core')\n"
              "    if not ((core / 'legacy.py').exists() and (core / 'older.py').exists()):   # (a stage's tree)\n"
              "        pathlib.Path('app/scratch.py').write_text('VALUE = 1\\n')\n")
    repo, plan = make_repo(tmp_path, {**FILES, "tests/test_writer.py": writer})
    code, out = run_cli(["apply", str(plan), "--all"])
    assert code == 0, out
    made = runs(repo)
    assert [made[n]["status"] for n in ("1", "2")] == ["committed", "committed"]
    assert "planning and codemods" not in made["2"].get("beside", {})
    files = git(repo, "ls-tree", "-r", "--name-only", "refactor/engine/stage-02").splitlines()
    assert "app/scratch.py" not in files


def _prepared(tmp_path):
    repo, plan = make_repo(tmp_path)
    runner = StageRunner(load_plan(plan))
    planned = runner.base_schedule(runner.branches.base_commit())
    wanted = set(planned.stage(1).modules)
    return repo, runner, lambda: runner._plan_and_edit(repo, 1, wanted, "", runner.plan.branch(1), None, jobs=1)


def test_edits_made_ahead_serve_while_the_files_they_edit_are_as_read(tmp_path) -> None:
    repo, _, work = _prepared(tmp_path)
    ahead = _Ahead(1, work)
    ahead.start()
    edited = ahead.taken(repo)
    assert edited is not None and {r.path for r in edited.edits.changed} >= {"app/user.py"}


def test_edits_made_ahead_of_a_file_changed_since_are_not_used(tmp_path) -> None:
    repo, _, work = _prepared(tmp_path)
    ahead = _Ahead(1, work)
    ahead.start()
    ahead.wait()
    (repo / "app" / "user.py").write_text(FILES["app/user.py"] + "\n# changed\n")
    assert ahead.taken(repo) is None


def test_work_ahead_that_fails_leaves_the_stage_to_be_made_the_usual_way(tmp_path) -> None:
    def broken():
        raise OSError("the tree went away")

    ahead = _Ahead(2, broken)
    assert ahead.taken(tmp_path) is None   # (never started: nothing to take)
    ahead.start()
    assert ahead.taken(tmp_path) is None


@pytest.mark.slow
def test_no_two_threads_parse_python_at_once(tmp_path, monkeypatch) -> None:
    """CPython keeps one AST recursion depth per interpreter: syntax trees made in two threads at once can
    fail with `SystemError: AST constructor recursion depth mismatch`. The work ahead parses only while
    every other thread of the process waits (for the tests, for it)."""
    users = {f"app/user{i}.py": FILES["app/user.py"] + "".join(f"\n\ndef f{j}():\n    return {j}\n" for j in range(40))
             for i in range(60)}
    repo, plan = make_repo(tmp_path, {**FILES, **users})
    calls: list[tuple[float, str]] = []
    real = builtins.compile

    def recording(*args, **kwargs):
        calls.append((time.monotonic(), threading.current_thread().name))
        return real(*args, **kwargs)

    monkeypatch.setattr(builtins, "compile", recording)
    code, out = run_cli(["apply", str(plan), "--all"])
    monkeypatch.undo()
    assert code == 0, out
    ahead = [at for at, name in calls if name == "refactor-ahead"]
    assert ahead, "the work ahead parsed nothing"
    others = [(at, name) for at, name in calls if name != "refactor-ahead" and ahead[0] <= at <= ahead[-1]]
    assert others == []
