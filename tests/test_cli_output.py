"""What the command line prints when its output is not a terminal: real patches, whole lines."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import git
from tests.stagehelp import fixture_repo


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


@pytest.mark.parametrize("command", ["audit", "check", "plan"])
def test_every_json_document_names_its_schema_and_kind(tmp_path, command):
    _, plan = fixture_repo(tmp_path, "websocket_app", "websocket_manager.toml")
    done = refactor(command, str(plan), "--json")
    assert done.returncode == (1 if command == "check" else 0), done.stderr
    document = json.loads(done.stdout)
    assert document["schema"] == 1 and document["kind"] == command
    if command == "check":
        assert document["ok"] is False and document["distinct"] == 11 and len(document["remove"]) == 10


def test_piped_tables_and_lines_are_never_wrapped(tmp_path):
    """A 200-character path comes out whole, on one line, in audit, plan and check."""
    repo, plan = fixture_repo(tmp_path, "websocket_app", "websocket_manager.toml")
    deep = "app/" + "/".join(["a_rather_long_folder_name_for_a_package"] * 5) + "/consumer_module.py"
    assert len(deep) > 200
    (repo / deep).parent.mkdir(parents=True)
    for folder in Path(deep).parents:
        if str(folder) not in (".", "app"):
            (repo / folder / "__init__.py").touch()
    (repo / deep).write_text("from app.websocket_core.canonical_import_patterns import EnhancedWebSocketManager\n\n"
                             "class DeepWebSocketManager(EnhancedWebSocketManager):\n    pass\n")
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "-m", "a deep consumer")
    module = deep.removesuffix(".py").replace("/", ".")
    stage = next(s["number"] for s in json.loads(refactor("plan", str(plan), "--json").stdout)["stages"]
                 if module in s["modules"])
    for command, whole in ((["audit"], deep), (["plan"], module.removeprefix("app.")),
                           (["plan", "--stage", str(stage)], deep), (["check"], module)):
        out = refactor(*command, str(plan)).stdout.decode()
        assert any(whole in line for line in out.splitlines()), (command, out)


@pytest.mark.slow
def test_demo_leaves_its_copy_on_main_and_no_temporary_folder(tmp_path):
    kept = refactor("demo", "--dir", str(tmp_path / "kept"))
    assert kept.returncode == 0, kept.stdout[-2000:]
    repo = tmp_path / "kept" / "websocket_app"
    assert git(repo, "symbolic-ref", "--short", "HEAD") == "main"
    assert git(repo, "status", "--porcelain") == ""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "FORCE_COLOR")}
    done = subprocess.run([sys.executable, "-m", "refactor", "demo"], capture_output=True, check=False,
                          env={**env, "NO_COLOR": "1", "TMPDIR": str(scratch)})
    assert done.returncode == 0, done.stdout[-2000:]
    assert list(scratch.iterdir()) == []


_COUNTED_NOUNS = ("site", "file", "stage", "test", "module", "definition", "member", "name", "branch", "line")


def test_counts_in_messages_agree_with_their_number():
    """A number printed before a plural noun ("1 sites", "1 site(s)") goes through `counted`: "1 site"."""
    import ast
    import re

    plural = re.compile(rf"^ ({'|'.join(_COUNTED_NOUNS)})e?s\b|^ ([a-z]+ ){{0,2}}[a-z]+\((e|ie)?s\)")
    found = []
    for path in sorted((Path(__file__).resolve().parents[1] / "refactor").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.JoinedStr):
                for value, after in zip(node.values, node.values[1:]):
                    if (isinstance(value, ast.FormattedValue) and isinstance(after, ast.Constant)
                            and isinstance(after.value, str) and plural.match(after.value)):
                        found.append(f"{path}:{node.lineno}: {{…}}{after.value[:20]}")
    assert not found, "\n".join(found)


@pytest.mark.slow
def test_a_failing_stage_leads_with_its_cause_in_a_few_whole_lines(tmp_path):
    """A hundred tests that pass on the base and fail after stage 1, in a file whose path is over 200
    characters: piped, the report is short, says what failed first, keeps each test id whole on its line,
    and names the file with the full list."""
    from refactor.planning.workspace import Workspace

    repo, plan = fixture_repo(tmp_path, "settings_app", "settings.toml")
    first = Workspace.open(plan, cache=False).schedule.stages[0]
    module, name = first.modules[0], first.definitions[0].name
    deep = "tests/" + "/".join(["a_rather_long_folder_name_for_tests"] * 5) + "/test_pinned_names.py"
    assert len(deep) > 200
    (repo / deep).parent.mkdir(parents=True)
    (repo / deep).write_text(
        "import importlib\n\nimport pytest\n\n\n@pytest.mark.parametrize('n', range(100))\n"
        f"def test_pinned(n):\n    assert hasattr(importlib.import_module({module!r}), {name!r})\n")
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "-m", "tests that pin the old name")
    done = refactor("apply", str(plan), "--stage", "1")
    out = done.stdout.decode()
    lines = out.splitlines()
    assert done.returncode == 1, out
    assert len(lines) <= 40, out
    failed = next(i for i, line in enumerate(lines) if line.startswith("✗ stage 1"))
    assert "nothing was committed" in lines[failed]
    pinned = [i for i, line in enumerate(lines) if "test_pinned[" in line]
    assert pinned and min(pinned) > failed, out
    assert any(f"{deep}::test_pinned[" in line for line in lines), out
    more = next(line for line in lines if "more lines: all" in line)
    listing = Path(more.rsplit(" in ", 1)[1])
    assert listing.is_file() and listing.read_text().count("test_pinned[") == 100


def test_a_terminal_gets_progress_and_a_coloured_table(tmp_path):
    """In a real pseudo-terminal: the progress display (its phases), colour, and the table's box lines."""
    import pty
    import select

    repo, plan = fixture_repo(tmp_path, "websocket_app", "websocket_manager.toml")
    primary, secondary = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "COLUMNS")}
    process = subprocess.Popen([sys.executable, "-m", "refactor", "plan", str(plan), "--no-cache"],
                               stdin=secondary, stdout=secondary, stderr=secondary, close_fds=True,
                               env={**env, "TERM": "xterm-256color", "COLUMNS": "160"})
    os.close(secondary)
    chunks = []
    while True:
        ready, _, _ = select.select([primary], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(primary, 65536)
        except OSError:   # the child closed its end
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(primary)
    assert process.wait(timeout=60) == 0
    out = b"".join(chunks).decode(errors="replace")
    assert "\x1b[" in out                              # colour and cursor control
    assert "┏" in out and "┃" in out                    # the table, drawn
    assert "ordering the stages" in out                 # a phase of the progress display
    assert "\x1b[?25l" in out                          # the live display hides the cursor while it runs
