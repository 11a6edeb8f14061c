"""Publishing stage branches (issue 8, item 4): `apply --push REMOTE` and `--open-prs`, end to end.

Real git repositories in tmp_path, a local bare repository as the remote, and a stand-in `gh` on PATH.
The stages are built once (the module's `published` run); every test works on a copy of that result.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from refactor.staging.gitops import Git
from refactor.staging.publish import push_branch
from tests.helpers import git, run_cli
from tests.stagehelp import fixture_repo, snapshot, worktrees

pytestmark = pytest.mark.slow

PREFIX = "refactor/settings/stage-"
BRANCHES = [f"{PREFIX}{n:02d}" for n in range(1, 6)]
WIDTH = 300  # wide enough that no message is wrapped


def make_remote(path: Path) -> Path:
    """A bare repository whose post-receive hook logs every ref update it accepts (so "nothing was pushed"
    can be checked, not just "the refs look the same")."""
    git(path.parent, "init", "--bare", "--quiet", str(path))
    hook = path / "hooks" / "post-receive"
    hook.write_text(f"#!{sys.executable}\nimport sys\n"
                    f"with open({str(path / 'pushes.log')!r}, 'a') as log:\n    log.write(sys.stdin.read())\n")
    hook.chmod(0o755)
    return path


def pushes(remote: Path) -> list[str]:
    log = remote / "pushes.log"
    return log.read_text().splitlines() if log.exists() else []


def heads(repo: Path, *, bare: bool = False) -> dict[str, str]:
    where = ["--git-dir", str(repo)] if bare else []
    out = git(repo if not bare else repo.parent, *where, "for-each-ref", "--format=%(refname:short) %(objectname)",
              "refs/heads/refactor/")
    return dict(line.split() for line in out.splitlines())


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """The settings fixture after `refactor apply --all --push origin` into an empty bare remote."""
    tmp = tmp_path_factory.mktemp("published")
    repo, plan = fixture_repo(tmp, "settings_app", "settings.toml")
    remote = make_remote(tmp / "remote.git")
    git(repo, "remote", "add", "origin", str(remote))
    before = snapshot(repo)
    code, out = run_cli(["apply", str(plan), "--all", "--push", "origin"], width=WIDTH)
    return SimpleNamespace(tmp=tmp, repo=repo, plan=plan, remote=remote, code=code, out=out, before=before,
                           after=snapshot(repo))


@pytest.fixture
def work(published, tmp_path):
    """A private copy of the published state: repository, plan, and its own remote (same refs)."""
    dest = tmp_path / "copy"
    shutil.copytree(published.tmp, dest, symlinks=True)
    repo, plan, remote = dest / "settings_app", dest / "settings.toml", dest / "remote.git"
    hook = remote / "hooks" / "post-receive"
    hook.write_text(hook.read_text().replace(str(published.remote), str(remote)))
    (remote / "pushes.log").unlink()
    git(repo, "remote", "set-url", "origin", str(remote))
    git(repo, "update-index", "-q", "--refresh")  # the copy has new file stats: refresh before any snapshot
    return SimpleNamespace(tmp=tmp_path, repo=repo, plan=plan, remote=remote)


def reviewer_push(work, branch: str, tmp_path: Path) -> str:
    """Someone else clones the remote, commits on `branch` and pushes: returns their commit."""
    clone = tmp_path / "reviewer"
    git(tmp_path, "clone", "--quiet", str(work.remote), str(clone))
    git(clone, "checkout", "--quiet", branch)
    (clone / "REVIEW.md").write_text("renamed a variable while reviewing\n")
    git(clone, "add", "REVIEW.md")
    git(clone, "commit", "--quiet", "-m", "reviewer: tidy up")
    git(clone, "push", "--quiet", "origin", branch)
    return git(clone, "rev-parse", "HEAD")


def rebuild_with_tool_commit(repo: Path, branch: str) -> str:
    """Point the local `branch` at a different commit that carries the tool's trailers (a rebuild)."""
    message = git(repo, "log", "-1", "--format=%B", branch)
    sha = git(repo, "commit-tree", f"{branch}^{{tree}}", "-p", f"{branch}~1", "-m", "rebuilt: " + message)
    git(repo, "update-ref", f"refs/heads/{branch}", sha)
    return sha


def fake_gh(folder: Path) -> Path:
    """A stand-in `gh` that records its arguments, working directory and the body file's text."""
    folder.mkdir()
    log = folder / "calls.jsonl"
    script = folder / "gh"
    script.write_text(
        f"#!{sys.executable}\nimport json, os, sys\nfrom pathlib import Path\n"
        "args = sys.argv[1:]\n"
        "body = args[args.index('--body-file') + 1] if '--body-file' in args else None\n"
        "text = Path(body).read_text() if body and Path(body).is_file() else None\n"
        f"with open({str(log)!r}, 'a') as out:\n"
        "    out.write(json.dumps({'args': args, 'cwd': os.getcwd(), 'body': text}) + '\\n')\n"
        "head = args[args.index('--head') + 1]\n"
        "print('https://github.example/acme/settings/pull/' + head.rsplit('-', 1)[1])\n")
    script.chmod(0o755)
    return log


def gh_calls(log: Path) -> list[dict]:
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


# -- 1. push every stage branch ------------------------------------------------------------------------
def test_push_creates_every_stage_branch_at_the_local_shas(published):
    assert published.code == 0, published.out
    local = heads(published.repo)
    assert sorted(local) == BRANCHES
    assert heads(published.remote, bare=True) == local
    for branch in BRANCHES:
        assert f"created origin/{branch}" in published.out
    assert len(pushes(published.remote)) == 5


def test_the_users_checkout_is_untouched_by_apply_and_push(published):
    assert published.before == published.after
    assert worktrees(published.repo) == [str(published.repo)]


# -- 2. nothing to push ----------------------------------------------------------------------------------
def test_pushing_again_reports_up_to_date_and_pushes_nothing(work):
    before, remote_before = snapshot(work.repo), heads(work.remote, bare=True)
    code, out = run_cli(["apply", str(work.plan), "--all", "--push", "origin"], width=WIDTH)
    assert code == 0, out
    for branch in BRANCHES:
        assert f"up to date origin/{branch}" in out
    assert "created" not in out and "updated" not in out
    assert pushes(work.remote) == []
    assert heads(work.remote, bare=True) == remote_before
    assert snapshot(work.repo) == before


# -- 3. someone else's commit on the remote ------------------------------------------------------------------
@pytest.mark.parametrize("local", ["unchanged", "rebuilt"])
def test_a_remote_commit_the_tool_did_not_make_is_refused_never_overwritten(work, local):
    branch = BRANCHES[0]
    theirs = reviewer_push(work, branch, work.tmp)
    if local == "rebuilt":  # the local stage was recreated differently, with tool commits only
        rebuild_with_tool_commit(work.repo, branch)
        argv = ["apply", str(work.plan), "--stage", "1", "--push", "origin"]
    else:  # the local stage is as the tool left it; the remote moved on
        argv = ["apply", str(work.plan), "--all", "--push", "origin"]
    local_tip = git(work.repo, "rev-parse", branch)
    before, logged = snapshot(work.repo), pushes(work.remote)
    code, out = run_cli(argv, width=WIDTH)
    assert code == 1, out
    refused = [line for line in out.splitlines() if line.startswith(f"refused origin/{branch}")]
    assert len(refused) == 1, out
    assert theirs[:10] in refused[0] and "did not make" in refused[0]
    assert git(work.repo, "--git-dir", str(work.remote), "rev-parse", branch) == theirs   # never force-pushed
    assert pushes(work.remote) == logged
    assert git(work.repo, "rev-parse", branch) == local_tip
    assert "pull request" not in out
    assert snapshot(work.repo) == before


# -- 4. a diverged remote holding only the tool's commits -------------------------------------------------
def test_a_remote_stage_holding_only_tool_commits_is_replaced_with_a_lease(work):
    branch = BRANCHES[-1]
    old = git(work.repo, "rev-parse", branch)
    # the plan changes (its hash is recorded in every stage commit), so --force rebuilds the last stage
    work.plan.write_text(work.plan.read_text() + "\n# reviewed: no change to the family\n")
    before = snapshot(work.repo)
    code, out = run_cli(["apply", str(work.plan), "--stage", "5", "--force", "--push", "origin"], width=WIDTH)
    assert code == 0, out
    new = git(work.repo, "rev-parse", branch)
    assert new != old and not git(work.repo, "merge-base", "--is-ancestor", old, new, check=False)
    line = next(line for line in out.splitlines() if line.startswith(f"updated origin/{branch}"))
    assert old[:10] in line and "with lease" in line
    assert git(work.repo, "--git-dir", str(work.remote), "rev-parse", branch) == new
    assert pushes(work.remote) == [f"{old} {new} refs/heads/{branch}"]
    assert snapshot(work.repo) == before


def test_the_lease_refuses_when_the_remote_moves_during_the_push(work, monkeypatch):
    """Between reading the remote tip and pushing, a reviewer pushes: the lease must keep their commit."""
    branch = BRANCHES[-1]
    rebuild_with_tool_commit(work.repo, branch)
    repo = Git(work.repo)
    real_run = Git.run
    raced = {}

    def run(self, *args):
        out = real_run(self, *args)
        if args[0] == "fetch" and not raced:
            raced["theirs"] = reviewer_push(work, branch, work.tmp)
        return out

    monkeypatch.setattr(Git, "run", run)
    result = push_branch(repo, "origin", branch)
    assert result.action == "refused", result
    assert "moved" in result.detail
    assert git(work.repo, "--git-dir", str(work.remote), "rev-parse", branch) == raced["theirs"]


# -- 5. one pull request per stage ---------------------------------------------------------------------
def test_open_prs_makes_one_pull_request_per_stage_stacked_on_the_previous(work, monkeypatch):
    log = fake_gh(work.tmp / "bin")
    monkeypatch.setenv("PATH", f"{work.tmp / 'bin'}:{os.environ['PATH']}")
    before = snapshot(work.repo)
    code, out = run_cli(["apply", str(work.plan), "--all", "--push", "origin", "--open-prs"], width=WIDTH)
    assert code == 0, out
    calls = gh_calls(log)
    assert len(calls) == 5, out
    bases = ["main", *BRANCHES[:-1]]
    for number, (call, branch, base) in enumerate(zip(calls, BRANCHES, bases), start=1):
        args = call["args"]
        assert args[:2] == ["pr", "create"]
        options = dict(zip(args[2::2], args[3::2]))
        assert options["--base"] == base and options["--head"] == branch
        assert f"stage {number}" in options["--title"]
        body = Path(options["--body-file"])
        assert body.name == f"stage-{number:02d}.md" and body.is_file()
        text = call["body"]
        assert text == body.read_text()
        assert f"stage {number} of 5" in text and f"`{branch}`" in text and f"`{base}`" in text
        assert "## Evidence" in text and "distinct definitions:" in text and "tests:" in text
        assert Path(call["cwd"]).resolve() == work.repo.resolve()
        assert f"pull request for {branch}: https://github.example/acme/settings/pull/{number:02d}" in out
    assert snapshot(work.repo) == before


# -- 6. gh missing ---------------------------------------------------------------------------------------
def test_open_prs_without_gh_says_so_in_one_line_after_pushing(work, monkeypatch):
    remote = make_remote(work.tmp / "fresh.git")
    git(work.repo, "remote", "set-url", "origin", str(remote))
    only_git = work.tmp / "only-git"
    only_git.mkdir()
    (only_git / "git").symlink_to(shutil.which("git"))
    monkeypatch.setenv("PATH", str(only_git))
    assert shutil.which("gh") is None
    before = snapshot(work.repo)
    code, out = run_cli(["apply", str(work.plan), "--all", "--push", "origin", "--open-prs"], width=WIDTH)
    assert code == 1, out
    errors = [line for line in out.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, out
    assert "gh" in errors[0] and "not installed" in errors[0] and "branches are pushed" in errors[0]
    assert heads(remote, bare=True) == heads(work.repo)
    assert snapshot(work.repo) == before


# -- 7. --open-prs needs --push --------------------------------------------------------------------------
def test_open_prs_without_push_is_bad_input(work, monkeypatch):
    log = fake_gh(work.tmp / "bin")
    monkeypatch.setenv("PATH", f"{work.tmp / 'bin'}:{os.environ['PATH']}")
    before, remote_before = snapshot(work.repo), heads(work.remote, bare=True)
    code, out = run_cli(["apply", str(work.plan), "--all", "--open-prs"], width=WIDTH)
    assert code == 2, out
    errors = [line for line in out.splitlines() if line.startswith("error:")]
    assert errors == ["error: --open-prs needs --push REMOTE"], out
    assert gh_calls(log) == [] and pushes(work.remote) == []
    assert heads(work.remote, bare=True) == remote_before
    assert snapshot(work.repo) == before


def test_open_prs_on_a_detached_head_without_base_is_bad_input(work, monkeypatch):
    log = fake_gh(work.tmp / "bin")
    monkeypatch.setenv("PATH", f"{work.tmp / 'bin'}:{os.environ['PATH']}")
    git(work.repo, "checkout", "-q", "--detach")
    before, remote_before = snapshot(work.repo), heads(work.remote, bare=True)
    code, out = run_cli(["apply", str(work.plan), "--all", "--push", "origin", "--open-prs"], width=WIDTH)
    assert code == 2, out
    errors = [line for line in out.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "detached HEAD" in errors[0] and "--base" in errors[0], out
    assert gh_calls(log) == [] and pushes(work.remote) == []
    assert heads(work.remote, bare=True) == remote_before
    assert snapshot(work.repo) == before
