"""Issue 8's done-when: after `apply --all`, `refactor guard` makes Ruff refuse an old import coming back."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import git, run_cli
from tests.stagehelp import fixture_repo

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent
RUFF = [str(BIN / "ruff")] if (BIN / "ruff").exists() else [sys.executable, "-m", "ruff"]


def test_guard_after_apply_all_stops_a_reintroduced_import(tmp_path):
    repo, plan = fixture_repo(tmp_path, "websocket_app", "websocket_manager.toml")
    code, out = run_cli(["apply", str(plan), "--all"], width=200)
    assert code == 0, out
    last = git(repo, "for-each-ref", "--format=%(refname:short)", "refs/heads/refactor/").splitlines()[-1]
    git(repo, "checkout", "--quiet", last)               # the user merges / checks out the result
    code, out = run_cli(["guard", str(plan)], width=200)
    assert code == 0, out
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "-m", "guard the removed paths")
    (repo / "app" / "regression.py").write_text(
        "from app.websocket_core.websocket_manager import WebSocketManager\n\nMANAGER = WebSocketManager\n")
    (repo / "app" / "fine.py").write_text(
        "from app.websocket_core.unified_manager import UnifiedWebSocketManager\n\nMANAGER = UnifiedWebSocketManager\n")
    bad = subprocess.run([*RUFF, "check", "--no-cache", "--select", "TID251", "app/regression.py"], cwd=repo,
                         capture_output=True, text=True, check=False)
    assert bad.returncode == 1, bad.stdout
    assert "app.websocket_core.websocket_manager.WebSocketManager" in bad.stdout
    good = subprocess.run([*RUFF, "check", "--no-cache", "--select", "TID251", "app/fine.py"], cwd=repo,
                          capture_output=True, text=True, check=False)
    assert good.returncode == 0, good.stdout
    # a deleted module is banned as a whole
    (repo / "app" / "old_module.py").write_text("from app.websocket_core import canonical_imports\n")
    gone = subprocess.run([*RUFF, "check", "--no-cache", "--select", "TID251", "app/old_module.py"], cwd=repo,
                          capture_output=True, text=True, check=False)
    assert gone.returncode == 1, gone.stdout
