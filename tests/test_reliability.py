"""Nothing lost, every bad input answered in one line: faults and bad inputs in real git repositories."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import REPO, git, run_cli
from tests.stagehelp import fixture_repo, snapshot, worktrees

pytestmark = pytest.mark.slow
PREFIX = "refactor/settings/stage-"


def branches(repo: Path) -> list[str]:
    return sorted(git(repo, "for-each-ref", "--format=%(refname:short)", "refs/heads/refactor/").splitlines())


def commit_all(repo: Path, message: str) -> None:
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "-m", message)


def edit_plan(plan: Path, old: str, new: str) -> None:
    text = plan.read_text()
    assert old in text, old
    plan.write_text(text.replace(old, new))


# -- bad input: one line, exit 2, nothing changed ------------------------------------------------------

def _unparseable(repo: Path, plan: Path) -> str:
    (repo / "src/confapp/broken.py").write_text("from confapp.config.legacy import AppSettings\ndef broken(:\n")
    commit_all(repo, "a broken file")
    return "src/confapp/broken.py:2"


def _non_utf8(repo: Path, plan: Path) -> str:
    (repo / "src/confapp/latin.py").write_bytes(b"from confapp.config.legacy import AppSettings\nname = '\xe9t\xe9'\n")
    commit_all(repo, "a latin-1 file")
    return "src/confapp/latin.py:2"


def _root_not_a_repository(repo: Path, plan: Path) -> str:
    outside = repo.parent / "elsewhere"
    outside.mkdir()
    (outside / "x.py").write_text("class Settings:\n    pass\n")
    edit_plan(plan, 'root = "settings_app"', 'root = "elsewhere"')
    edit_plan(plan, 'canonical = "confapp.config.settings:Settings"', 'canonical = "x:Settings"')
    return "not inside a git repository"


def _escaping_source_root(repo: Path, plan: Path) -> str:
    edit_plan(plan, 'packages = ["confapp"]', 'packages = ["confapp"]\nsource_roots = ["../../etc"]')
    return "plan.source_roots"


def _missing_canonical(repo: Path, plan: Path) -> str:
    edit_plan(plan, 'canonical = "confapp.config.settings:Settings"', 'canonical = "confapp.config.settings:Nope"')
    return "no class Nope defined in src/confapp/config/settings.py"


def _empty_family(repo: Path, plan: Path) -> str:
    edit_plan(plan, 'family = ["*Settings*", "Config"]', 'family = []')
    return "plan.family: is empty"


def _missing_test_command(repo: Path, plan: Path) -> str:
    edit_plan(plan, 'test_command = ["python", "-m", "pytest", "-q"]', 'test_command = ["no-such-test-runner-x"]')
    return "test command not found: no-such-test-runner-x"


def _bad_plan_toml(repo: Path, plan: Path) -> str:
    plan.write_text("[plan\nname = 1\n")
    return "invalid TOML"


@pytest.mark.parametrize("spoil", [
    pytest.param(_root_not_a_repository, id="root-outside-any-repository"),
    pytest.param(_escaping_source_root, id="path-escaping-the-root"),
    pytest.param(_missing_canonical, id="canonical-does-not-exist"),
    pytest.param(_empty_family, id="empty-family"),
    pytest.param(_missing_test_command, id="test-command-does-not-exist"),
    pytest.param(_bad_plan_toml, id="plan-is-not-toml"),
])
def test_bad_input_is_one_line_exit_2_and_changes_nothing(tmp_path, spoil):
    repo, plan = fixture_repo(tmp_path, "settings_app", "settings.toml")
    expected = spoil(repo, plan)
    before = snapshot(repo)
    code, out = run_cli(["apply", str(plan), "--stage", "1"], width=400)
    assert code == 2, out
    lines = out.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0], out
    assert snapshot(repo) == before
    assert branches(repo) == [] and worktrees(repo) == [str(repo)]


@pytest.mark.parametrize("spoil", [pytest.param(_unparseable, id="unparseable-file"),
                                   pytest.param(_non_utf8, id="non-utf8-file")])
def test_a_file_python_cannot_read_that_names_the_family_is_reported_never_a_refusal(tmp_path, spoil):
    """It was already broken at the base: the stages go on, and the one removing what it names says so."""
    repo, plan = fixture_repo(tmp_path, "settings_app", "settings.toml")
    expected = spoil(repo, plan)
    code, out = run_cli(["apply", str(plan), "--all"], width=400)
    assert code == 0, out
    assert f"reported: {expected}: " in out
    assert "(the file does not parse, so it was not rewritten; it names AppSettings" in out


def test_a_family_of_only_the_canonical_has_nothing_to_apply(tmp_path):
    repo, plan = fixture_repo(tmp_path, "settings_app", "settings.toml")
    plan.write_text(plan.read_text().split("[map]")[0]
                    .replace('canonical = "confapp.config.settings:Settings"', 'canonical = "confapp.config.settings:ConfigBuilder"')
                    .replace('family = ["*Settings*", "Config"]', 'family = ["ConfigBuilder"]'))
    code, out = run_cli(["apply", str(plan), "--all"], width=300)
    assert code == 0 and "nothing to apply" in out
    code, out = run_cli(["plan", str(plan)], width=300)
    assert code == 0 and "nothing to plan" in out
    assert branches(repo) == []


def test_edited_files_keep_bom_crlf_tabs_and_long_lines(tmp_path):
    repo, plan = fixture_repo(tmp_path, "settings_app", "settings.toml")
    long_line = "VALUE = " + repr("x" * 5000) + "\r\n"
    source = ("\ufeff\"\"\"Windows-made consumer.\"\"\"\r\nfrom confapp.config.compat import LegacySettings\r\n\r\n"
              "def make():\r\n\treturn LegacySettings()\r\n" + long_line)
    (repo / "src/confapp/windows.py").write_bytes(source.encode("utf-8"))
    commit_all(repo, "a CRLF file with a BOM")
    assert run_cli(["apply", str(plan), "--all"], width=300)[0] == 0
    raw = subprocess.run(["git", "show", f"{branches(repo)[-1]}:src/confapp/windows.py"], cwd=repo,
                         capture_output=True, check=True).stdout
    assert raw.startswith("\ufeff".encode())
    assert raw.count(b"\r\n") == raw.count(b"\n") and b"LegacySettings" not in raw
    assert b"\treturn Settings()" in raw and ("x" * 5000).encode() in raw


def test_edited_files_keep_their_declared_encoding(tmp_path):
    """A latin-1 file (PEP 263 coding line) is written back in latin-1: written as UTF-8 under its
    latin-1 declaration, its non-ASCII strings would silently change."""
    repo, plan = fixture_repo(tmp_path, "settings_app", "settings.toml")
    source = ("# -*- coding: latin-1 -*-\n# caf\xe9 cr\xe8me\nfrom confapp.config.compat import LegacySettings\n\n"
              "GREETING = '\xe9t\xe9'\n\ndef make():\n    return LegacySettings()\n")
    (repo / "src/confapp/latin.py").write_bytes(source.encode("latin-1"))
    commit_all(repo, "a latin-1 file")
    assert run_cli(["apply", str(plan), "--all"], width=300)[0] == 0
    raw = subprocess.run(["git", "show", f"{branches(repo)[-1]}:src/confapp/latin.py"], cwd=repo,
                         capture_output=True, check=True).stdout
    assert b"LegacySettings" not in raw and b"return Settings()" in raw
    assert b"GREETING = '\xe9t\xe9'" in raw and b"# caf\xe9 cr\xe8me" in raw


# -- faults ------------------------------------------------------------------------------------------

def test_a_failure_in_the_middle_of_all_keeps_earlier_stages_and_rerun_continues(tmp_path):
    repo, plan = fixture_repo(tmp_path, "settings_app", "settings.toml")
    from refactor.planning.workspace import Workspace
    third = Workspace.open(plan, cache=False).schedule.stages[2]
    module, name = third.modules[0], third.definitions[0].name
    (repo / "tests/test_pin.py").write_text(
        f"import importlib\n\ndef test_pin():\n    assert hasattr(importlib.import_module({module!r}), {name!r})\n")
    commit_all(repo, "pin a name of stage 3")
    (repo / "notes.txt").write_text("untracked notes\n")
    readme = repo / "src/confapp/api.py"
    readme.write_text(readme.read_text() + "# half-done work, stashed\n")
    git(repo, "stash", "push", "--quiet", "-m", "the user's stash")
    before = snapshot(repo)
    assert "the user's stash" in before["stashes"]
    code, out = run_cli(["apply", str(plan), "--all"], width=300)
    assert code == 1 and "test_pin" in out
    assert branches(repo) == [f"{PREFIX}01", f"{PREFIX}02"]
    assert snapshot(repo) == before and worktrees(repo) == [str(repo)]
    tips = {b: git(repo, "rev-parse", b) for b in branches(repo)}
    code, out = run_cli(["apply", str(plan), "--all"], width=300)
    assert code == 1 and out.count("nothing to do") == 2 and "test_pin" in out
    assert {b: git(repo, "rev-parse", b) for b in branches(repo)} == tips


def test_sigkill_during_a_stage_is_cleaned_up_by_the_next_run(tmp_path):
    repo, plan = fixture_repo(tmp_path, "settings_app", "settings.toml")
    (repo / "wip.txt").write_text("untracked work in progress\n")
    before = snapshot(repo)
    good = plan.read_text()
    edit_plan(plan, 'test_command = ["python", "-m", "pytest", "-q"]',
              'test_command = ["python", "-c", "import time; time.sleep(60)"]')
    process = subprocess.Popen([sys.executable, "-m", "refactor", "apply", str(plan), "--stage", "1"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(worktrees(repo)) < 2:
        time.sleep(0.1)
    time.sleep(1.0)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert branches(repo) == []
    assert (repo / ".git/refactor/lock").exists()          # what a killed run leaves behind
    assert snapshot(repo) == before
    plan.write_text(good)
    code, out = run_cli(["apply", str(plan), "--stage", "1"], width=300)
    assert code == 0, out
    assert branches(repo) == [f"{PREFIX}01"]
    assert worktrees(repo) == [str(repo)]
    assert not (repo / ".git/refactor/lock").exists()
    assert snapshot(repo) == before


def test_a_leftover_worktree_folder_is_removed(tmp_path):
    repo, plan = fixture_repo(tmp_path, "settings_app", "settings.toml")
    stale = repo / ".git/refactor/worktrees/settings-stage-01-999999"
    stale.mkdir(parents=True)
    (stale / "junk.py").write_text("x = 1\n")
    assert run_cli(["apply", str(plan), "--stage", "1"], width=300)[0] == 0
    assert not stale.exists()
    assert worktrees(repo) == [str(repo)]


def test_the_base_moving_on_does_not_disturb_the_stack(tmp_path):
    repo, plan = fixture_repo(tmp_path, "settings_app", "settings.toml")
    assert run_cli(["apply", str(plan), "--stage", "1"], width=300)[0] == 0
    base = git(repo, "rev-parse", "main~0")
    (repo / "CHANGELOG.md").write_text("- new work on main\n")
    commit_all(repo, "main moves on")
    code, out = run_cli(["apply", str(plan), "--stage", "2"], width=300)
    assert code == 0, out
    message = git(repo, "log", "-1", "--format=%B", f"{PREFIX}02")
    assert f"Refactor-Base: {base}" in message
    assert git(repo, "rev-parse", f"{PREFIX}02~1") == git(repo, "rev-parse", f"{PREFIX}01")


def test_no_shell_anywhere():
    sources = [p for folder in ("refactor", "codemods") for p in (REPO / folder).rglob("*.py")]
    offenders = [f"{p}:{n}" for p in sources for n, line in enumerate(p.read_text().splitlines(), 1)
                 if re.search(r"shell\s*=\s*True|os\.system\(|os\.popen\(", line)]
    assert offenders == []


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to give files away")
def test_a_repository_git_distrusts_is_one_line_not_a_traceback(tmp_path):
    repo, plan = fixture_repo(tmp_path, "settings_app", "settings.toml")
    subprocess.run(["chown", "-R", "1234:1234", str(repo)], check=True)
    code, out = run_cli(["apply", str(plan), "--stage", "1"], width=400)
    assert code == 2
    lines = out.strip().splitlines()
    assert len(lines) == 1 and "git refuses this repository" in lines[0] and "safe.directory" in lines[0]
    assert "Traceback" not in out
