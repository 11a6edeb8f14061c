"""Push stage branches and open one pull request per stage, never overwriting other people's commits."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from refactor.errors import RepositoryError
from refactor.output import counted
from refactor.staging.gitops import Git


@dataclass(frozen=True)
class PushResult:
    branch: str
    action: str      # created | updated | up to date | refused
    detail: str = ""


def push_branch(git: Git, remote: str, branch: str) -> PushResult:
    """Push `branch` to `remote`: create, fast-forward, or replace with a lease when the remote tip holds
    only the tool's own commits. Anything else is refused, never overwritten."""
    local = git.branch_tip(branch)
    if local is None:
        raise RepositoryError(f"branch {branch} does not exist locally")
    remote_tip = _remote_tip(git, remote, branch)
    if remote_tip == local:
        return PushResult(branch, "up to date")
    if remote_tip is None:
        return _push(git, remote, branch, remote_tip) or PushResult(branch, "created")
    git.run("fetch", "--quiet", remote, f"refs/heads/{branch}")
    if git.is_ancestor(remote_tip, local):
        return _push(git, remote, branch, remote_tip) or PushResult(branch, "updated", "fast-forward")
    theirs = [c for c in git.commits(local, remote_tip) if not c.by_tool]
    if theirs:
        return PushResult(branch, "refused", f"the remote branch holds {counted(len(theirs), 'commit')} the tool did not "
                                             f"make (first {theirs[0].sha[:10]}): merge them, then push")
    return _push(git, remote, branch, remote_tip, f"--force-with-lease=refs/heads/{branch}:{remote_tip}") or \
        PushResult(branch, "updated", f"replaced {remote_tip[:10]} (tool commits only), with lease")


def _remote_tip(git: Git, remote: str, branch: str) -> str | None:
    listed = git.run("ls-remote", remote, f"refs/heads/{branch}").split()
    return listed[0] if listed else None


def _push(git: Git, remote: str, branch: str, seen: str | None, *options: str) -> PushResult | None:
    """Push; None when done. When git rejects the push because the remote branch moved after `seen` was read
    (someone pushed meanwhile: no fast-forward, or the lease failed), that is a refusal, not an error."""
    try:
        git.run("push", "--quiet", *options, remote, f"refs/heads/{branch}:refs/heads/{branch}")
    except RepositoryError:
        now = _remote_tip(git, remote, branch)
        if now == seen:
            raise
        return PushResult(branch, "refused", f"the remote branch moved while pushing (from {(seen or 'nothing')[:10]} "
                                             f"to {(now or 'deleted')[:10]}); nothing was overwritten: run again")
    return None


def open_pull_request(cwd: Path, branch: str, base: str, title: str, body_file: Path) -> str:
    """Open a pull request with the GitHub CLI; returns what gh printed (the URL)."""
    gh = shutil.which("gh")
    if gh is None:
        raise RepositoryError("the GitHub CLI (gh) is not installed: the branches are pushed; install gh "
                              "or open the pull requests by hand")
    done = subprocess.run([gh, "pr", "create", "--base", base, "--head", branch, "--title", title,
                           "--body-file", str(body_file)], cwd=cwd, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, check=False)
    if done.returncode != 0 and "already exists" in done.stderr:
        found = [line for line in done.stderr.splitlines() if "http" in line]
        return f"already open: {found[-1].strip() if found else branch}"
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise RepositoryError(f"gh pr create for {branch} failed: {last}")
    return done.stdout.strip()
