"""Helpers for end-to-end stage tests: real git repositories made from the bundled fixtures."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.helpers import REPO, git


def fixture_repo(tmp: Path, fixture: str, plan: str) -> tuple[Path, Path]:
    """Copy a bundled fixture into `tmp/<fixture>` as a git repository with one commit; write its plan
    next to it (outside the repository) with the root pointing at the copy."""
    repo = tmp / fixture
    shutil.copytree(REPO / "fixtures" / fixture, repo,
                    ignore=shutil.ignore_patterns("__pycache__", ".refactor_cache", ".pytest_cache"))
    git(repo, "init", "--quiet", "--initial-branch=main")
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "-m", "initial")
    text = (REPO / "plans" / plan).read_text()
    text = text.replace(f'root = "../fixtures/{fixture}"', f'root = "{fixture}"')
    plan_path = tmp / plan
    plan_path.write_text(text)
    return repo, plan_path


def snapshot(repo: Path) -> dict:
    """Everything of the user's that a run must not change: files, index, HEAD, branches, stashes."""
    files = {}
    for path in sorted(repo.rglob("*")):
        rel = path.relative_to(repo).as_posix()
        if rel.startswith(".git/") or rel == ".git" or "/.refactor_cache" in "/" + rel or path.is_dir():
            continue
        files[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    index = repo / ".git" / "index"
    return {
        "files": files,
        "index": hashlib.sha256(index.read_bytes()).hexdigest() if index.exists() else None,
        "head": git(repo, "rev-parse", "HEAD", check=False),
        "branch": git(repo, "symbolic-ref", "--short", "HEAD", check=False),
        "status": git(repo, "status", "--porcelain", "--untracked-files=all"),
        "stashes": git(repo, "stash", "list"),
        "user_branches": sorted(b for b in git(repo, "for-each-ref", "--format=%(refname:short)", "refs/heads/")
                                .splitlines() if not b.startswith("refactor/")),
    }


def worktrees(repo: Path) -> list[str]:
    return [line.split()[1] for line in git(repo, "worktree", "list", "--porcelain").splitlines()
            if line.startswith("worktree ")]


def run_pytest(cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=cwd,
                          capture_output=True, text=True, env={**env, "PYTHONDONTWRITEBYTECODE": "1"})


def checkout_copy(repo: Path, ref: str, dest: Path) -> Path:
    """A separate clone checked out at `ref` (the original repository is left alone)."""
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(repo), str(dest)], check=True)
    git(dest, "checkout", "--quiet", git(repo, "rev-parse", ref))
    return dest
