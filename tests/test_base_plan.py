"""`apply` plans the base on the user's checkout when it holds the base's files, while git makes the worktree the
stages share; the schedule is the one a worktree of the base gives. A failure on either side leaves no worktree."""

from __future__ import annotations

from pathlib import Path

import pytest

from refactor.errors import RepositoryError
from refactor.planfile import load_plan
from refactor.planning import workspace as workspace_module
from refactor.staging.gitops import Git
from refactor.staging.runner import StageRunner
from tests.helpers import git
from tests.stagehelp import fixture_repo, snapshot, worktrees


def _planned_on(plan_path: Path, monkeypatch) -> tuple[list[Path], list[tuple[str, ...]], list[str]]:
    """Where a session's base plan read its files, the stages' modules, and the worktrees at its end."""
    roots = []
    real = workspace_module.Project.load

    def load(root, **options):
        roots.append(Path(root).resolve())
        return real(root, **options)

    monkeypatch.setattr(workspace_module.Project, "load", load)
    runner = StageRunner(load_plan(plan_path))
    with runner.session():
        schedule = runner.base_schedule(runner.branches.base_commit())
        trees = worktrees(runner.plan.root)
        if runner._shared is not None:   # (made for the stages while the base was planned, or for the plan)
            assert git(runner._shared, "status", "--porcelain") == ""
            assert git(runner._shared, "rev-parse", "HEAD") == git(runner.plan.root, "rev-parse", "HEAD")
    return roots, [stage.modules for stage in schedule.stages], trees


def test_a_checkout_holding_the_base_is_planned_where_it_is(tmp_path, monkeypatch):
    repo, plan_path = fixture_repo(tmp_path, "websocket_app", "websocket_manager.toml")
    before = snapshot(repo)
    roots, stages, trees = _planned_on(plan_path, monkeypatch)
    assert roots == [repo.resolve()]
    assert len(trees) == 2   # the checkout, and the stages' worktree git made meanwhile
    assert snapshot(repo) == before and worktrees(repo) == [str(repo)]

    (repo / "scratch.py").write_text("x = 1\n")   # untracked: the checkout no longer holds just the base
    monkeypatch.undo()
    elsewhere, same, _ = _planned_on(plan_path, monkeypatch)
    assert elsewhere != [repo.resolve()] and same == stages


@pytest.mark.parametrize("flag", ["--assume-unchanged", "--skip-worktree"])
def test_a_checkout_git_does_not_compare_in_full_does_not_hold_the_base(tmp_path, flag):
    repo, _ = fixture_repo(tmp_path, "websocket_app", "websocket_manager.toml")
    ops = Git(repo)
    assert ops.holds(ops.head())
    git(repo, "update-index", flag, "app/config.py")
    (repo / "app" / "config.py").write_text("CHANGED = True\n")   # (`git status` does not show it)
    assert git(repo, "status", "--porcelain") == ""
    assert not ops.holds(ops.head())


def test_git_failing_to_make_the_worktree_leaves_none(tmp_path):
    repo, _ = fixture_repo(tmp_path, "websocket_app", "websocket_manager.toml")
    ops = Git(repo)
    path = tmp_path / "tree"
    with pytest.raises(RepositoryError, match="git worktree add failed"):
        with ops.adding_worktree(path, "0" * 40):
            pass
    assert worktrees(repo) == [str(repo)] and not path.exists()


def test_the_block_failing_leaves_no_worktree(tmp_path):
    repo, _ = fixture_repo(tmp_path, "websocket_app", "websocket_manager.toml")
    ops = Git(repo)
    path = tmp_path / "tree"
    with pytest.raises(ValueError, match="planning failed"):
        with ops.adding_worktree(path, ops.head()):
            raise ValueError("planning failed")
    assert worktrees(repo) == [str(repo)] and not path.exists()
    with ops.adding_worktree(path, ops.head()):
        pass
    assert (path / "app" / "main.py").is_file() and git(path, "status", "--porcelain") == ""
