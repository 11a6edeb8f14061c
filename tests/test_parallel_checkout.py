"""A worktree's files are written by one git worker per core, unless the user's configuration chooses
`checkout.workers` itself; the options never show in a message."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from refactor.errors import RepositoryError
from refactor.staging.gitops import Git
from tests.helpers import git, git_init, write_tree


def _git_at_least(major: int, minor: int) -> bool:
    found = re.search(r"(\d+)\.(\d+)", subprocess.run(["git", "--version"], capture_output=True, text=True).stdout)
    return bool(found) and (int(found[1]), int(found[2])) >= (major, minor)


@pytest.fixture
def repo(tmp_path, monkeypatch) -> Path:
    """A repository of 150 files (git checks out in parallel from 100), with no global or system git config."""
    empty = tmp_path / "gitconfig"
    empty.write_text("")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(empty))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    root = git_init(write_tree(tmp_path / "repo", {f"pkg/m{i}.py": f"X = {i}\n" for i in range(150)}))
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    return root


def _workers_started(trace: Path) -> int:
    return trace.read_text().count("checkout--worker") if trace.exists() else 0


def test_a_worktree_is_checked_out_by_parallel_workers(repo, tmp_path, monkeypatch):
    ops = Git(repo)
    assert ops.parallel_checkout() == ["-c", "checkout.workers=0"]
    trace = tmp_path / "trace.json"
    monkeypatch.setenv("GIT_TRACE2_EVENT", str(trace))
    ops.add_worktree(tmp_path / "tree", ops.head())
    assert git(tmp_path / "tree", "status", "--porcelain") == ""
    assert (tmp_path / "tree" / "pkg" / "m149.py").read_text() == "X = 149\n"
    if _git_at_least(2, 32):   # (parallel checkout came with git 2.32; an older git ignores the option)
        assert _workers_started(trace) > 0


def test_the_users_own_checkout_workers_setting_is_kept(repo, tmp_path, monkeypatch):
    git(repo, "config", "checkout.workers", "1")
    ops = Git(repo)
    assert ops.parallel_checkout() == []
    trace = tmp_path / "trace.json"
    monkeypatch.setenv("GIT_TRACE2_EVENT", str(trace))
    with ops.adding_worktree(tmp_path / "tree", ops.head()):
        pass
    assert git(tmp_path / "tree", "status", "--porcelain") == ""
    assert _workers_started(trace) == 0


def test_a_failing_checkout_is_named_by_its_command(repo, tmp_path):
    ops = Git(repo)
    with pytest.raises(RepositoryError, match=r": git worktree add failed: ") as failed:
        ops.add_worktree(tmp_path / "tree", "0" * 40)
    assert "checkout.workers" not in str(failed.value)
    ops.add_worktree(tmp_path / "tree", ops.head())
    with pytest.raises(RepositoryError, match=r"tree: git checkout --force failed: ") as failed:
        ops.reset_worktree(tmp_path / "tree", "0" * 40)
    assert "checkout.workers" not in str(failed.value)
