"""The review loop, end to end: reviewers change stage branches; `status` sees it; `restack` regenerates."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.helpers import git, run_cli
from tests.stagehelp import checkout_copy, fixture_repo, run_pytest, worktrees

pytestmark = pytest.mark.slow
PREFIX = "refactor/settings/stage-"


@pytest.fixture(scope="session")
def stacked(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("stacked")
    repo, plan = fixture_repo(tmp, "settings_app", "settings.toml")
    code, out = run_cli(["apply", str(plan), "--all"], width=200)
    assert code == 0, out
    return repo, plan


def copy_of(stacked, tmp_path: Path) -> tuple[Path, Path]:
    repo, plan = stacked
    shutil.copytree(repo, tmp_path / "settings_app")
    new_plan = tmp_path / "settings.toml"
    new_plan.write_text(plan.read_text())
    return tmp_path / "settings_app", new_plan


def review_commit(repo: Path, tmp_path: Path, branch: str, path: str, change, message: str) -> str:
    """Commit on `branch` as a reviewer would, in a worktree of their own."""
    tree = tmp_path / f"review-{branch.replace('/', '-')}"
    git(repo, "worktree", "add", "--quiet", str(tree), branch)
    target = tree / path
    target.write_text(change(target.read_text() if target.exists() else ""))
    git(tree, "add", "--all")
    git(tree, "commit", "--quiet", "-m", message)
    sha = git(tree, "rev-parse", "HEAD")
    git(repo, "worktree", "remove", str(tree))
    return sha


def states(plan: Path) -> dict[int, dict]:
    code, out = run_cli(["status", str(plan), "--json"], width=400)
    assert code == 0, out
    return {s["number"]: s for s in json.loads(out)["stages"]}


def test_status_sees_stale_stages_and_foreign_commits_and_restack_regenerates(stacked, tmp_path):
    repo, plan = copy_of(stacked, tmp_path)
    first = states(plan)
    assert {s["state"] for s in first.values()} == {"up to date"}
    # a reviewer fixes something in a file stage 2 touched, and adds a test on stage 4
    touched = git(repo, "diff", "--name-only", f"{PREFIX}01", f"{PREFIX}02").splitlines()[0]
    fix = review_commit(repo, tmp_path, f"{PREFIX}02", touched, lambda t: t + "\n# reviewed: fine\n",
                        "review: note on stage 2")
    extra = review_commit(repo, tmp_path, f"{PREFIX}04", "tests/test_review_extra.py",
                          lambda _: "def test_extra():\n    assert True\n", "review: one more test")

    now = states(plan)
    assert now[1]["state"] == "up to date"
    assert now[2]["state"] == "foreign commits"
    for number in range(3, len(now) + 1):
        assert now[number]["state"] == "stale", now[number]
        assert now[number]["command"].startswith("refactor restack")
    assert [c["sha"] for c in now[4]["foreign_commits"]] == [extra]

    old_tips = {n: s["tip"] for n, s in now.items()}
    code, out = run_cli(["restack", str(plan)], width=300)
    assert code == 0, out
    assert "old tip kept as refs/refactor-backup/" in out
    after = states(plan)
    assert {s["state"] for n, s in after.items() if n != 2 and n != 4} == {"up to date"}
    # both people's commits are still on their branches
    assert git(repo, "merge-base", "--is-ancestor", fix, f"{PREFIX}02", check=False) == ""
    subjects = git(repo, "log", "--format=%s", f"{PREFIX}04").splitlines()
    assert "review: one more test" in subjects and "review: note on stage 2" in subjects
    # old tips stay reachable through backup refs
    backups = git(repo, "for-each-ref", "--format=%(objectname)", "refs/refactor-backup/").splitlines()
    for number in range(3, len(now) + 1):
        assert old_tips[number] in backups
    # the last branch is single-source and its tests pass
    last = f"{PREFIX}{len(after):02d}"
    copy = checkout_copy(repo, last, tmp_path / "last")
    check_plan = tmp_path / "last.toml"
    check_plan.write_text(plan.read_text().replace('root = "settings_app"', 'root = "last"'))
    assert run_cli(["check", str(check_plan), "--no-cache"])[0] == 0
    assert run_pytest(copy).returncode == 0
    assert (copy / "tests" / "test_review_extra.py").exists()


def test_a_conflicting_foreign_commit_stops_restack_with_branches_unchanged(stacked, tmp_path):
    repo, plan = copy_of(stacked, tmp_path)
    # both reviewers edit the first line of the same file, on stages 3 and 2: replaying stage 3's conflicts
    path = "src/confapp/db/pool.py"
    review_commit(repo, tmp_path, f"{PREFIX}03", path, lambda t: '"""Pool (reviewer B)."""\n' + t.split("\n", 1)[1],
                  "review B on stage 3")
    review_commit(repo, tmp_path, f"{PREFIX}02", path, lambda t: '"""Pool (reviewer A)."""\n' + t.split("\n", 1)[1],
                  "review A on stage 2")
    before = {b: git(repo, "rev-parse", b) for b in git(repo, "for-each-ref", "--format=%(refname:short)",
                                                         "refs/heads/").splitlines()}
    code, out = run_cli(["restack", str(plan)], width=400)
    assert code == 1
    assert "conflicts in src/confapp/db/pool.py" in out and "--continue" in out and "--abort" in out
    assert {b: git(repo, "rev-parse", b) for b in before} == before
    # --abort: nothing changes, the conflicted worktree is gone
    code, out = run_cli(["restack", str(plan), "--abort"], width=400)
    assert code == 0 and "unchanged" in out
    assert {b: git(repo, "rev-parse", b) for b in before} == before
    assert worktrees(repo) == [str(repo)]
    # again, then resolve and --continue
    code, out = run_cli(["restack", str(plan)], width=400)
    assert code == 1
    folder = Path(out.split("resolve in ")[1].split(" ")[0].strip())
    (folder / path).write_text(_resolve((folder / path).read_text()))
    git(folder, "add", path)
    code, out = run_cli(["restack", str(plan), "--continue"], width=400)
    assert code == 0, out
    final = {n: s["state"] for n, s in states(plan).items()}
    assert "stale" not in final.values(), final
    assert "review B on stage 3" in git(repo, "log", "--format=%s", f"{PREFIX}03")


def _resolve(text: str) -> str:
    """Keep both sides of a conflict, in order."""
    out = []
    for line in text.splitlines(keepends=True):
        if line.startswith(("<<<<<<<", "=======", ">>>>>>>")):
            continue
        out.append(line)
    return "".join(out).replace('"""Pool (reviewer A)."""\n"""Pool (reviewer B)."""\n', '"""Pool (A and B)."""\n')
