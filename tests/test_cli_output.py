"""What the command line prints when its output is not a terminal: real patches, whole lines."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.stagehelp import fixture_repo, git


def refactor(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """The real command line, its stdout a pipe."""
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "FORCE_COLOR")}
    return subprocess.run([sys.executable, "-m", "refactor", *args], capture_output=True, cwd=cwd, check=False,
                          env={**env, "NO_COLOR": "1"})


@pytest.fixture
def mixed_endings(tmp_path):
    """The WebSocket fixture as a git repository where files stage 3 edits have CRLF line endings, a BOM,
    and no newline at the end."""
    repo, plan = fixture_repo(tmp_path, "websocket_app", "websocket_manager.toml")
    crlf, bom, unterminated = (repo / "app/dependencies.py", repo / "app/events/handlers.py",
                               repo / "app/services/chat_service.py")
    crlf.write_bytes(crlf.read_bytes().replace(b"\n", b"\r\n"))
    bom.write_bytes(b"\xef\xbb\xbf" + bom.read_bytes())
    unterminated.write_bytes(unterminated.read_bytes() + b"\n\ndef default():\n    return EnhancedWebSocketManager()")
    git(repo, "commit", "--quiet", "-am", "line endings of every kind")
    return repo, plan


def assert_applies(repo: Path, patch: bytes, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(repo), str(clone)], check=True)
    (tmp_path / "stage.patch").write_bytes(patch)
    done = subprocess.run(["git", "apply", "--check", str(tmp_path / "stage.patch")], cwd=clone,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    done = subprocess.run(["patch", "-p1", "--dry-run", "--binary", "-i", str(tmp_path / "stage.patch")], cwd=clone,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_plan_diff_piped_is_a_patch_git_applies(mixed_endings, tmp_path):
    repo, plan = mixed_endings
    done = refactor("plan", str(plan), "--diff", "--stage", "3", "--no-cache")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(b"--- a/"), done.stdout[:200]
    assert b"\r\n" in done.stdout and b"\\ No newline at end of file" in done.stdout
    assert_applies(repo, done.stdout, tmp_path)


def test_plan_diff_to_a_file_is_the_same_patch(mixed_endings, tmp_path):
    repo, plan = mixed_endings
    target = tmp_path / "out.patch"
    done = refactor("plan", str(plan), "--diff", "--stage", "3", "-o", str(target), "--no-cache")
    assert done.returncode == 0, done.stderr
    assert done.stdout == b""
    assert_applies(repo, target.read_bytes(), tmp_path)
    assert target.read_bytes() == refactor("plan", str(plan), "--diff", "--stage", "3").stdout


def test_output_without_diff_or_graph_is_refused(tmp_path):
    _, plan = fixture_repo(tmp_path, "websocket_app", "websocket_manager.toml")
    done = refactor("plan", str(plan), "-o", str(tmp_path / "x"))
    assert done.returncode == 2 and b"--output FILE writes the --diff or --graph output" in done.stdout
